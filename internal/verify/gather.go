package verify

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/arn"
	"github.com/aws/aws-sdk-go-v2/service/apigateway"
	apigwtypes "github.com/aws/aws-sdk-go-v2/service/apigateway/types"
	"github.com/aws/aws-sdk-go-v2/service/lambda"
	"github.com/aws/aws-sdk-go-v2/service/synthetics"
	syntypes "github.com/aws/aws-sdk-go-v2/service/synthetics/types"
	"github.com/aws/smithy-go"

	"github.com/quiltdata/quilt-private-endpoints/internal/fanout"
	"github.com/quiltdata/quilt-private-endpoints/internal/livestack"
	contract "github.com/quiltdata/quilt-private-endpoints/internal/preflightcontract"
	"github.com/quiltdata/quilt-private-endpoints/internal/preflightresource"
	"github.com/quiltdata/quilt-private-endpoints/internal/template"
	"github.com/quiltdata/quilt-private-endpoints/internal/transform"
)

// canaryRunsRead is how many recent runs are read per canary.
const canaryRunsRead = 10

// read names one read for QPE-VF-090: the resource and what was read.
type read struct{ resource, what string }

// gather reads the stack (internal/livestack), then every resource's live
// state: each read is a task of one bounded reader (internal/fanout), whose
// errors, panics included, become QPE-VF-090 findings in one place.
func gather(ctx context.Context, c Clients, in Input) (*state, error) {
	st := &state{in: in, now: in.Now(), physical: map[string]string{}}
	start := time.Now()

	// Round 1: the stack, its resources and its processed template.
	stack, err := livestack.Read(ctx, c.CloudFormation, in.Stack, livestack.Options{Parts: livestack.Processed | livestack.Resources, Limit: in.Concurrency})
	if err != nil {
		if errors.Is(err, livestack.ErrNotFound) || isStackMissing(err) {
			return nil, fmt.Errorf("%w: no stack named %q in %s (check --stack and --region): %w", ErrStackNotFound, in.Stack, in.Region, err)
		}
		return nil, fmt.Errorf("read stack %s: %w", in.Stack, err)
	}
	st.stackName, st.stackID = stack.Name, stack.ID
	st.stackStatus, st.statusWhy = stack.Status, stack.StatusReason
	st.params = stack.Resolved()
	if err := stack.Err(livestack.Resources); err != nil {
		st.fail(st.stackName, "the stack's resources (ListStackResources)", err)
	}
	switch err := stack.Err(livestack.Processed); {
	case errors.Is(err, livestack.ErrDecode):
		st.fail(st.stackName, "the stack's processed template (GetTemplate)", err)
	case err != nil:
		st.fail(st.stackName, "the stack's processed template (GetTemplate); expectations fall back to the stack parameters", err)
	}
	st.template = stack.Processed
	st.render = readRender(st.template)
	for _, r := range stack.Resources {
		st.physical[r.LogicalID] = r.PhysicalID
	}
	st.expectNetwork()
	in.progress("stack %s read in %s: %d resources", st.stackName, time.Since(start).Round(time.Millisecond), len(stack.Resources))

	// Round 2: every function, API and canary, and the network preflight.
	for _, r := range stack.Resources {
		rr := res{logical: r.LogicalID, physical: r.PhysicalID, status: r.Status, lastUpdated: r.LastUpdated}
		switch r.Type {
		case typeFunction:
			st.functions = append(st.functions, st.expectFunction(rr))
		case typeRestAPI:
			st.apis = append(st.apis, st.expectAPI(rr))
		case typeCanary:
			st.canaries = append(st.canaries, st.expectCanary(rr))
		case typeLB:
			if lb := st.expectLB(rr); lb.wantInternal {
				st.lbs = append(st.lbs, lb)
			}
		case typeService:
			st.services = append(st.services, st.expectService(rr))
		}
	}
	g := fanout.New[read](ctx, in.Concurrency)
	lambdaPace := newPacer(in.LambdaRate, int(max(1, in.LambdaRate)))
	for _, f := range st.functions {
		if f.physical == "" {
			st.fail(f.name(), "the function", fmt.Errorf("the stack has no physical id for it (status %s)", f.status))
			continue
		}
		g.GoAfter(read{f.name(), "the function's configuration (GetFunctionConfiguration)"}, lambdaPace.wait, func(ctx context.Context) error {
			out, err := c.Lambda.GetFunctionConfiguration(ctx, &lambda.GetFunctionConfigurationInput{FunctionName: aws.String(f.physical)})
			if err == nil {
				f.cfg = out
			}
			return err
		})
	}
	deployments := &deploymentReads{byAPI: map[*apiState]map[string]*apigwtypes.Deployment{}}
	for _, a := range st.apis {
		if a.physical == "" {
			st.fail(a.name(), "the REST API", fmt.Errorf("the stack has no physical id for it (status %s)", a.status))
			continue
		}
		st.readAPI(c, g, a, deployments)
	}
	for _, cn := range st.canaries {
		if cn.physical == "" {
			st.fail(cn.name(), "the canary", fmt.Errorf("the stack has no physical id for it (status %s)", cn.status))
			continue
		}
		st.readCanary(c, g, cn)
	}
	st.readLBs(c, g)
	st.readServices(c, g)
	if c.Network.EC2 != nil {
		g.Go(read{st.stackName, "the network preflight"}, func(ctx context.Context) error {
			st.network = runNetwork(ctx, c.Network, st)
			return nil
		})
	}
	for _, k := range g.Wait() {
		st.fail(k.resource, k.what, g.Err(k))
	}
	for a, byID := range deployments.byAPI {
		for i := range a.stages {
			a.stages[i].deployment = byID[aws.ToString(a.stages[i].stage.DeploymentId)]
		}
	}
	in.progress("%d functions, %d REST APIs, %d canaries, %d load balancers, %d ECS services read in %s",
		len(st.functions), len(st.apis), len(st.canaries), len(st.lbs), len(st.services), time.Since(start).Round(time.Millisecond))
	return st, nil
}

// deploymentReads are the deployments read for each REST API's stages.
type deploymentReads struct {
	mu    sync.Mutex
	byAPI map[*apiState]map[string]*apigwtypes.Deployment
}

// readAPI reads the REST API and its stages; the stages' task then reads
// each deployment they name once.
func (st *state) readAPI(c Clients, g *fanout.Group[read], a *apiState, d *deploymentReads) {
	g.Go(read{a.name(), "the REST API (GetRestApi)"}, func(ctx context.Context) error {
		out, err := c.APIGateway.GetRestApi(ctx, &apigateway.GetRestApiInput{RestApiId: aws.String(a.physical)})
		if err == nil {
			a.api = &apigwtypes.RestApi{
				Id: out.Id, Name: out.Name, CreatedDate: out.CreatedDate,
				EndpointConfiguration: out.EndpointConfiguration, Policy: out.Policy,
				DisableExecuteApiEndpoint: out.DisableExecuteApiEndpoint,
			}
		}
		return err
	})
	g.Go(read{a.name(), "the REST API's stages (GetStages)"}, func(ctx context.Context) error {
		out, err := c.APIGateway.GetStages(ctx, &apigateway.GetStagesInput{RestApiId: aws.String(a.physical)})
		if err != nil {
			return err
		}
		stages := out.Item
		slices.SortFunc(stages, func(x, y apigwtypes.Stage) int {
			return strings.Compare(aws.ToString(x.StageName), aws.ToString(y.StageName))
		})
		a.stages = make([]stageState, len(stages))
		byID := map[string]*apigwtypes.Deployment{}
		d.mu.Lock()
		d.byAPI[a] = byID
		d.mu.Unlock()
		seen := map[string]bool{}
		for i, sg := range stages {
			a.stages[i].stage = sg
			id := aws.ToString(sg.DeploymentId)
			if id == "" || seen[id] {
				continue
			}
			seen[id] = true
			g.Go(read{a.name(), fmt.Sprintf("deployment %s of stage %s (GetDeployment)", id, aws.ToString(sg.StageName))}, func(ctx context.Context) error {
				out, err := c.APIGateway.GetDeployment(ctx, &apigateway.GetDeploymentInput{RestApiId: aws.String(a.physical), DeploymentId: aws.String(id)})
				if err == nil {
					d.mu.Lock()
					byID[id] = &apigwtypes.Deployment{Id: out.Id, CreatedDate: out.CreatedDate, Description: out.Description}
					d.mu.Unlock()
				}
				return err
			})
		}
		return nil
	})
}

// readCanary reads the canary and its recent runs.
func (st *state) readCanary(c Clients, g *fanout.Group[read], cn *canaryState) {
	g.Go(read{cn.name(), "the canary (GetCanary)"}, func(ctx context.Context) error {
		out, err := c.Synthetics.GetCanary(ctx, &synthetics.GetCanaryInput{Name: aws.String(cn.physical)})
		if err == nil {
			cn.canary = out.Canary
		}
		return err
	})
	g.Go(read{cn.name(), "the canary's runs (GetCanaryRuns)"}, func(ctx context.Context) error {
		out, err := c.Synthetics.GetCanaryRuns(ctx, &synthetics.GetCanaryRunsInput{Name: aws.String(cn.physical), MaxResults: aws.Int32(canaryRunsRead)})
		if err == nil {
			cn.runs, cn.runsRead = newestFirst(out.CanaryRuns), true
		}
		return err
	})
}

// expectNetwork sets the stack's VPC, subnets and endpoint from the
// parameters (and Input.EndpointID).
func (st *state) expectNetwork() {
	// The preflight resource's input, read as the custom resource read it
	// at deploy time (one reader: preflightresource.FromTemplate), names
	// the VPC and subnets whatever parameters the settings use; without
	// one (PreflightMode none, no template), Quilt's own parameters do.
	// With the render's record, the parameters its settings name (a
	// literal setting is the parameter's default); without, Quilt's own.
	partition, region, account := arnParts(st.stackID)
	st.vpcParam, st.subnetsParam = paramVPC, paramSubnets
	set, recorded := st.render.settings, st.render.ok
	if recorded {
		st.vpcParam, st.subnetsParam = set.VpcParameter, set.SubnetsParameter
	}
	if p, found, err := preflightresource.FromTemplate(st.template, contract.Stack{Params: st.params,
		Partition: partition, Region: region, AccountID: account, StackName: st.stackName, StackID: st.stackID}); found && err == nil {
		st.preflight = &p
		st.vpcID, st.subnets, st.subnetsSrc = p.VpcID, p.SubnetIDs, "the preflight resource's "+contract.PropSubnetIDs
	} else {
		st.vpcID = st.params[st.vpcParam]
		st.subnets, st.subnetsSrc = template.SplitList(st.params[st.subnetsParam]), "stack parameter "+st.subnetsParam
		if recorded {
			st.subnetsSrc += " (the render's " + transform.SetSubnetsParameter + " setting)"
			if st.vpcID == "" {
				st.vpcID = set.VpcID
			}
			if len(st.subnets) == 0 && len(set.SubnetIDs) > 0 {
				st.subnets, st.subnetsSrc = set.SubnetIDs, "the render's "+transform.SetSubnetIDs+" setting"
			}
		}
	}
	if st.in.EndpointID != "" {
		st.endpointID, st.endpointSrc = st.in.EndpointID, "--api-endpoint"
		return
	}
	if recorded {
		if v := st.params[set.EndpointParameter]; v != "" {
			st.endpointID, st.endpointSrc = v, "stack parameter "+set.EndpointParameter+" (the render's "+transform.SetEndpointParameter+" setting)"
			return
		}
		if set.EndpointID != "" {
			st.endpointID, st.endpointSrc = set.EndpointID, "the render's "+transform.SetEndpointID+" setting"
			return
		}
	}
	for _, p := range endpointParams() {
		if v := st.params[p]; v != "" {
			st.endpointID, st.endpointSrc = v, "stack parameter "+p
			return
		}
	}
}

// expectFunction works out the VpcConfig the template asks for.
func (st *state) expectFunction(r res) *functionState {
	f := &functionState{res: r}
	props := st.properties(r.logical)
	vc, hasVC := props["VpcConfig"].(map[string]any)
	f.templateVPC = hasVC && !template.IsNoValue(props["VpcConfig"])
	if f.templateVPC {
		if subnets, ok := st.resolveList(vc["SubnetIds"]); ok {
			f.wantSubnets, f.subnetsFrom = subnets, "the processed template"
		}
		if groups, ok := st.resolveList(vc["SecurityGroupIds"]); ok {
			f.wantGroups = groups
		}
	}
	if f.wantSubnets == nil && len(st.subnets) > 0 {
		f.wantSubnets, f.subnetsFrom = st.subnets, st.subnetsSrc
	}
	return f
}

// expectCanary works out the subnets the template's VPCConfig asks for.
func (st *state) expectCanary(r res) *canaryState {
	cn := &canaryState{res: r}
	vc, ok := st.properties(r.logical)["VPCConfig"].(map[string]any)
	if ok && !template.IsNoValue(vc) {
		if subnets, ok := st.resolveList(vc["SubnetIds"]); ok && len(subnets) > 0 {
			cn.wantSubnets = subnets
		}
	}
	return cn
}

// expectAPI works out the VPC endpoint the template asks for.
func (st *state) expectAPI(r res) *apiState {
	a := &apiState{res: r, wantEndpoint: st.endpointID, wantFrom: st.endpointSrc}
	if st.in.EndpointID != "" {
		return a
	}
	ec, _ := st.properties(r.logical)["EndpointConfiguration"].(map[string]any)
	if ids, ok := st.resolveList(ec["VpcEndpointIds"]); ok && len(ids) == 1 {
		a.wantEndpoint, a.wantFrom = ids[0], "the processed template"
	}
	return a
}

// arnParts reads partition, Region and account from a stack ARN.
func arnParts(s string) (partition, region, account string) {
	a, err := arn.Parse(s)
	if err != nil {
		return "aws", "", ""
	}
	return a.Partition, a.Region, a.AccountID
}

// isStackMissing recognises CloudFormation's answer for a missing stack:
// ValidationError "Stack with id X does not exist".
func isStackMissing(err error) bool {
	if errors.Is(err, ErrStackNotFound) {
		return true
	}
	var ae smithy.APIError
	return errors.As(err, &ae) && ae.ErrorCode() == "ValidationError" && strings.Contains(ae.ErrorMessage(), "does not exist")
}

// newestFirst orders canary runs by start time, most recent first (runs
// without a time last), whatever order the API used.
func newestFirst(runs []syntypes.CanaryRun) []syntypes.CanaryRun {
	started := func(r syntypes.CanaryRun) time.Time {
		if r.Timeline == nil {
			return time.Time{}
		}
		return aws.ToTime(r.Timeline.Started)
	}
	out := slices.Clone(runs)
	slices.SortStableFunc(out, func(a, b syntypes.CanaryRun) int { return started(b).Compare(started(a)) })
	return out
}
