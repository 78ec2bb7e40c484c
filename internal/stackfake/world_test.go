package stackfake

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudformation"
	cfntypes "github.com/aws/aws-sdk-go-v2/service/cloudformation/types"
)

// worldScenario is a stack with a Lambda function outside the VPC and an
// ECS service in subnet-a, in a world of two subnets.
const worldScenario = `
stack:
  name: web
  parameters: {Subnets: "subnet-a,subnet-b"}
  template:
    Parameters:
      Subnets: {Type: "List<AWS::EC2::Subnet::Id>"}
    Resources:
      Fn: {Type: AWS::Lambda::Function, Properties: {Handler: index.handler}}
      Svc: {Type: AWS::ECS::Service, Properties: {NetworkConfiguration: {AwsvpcConfiguration: {Subnets: [subnet-a]}}}}
  resources:
    - {logicalId: Fn, type: "AWS::Lambda::Function", physicalId: web-Fn-1}
    - {logicalId: Svc, type: "AWS::ECS::Service", physicalId: "arn:aws:ecs:us-east-1:123456789012:service/c/web-Svc-1"}
network:
  subnets:
    - {id: subnet-a, vpc: vpc-1, az: us-east-1a}
    - {id: subnet-b, vpc: vpc-1, az: us-east-1b}
execution: {step: 1ms}
`

// TestUnknownSubnetFailsTheResource: a Lambda function or an ECS service
// moved into a subnet the shared world does not have fails to update as
// AWS fails it (the service's 400 with EC2's InvalidSubnetID.NotFound, as
// CloudFormation reports it), and the stack rolls back; subnets the world
// has, or a world without subnets, update.
func TestUnknownSubnetFailsTheResource(t *testing.T) {
	const (
		fnInVPC  = `"Fn": {"Type": "AWS::Lambda::Function", "Properties": {"Handler": "index.handler", "VpcConfig": {"SubnetIds": {"Ref": "Subnets"}, "SecurityGroupIds": ["sg-1"]}}}`
		fnOut    = `"Fn": {"Type": "AWS::Lambda::Function", "Properties": {"Handler": "index.handler"}}`
		svcSplit = `"Svc": {"Type": "AWS::ECS::Service", "Properties": {"NetworkConfiguration": {"AwsvpcConfiguration": {"Subnets": {"Fn::Split": [",", {"Ref": "Subnets"}]}}}}}`
		svcSame  = `"Svc": {"Type": "AWS::ECS::Service", "Properties": {"NetworkConfiguration": {"AwsvpcConfiguration": {"Subnets": ["subnet-a"]}}}}`
	)
	for _, tc := range []struct {
		name, fn, svc, subnets string
		noWorld                bool
		status                 cfntypes.StackStatus
		failed                 string // the resource's UPDATE_FAILED reason
	}{
		{"lambda in known subnets", fnInVPC, svcSame, "subnet-a,subnet-b", false, cfntypes.StackStatusUpdateComplete, ""},
		{"lambda in an unknown subnet", fnInVPC, svcSame, "subnet-a,subnet-zz", false, cfntypes.StackStatusUpdateRollbackComplete,
			`Fn UPDATE_FAILED Resource handler returned message: "Error occurred while DescribeSubnets. EC2 Error Code: InvalidSubnetID.NotFound. EC2 Error Message: The subnet ID 'subnet-zz' does not exist (Service: Lambda, Status Code: 400, Request ID: ` + requestID + `)" (HandlerErrorCode: InvalidRequest)`},
		{"ecs service in known subnets", fnOut, svcSplit, "subnet-b", false, cfntypes.StackStatusUpdateComplete, ""},
		{"ecs service in an unknown subnet", fnOut, svcSplit, "subnet-zz,subnet-b", false, cfntypes.StackStatusUpdateRollbackComplete,
			`Svc UPDATE_FAILED Resource handler returned message: "Invalid request provided: Error retrieving subnet information for [subnet-zz, subnet-b]: The subnet ID 'subnet-zz' does not exist (ErrorCode: InvalidSubnetID.NotFound) (Service: Ecs, Status Code: 400, Request ID: ` + requestID + `)" (HandlerErrorCode: InvalidRequest)`},
		{"a world without subnets checks nothing", fnInVPC, svcSplit, "subnet-zz", true, cfntypes.StackStatusUpdateComplete, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			scn, err := Parse([]byte(worldScenario))
			if err != nil {
				t.Fatal(err)
			}
			if tc.noWorld {
				scn.Network.Subnets = nil
			}
			s := Start(scn)
			t.Cleanup(s.Close)
			c := cloudformation.NewFromConfig(cfg(s))
			ctx := context.Background()
			body := `{"Parameters": {"Subnets": {"Type": "List<AWS::EC2::Subnet::Id>"}}, "Resources": {` + tc.fn + `, ` + tc.svc + `}}`
			if _, err := c.CreateChangeSet(ctx, &cloudformation.CreateChangeSetInput{StackName: aws.String("web"), ChangeSetName: aws.String("cs"),
				TemplateBody: aws.String(body), Parameters: []cfntypes.Parameter{{ParameterKey: aws.String("Subnets"), ParameterValue: aws.String(tc.subnets)}}}); err != nil {
				t.Fatal(err)
			}
			if _, err := c.ExecuteChangeSet(ctx, &cloudformation.ExecuteChangeSetInput{StackName: aws.String("web"), ChangeSetName: aws.String("cs")}); err != nil {
				t.Fatal(err)
			}
			var status cfntypes.StackStatus
			for i := 0; i < 500 && (status == "" || strings.HasSuffix(string(status), "IN_PROGRESS")); i++ {
				out, err := c.DescribeStacks(ctx, &cloudformation.DescribeStacksInput{StackName: aws.String("web")})
				if err != nil {
					t.Fatal(err)
				}
				status = out.Stacks[0].StackStatus
				time.Sleep(time.Millisecond)
			}
			ev, err := c.DescribeStackEvents(ctx, &cloudformation.DescribeStackEventsInput{StackName: aws.String("web")})
			if err != nil {
				t.Fatal(err)
			}
			var failed []string
			for _, e := range ev.StackEvents {
				if e.ResourceStatus == cfntypes.ResourceStatusUpdateFailed {
					failed = append(failed, aws.ToString(e.LogicalResourceId)+" UPDATE_FAILED "+aws.ToString(e.ResourceStatusReason))
				}
			}
			if status != tc.status || strings.Join(failed, "\n") != tc.failed {
				t.Errorf("stack %s, failed:\n%s\nwant %s, failed:\n%s", status, strings.Join(failed, "\n"), tc.status, tc.failed)
			}
		})
	}
}
