package stackfake

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/apigateway"
	"github.com/aws/aws-sdk-go-v2/service/cloudformation"
	cfntypes "github.com/aws/aws-sdk-go-v2/service/cloudformation/types"
	"github.com/aws/aws-sdk-go-v2/service/lambda"
	lambdatypes "github.com/aws/aws-sdk-go-v2/service/lambda/types"
	"github.com/aws/aws-sdk-go-v2/service/synthetics"
	syntypes "github.com/aws/aws-sdk-go-v2/service/synthetics/types"
	"github.com/aws/smithy-go"
)

const scenarioYAML = `
region: eu-west-1
pageSize: 2
stack:
  name: quilt
  created: 2026-01-01T00:00:00Z
  lastUpdated: 2026-02-01T10:00:00Z
  parameters: {VPC: vpc-0123456789abcdef0, Subnets: "subnet-a,subnet-b"}
  outputs: {CatalogUrl: https://quilt.example.com}
  template:
    Resources:
      Fn: {Type: AWS::Lambda::Function, Properties: {VpcConfig: {SubnetIds: {Ref: Subnets}}}}
  resources:
    - {logicalId: Fn, type: AWS::Lambda::Function, physicalId: quilt-Fn, lastUpdated: 2026-02-01T10:00:01Z}
    - {logicalId: Api, type: AWS::ApiGateway::RestApi, physicalId: abc123, lastUpdated: 2026-02-01T10:00:02.5Z}
    - {logicalId: Canary, type: AWS::Synthetics::Canary, physicalId: quilt-canary}
functions:
  quilt-Fn:
    state: Failed
    stateReason: "The provided execution role does not have permissions to call CreateNetworkInterface on EC2"
    stateReasonCode: InsufficientRolePermissions
    vpcConfig: {vpcId: vpc-0123456789abcdef0, subnetIds: [subnet-a], securityGroupIds: [sg-1]}
restApis:
  abc123:
    name: quilt-api
    created: 2026-01-01T00:00:00Z
    endpointTypes: [PRIVATE]
    vpcEndpointIds: [vpce-0123456789abcdef0]
    policy:
      Version: "2012-10-17"
      Statement:
        - {Effect: Deny, Principal: "*", Action: execute-api:Invoke, Resource: "arn:aws:execute-api:eu-west-1:123456789012:abc123/*", Condition: {StringNotEquals: {aws:sourceVpce: vpce-0123456789abcdef0}}}
    stages: [{name: prod, deploymentId: d1, created: 2026-01-01T00:00:00Z, lastUpdated: 2026-02-01T10:00:05Z}]
    deployments: {d1: {created: 2026-02-01T10:00:04Z}}
canaries:
  quilt-canary:
    runs:
      - {id: r2, status: FAILED, stateReason: "Navigation timed out", started: 2026-02-01T11:00:00Z, completed: 2026-02-01T11:00:30Z}
      - {id: r1, status: PASSED, started: 2026-02-01T10:55:00Z, completed: 2026-02-01T10:55:20Z}
faults:
  - {service: lambda, operation: GetFunctionConfiguration, target: flaky, status: 500, times: 2}
`

func start(t *testing.T, doc string) *Server {
	t.Helper()
	scn, err := Parse([]byte(doc))
	if err != nil {
		t.Fatal(err)
	}
	s := Start(scn)
	t.Cleanup(s.Close)
	return s
}

func cfg(s *Server) aws.Config {
	return aws.Config{
		Region:           "eu-west-1",
		Credentials:      aws.AnonymousCredentials{},
		BaseEndpoint:     aws.String(s.URL()),
		RetryMaxAttempts: 3,
	}
}

func TestCloudFormation(t *testing.T) {
	s := start(t, scenarioYAML)
	ctx := context.Background()
	c := cloudformation.NewFromConfig(cfg(s))
	out, err := c.DescribeStacks(ctx, &cloudformation.DescribeStacksInput{StackName: aws.String("quilt")})
	if err != nil {
		t.Fatal(err)
	}
	st := out.Stacks[0]
	if aws.ToString(st.StackName) != "quilt" || st.StackStatus != cfntypes.StackStatusUpdateComplete || len(st.Parameters) != 2 || len(st.Outputs) != 1 {
		t.Fatalf("stack: %+v", st)
	}
	if !st.LastUpdatedTime.Equal(time.Date(2026, 2, 1, 10, 0, 0, 0, time.UTC)) {
		t.Errorf("LastUpdatedTime %v", st.LastUpdatedTime)
	}
	var got []cfntypes.StackResourceSummary
	p := cloudformation.NewListStackResourcesPaginator(c, &cloudformation.ListStackResourcesInput{StackName: aws.String("quilt")})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			t.Fatal(err)
		}
		got = append(got, page.StackResourceSummaries...)
	}
	if len(got) != 3 || aws.ToString(got[1].PhysicalResourceId) != "abc123" {
		t.Fatalf("resources: %+v", got)
	}
	if want := time.Date(2026, 2, 1, 10, 0, 2, 500e6, time.UTC); !got[1].LastUpdatedTimestamp.Equal(want) {
		t.Errorf("LastUpdatedTimestamp %v, want %v", got[1].LastUpdatedTimestamp, want)
	}
	if n := s.Calls()["cloudformation:ListStackResources"]; n != 2 {
		t.Errorf("pages = %d, want 2", n)
	}
	tpl, err := c.GetTemplate(ctx, &cloudformation.GetTemplateInput{StackName: aws.String("quilt"), TemplateStage: cfntypes.TemplateStageProcessed})
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(aws.ToString(tpl.TemplateBody), `{"Ref":"Subnets"}`) {
		t.Errorf("template body %s", aws.ToString(tpl.TemplateBody))
	}
	_, err = c.DescribeStacks(ctx, &cloudformation.DescribeStacksInput{StackName: aws.String("nope")})
	var ae smithy.APIError
	if !errors.As(err, &ae) || ae.ErrorCode() != "ValidationError" || !strings.Contains(ae.ErrorMessage(), "nope does not exist") {
		t.Fatalf("missing stack error = %v", err)
	}
}

func TestLambda(t *testing.T) {
	s := start(t, scenarioYAML)
	ctx := context.Background()
	c := lambda.NewFromConfig(cfg(s))
	out, err := c.GetFunctionConfiguration(ctx, &lambda.GetFunctionConfigurationInput{FunctionName: aws.String("arn:aws:lambda:eu-west-1:123456789012:function:quilt-Fn")})
	if err != nil {
		t.Fatal(err)
	}
	if out.State != lambdatypes.StateFailed || out.StateReasonCode != lambdatypes.StateReasonCodeInsufficientRolePermissions || out.VpcConfig == nil || out.VpcConfig.SubnetIds[0] != "subnet-a" {
		t.Fatalf("config: %+v", out)
	}
	_, err = c.GetFunctionConfiguration(ctx, &lambda.GetFunctionConfigurationInput{FunctionName: aws.String("gone")})
	var nf *lambdatypes.ResourceNotFoundException
	if !errors.As(err, &nf) {
		t.Fatalf("want ResourceNotFoundException, got %v", err)
	}
	// Two injected 500s, then the third attempt of the SDK's retryer works...
	// but flaky is not in the scenario, so it ends in a 404 after 3 calls.
	_, err = c.GetFunctionConfiguration(ctx, &lambda.GetFunctionConfigurationInput{FunctionName: aws.String("flaky")})
	if !errors.As(err, &nf) || s.Calls()["lambda:GetFunctionConfiguration"] != 5 {
		t.Fatalf("retries: err %v calls %v", err, s.Calls())
	}
}

func TestAPIGateway(t *testing.T) {
	s := start(t, scenarioYAML)
	ctx := context.Background()
	c := apigateway.NewFromConfig(cfg(s))
	api, err := c.GetRestApi(ctx, &apigateway.GetRestApiInput{RestApiId: aws.String("abc123")})
	if err != nil {
		t.Fatal(err)
	}
	if api.EndpointConfiguration == nil || string(api.EndpointConfiguration.Types[0]) != "PRIVATE" || api.EndpointConfiguration.VpcEndpointIds[0] != "vpce-0123456789abcdef0" {
		t.Fatalf("endpoint configuration: %+v", api.EndpointConfiguration)
	}
	// API Gateway escapes the policy once more than JSON needs.
	if p := aws.ToString(api.Policy); !strings.HasPrefix(p, `{\"Version\":\"2012-10-17\"`) || !strings.Contains(p, `abc123\/*`) {
		t.Fatalf("policy %s", p)
	}
	if !api.CreatedDate.Equal(time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)) {
		t.Errorf("createdDate %v", api.CreatedDate)
	}
	stages, err := c.GetStages(ctx, &apigateway.GetStagesInput{RestApiId: aws.String("abc123")})
	if err != nil || len(stages.Item) != 1 || aws.ToString(stages.Item[0].DeploymentId) != "d1" {
		t.Fatalf("stages %+v %v", stages, err)
	}
	d, err := c.GetDeployment(ctx, &apigateway.GetDeploymentInput{RestApiId: aws.String("abc123"), DeploymentId: aws.String("d1")})
	if err != nil || !d.CreatedDate.Equal(time.Date(2026, 2, 1, 10, 0, 4, 0, time.UTC)) {
		t.Fatalf("deployment %+v %v", d, err)
	}
	_, err = c.GetRestApi(ctx, &apigateway.GetRestApiInput{RestApiId: aws.String("zzz")})
	var ae smithy.APIError
	if !errors.As(err, &ae) || ae.ErrorCode() != "NotFoundException" {
		t.Fatalf("want NotFoundException, got %v", err)
	}
}

func TestSynthetics(t *testing.T) {
	s := start(t, scenarioYAML)
	ctx := context.Background()
	c := synthetics.NewFromConfig(cfg(s))
	runs, err := c.GetCanaryRuns(ctx, &synthetics.GetCanaryRunsInput{Name: aws.String("quilt-canary"), MaxResults: aws.Int32(1)})
	if err != nil {
		t.Fatal(err)
	}
	if len(runs.CanaryRuns) != 1 || runs.CanaryRuns[0].Status.State != syntypes.CanaryRunStateFailed || aws.ToString(runs.NextToken) == "" {
		t.Fatalf("runs %+v", runs)
	}
	if !runs.CanaryRuns[0].Timeline.Started.Equal(time.Date(2026, 2, 1, 11, 0, 0, 0, time.UTC)) {
		t.Errorf("started %v", runs.CanaryRuns[0].Timeline.Started)
	}
	cn, err := c.GetCanary(ctx, &synthetics.GetCanaryInput{Name: aws.String("quilt-canary")})
	if err != nil || cn.Canary.Status.State != syntypes.CanaryStateRunning {
		t.Fatalf("canary %+v %v", cn, err)
	}
	_, err = c.GetCanaryRuns(ctx, &synthetics.GetCanaryRunsInput{Name: aws.String("gone")})
	var nf *syntypes.ResourceNotFoundException
	if !errors.As(err, &nf) {
		t.Fatalf("want ResourceNotFoundException, got %v", err)
	}
}

func TestLoadBase(t *testing.T) {
	dir := t.TempDir()
	write := func(name, body string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	write("base.yaml", scenarioYAML)
	over := write("over.json", `{"base": "base.yaml", "stack": {"status": "UPDATE_ROLLBACK_COMPLETE", "parameters": {"Subnets": null}},
		"functions": {"quilt-Fn": {"state": "Active", "vpcConfig": null}}, "faults": []}`)
	scn, err := Load(over)
	if err != nil {
		t.Fatal(err)
	}
	if scn.Region != "eu-west-1" || scn.Stack.Status != "UPDATE_ROLLBACK_COMPLETE" || len(scn.Stack.Resources) != 3 {
		t.Errorf("base not kept or not overridden: %+v", scn.Stack)
	}
	if _, ok := scn.Stack.Parameters["Subnets"]; ok || scn.Stack.Parameters["VPC"] == "" {
		t.Errorf("null did not remove only Subnets: %v", scn.Stack.Parameters)
	}
	if f := scn.Functions["quilt-Fn"]; f.State != "Active" || f.VpcConfig != nil || f.StateReasonCode != "InsufficientRolePermissions" {
		t.Errorf("function merge: %+v", f)
	}
	if len(scn.Faults) != 0 || !scn.Stack.LastUpdated.Equal(time.Date(2026, 2, 1, 10, 0, 0, 0, time.UTC)) {
		t.Errorf("faults %v, lastUpdated %v", scn.Faults, scn.Stack.LastUpdated)
	}
	if _, err := Load(write("loop.yaml", "base: loop.yaml\n")); err == nil || !strings.Contains(err.Error(), "too deep") {
		t.Errorf("a base loop: %v", err)
	}
	if _, err := Load(write("nostack.yaml", "region: us-east-1\n")); err == nil || !strings.Contains(err.Error(), "stack.name is required") {
		t.Errorf("no stack: %v", err)
	}
}

func TestFaultTimesAndLatency(t *testing.T) {
	s := start(t, scenarioYAML+`  - {service: apigateway, operation: GetRestApi, status: 429, times: 1}
  - {service: synthetics, latency: 100ms}
`)
	ctx := context.Background()
	api := apigateway.NewFromConfig(cfg(s))
	if _, err := api.GetRestApi(ctx, &apigateway.GetRestApiInput{RestApiId: aws.String("abc123")}); err != nil {
		t.Fatalf("one 429 then success (SDK retry): %v", err)
	}
	if n := s.Calls()["apigateway:GetRestApi"]; n != 2 {
		t.Errorf("GetRestApi calls %d, want 2", n)
	}
	syn := synthetics.NewFromConfig(cfg(s))
	t0 := time.Now()
	if _, err := syn.GetCanary(ctx, &synthetics.GetCanaryInput{Name: aws.String("quilt-canary")}); err != nil {
		t.Fatal(err)
	}
	if d := time.Since(t0); d < 100*time.Millisecond {
		t.Errorf("latency not applied: %s", d)
	}
}
