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
	elbv2 "github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2"
	elbtypes "github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2/types"
)

const twoLBScenario = `
stack:
  name: web
  parameters: {Subnets: "subnet-a,subnet-b"}
  outputs: {DNS: pub-1234567890.us-east-1.elb.amazonaws.com}
  template:
    Parameters:
      Subnets: {Type: "List<AWS::EC2::Subnet::Id>"}
    Outputs:
      DNS: {Value: {"Fn::GetAtt": [LB, DNSName]}}
    Resources:
      LB: {Type: AWS::ElasticLoadBalancingV2::LoadBalancer, Properties: {Subnets: {Ref: Subnets}}}
  resources:
    - {logicalId: LB, type: "AWS::ElasticLoadBalancingV2::LoadBalancer", physicalId: "arn:aws:elasticloadbalancing:us-east-1:123456789012:loadbalancer/app/pub/0123456789abcdef"}
loadBalancers:
  "arn:aws:elasticloadbalancing:us-east-1:123456789012:loadbalancer/app/pub/0123456789abcdef": {}
execution: {step: 1ms}
`

// runUpdate runs one update of stack web to body and waits for its end.
func runUpdate(t *testing.T, c *cloudformation.Client, name, body string) {
	t.Helper()
	ctx := context.Background()
	out := createChangeSet(t, c, name, body)
	if out.Status != cfntypes.ChangeSetStatusCreateComplete {
		t.Fatalf("%s: %s", out.Status, aws.ToString(out.StatusReason))
	}
	if _, err := c.ExecuteChangeSet(ctx, &cloudformation.ExecuteChangeSetInput{StackName: aws.String("web"), ChangeSetName: aws.String(name)}); err != nil {
		t.Fatal(err)
	}
	for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); time.Sleep(2 * time.Millisecond) {
		st, err := c.DescribeStacks(ctx, &cloudformation.DescribeStacksInput{StackName: aws.String("web")})
		if err != nil {
			t.Fatal(err)
		}
		if st.Stacks[0].StackStatus == cfntypes.StackStatusUpdateComplete {
			return
		}
	}
	t.Fatal("the update did not complete")
}

func outputsOf(t *testing.T, c *cloudformation.Client) map[string]string {
	t.Helper()
	st, err := c.DescribeStacks(context.Background(), &cloudformation.DescribeStacksInput{StackName: aws.String("web")})
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]string{}
	for _, o := range st.Stacks[0].Outputs {
		out[aws.ToString(o.OutputKey)] = aws.ToString(o.OutputValue)
	}
	return out
}

// A load balancer the update creates exists with its template's Scheme,
// one it deletes is gone, and the outputs are the new template's.
func TestUpdateBringsLoadBalancersAndOutputs(t *testing.T) {
	s := start(t, twoLBScenario)
	c := cloudformation.NewFromConfig(cfg(s))
	lbs := elbv2.NewFromConfig(cfg(s))
	ctx := context.Background()
	side := `{"Parameters": {"Subnets": {"Type": "List<AWS::EC2::Subnet::Id>"}},
	  "Outputs": {"DNS": {"Value": {"Fn::GetAtt": ["LB", "DNSName"]}},
	              "LBInternalDNSName": {"Value": {"Fn::GetAtt": ["LBInternal", "DNSName"]}},
	              "Zone": {"Value": {"Fn::Sub": "${LBInternal.CanonicalHostedZoneID} in ${AWS::Region}"}}},
	  "Resources": {"LB": {"Type": "AWS::ElasticLoadBalancingV2::LoadBalancer", "Properties": {"Subnets": {"Ref": "Subnets"}}},
	                "LBInternal": {"Type": "AWS::ElasticLoadBalancingV2::LoadBalancer", "Properties": {"Scheme": "internal", "Subnets": {"Ref": "Subnets"}}}}}`
	runUpdate(t, c, "side", side)
	o := outputsOf(t, c)
	if o["DNS"] != "pub-1234567890.us-east-1.elb.amazonaws.com" || !strings.HasPrefix(o["LBInternalDNSName"], "internal-web-LBInternal-") || o["Zone"] != "Z35SXDOTRQ7X7K in us-east-1" {
		t.Fatalf("outputs %v", o)
	}
	all, err := lbs.DescribeLoadBalancers(ctx, &elbv2.DescribeLoadBalancersInput{})
	if err != nil || len(all.LoadBalancers) != 2 {
		t.Fatalf("%v %v", all, err)
	}
	var internalARN string
	for _, lb := range all.LoadBalancers {
		if lb.Scheme == elbtypes.LoadBalancerSchemeEnumInternal {
			internalARN = aws.ToString(lb.LoadBalancerArn)
			if aws.ToString(lb.DNSName) != o["LBInternalDNSName"] {
				t.Errorf("DNS name %s, output %s", aws.ToString(lb.DNSName), o["LBInternalDNSName"])
			}
		}
	}
	if !strings.HasPrefix(internalARN, "arn:aws:elasticloadbalancing:us-east-1:123456789012:loadbalancer/app/web-LBInternal/") {
		t.Fatalf("internal load balancer %q", internalARN)
	}
	retire := `{"Parameters": {"Subnets": {"Type": "List<AWS::EC2::Subnet::Id>"}},
	  "Outputs": {"DNS": {"Value": {"Fn::GetAtt": ["LBInternal", "DNSName"]}}},
	  "Resources": {"LBInternal": {"Type": "AWS::ElasticLoadBalancingV2::LoadBalancer", "Properties": {"Scheme": "internal", "Subnets": {"Ref": "Subnets"}}}}}`
	runUpdate(t, c, "retire", retire)
	if o := outputsOf(t, c); len(o) != 1 || !strings.HasPrefix(o["DNS"], "internal-web-LBInternal-") {
		t.Errorf("outputs after retire %v", o)
	}
	_, err = lbs.DescribeLoadBalancers(ctx, &elbv2.DescribeLoadBalancersInput{LoadBalancerArns: []string{"arn:aws:elasticloadbalancing:us-east-1:123456789012:loadbalancer/app/pub/0123456789abcdef"}})
	var nf *elbtypes.LoadBalancerNotFoundException
	if !errors.As(err, &nf) {
		t.Errorf("the deleted load balancer: %v", err)
	}
}
