package stackfake

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/retry"
	"github.com/aws/aws-sdk-go-v2/service/cloudformation"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
	ecstypes "github.com/aws/aws-sdk-go-v2/service/ecs/types"
	elbv2 "github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2"
	"github.com/aws/smithy-go"
)

const (
	lbInternal = "arn:aws:elasticloadbalancing:us-east-1:123456789012:loadbalancer/app/quilt-int/0123456789abcdef"
	lbPublic   = "arn:aws:elasticloadbalancing:us-east-1:123456789012:loadbalancer/app/quilt-pub/fedcba9876543210"
	svcPublic  = "arn:aws:ecs:us-east-1:123456789012:service/quilt-cluster/registry"
	svcPrivate = "arn:aws:ecs:us-east-1:123456789012:service/quilt-cluster/catalog"
)

func startLBAndECS(t *testing.T, faults ...Fault) (*Server, aws.Config) {
	t.Helper()
	scn, err := Parse([]byte(`
stack: {name: quilt}
loadBalancers:
  "` + lbInternal + `": {scheme: internal, vpcId: vpc-1, subnets: [subnet-c, subnet-d], securityGroups: [sg-1]}
  "` + lbPublic + `": {vpcId: vpc-1, subnets: [subnet-e]}
ecsServices:
  "` + svcPublic + `": {assignPublicIp: ENABLED, subnets: [subnet-a], securityGroups: [sg-2]}
  "` + svcPrivate + `": {assignPublicIp: DISABLED, subnets: [subnet-a, subnet-b]}
`))
	if err != nil {
		t.Fatal(err)
	}
	scn.Faults = faults
	srv := Start(scn)
	t.Cleanup(srv.Close)
	return srv, aws.Config{Region: "us-east-1", Credentials: aws.AnonymousCredentials{}, BaseEndpoint: aws.String(srv.URL()),
		Retryer: func() aws.Retryer {
			return retry.NewStandard(func(o *retry.StandardOptions) { o.MaxBackoff = time.Millisecond })
		}}
}

func TestDescribeLoadBalancers(t *testing.T) {
	ctx := context.Background()
	srv, cfg := startLBAndECS(t)
	c := elbv2.NewFromConfig(cfg)
	out, err := c.DescribeLoadBalancers(ctx, &elbv2.DescribeLoadBalancersInput{LoadBalancerArns: []string{lbInternal}})
	if err != nil {
		t.Fatal(err)
	}
	if len(out.LoadBalancers) != 1 {
		t.Fatalf("%d load balancers", len(out.LoadBalancers))
	}
	lb := out.LoadBalancers[0]
	if aws.ToString(lb.LoadBalancerArn) != lbInternal || lb.Scheme != "internal" || aws.ToString(lb.LoadBalancerName) != "quilt-int" ||
		len(lb.AvailabilityZones) != 2 || aws.ToString(lb.AvailabilityZones[1].SubnetId) != "subnet-d" || lb.State == nil || lb.State.Code != "active" {
		t.Errorf("load balancer %+v", lb)
	}
	// All of them, one per page: the paginator follows NextMarker.
	var all []string
	p := elbv2.NewDescribeLoadBalancersPaginator(c, &elbv2.DescribeLoadBalancersInput{PageSize: aws.Int32(1)})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			t.Fatal(err)
		}
		for _, lb := range page.LoadBalancers {
			all = append(all, string(lb.Scheme))
		}
	}
	if len(all) != 2 || all[0] != "internal" || all[1] != "internet-facing" {
		t.Errorf("pages: %v", all)
	}
	_, err = c.DescribeLoadBalancers(ctx, &elbv2.DescribeLoadBalancersInput{LoadBalancerArns: []string{lbInternal + "0"}})
	var ae smithy.APIError
	if !errors.As(err, &ae) || ae.ErrorCode() != "LoadBalancerNotFound" {
		t.Errorf("unknown ARN: %v", err)
	}
	// CloudFormation still answers on the same address.
	if _, err := cloudformation.NewFromConfig(cfg).DescribeStacks(ctx, &cloudformation.DescribeStacksInput{StackName: aws.String("quilt")}); err != nil {
		t.Errorf("DescribeStacks beside ELBv2: %v", err)
	}
	if n := srv.Calls()["elasticloadbalancing:DescribeLoadBalancers"]; n != 4 {
		t.Errorf("%d DescribeLoadBalancers calls, want 4", n)
	}
}

func TestDescribeServices(t *testing.T) {
	ctx := context.Background()
	_, cfg := startLBAndECS(t)
	c := ecs.NewFromConfig(cfg)
	out, err := c.DescribeServices(ctx, &ecs.DescribeServicesInput{Cluster: aws.String("quilt-cluster"), Services: []string{svcPublic, "catalog", "gone"}})
	if err != nil {
		t.Fatal(err)
	}
	if len(out.Services) != 2 || len(out.Failures) != 1 || aws.ToString(out.Failures[0].Reason) != "MISSING" ||
		aws.ToString(out.Failures[0].Arn) != "arn:aws:ecs:us-east-1:123456789012:service/quilt-cluster/gone" {
		t.Fatalf("services %+v failures %+v", out.Services, out.Failures)
	}
	pub, priv := out.Services[0], out.Services[1]
	if aws.ToString(pub.ServiceName) != "registry" || pub.NetworkConfiguration == nil || pub.NetworkConfiguration.AwsvpcConfiguration.AssignPublicIp != ecstypes.AssignPublicIpEnabled ||
		aws.ToString(priv.ServiceArn) != svcPrivate || priv.NetworkConfiguration.AwsvpcConfiguration.AssignPublicIp != ecstypes.AssignPublicIpDisabled ||
		aws.ToString(pub.ClusterArn) != "arn:aws:ecs:us-east-1:123456789012:cluster/quilt-cluster" || pub.LaunchType != ecstypes.LaunchTypeFargate {
		t.Errorf("services %+v %+v", pub, priv)
	}
	_, err = c.DescribeServices(ctx, &ecs.DescribeServicesInput{Cluster: aws.String("other"), Services: []string{"catalog"}})
	var ae smithy.APIError
	if !errors.As(err, &ae) || ae.ErrorCode() != "ClusterNotFoundException" {
		t.Errorf("unknown cluster: %v", err)
	}
}

func TestLBAndECSFaults(t *testing.T) {
	ctx := context.Background()
	_, cfg := startLBAndECS(t,
		Fault{Service: "ecs", Operation: "DescribeServices", Status: 400, Code: "AccessDeniedException", Message: "not authorized to perform: ecs:DescribeServices"},
		Fault{Service: "elasticloadbalancing", Target: lbPublic, Status: 403, Code: "AccessDenied", Message: "not authorized to perform: elasticloadbalancing:DescribeLoadBalancers"})
	var ae smithy.APIError
	_, err := ecs.NewFromConfig(cfg).DescribeServices(ctx, &ecs.DescribeServicesInput{Cluster: aws.String("quilt-cluster"), Services: []string{"catalog"}})
	if !errors.As(err, &ae) || ae.ErrorCode() != "AccessDeniedException" {
		t.Errorf("ecs fault: %v", err)
	}
	c := elbv2.NewFromConfig(cfg)
	if _, err := c.DescribeLoadBalancers(ctx, &elbv2.DescribeLoadBalancersInput{LoadBalancerArns: []string{lbInternal}}); err != nil {
		t.Errorf("another target: %v", err)
	}
	_, err = c.DescribeLoadBalancers(ctx, &elbv2.DescribeLoadBalancersInput{LoadBalancerArns: []string{lbPublic}})
	if !errors.As(err, &ae) || ae.ErrorCode() != "AccessDenied" {
		t.Errorf("elbv2 fault: %v", err)
	}
}
