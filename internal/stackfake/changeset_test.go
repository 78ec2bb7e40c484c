package stackfake

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudformation"
	cfntypes "github.com/aws/aws-sdk-go-v2/service/cloudformation/types"
	"github.com/aws/smithy-go"
)

const lbScenario = `
stack:
  name: web
  parameters: {Subnets: "subnet-a,subnet-b"}
  template:
    Parameters:
      Subnets: {Type: "List<AWS::EC2::Subnet::Id>"}
    Resources:
      LB: {Type: AWS::ElasticLoadBalancingV2::LoadBalancer, Properties: {Scheme: internet-facing, Subnets: {Ref: Subnets}}}
      Listener: {Type: AWS::ElasticLoadBalancingV2::Listener, Properties: {LoadBalancerArn: {Ref: LB}, Port: 443}}
      AppRole: {Type: AWS::IAM::Role, Properties: {AssumeRolePolicyDocument: {}}}
  resources:
    - {logicalId: LB, type: "AWS::ElasticLoadBalancingV2::LoadBalancer", physicalId: arn-lb-1}
    - {logicalId: Listener, type: "AWS::ElasticLoadBalancingV2::Listener", physicalId: arn-listener-1}
    - {logicalId: AppRole, type: "AWS::IAM::Role", physicalId: web-Role-1}
execution: {step: 1ms}
`

// internalLB is the template with an internal load balancer (Scheme is
// create-only) and, when macro, a Transform the double must run.
func internalLB(macro bool) string {
	t := `{"Parameters": {"Subnets": {"Type": "List<AWS::EC2::Subnet::Id>"}}, "Resources": {
	  "LB": {"Type": "AWS::ElasticLoadBalancingV2::LoadBalancer", "Properties": {"Scheme": "internal", "Subnets": {"Ref": "Subnets"}}},
	  "Listener": {"Type": "AWS::ElasticLoadBalancingV2::Listener", "Properties": {"LoadBalancerArn": {"Ref": "LB"}, "Port": 443}},
	  "AppRole": {"Type": "AWS::IAM::Role", "Properties": {"AssumeRolePolicyDocument": {}}}}`
	if macro {
		t += `, "Transform": [{"Name": "QuiltPrivateEndpoints"}]`
	}
	return t + "}"
}

func createChangeSet(t *testing.T, c *cloudformation.Client, name, body string, caps ...cfntypes.Capability) *cloudformation.DescribeChangeSetOutput {
	t.Helper()
	ctx := context.Background()
	_, err := c.CreateChangeSet(ctx, &cloudformation.CreateChangeSetInput{StackName: aws.String("web"), ChangeSetName: aws.String(name),
		TemplateBody: aws.String(body), Capabilities: caps,
		Parameters: []cfntypes.Parameter{{ParameterKey: aws.String("Subnets"), UsePreviousValue: aws.Bool(true)}}})
	if err != nil {
		t.Fatal(err)
	}
	out, err := c.DescribeChangeSet(ctx, &cloudformation.DescribeChangeSetInput{StackName: aws.String("web"), ChangeSetName: aws.String(name)})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func TestChangeSetChangesFromTheTwoTemplates(t *testing.T) {
	s := start(t, lbScenario)
	s.SetMacro(func(_ context.Context, p []byte) ([]byte, error) {
		// The request carries the fragment and the resolved parameters.
		if !strings.Contains(string(p), `"templateParameterValues":{"Subnets":["subnet-a","subnet-b"]}`) {
			return []byte(`{"requestId":"ok","status":"failure","errorMessage":"bad request"}`), nil
		}
		return []byte(strings.Replace(string(p), `"region"`, `"status":"success","region"`, 1)), nil
	})
	c := cloudformation.NewFromConfig(cfg(s))
	out := createChangeSet(t, c, "no-caps", internalLB(true))
	if out.Status != cfntypes.ChangeSetStatusFailed || !strings.Contains(aws.ToString(out.StatusReason), "Requires capabilities : [CAPABILITY_AUTO_EXPAND, CAPABILITY_IAM]") {
		t.Errorf("without capabilities: %s %s", out.Status, aws.ToString(out.StatusReason))
	}
	out = createChangeSet(t, c, "ok", internalLB(true), cfntypes.CapabilityCapabilityIam, cfntypes.CapabilityCapabilityAutoExpand)
	if out.Status != cfntypes.ChangeSetStatusCreateComplete || len(out.Changes) != 2 {
		t.Fatalf("%s %s %d changes", out.Status, aws.ToString(out.StatusReason), len(out.Changes))
	}
	byID := map[string]*cfntypes.ResourceChange{}
	for _, ch := range out.Changes {
		byID[aws.ToString(ch.ResourceChange.LogicalResourceId)] = ch.ResourceChange
	}
	lb, l := byID["LB"], byID["Listener"]
	if lb == nil || lb.Replacement != cfntypes.ReplacementTrue || aws.ToString(lb.Details[0].Target.Name) != "Scheme" ||
		lb.Details[0].Target.RequiresRecreation != cfntypes.RequiresRecreationAlways || aws.ToString(lb.PhysicalResourceId) != "arn-lb-1" {
		t.Errorf("LB %+v", lb)
	}
	// The listener refers to the replaced load balancer: a Dynamic change
	// of a create-only property, a conditional replacement.
	if l == nil || l.Replacement != cfntypes.ReplacementConditional || l.Details[0].Evaluation != cfntypes.EvaluationTypeDynamic ||
		aws.ToString(l.Details[0].CausingEntity) != "LB" || l.Details[0].ChangeSource != cfntypes.ChangeSourceResourceReference {
		t.Errorf("Listener %+v", l)
	}
}

func TestEmptyChangeSetFails(t *testing.T) {
	s := start(t, lbScenario)
	c := cloudformation.NewFromConfig(cfg(s))
	out := createChangeSet(t, c, "same", `{"Parameters": {"Subnets": {"Type": "List<AWS::EC2::Subnet::Id>"}}, "Resources": {
	  "LB": {"Type": "AWS::ElasticLoadBalancingV2::LoadBalancer", "Properties": {"Scheme": "internet-facing", "Subnets": {"Ref": "Subnets"}}},
	  "Listener": {"Type": "AWS::ElasticLoadBalancingV2::Listener", "Properties": {"LoadBalancerArn": {"Ref": "LB"}, "Port": 443}},
	  "AppRole": {"Type": "AWS::IAM::Role", "Properties": {"AssumeRolePolicyDocument": {}}}}}`, cfntypes.CapabilityCapabilityIam)
	if out.Status != cfntypes.ChangeSetStatusFailed || aws.ToString(out.StatusReason) != EmptyChangeSetReason || out.ExecutionStatus != cfntypes.ExecutionStatusUnavailable {
		t.Errorf("%s %q %s", out.Status, aws.ToString(out.StatusReason), out.ExecutionStatus)
	}
	_, err := c.ExecuteChangeSet(context.Background(), &cloudformation.ExecuteChangeSetInput{StackName: aws.String("web"), ChangeSetName: aws.String("same")})
	var ae smithy.APIError
	if !errors.As(err, &ae) || ae.ErrorCode() != "InvalidChangeSetStatus" {
		t.Errorf("executing an empty change set: %v", err)
	}
}

func TestRollbackFailedAndContinue(t *testing.T) {
	scn, err := Parse([]byte(lbScenario))
	if err != nil {
		t.Fatal(err)
	}
	scn.Execution.FailAt = &Injected{Resource: "Listener", Reason: "TargetGroupAssociationLimit"}
	scn.Execution.RollbackFailAt = &Injected{Resource: "AppRole", Reason: "role in use"}
	s := Start(scn)
	t.Cleanup(s.Close)
	c := cloudformation.NewFromConfig(cfg(s))
	ctx := context.Background()
	body := strings.Replace(internalLB(false), `"AssumeRolePolicyDocument": {}`, `"AssumeRolePolicyDocument": {}, "MaxSessionDuration": 7200`, 1)
	createChangeSet(t, c, "cs", body, cfntypes.CapabilityCapabilityIam)
	if _, err := c.ExecuteChangeSet(ctx, &cloudformation.ExecuteChangeSetInput{StackName: aws.String("web"), ChangeSetName: aws.String("cs")}); err != nil {
		t.Fatal(err)
	}
	status := "" // UPDATE_ROLLBACK_FAILED, which no SDK waiter awaits: poll

	for i := 0; i < 200 && status != "UPDATE_ROLLBACK_FAILED"; i++ {
		out, err := c.DescribeStacks(ctx, &cloudformation.DescribeStacksInput{StackName: aws.String("web")})
		if err != nil {
			t.Fatal(err)
		}
		status = string(out.Stacks[0].StackStatus)
		time.Sleep(time.Millisecond)
	}
	if status != "UPDATE_ROLLBACK_FAILED" {
		t.Fatalf("status %s", status)
	}
	// Only a resource whose rollback failed can be skipped.
	_, err = c.ContinueUpdateRollback(ctx, &cloudformation.ContinueUpdateRollbackInput{StackName: aws.String("web"), ResourcesToSkip: []string{"Listener"}})
	var ae smithy.APIError
	if !errors.As(err, &ae) || ae.ErrorCode() != "ValidationError" {
		t.Errorf("skipping Listener: %v", err)
	}
	if _, err := c.ContinueUpdateRollback(ctx, &cloudformation.ContinueUpdateRollbackInput{StackName: aws.String("web"), ResourcesToSkip: []string{"AppRole"}}); err != nil {
		t.Fatal(err)
	}
	for i := 0; i < 200 && status != "UPDATE_ROLLBACK_COMPLETE"; i++ {
		out, _ := c.DescribeStacks(ctx, &cloudformation.DescribeStacksInput{StackName: aws.String("web")})
		status = string(out.Stacks[0].StackStatus)
		time.Sleep(time.Millisecond)
	}
	if status != "UPDATE_ROLLBACK_COMPLETE" {
		t.Fatalf("after the skip: %s", status)
	}
	ev, err := c.DescribeStackEvents(ctx, &cloudformation.DescribeStackEventsInput{StackName: aws.String("web")})
	if err != nil {
		t.Fatal(err)
	}
	var seen []string
	for _, e := range ev.StackEvents {
		seen = append(seen, aws.ToString(e.LogicalResourceId)+" "+string(e.ResourceStatus)+" "+aws.ToString(e.ResourceStatusReason))
	}
	all := strings.Join(seen, "\n")
	for _, want := range []string{"Listener UPDATE_FAILED TargetGroupAssociationLimit", "AppRole UPDATE_FAILED role in use",
		"AppRole UPDATE_COMPLETE Resource skipped during UPDATE_ROLLBACK", "LB DELETE_COMPLETE", "web UPDATE_ROLLBACK_COMPLETE"} {
		if !strings.Contains(all, want) {
			t.Errorf("events lack %q:\n%s", want, all)
		}
	}
	if !strings.HasPrefix(seen[0], "web UPDATE_ROLLBACK_COMPLETE") {
		t.Errorf("newest event first: %s", seen[0])
	}
}
