package verify

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/quiltdata/quilt-private-endpoints/internal/stackfake"
	"github.com/quiltdata/quilt-private-endpoints/internal/template"
	"github.com/quiltdata/quilt-private-endpoints/internal/testenv"
	"github.com/quiltdata/quilt-private-endpoints/internal/transform"
)

// macroStack deploys, in the double, what the Private Endpoints macro makes
// of the project's network-1.0 example (Lambdas outside the VPC, EDGE API,
// ECS services with public addresses, an internet-facing load balancer
// that LoadBalancerScheme=internal with PublicLoadBalancer=retire replaces
// with an internal one, the end state):
// the processed template is the engine's real output, and every live
// resource is what CloudFormation would have made of it.
func macroStack(t *testing.T) *stackfake.Scenario {
	t.Helper()
	raw, err := os.ReadFile(filepath.Join(testenv.Root(t), "templates", "examples", "quilt-network1.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	doc, err := template.Decode(raw)
	if err != nil {
		t.Fatal(err)
	}
	res, err := transform.Transform(context.Background(), transform.Request{Fragment: doc, Params: map[string]any{"PreflightMode": "none", "LoadBalancerScheme": "internal", "PublicLoadBalancer": "retire", "UserSubnetIds": "subnet-0ccccccccccccccc3,subnet-0ddddddddddddddd4"}, Region: "us-east-1", AccountID: "123456789012"})
	if err != nil {
		t.Fatal(err)
	}
	processed := res.Fragment

	const (
		vpc  = "vpc-0a1b2c3d4e5f60718"
		vpce = "vpce-0123456789abcdef0"
	)
	subnets := []string{"subnet-0aaaaaaaaaaaaaaa1", "subnet-0bbbbbbbbbbbbbbb2"}
	t0 := time.Date(2026, 11, 20, 10, 0, 0, 0, time.UTC)
	scn := &stackfake.Scenario{
		Region: "us-east-1", Account: "123456789012", PageSize: 100,
		Stack:     stackfake.Stack{Name: "quilt", Status: "UPDATE_COMPLETE", Created: t0, LastUpdated: &t0, Template: processed, Parameters: map[string]string{}},
		Functions: map[string]stackfake.Function{},
		RestAPIs:  map[string]stackfake.RestAPI{},
		Canaries:  map[string]stackfake.Canary{},

		LoadBalancers: map[string]stackfake.LoadBalancer{},
		ECSServices:   map[string]stackfake.ECSService{},
	}
	for name := range template.Section(processed, "Parameters") {
		scn.Stack.Parameters[name] = "value-of-" + name
	}
	scn.Stack.Parameters["VPC"] = vpc
	scn.Stack.Parameters["Subnets"] = strings.Join(subnets, ",")
	scn.Stack.Parameters["ApiGatewayVPCEndpointId"] = vpce

	// Physical ids as CloudFormation makes them.
	resources := template.Resources(processed)
	physical := map[string]string{}
	for i, logical := range template.SortedKeys(resources) {
		r, _ := resources[logical].(map[string]any)
		typ, _ := r["Type"].(string)
		props, _ := r["Properties"].(map[string]any)
		id := "quilt-" + logical + "-1A2B3C"
		switch typ {
		case "AWS::EC2::SecurityGroup":
			id = fmt.Sprintf("sg-0%016x", i)
		case "AWS::ApiGateway::RestApi":
			id = "a1b2c3d4e5"
		case "AWS::Synthetics::Canary":
			if n, ok := props["Name"].(string); ok {
				id = n
			}
		case "AWS::ECS::Service":
			cluster, _ := template.Ref(props["Cluster"])
			id = "arn:aws:ecs:us-east-1:123456789012:service/quilt-" + cluster + "-1A2B3C/" + id
		case "AWS::ElasticLoadBalancingV2::LoadBalancer":
			id = "arn:aws:elasticloadbalancing:us-east-1:123456789012:loadbalancer/app/quilt-" + logical + "/1a2b3c4d5e6f7a8b"
		}
		physical[logical] = id
		scn.Stack.Resources = append(scn.Stack.Resources, stackfake.Resource{LogicalID: logical, Type: typ, PhysicalID: id, Status: "UPDATE_COMPLETE", LastUpdated: t0.Add(time.Minute)})
	}
	// ids resolves a list of Refs the simple way CloudFormation would.
	ids := func(v any) []string {
		if name, ok := template.Ref(v); ok {
			return strings.Split(scn.Stack.Parameters[name], ",")
		}
		var out []string
		for _, it := range v.([]any) {
			if name, ok := template.Ref(it); ok {
				if p, ok := physical[name]; ok {
					out = append(out, p)
				} else {
					out = append(out, scn.Stack.Parameters[name])
				}
			} else if target, _, ok := template.GetAtt(it); ok {
				out = append(out, physical[target])
			} else {
				out = append(out, it.(string))
			}
		}
		return out
	}
	functions, canaries := 0, 0
	str := func(v any) string { s, _ := v.(string); return s }
	for logical, rv := range resources {
		r := rv.(map[string]any)
		props, _ := r["Properties"].(map[string]any)
		switch r["Type"] {
		case "AWS::Lambda::Function":
			vc, ok := props["VpcConfig"].(map[string]any)
			if !ok {
				t.Fatalf("the macro left %s outside the VPC", logical)
			}
			scn.Functions[physical[logical]] = stackfake.Function{VpcConfig: &stackfake.VpcConfig{VpcID: vpc, SubnetIDs: ids(vc["SubnetIds"]), SecurityGroupIDs: ids(vc["SecurityGroupIds"])}}
			functions++
		case "AWS::Synthetics::Canary":
			c := stackfake.Canary{Schedule: "rate(1 hour)", Runs: []stackfake.CanaryRun{{ID: "r1", Status: "PASSED", Started: testNow.Add(-10 * time.Minute), Completed: testNow.Add(-9 * time.Minute)}}}
			if vc, ok := props["VPCConfig"].(map[string]any); ok && !template.IsNoValue(vc) {
				c.VpcConfig = &stackfake.VpcConfig{VpcID: vpc, SubnetIDs: ids(vc["SubnetIds"]), SecurityGroupIDs: ids(vc["SecurityGroupIds"])}
			}
			scn.Canaries[physical[logical]] = c
			canaries++
		case "AWS::ECS::Service":
			nc, _ := props["NetworkConfiguration"].(map[string]any)
			vc, _ := nc["AwsvpcConfiguration"].(map[string]any)
			scn.ECSServices[physical[logical]] = stackfake.ECSService{AssignPublicIP: str(vc["AssignPublicIp"]), Subnets: ids(vc["Subnets"]), SecurityGroups: ids(vc["SecurityGroups"])}
		case "AWS::ElasticLoadBalancingV2::LoadBalancer":
			scn.LoadBalancers[physical[logical]] = stackfake.LoadBalancer{Scheme: str(props["Scheme"]), VpcID: vpc, Subnets: ids(props["Subnets"])}
		case "AWS::ApiGateway::RestApi":
			ec := props["EndpointConfiguration"].(map[string]any)
			var types []string
			for _, x := range ec["Types"].([]any) {
				types = append(types, x.(string))
			}
			scn.RestAPIs[physical[logical]] = stackfake.RestAPI{
				Name: logical, Created: t0, EndpointTypes: types, VpcEndpointIDs: ids(ec["VpcEndpointIds"]),
				Policy:      livePolicy(props["Policy"], scn.Stack.Parameters, physical[logical]),
				Stages:      []stackfake.Stage{{Name: "prod", DeploymentID: "d2", Created: t0, LastUpdated: t0.Add(2 * time.Minute)}},
				Deployments: map[string]stackfake.Deployment{"d2": {Created: t0.Add(2 * time.Minute)}},
			}
		}
	}
	if functions < 5 || canaries < 1 || len(scn.RestAPIs) != 1 || len(scn.ECSServices) < 1 || len(scn.LoadBalancers) != 1 {
		t.Fatalf("the example lost its functions, canaries, API, ECS services or load balancer: %d %d %d %d %d",
			functions, canaries, len(scn.RestAPIs), len(scn.ECSServices), len(scn.LoadBalancers))
	}
	return scn
}

// livePolicy is the policy as API Gateway stores it: parameters and pseudo
// parameters substituted, execute-api:/* expanded to the API's ARN.
func livePolicy(v any, params map[string]string, apiID string) any {
	switch x := v.(type) {
	case map[string]any:
		if name, ok := template.Ref(x); ok {
			return params[name]
		}
		if s, ok := x["Fn::Sub"].(string); ok {
			return strings.NewReplacer("${AWS::Partition}", "aws", "${AWS::Region}", "us-east-1", "${AWS::AccountId}", "123456789012").Replace(s)
		}
		out := map[string]any{}
		for k, vv := range x {
			out[k] = livePolicy(vv, params, apiID)
		}
		return out
	case []any:
		out := make([]any, len(x))
		for i, vv := range x {
			out[i] = livePolicy(vv, params, apiID)
		}
		return out
	case string:
		if x == "execute-api:/*" {
			return "arn:aws:execute-api:us-east-1:123456789012:" + apiID + "/*"
		}
	}
	return v
}

// TestMacroOutputVerifies deploys the macro's real output in the double:
// a faithful deploy has no finding, and each drift from it is caught.
func TestMacroOutputVerifies(t *testing.T) {
	for _, tc := range []struct {
		name  string
		drift func(*stackfake.Scenario)
		want  []string
	}{
		{"as deployed", func(*stackfake.Scenario) {}, nil},
		{"a function left outside the VPC", func(s *stackfake.Scenario) {
			for name, f := range s.Functions {
				f.VpcConfig = nil
				s.Functions[name] = f
				return
			}
		}, []string{"QPE-VF-010"}},
		{"the macro's security group swapped by hand", func(s *stackfake.Scenario) {
			for name, f := range s.Functions {
				vc := *f.VpcConfig
				vc.SecurityGroupIDs = []string{"sg-0999999999999999a"}
				f.VpcConfig = &vc
				s.Functions[name] = f
				return
			}
		}, []string{"QPE-VF-012"}},
		{"a canary outside the VPC", func(s *stackfake.Scenario) {
			for name, c := range s.Canaries {
				c.VpcConfig = nil
				s.Canaries[name] = c
				return
			}
		}, []string{"QPE-VF-033"}},
		{"the API still EDGE", func(s *stackfake.Scenario) {
			a := s.RestAPIs["a1b2c3d4e5"]
			a.EndpointTypes, a.VpcEndpointIDs = []string{"EDGE"}, nil
			s.RestAPIs["a1b2c3d4e5"] = a
		}, []string{"QPE-VF-020"}},
		{"an ECS service given public addresses by hand", func(s *stackfake.Scenario) {
			for arn, svc := range s.ECSServices {
				svc.AssignPublicIP = "ENABLED"
				s.ECSServices[arn] = svc
				return
			}
		}, []string{"QPE-VF-050"}},
		{"the load balancer still internet-facing", func(s *stackfake.Scenario) {
			for arn, lb := range s.LoadBalancers {
				lb.Scheme = "internet-facing"
				s.LoadBalancers[arn] = lb
			}
		}, []string{"QPE-VF-040"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			scn := macroStack(t)
			tc.drift(scn)
			srv := stackfake.Start(scn)
			t.Cleanup(srv.Close)
			rep, err := Run(context.Background(), clientsFor(srv), Input{Stack: "quilt", Region: "us-east-1", LambdaRate: -1, Now: func() time.Time { return testNow }})
			if err != nil {
				t.Fatal(err)
			}
			if got := ids(rep); !slices.Equal(got, tc.want) {
				for _, f := range rep.Findings {
					t.Logf("%s %s %s: %s", f.Severity, f.ID, f.Resource, f.Message)
				}
				t.Errorf("ids = %v, want %v", got, tc.want)
			}
		})
	}
}
