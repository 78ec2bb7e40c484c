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
	"github.com/aws/aws-sdk-go-v2/service/apigateway"
	apigwtypes "github.com/aws/aws-sdk-go-v2/service/apigateway/types"
	"github.com/aws/aws-sdk-go-v2/service/cloudformation"
	cfntypes "github.com/aws/aws-sdk-go-v2/service/cloudformation/types"
	"github.com/aws/aws-sdk-go-v2/service/lambda"
	"github.com/aws/aws-sdk-go-v2/service/synthetics"
	syntypes "github.com/aws/aws-sdk-go-v2/service/synthetics/types"
	"github.com/aws/smithy-go"

	"github.com/quiltdata/quilt-private-endpoints/internal/template"
)

// canaryRunsRead is how many recent runs are read per canary.
const canaryRunsRead = 10

// limiter bounds the AWS calls in flight.
type limiter chan struct{}

// do runs f holding a slot; it gives up when ctx ends first.
func (l limiter) do(ctx context.Context, f func() error) error {
	select {
	case l <- struct{}{}:
	case <-ctx.Done():
		return ctx.Err()
	}
	defer func() { <-l }()
	return f()
}

// gather reads the stack, then every resource's live state concurrently.
func gather(ctx context.Context, c Clients, in Input) (*state, error) {
	st := &state{in: in, now: in.Now(), physical: map[string]string{}}
	lim := make(limiter, in.Concurrency)
	start := time.Now()

	// Round 1: the stack, its resources and its processed template.
	var (
		wg        sync.WaitGroup
		stack     *cfntypes.Stack
		stackErr  error
		resources []cfntypes.StackResourceSummary
		listErr   error
		body      string
		tplErr    error
	)
	wg.Add(3)
	go func() {
		defer wg.Done()
		stackErr = lim.do(ctx, func() error {
			out, err := c.CloudFormation.DescribeStacks(ctx, &cloudformation.DescribeStacksInput{StackName: aws.String(in.Stack)})
			if err != nil {
				return err
			}
			if len(out.Stacks) == 0 {
				return fmt.Errorf("%w: %s", ErrStackNotFound, in.Stack)
			}
			stack = &out.Stacks[0]
			return nil
		})
	}()
	go func() {
		defer wg.Done()
		p := cloudformation.NewListStackResourcesPaginator(c.CloudFormation, &cloudformation.ListStackResourcesInput{StackName: aws.String(in.Stack)})
		for p.HasMorePages() && listErr == nil {
			listErr = lim.do(ctx, func() error {
				page, err := p.NextPage(ctx)
				if err == nil {
					resources = append(resources, page.StackResourceSummaries...)
				}
				return err
			})
		}
	}()
	go func() {
		defer wg.Done()
		tplErr = lim.do(ctx, func() error {
			out, err := c.CloudFormation.GetTemplate(ctx, &cloudformation.GetTemplateInput{StackName: aws.String(in.Stack), TemplateStage: cfntypes.TemplateStageProcessed})
			if err == nil {
				body = aws.ToString(out.TemplateBody)
			}
			return err
		})
	}()
	wg.Wait()
	if stackErr != nil {
		if isStackMissing(stackErr) {
			return nil, fmt.Errorf("%w: no stack named %q in %s (check --stack and --region): %w", ErrStackNotFound, in.Stack, in.Region, stackErr)
		}
		return nil, fmt.Errorf("read stack %s: %w", in.Stack, stackErr)
	}
	st.stackName = aws.ToString(stack.StackName)
	st.stackID = aws.ToString(stack.StackId)
	st.stackStatus = string(stack.StackStatus)
	st.statusWhy = aws.ToString(stack.StackStatusReason)
	st.params = map[string]string{}
	for _, p := range stack.Parameters {
		v := aws.ToString(p.ParameterValue)
		if p.ResolvedValue != nil {
			v = aws.ToString(p.ResolvedValue)
		}
		st.params[aws.ToString(p.ParameterKey)] = v
	}
	if listErr != nil {
		st.fail(st.stackName, "the stack's resources (ListStackResources)", listErr)
	}
	if tplErr != nil {
		st.fail(st.stackName, "the stack's processed template (GetTemplate); expectations fall back to the stack parameters", tplErr)
	} else if body != "" {
		doc, err := template.Decode([]byte(body))
		if err != nil {
			st.fail(st.stackName, "the stack's processed template (GetTemplate)", fmt.Errorf("cannot decode it: %w", err))
		}
		st.template = doc
	}
	for _, r := range resources {
		st.physical[aws.ToString(r.LogicalResourceId)] = aws.ToString(r.PhysicalResourceId)
	}
	st.expectNetwork()
	in.progress("stack %s read in %s: %d resources", st.stackName, time.Since(start).Round(time.Millisecond), len(resources))

	// Round 2: every function, API and canary, and the network preflight.
	for _, r := range resources {
		rr := res{
			logical:     aws.ToString(r.LogicalResourceId),
			physical:    aws.ToString(r.PhysicalResourceId),
			status:      string(r.ResourceStatus),
			lastUpdated: aws.ToTime(r.LastUpdatedTimestamp),
		}
		switch aws.ToString(r.ResourceType) {
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
	lambdaPace := newPacer(in.LambdaRate, int(max(1, in.LambdaRate)))
	for _, f := range st.functions {
		if f.physical == "" {
			st.fail(f.name(), "the function", fmt.Errorf("the stack has no physical id for it (status %s)", f.status))
			continue
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			err := lambdaPace.wait(ctx)
			if err == nil {
				err = lim.do(ctx, func() error {
					out, err := c.Lambda.GetFunctionConfiguration(ctx, &lambda.GetFunctionConfigurationInput{FunctionName: aws.String(f.physical)})
					f.cfg = out
					return err
				})
			}
			if err != nil {
				f.cfg = nil
				st.fail(f.name(), "the function's configuration (GetFunctionConfiguration)", err)
			}
		}()
	}
	for _, a := range st.apis {
		if a.physical == "" {
			st.fail(a.name(), "the REST API", fmt.Errorf("the stack has no physical id for it (status %s)", a.status))
			continue
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			st.readAPI(ctx, c, lim, a)
		}()
	}
	for _, cn := range st.canaries {
		if cn.physical == "" {
			st.fail(cn.name(), "the canary", fmt.Errorf("the stack has no physical id for it (status %s)", cn.status))
			continue
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			st.readCanary(ctx, c, lim, cn)
		}()
	}
	wg.Add(2)
	go func() {
		defer wg.Done()
		st.readLBs(ctx, c, lim)
	}()
	go func() {
		defer wg.Done()
		st.readServices(ctx, c, lim)
	}()
	if c.Network.EC2 != nil {
		wg.Add(1)
		go func() {
			defer wg.Done()
			st.network = runNetwork(ctx, c.Network, st)
		}()
	}
	wg.Wait()
	in.progress("%d functions, %d REST APIs, %d canaries, %d load balancers, %d ECS services read in %s",
		len(st.functions), len(st.apis), len(st.canaries), len(st.lbs), len(st.services), time.Since(start).Round(time.Millisecond))
	return st, nil
}

func (st *state) readAPI(ctx context.Context, c Clients, lim limiter, a *apiState) {
	var wg sync.WaitGroup
	var stages []apigwtypes.Stage
	wg.Add(2)
	go func() {
		defer wg.Done()
		err := lim.do(ctx, func() error {
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
		if err != nil {
			st.fail(a.name(), "the REST API (GetRestApi)", err)
		}
	}()
	go func() {
		defer wg.Done()
		err := lim.do(ctx, func() error {
			out, err := c.APIGateway.GetStages(ctx, &apigateway.GetStagesInput{RestApiId: aws.String(a.physical)})
			if err == nil {
				stages = out.Item
			}
			return err
		})
		if err != nil {
			st.fail(a.name(), "the REST API's stages (GetStages)", err)
		}
	}()
	wg.Wait()
	slices.SortFunc(stages, func(x, y apigwtypes.Stage) int {
		return strings.Compare(aws.ToString(x.StageName), aws.ToString(y.StageName))
	})
	a.stages = make([]stageState, len(stages))
	deployments := map[string]*apigwtypes.Deployment{}
	var mu sync.Mutex
	for i, sg := range stages {
		a.stages[i].stage = sg
		id := aws.ToString(sg.DeploymentId)
		if id == "" {
			continue
		}
		mu.Lock()
		_, seen := deployments[id]
		deployments[id] = nil
		mu.Unlock()
		if seen {
			continue
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			err := lim.do(ctx, func() error {
				out, err := c.APIGateway.GetDeployment(ctx, &apigateway.GetDeploymentInput{RestApiId: aws.String(a.physical), DeploymentId: aws.String(id)})
				if err == nil {
					mu.Lock()
					deployments[id] = &apigwtypes.Deployment{Id: out.Id, CreatedDate: out.CreatedDate, Description: out.Description}
					mu.Unlock()
				}
				return err
			})
			if err != nil {
				st.fail(a.name(), fmt.Sprintf("deployment %s of stage %s (GetDeployment)", id, aws.ToString(sg.StageName)), err)
			}
		}()
	}
	wg.Wait()
	for i := range a.stages {
		a.stages[i].deployment = deployments[aws.ToString(a.stages[i].stage.DeploymentId)]
	}
}

func (st *state) readCanary(ctx context.Context, c Clients, lim limiter, cn *canaryState) {
	var wg sync.WaitGroup
	wg.Add(2)
	go func() {
		defer wg.Done()
		err := lim.do(ctx, func() error {
			out, err := c.Synthetics.GetCanary(ctx, &synthetics.GetCanaryInput{Name: aws.String(cn.physical)})
			if err == nil {
				cn.canary = out.Canary
			}
			return err
		})
		if err != nil {
			st.fail(cn.name(), "the canary (GetCanary)", err)
		}
	}()
	go func() {
		defer wg.Done()
		err := lim.do(ctx, func() error {
			out, err := c.Synthetics.GetCanaryRuns(ctx, &synthetics.GetCanaryRunsInput{Name: aws.String(cn.physical), MaxResults: aws.Int32(canaryRunsRead)})
			if err == nil {
				cn.runs, cn.runsRead = newestFirst(out.CanaryRuns), true
			}
			return err
		})
		if err != nil {
			cn.runs, cn.runsRead = nil, false
			st.fail(cn.name(), "the canary's runs (GetCanaryRuns)", err)
		}
	}()
	wg.Wait()
}

// expectNetwork sets the stack's VPC, subnets and endpoint from the
// parameters (and Input.EndpointID).
func (st *state) expectNetwork() {
	st.vpcID = st.params[paramVPC]
	st.subnets = template.SplitList(st.params[paramSubnets])
	if st.in.EndpointID != "" {
		st.endpointID, st.endpointSrc = st.in.EndpointID, "--api-endpoint"
		return
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
		f.wantSubnets, f.subnetsFrom = st.subnets, "stack parameter "+paramSubnets
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
