package verify

import (
	"context"
	"encoding/json"
	"errors"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/retry"
	apigwtypes "github.com/aws/aws-sdk-go-v2/service/apigateway/types"
	ecstypes "github.com/aws/aws-sdk-go-v2/service/ecs/types"
	elbtypes "github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2/types"
	"github.com/aws/aws-sdk-go-v2/service/lambda"
	lambdatypes "github.com/aws/aws-sdk-go-v2/service/lambda/types"
	syntypes "github.com/aws/aws-sdk-go-v2/service/synthetics/types"

	"github.com/quiltdata/quilt-private-endpoints/internal/awsfake"
	"github.com/quiltdata/quilt-private-endpoints/internal/fakeworld"
	"github.com/quiltdata/quilt-private-endpoints/internal/finding"
	"github.com/quiltdata/quilt-private-endpoints/internal/preflight"
	"github.com/quiltdata/quilt-private-endpoints/internal/stackfake"
)

// testNow is the clock of every scenario (canary freshness).
var testNow = time.Date(2026, 11, 28, 18, 0, 0, 0, time.UTC)

// extras are the keys of a scenario file that the test reads itself: what
// it expects, and the VPC world of the EC2 double.
type extras struct {
	Expect struct {
		OK bool `yaml:"ok"`
		// IDs are the ids of the error and warning findings, Info those of
		// the info findings.
		IDs  []string `yaml:"ids"`
		Info []string `yaml:"info"`
		// Mentions must each appear in some finding's resource, message
		// or remedy.
		Mentions []string `yaml:"mentions"`
	} `yaml:"expect"`
	Network *awsfake.World `yaml:"network"`
}

// scenarioPath is testdata/<name>, with .yaml added when name has no
// extension.
func scenarioPath(name string) string {
	if filepath.Ext(name) == "" {
		name += ".yaml"
	}
	return filepath.Join("testdata", name)
}

func loadExtras(t *testing.T, name string) extras {
	t.Helper()
	var x extras
	if err := fakeworld.Load(scenarioPath(name), &x); err != nil {
		t.Fatal(err)
	}
	return x
}

// doubles are the two wire-level doubles of a scenario.
type doubles struct {
	stack *stackfake.Server
	ec2   *awsfake.Server
}

// startScenario serves testdata/<name>.yaml (the stack with stackfake, its
// network world with awsfake) and returns clients that talk to them
// through the real SDK.
func startScenario(t *testing.T, name string) (doubles, Clients) {
	t.Helper()
	scn, err := stackfake.Load(scenarioPath(name))
	if err != nil {
		t.Fatal(err)
	}
	d := doubles{stack: stackfake.Start(scn)}
	t.Cleanup(d.stack.Close)
	cfg := aws.Config{
		Region:       scn.Region,
		Credentials:  aws.AnonymousCredentials{},
		BaseEndpoint: aws.String(d.stack.URL()),
		Retryer: func() aws.Retryer {
			return retry.NewStandard(func(o *retry.StandardOptions) { o.MaxBackoff = 20 * time.Millisecond })
		},
	}
	c := NewClients(cfg)
	c.Network = preflight.Clients{}
	if world := loadExtras(t, name).Network; world != nil {
		d.ec2 = awsfake.Start(t, world)
		c.Network = preflight.NewClients(d.ec2.Config())
	}
	return d, c
}

func run(t *testing.T, c Clients, in Input) finding.Report {
	t.Helper()
	if in.Stack == "" {
		in.Stack = "quilt"
	}
	in.Region = "us-east-1"
	in.Now = func() time.Time { return testNow }
	rep, err := Run(context.Background(), c, in)
	if err != nil {
		t.Fatal(err)
	}
	return rep
}

// ids lists the distinct ids of the error and warning findings.
func ids(r finding.Report) []string {
	return idsOf(r, finding.Error, finding.Warning)
}

// idsOf lists the distinct ids of the findings of the given severities.
func idsOf(r finding.Report, sev ...finding.Severity) []string {
	var out []string
	for _, f := range r.Findings {
		if slices.Contains(sev, f.Severity) && !slices.Contains(out, f.ID) {
			out = append(out, f.ID)
		}
	}
	slices.Sort(out)
	return out
}

func TestScenarios(t *testing.T) {
	files, err := filepath.Glob("testdata/*.yaml")
	jsonFiles, _ := filepath.Glob("testdata/*.json")
	files = append(files, jsonFiles...)
	if err != nil || len(files) < 6 || len(jsonFiles) == 0 {
		t.Fatalf("scenarios: %v %v", files, err)
	}
	for _, file := range files {
		name := filepath.Base(file)
		t.Run(strings.TrimSuffix(name, filepath.Ext(name)), func(t *testing.T) {
			want := loadExtras(t, name)
			_, c := startScenario(t, name)
			rep := run(t, c, Input{})
			got := ids(rep)
			wantIDs := slices.Clone(want.Expect.IDs)
			slices.Sort(wantIDs)
			if !slices.Equal(got, wantIDs) || rep.OK != want.Expect.OK {
				t.Errorf("ids = %v ok=%v, want %v ok=%v", got, rep.OK, wantIDs, want.Expect.OK)
			}
			wantInfo := slices.Clone(want.Expect.Info)
			slices.Sort(wantInfo)
			if got := idsOf(rep, finding.Info); !slices.Equal(got, wantInfo) {
				t.Errorf("info ids = %v, want %v", got, wantInfo)
			}
			for _, m := range want.Expect.Mentions {
				if !slices.ContainsFunc(rep.Findings, func(f finding.Finding) bool {
					return strings.Contains(f.Resource+" "+f.Message+" "+f.Remedy, m)
				}) {
					t.Errorf("no finding mentions %q", m)
				}
			}
			for _, f := range rep.Findings {
				t.Logf("%s %s %s: %s | %s", f.Severity, f.ID, f.Resource, f.Message, f.Remedy)
				if f.Resource == "" || f.Message == "" || f.Remedy == "" {
					t.Errorf("incomplete finding %+v", f)
				}
			}
		})
	}
}

func TestStackNotFound(t *testing.T) {
	_, c := startScenario(t, "healthy")
	_, err := Run(context.Background(), c, Input{Stack: "nope", Region: "us-east-1"})
	if !errors.Is(err, ErrStackNotFound) || !strings.Contains(err.Error(), `"nope"`) {
		t.Fatalf("err = %v", err)
	}
}

func TestStackUnreadable(t *testing.T) {
	scn := quiltSized(1, 0, 0)
	scn.Faults = []stackfake.Fault{{Service: "cloudformation", Operation: "DescribeStacks", Status: 403, Code: "AccessDenied", Message: "not authorized to perform: cloudformation:DescribeStacks"}}
	srv := stackfake.Start(scn)
	t.Cleanup(srv.Close)
	_, err := Run(context.Background(), clientsFor(srv), Input{Stack: "quilt", Region: "us-east-1"})
	if err == nil || errors.Is(err, ErrStackNotFound) || !strings.Contains(err.Error(), "cloudformation:DescribeStacks") {
		t.Fatalf("err = %v", err)
	}
}

func TestStackStatus(t *testing.T) {
	for status, want := range map[string]finding.Severity{
		"CREATE_COMPLETE": "", "UPDATE_COMPLETE": "", "IMPORT_COMPLETE": "",
		"UPDATE_IN_PROGRESS": finding.Warning, "UPDATE_COMPLETE_CLEANUP_IN_PROGRESS": finding.Warning, "REVIEW_IN_PROGRESS": finding.Warning,
		"UPDATE_ROLLBACK_IN_PROGRESS": finding.Error, "UPDATE_ROLLBACK_COMPLETE": finding.Error, "ROLLBACK_COMPLETE": finding.Error,
		"UPDATE_FAILED": finding.Error, "UPDATE_ROLLBACK_FAILED": finding.Error,
	} {
		fs := checkStackStatus().Run(&state{stackName: "quilt", stackStatus: status})
		got := finding.Severity("")
		if len(fs) == 1 {
			got = fs[0].Severity
		}
		if got != want || len(fs) > 1 {
			t.Errorf("%s: %v, want severity %q", status, fs, want)
		}
	}
}

// TestChecksSurviveEmptyAnswers feeds every check answers with every
// optional field missing: no panic, and the findings stay well formed.
func TestChecksSurviveEmptyAnswers(t *testing.T) {
	r := res{logical: "X", physical: "x"}
	st := &state{
		stackName: "quilt", stackStatus: "UPDATE_COMPLETE", now: testNow, vpcID: "vpc-1", subnets: []string{"subnet-1"},
		functions: []*functionState{{res: r, cfg: &lambda.GetFunctionConfigurationOutput{}, wantSubnets: []string{"subnet-1"}, wantGroups: []string{"sg-1"}},
			{res: r, cfg: &lambda.GetFunctionConfigurationOutput{VpcConfig: &lambdatypes.VpcConfigResponse{SubnetIds: []string{"subnet-2"}}}, wantSubnets: []string{"subnet-1"}, wantGroups: []string{"sg-1"}}},
		apis:     []*apiState{{res: r, api: &apigwtypes.RestApi{}, stages: []stageState{{}}, wantEndpoint: "vpce-1"}, {res: r, api: &apigwtypes.RestApi{Policy: aws.String("{not json")}, stages: []stageState{}}},
		canaries: []*canaryState{{res: r, canary: &syntypes.Canary{}, runs: []syntypes.CanaryRun{{}, {Status: &syntypes.CanaryRunStatus{State: syntypes.CanaryRunStateFailed}}}, runsRead: true, wantSubnets: []string{"subnet-1"}}},
		lbs:      []*lbState{{res: r, lb: &elbtypes.LoadBalancer{}, wantInternal: true}},
		services: []*serviceState{{res: r, svc: &ecstypes.Service{}}, {res: r, svc: &ecstypes.Service{NetworkConfiguration: &ecstypes.NetworkConfiguration{
			AwsvpcConfiguration: &ecstypes.AwsVpcConfiguration{AssignPublicIp: ecstypes.AssignPublicIpEnabled}}}}},
	}
	for _, c := range Catalogue() {
		for _, f := range c.Run(st) {
			if f.ID != c.ID || f.Resource == "" || f.Message == "" || f.Remedy == "" {
				t.Errorf("malformed finding %+v", f)
			}
		}
	}
}

func TestEndpointOverride(t *testing.T) {
	_, c := startScenario(t, "healthy")
	rep := run(t, c, Input{EndpointID: "vpce-0cccccccccccccccc"})
	if got, want := ids(rep), []string{"QPE-EP-001", "QPE-VF-021", "QPE-VF-022"}; !slices.Equal(got, want) {
		t.Fatalf("ids = %v, want %v: %+v", got, want, rep.Findings)
	}
	if !slices.ContainsFunc(rep.Findings, func(f finding.Finding) bool { return strings.Contains(f.Message, "(from --api-endpoint)") }) {
		t.Errorf("no finding says where the endpoint came from: %+v", rep.Findings)
	}
}

// TestNetworkFromPreflightResource: the network preflight takes its VPC and
// subnets from the preflight resource of the processed template (read as
// the custom resource reads it), so a stack whose settings name its VPC
// parameter NetworkVpc is checked too. Before the one preflight-input
// reader verify read the parameters VPC and Subnets by name: QPE-VF-002
// and no network check (QPE-S3-001 missed).
func TestNetworkFromPreflightResource(t *testing.T) {
	const name = "no-s3-gateway.yaml"
	scn, err := stackfake.Load(scenarioPath(name))
	if err != nil {
		t.Fatal(err)
	}
	rename := func(v any) any {
		b, err := json.Marshal(v)
		if err != nil {
			t.Fatal(err)
		}
		var out any
		if err := json.Unmarshal([]byte(strings.ReplaceAll(string(b), `"VPC"`, `"NetworkVpc"`)), &out); err != nil {
			t.Fatal(err)
		}
		return out
	}
	tmpl, _ := rename(scn.Stack.Template).(map[string]any)
	tmpl["Resources"].(map[string]any)["QuiltPrivateEndpointsPreflight"] = map[string]any{
		"Type": "Custom::QuiltPrivateEndpoints",
		"Properties": map[string]any{
			"ServiceToken": map[string]any{"Fn::Sub": "arn:${AWS::Partition}:lambda:${AWS::Region}:${AWS::AccountId}:function:preflight"},
			"Mode":         "validate", "VpcId": map[string]any{"Ref": "NetworkVpc"}, "SubnetIds": map[string]any{"Ref": "Subnets"},
			"ApiGatewayVPCEndpointId": map[string]any{"Ref": "ApiGatewayVPCEndpoint"},
		},
	}
	scn.Stack.Template = tmpl
	scn.Stack.Parameters["NetworkVpc"] = scn.Stack.Parameters["VPC"]
	delete(scn.Stack.Parameters, "VPC")

	d := doubles{stack: stackfake.Start(scn)}
	t.Cleanup(d.stack.Close)
	c := NewClients(aws.Config{Region: scn.Region, Credentials: aws.AnonymousCredentials{}, BaseEndpoint: aws.String(d.stack.URL())})
	d.ec2 = awsfake.Start(t, loadExtras(t, name).Network)
	c.Network = preflight.NewClients(d.ec2.Config())
	rep := run(t, c, Input{})
	if got := ids(rep); !slices.Contains(got, "QPE-S3-001") || slices.Contains(got, "QPE-VF-002") {
		t.Errorf("ids %v: want the network preflight's QPE-S3-001 and no QPE-VF-002", got)
	}
}
