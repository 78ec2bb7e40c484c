package stackfake

import (
	"context"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudformation"
)

// DescribeStackResource through the SDK: the detail of a resource, moved
// through its states by SetResource, and CloudFormation's ValidationError
// for an unknown stack or logical id.
func TestDescribeStackResource(t *testing.T) {
	scn := &Scenario{Region: "us-east-1", Account: "012345678912", PageSize: 100, Stack: Stack{Name: "quilt-prod", Status: "UPDATE_IN_PROGRESS"}}
	s := Start(scn)
	defer s.Close()
	c := cloudformation.NewFromConfig(cfg(s))
	ctx := context.Background()
	s.SetResource(Resource{LogicalID: "Preflight", Type: "Custom::QuiltPrivateEndpoints", PhysicalID: "qpe-1", Status: "UPDATE_IN_PROGRESS"})
	for _, name := range []string{"quilt-prod", scn.StackID()} {
		out, err := c.DescribeStackResource(ctx, &cloudformation.DescribeStackResourceInput{StackName: aws.String(name), LogicalResourceId: aws.String("Preflight")})
		if err != nil {
			t.Fatal(err)
		}
		d := out.StackResourceDetail
		if aws.ToString(d.StackId) != scn.StackID() || aws.ToString(d.PhysicalResourceId) != "qpe-1" || string(d.ResourceStatus) != "UPDATE_IN_PROGRESS" ||
			aws.ToString(d.ResourceType) != "Custom::QuiltPrivateEndpoints" || d.LastUpdatedTimestamp == nil {
			t.Errorf("%s: %+v", name, d)
		}
	}
	s.SetResource(Resource{LogicalID: "Preflight", Type: "Custom::QuiltPrivateEndpoints", PhysicalID: "qpe-1", Status: "DELETE_IN_PROGRESS"})
	s.SetStackStatus("DELETE_IN_PROGRESS")
	out, err := c.DescribeStackResource(ctx, &cloudformation.DescribeStackResourceInput{StackName: aws.String("quilt-prod"), LogicalResourceId: aws.String("Preflight")})
	if err != nil || string(out.StackResourceDetail.ResourceStatus) != "DELETE_IN_PROGRESS" {
		t.Fatalf("after SetResource: %+v %v", out, err)
	}
	st, err := c.DescribeStacks(ctx, &cloudformation.DescribeStacksInput{StackName: aws.String("quilt-prod")})
	if err != nil || string(st.Stacks[0].StackStatus) != "DELETE_IN_PROGRESS" {
		t.Fatalf("after SetStackStatus: %v", err)
	}
	for _, in := range []*cloudformation.DescribeStackResourceInput{
		{StackName: aws.String("other"), LogicalResourceId: aws.String("Preflight")},
		{StackName: aws.String("quilt-prod"), LogicalResourceId: aws.String("Nope")},
	} {
		if _, err := c.DescribeStackResource(ctx, in); err == nil || !strings.Contains(err.Error(), "ValidationError") {
			t.Errorf("%s/%s: %v, want ValidationError", aws.ToString(in.StackName), aws.ToString(in.LogicalResourceId), err)
		}
	}
}
