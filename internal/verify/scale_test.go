package verify

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/retry"

	"github.com/quiltdata/quilt-private-endpoints/internal/finding"
	"github.com/quiltdata/quilt-private-endpoints/internal/stackfake"
)

// quiltSized builds a healthy stack the size of Quilt's: functions Lambda
// functions in the VPC, one private REST API, canaries canaries, and as
// many other resources again.
func quiltSized(functions, canaries int, latency time.Duration) *stackfake.Scenario {
	t0 := time.Date(2026, 11, 20, 10, 0, 0, 0, time.UTC)
	const (
		vpc  = "vpc-0a1b2c3d4e5f60718"
		vpce = "vpce-0123456789abcdef0"
		sg   = "sg-0123456789abcdef1"
	)
	subnets := []string{"subnet-0aaaaaaaaaaaaaaa1", "subnet-0bbbbbbbbbbbbbbb2"}
	scn := &stackfake.Scenario{
		Region: "us-east-1", Account: "123456789012", PageSize: 100,
		Stack: stackfake.Stack{
			Name: "quilt", Status: "UPDATE_COMPLETE", Created: t0.Add(-24 * time.Hour), LastUpdated: &t0,
			Parameters: map[string]string{"VPC": vpc, "Subnets": strings.Join(subnets, ","), "ApiGatewayVPCEndpoint": vpce},
		},
		Functions: map[string]stackfake.Function{},
		RestAPIs:  map[string]stackfake.RestAPI{},
		Canaries:  map[string]stackfake.Canary{},
	}
	resources := map[string]any{"OutboundSecurityGroup": map[string]any{"Type": "AWS::EC2::SecurityGroup"}}
	add := func(logical, typ, physical string, at time.Time) {
		scn.Stack.Resources = append(scn.Stack.Resources, stackfake.Resource{LogicalID: logical, Type: typ, PhysicalID: physical, Status: "UPDATE_COMPLETE", LastUpdated: at})
	}
	add("OutboundSecurityGroup", "AWS::EC2::SecurityGroup", sg, t0)
	for i := range functions {
		logical := fmt.Sprintf("Function%02d", i)
		name := "quilt-" + logical
		add(logical, "AWS::Lambda::Function", name, t0.Add(time.Minute))
		add(logical+"Role", "AWS::IAM::Role", name+"-role", t0)
		resources[logical] = map[string]any{"Type": "AWS::Lambda::Function", "Properties": map[string]any{
			"VpcConfig": map[string]any{"SubnetIds": map[string]any{"Ref": "Subnets"}, "SecurityGroupIds": []any{map[string]any{"Ref": "OutboundSecurityGroup"}}},
		}}
		scn.Functions[name] = stackfake.Function{VpcConfig: &stackfake.VpcConfig{VpcID: vpc, SubnetIDs: subnets, SecurityGroupIDs: []string{sg}}}
	}
	add("Api", "AWS::ApiGateway::RestApi", "a1b2c3d4e5", t0.Add(2*time.Minute))
	scn.RestAPIs["a1b2c3d4e5"] = stackfake.RestAPI{
		Name: "quilt", Created: t0, EndpointTypes: []string{"PRIVATE"}, VpcEndpointIDs: []string{vpce},
		Policy: map[string]any{"Version": "2012-10-17", "Statement": []any{
			map[string]any{"Effect": "Allow", "Principal": "*", "Action": "execute-api:Invoke", "Resource": "execute-api:/*"},
			map[string]any{"Effect": "Deny", "Principal": "*", "Action": "execute-api:Invoke", "Resource": "execute-api:/*",
				"Condition": map[string]any{"StringNotEquals": map[string]any{"aws:SourceVpce": vpce}}},
		}},
		Stages:      []stackfake.Stage{{Name: "prod", DeploymentID: "d2", Created: t0, LastUpdated: t0.Add(3 * time.Minute)}},
		Deployments: map[string]stackfake.Deployment{"d2": {Created: t0.Add(3 * time.Minute)}},
	}
	for i := range canaries {
		name := fmt.Sprintf("quilt-canary-%d", i)
		add(fmt.Sprintf("Canary%d", i), "AWS::Synthetics::Canary", name, t0)
		scn.Canaries[name] = stackfake.Canary{Runs: []stackfake.CanaryRun{{ID: "r1", Status: "PASSED", Started: testNow.Add(-5 * time.Minute), Completed: testNow.Add(-4 * time.Minute)}}}
	}
	// Quilt's compute beside the functions: an internal load balancer and
	// twelve ECS services in one cluster (two DescribeServices calls).
	lb := "arn:aws:elasticloadbalancing:us-east-1:123456789012:loadbalancer/app/quilt-lb/0123456789abcdef"
	add("LoadBalancer", "AWS::ElasticLoadBalancingV2::LoadBalancer", lb, t0)
	resources["LoadBalancer"] = map[string]any{"Type": "AWS::ElasticLoadBalancingV2::LoadBalancer", "Properties": map[string]any{"Scheme": "internal"}}
	scn.LoadBalancers = map[string]stackfake.LoadBalancer{lb: {Scheme: "internal", VpcID: vpc}}
	scn.ECSServices = map[string]stackfake.ECSService{}
	for i := range 12 {
		arn := fmt.Sprintf("arn:aws:ecs:us-east-1:123456789012:service/quilt-cluster/quilt-service-%d", i)
		add(fmt.Sprintf("Service%d", i), "AWS::ECS::Service", arn, t0)
		scn.ECSServices[arn] = stackfake.ECSService{AssignPublicIP: "DISABLED", Subnets: subnets}
	}
	scn.Stack.Template = map[string]any{"Resources": resources}
	if latency > 0 {
		scn.Faults = []stackfake.Fault{{Latency: latency}}
	}
	return scn
}

func clientsFor(srv *stackfake.Server) Clients {
	c := NewClients(aws.Config{
		Region: "us-east-1", Credentials: aws.AnonymousCredentials{}, BaseEndpoint: aws.String(srv.URL()),
		Retryer: func() aws.Retryer {
			return retry.NewStandard(func(o *retry.StandardOptions) { o.MaxBackoff = 20 * time.Millisecond })
		},
	})
	c.Network.EC2 = nil
	return c
}

func TestCallsAndConcurrency(t *testing.T) {
	scn := quiltSized(22, 4, 10*time.Millisecond)
	scn.PageSize = 20 // 63 resources: 4 pages
	srv := stackfake.Start(scn)
	t.Cleanup(srv.Close)
	rep, err := Run(context.Background(), clientsFor(srv), Input{Stack: "quilt", Region: "us-east-1", Concurrency: 4, LambdaRate: -1, Now: func() time.Time { return testNow }})
	if err != nil {
		t.Fatal(err)
	}
	if len(ids(rep)) != 0 || len(idsOf(rep, finding.Info)) != 1 || len(rep.Findings) != 4 {
		t.Fatalf("want only the 4 canaries' info findings on a healthy stack: %+v", rep.Findings)
	}
	want := map[string]int{
		"cloudformation:DescribeStacks": 1, "cloudformation:ListStackResources": 4, "cloudformation:GetTemplate": 1,
		"lambda:GetFunctionConfiguration": 22,
		"apigateway:GetRestApi":           1, "apigateway:GetStages": 1, "apigateway:GetDeployment": 1,
		"synthetics:GetCanary": 4, "synthetics:GetCanaryRuns": 4,
		"elasticloadbalancing:DescribeLoadBalancers": 1, "ecs:DescribeServices": 2,
	}
	got := srv.Calls()
	for k, n := range want {
		if got[k] != n {
			t.Errorf("%s: %d calls, want %d", k, got[k], n)
		}
	}
	if len(got) != len(want) {
		t.Errorf("calls %v, want only %v", got, want)
	}
	if m := srv.MaxConcurrent(); m > 4 || m < 2 {
		t.Errorf("max concurrent calls %d, want 2..4", m)
	}
}

func TestLambdaPacing(t *testing.T) {
	srv := stackfake.Start(quiltSized(30, 0, 0))
	t.Cleanup(srv.Close)
	start := time.Now()
	rep, err := Run(context.Background(), clientsFor(srv), Input{Stack: "quilt", Region: "us-east-1", LambdaRate: 20, Concurrency: 16})
	if err != nil || !rep.OK {
		t.Fatalf("%v %+v", err, rep)
	}
	// 30 calls at 20/s after a burst of 20: at least 0.5 s.
	if d := time.Since(start); d < 450*time.Millisecond {
		t.Errorf("30 GetFunctionConfiguration calls took %s: not paced at 20/s", d)
	}
}

func TestDeadline(t *testing.T) {
	scn := quiltSized(3, 1, 0)
	scn.Faults = []stackfake.Fault{{Service: "lambda", Latency: 10 * time.Second}}
	srv := stackfake.Start(scn)
	t.Cleanup(srv.Close)
	start := time.Now()
	rep, err := Run(context.Background(), clientsFor(srv), Input{Stack: "quilt", Region: "us-east-1", Timeout: 300 * time.Millisecond, Now: func() time.Time { return testNow }})
	if err != nil {
		t.Fatal(err)
	}
	if d := time.Since(start); d > 2*time.Second {
		t.Errorf("Run took %s past a 300ms deadline", d)
	}
	n := 0
	for _, f := range rep.Findings {
		if f.ID == "QPE-VF-090" && f.Severity == finding.Error && strings.Contains(f.Remedy, "--timeout") {
			n++
		}
	}
	if n != 3 || rep.OK {
		t.Errorf("want 3 deadline findings, got %+v", rep.Findings)
	}
}

// BenchmarkVerifyQuiltStack verifies a Quilt-sized stack (22 functions, one
// REST API, 4 canaries: 36 calls) with 50 ms of latency per call and reports
// the calls and the wall time against the serial time (calls x latency):
// unpaced with 8 and 16 calls in flight, and with the default Lambda pacing
// (10 GetFunctionConfiguration calls per second after a burst of 10).
func BenchmarkVerifyQuiltStack(b *testing.B) {
	const latency = 50 * time.Millisecond
	for _, bc := range []struct {
		name        string
		concurrency int
		rate        float64
	}{
		{"unpaced-8", 8, -1},
		{"unpaced-16", 16, -1},
		{"default", 0, 0},
	} {
		b.Run(bc.name, func(b *testing.B) {
			srv := stackfake.Start(quiltSized(22, 4, latency))
			b.Cleanup(srv.Close)
			c := clientsFor(srv)
			start := srv.TotalCalls()
			for b.Loop() {
				rep, err := Run(context.Background(), c, Input{Stack: "quilt", Region: "us-east-1", Concurrency: bc.concurrency, LambdaRate: bc.rate, Now: func() time.Time { return testNow }})
				if err != nil || !rep.OK {
					b.Fatalf("%v %+v", err, rep)
				}
			}
			calls := (srv.TotalCalls() - start) / b.N
			b.ReportMetric(float64(calls), "calls/op")
			b.ReportMetric(float64(time.Duration(calls)*latency/time.Millisecond), "serial-ms/op")
		})
	}
}
