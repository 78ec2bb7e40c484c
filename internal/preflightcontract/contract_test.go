package preflightcontract_test

import (
	"context"
	"fmt"
	"os"
	"reflect"
	"slices"
	"strings"
	"testing"

	contract "github.com/quiltdata/quilt-private-endpoints/internal/preflightcontract"
	"github.com/quiltdata/quilt-private-endpoints/internal/preflightresource"
	"github.com/quiltdata/quilt-private-endpoints/internal/template"
	"github.com/quiltdata/quilt-private-endpoints/internal/transform"
)

// The contract test: the macro renders a template, CloudFormation's part is
// played by a small resolver (Refs to parameters and pseudo parameters,
// Fn::Sub, Fn::If, Fn::Equals, Fn::Join), and the custom resource's own
// parser reads the preflight resource's properties. Both directions: every
// property the macro writes is one the parser accepts and reads as meant,
// and every attribute the template reads with Fn::GetAtt is one the custom
// resource answers with.

const (
	vpc     = "vpc-0123456789abcdef0"
	subnetA = "subnet-0123456789abcdef0"
	subnetB = "subnet-0123456789abcdef1"
	vpce    = "vpce-0123456789abcdef0"
)

func TestRenderedPreflightParses(t *testing.T) {
	in, err := os.ReadFile("testdata/stack.json")
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name     string
		settings map[string]any
		params   map[string]any
		// resources are added to the template.
		resources map[string]any
		want      preflightresource.Properties
	}{
		{
			name:     "validate mode",
			settings: map[string]any{"PreflightMode": contract.ModeValidate, "ClientCidrs": "10.8.0.0/16", "BucketNames": "quilt-extra"},
			params:   map[string]any{"ApiGatewayVPCEndpointId": vpce, "VPC": vpc, "Subnets": []any{subnetA, subnetB}, "DataBucket": "quilt-data"},
			want: preflightresource.Properties{Mode: contract.ModeValidate, VpcID: vpc, SubnetIDs: []string{subnetA, subnetB},
				APIEndpointID: vpce, Buckets: []string{"quilt-extra", "quilt-data"}, ClientCidrs: []string{"10.8.0.0/16"},
				EgressServices: []string{"s3", "sqs"}},
		},
		{
			name: "internal load balancer beside the public one: its subnets and the services'",
			settings: map[string]any{"PreflightMode": contract.ModeValidate, "LoadBalancerScheme": "internal", "PublicLoadBalancer": "keep",
				"UserSubnetIds": subnetA + "," + subnetB},
			params: map[string]any{"ApiGatewayVPCEndpointId": vpce, "VPC": vpc, "Subnets": []any{subnetA, subnetB}, "DataBucket": "quilt-data",
				"UserSubnets": []any{subnetA, subnetB}},
			resources: map[string]any{
				"LB": map[string]any{"Type": "AWS::ElasticLoadBalancingV2::LoadBalancer", "Properties": map[string]any{"Scheme": "internet-facing"}},
				"Listener": map[string]any{"Type": "AWS::ElasticLoadBalancingV2::Listener", "Properties": map[string]any{"LoadBalancerArn": map[string]any{"Ref": "LB"},
					"Port": 80, "DefaultActions": []any{map[string]any{"Type": "forward", "TargetGroupArn": map[string]any{"Ref": "TG"}}}}},
				"TG": map[string]any{"Type": "AWS::ElasticLoadBalancingV2::TargetGroup", "Properties": map[string]any{"Port": 80}},
				"Service": map[string]any{"Type": "AWS::ECS::Service", "Properties": map[string]any{
					"LoadBalancers":        []any{map[string]any{"ContainerName": "c", "ContainerPort": 80, "TargetGroupArn": map[string]any{"Ref": "TG"}}},
					"NetworkConfiguration": map[string]any{"AwsvpcConfiguration": map[string]any{"AssignPublicIp": "DISABLED", "Subnets": map[string]any{"Ref": "Subnets"}}}}},
			},
			want: preflightresource.Properties{Mode: contract.ModeValidate, VpcID: vpc, SubnetIDs: []string{subnetA, subnetB},
				APIEndpointID: vpce, Buckets: []string{"quilt-data"}, EgressServices: []string{"ecr.api", "ecr.dkr", "logs", "s3", "sqs"},
				UserSubnets: []string{subnetA, subnetB}, ServiceSubnets: []string{subnetA, subnetB}},
		},
		{
			name:     "create mode, endpoint left to the preflight",
			settings: map[string]any{"PreflightMode": contract.ModeCreate, "EndpointPrivateDns": "true"},
			params:   map[string]any{"ApiGatewayVPCEndpointId": "", "VPC": vpc, "Subnets": []any{subnetA, subnetB}, "DataBucket": "quilt-data"},
			want: preflightresource.Properties{Mode: contract.ModeCreate, VpcID: vpc, SubnetIDs: []string{subnetA, subnetB},
				Buckets: []string{"quilt-data"}, EgressServices: []string{"s3", "sqs"}, EndpointPrivateDNS: true},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			doc, err := template.DecodeJSON(in)
			if err != nil {
				t.Fatal(err)
			}
			for id, r := range tc.resources {
				template.Resources(doc)[id] = r
			}
			res, err := transform.Transform(context.Background(), transform.Request{Fragment: doc, Params: tc.settings,
				TemplateParameterValues: tc.params, Region: "us-east-1", AccountID: "123456789012"})
			if err != nil {
				t.Fatal(err)
			}
			resources := template.Section(res.Fragment, "Resources")
			pre, _ := resources[contract.LogicalID].(map[string]any)
			if pre == nil || pre["Type"] != contract.Type {
				t.Fatalf("no %s resource of type %s in %v", contract.LogicalID, contract.Type, template.SortedKeys(resources))
			}
			raw, _ := pre["Properties"].(map[string]any)
			for k := range raw {
				if !slices.Contains(contract.Properties(), k) {
					t.Errorf("the macro writes property %s, which the custom resource does not accept", k)
				}
			}
			r := resolver{params: tc.params, doc: res.Fragment}
			resolved, ok := r.value(raw).(map[string]any)
			if !ok || r.err != nil {
				t.Fatalf("resolving %v: %v", raw, r.err)
			}
			// The one reader enable and verify use resolves the same way.
			sp := map[string]string{}
			for k, v := range tc.params {
				if l, ok := v.([]any); ok {
					var parts []string
					for _, e := range l {
						parts = append(parts, fmt.Sprint(e))
					}
					v = strings.Join(parts, ",")
				}
				sp[k] = fmt.Sprint(v)
			}
			mine, found, err := contract.ResolveProperties(res.Fragment, contract.Stack{Params: sp, Partition: "aws", Region: "us-east-1",
				AccountID: "123456789012", StackName: "quilt", StackID: "arn:aws:cloudformation:us-east-1:123456789012:stack/quilt/1"})
			if err != nil || !found || !reflect.DeepEqual(mine, resolved) {
				t.Errorf("ResolveProperties: found %v, err %v\n%v\nwant %v", found, err, mine, resolved)
			}
			got, err := preflightresource.ParseProperties(resolved)
			if err != nil {
				t.Fatalf("the custom resource refuses the macro's properties %v: %v", resolved, err)
			}
			// The fingerprint: the template's hash, then each parameter's value.
			if !strings.HasPrefix(got.Fingerprint, "sha256:") || !strings.Contains(got.Fingerprint, "|"+subnetA+","+subnetB+"|"+vpc) {
				t.Errorf("fingerprint %q", got.Fingerprint)
			}
			got.Fingerprint = ""
			if !reflect.DeepEqual(got, tc.want) {
				t.Errorf("parsed %+v\nwant   %+v", got, tc.want)
			}
			// The other direction: what the template reads from the preflight.
			for _, attr := range getAtts(res.Fragment, contract.LogicalID) {
				if !slices.Contains(contract.Attributes(), attr) {
					t.Errorf("the template reads %s.%s, which the custom resource does not answer", contract.LogicalID, attr)
				}
			}
		})
	}
}

// TestAttributesAnswered: the attribute the macro reads in create mode is
// one the custom resource puts in Data (contract.Attributes is its list).
func TestAttributesAnswered(t *testing.T) {
	in, err := os.ReadFile("testdata/stack.json")
	if err != nil {
		t.Fatal(err)
	}
	doc, err := template.DecodeJSON(in)
	if err != nil {
		t.Fatal(err)
	}
	res, err := transform.Transform(context.Background(), transform.Request{Fragment: doc, Params: map[string]any{"PreflightMode": contract.ModeCreate}})
	if err != nil {
		t.Fatal(err)
	}
	if got := getAtts(res.Fragment, contract.LogicalID); !slices.Contains(got, contract.AttrAPIEndpointID) {
		t.Errorf("create mode reads %v of the preflight, want %s", got, contract.AttrAPIEndpointID)
	}
}

// getAtts lists the attributes of id read anywhere in the template.
func getAtts(v any, id string) []string {
	var out []string
	var walk func(any)
	walk = func(v any) {
		switch x := v.(type) {
		case map[string]any:
			if g, ok := x["Fn::GetAtt"].([]any); ok && len(g) == 2 && g[0] == id {
				if s, ok := g[1].(string); ok && !slices.Contains(out, s) {
					out = append(out, s)
				}
			}
			for _, e := range x {
				walk(e)
			}
		case []any:
			for _, e := range x {
				walk(e)
			}
		}
	}
	walk(v)
	return out
}

// resolver plays CloudFormation for the intrinsics the macro writes into
// the preflight's properties. Anything else is an error: a new intrinsic in
// the macro's output must be added here on purpose.
type resolver struct {
	params map[string]any
	doc    map[string]any
	err    error
}

var pseudo = map[string]any{"AWS::Partition": "aws", "AWS::Region": "us-east-1", "AWS::AccountId": "123456789012",
	"AWS::StackName": "quilt", "AWS::StackId": "arn:aws:cloudformation:us-east-1:123456789012:stack/quilt/1"}

func (r *resolver) fail(format string, args ...any) any {
	if r.err == nil {
		r.err = fmt.Errorf(format, args...)
	}
	return nil
}

func (r *resolver) ref(name string) any {
	if v, ok := pseudo[name]; ok {
		return v
	}
	if v, ok := r.params[name]; ok {
		return v
	}
	p, _ := template.Section(r.doc, "Parameters")[name].(map[string]any)
	if p == nil {
		return r.fail("Ref %s: not a parameter", name)
	}
	if d, ok := p["Default"]; ok {
		return d
	}
	return r.fail("Ref %s: no value", name)
}

func (r *resolver) value(v any) any {
	switch x := v.(type) {
	case []any:
		out := make([]any, len(x))
		for i, e := range x {
			out[i] = r.value(e)
		}
		return out
	case map[string]any:
		if len(x) == 1 {
			for k, arg := range x {
				if strings.HasPrefix(k, "Fn::") || k == "Ref" {
					return r.intrinsic(k, arg)
				}
			}
		}
		out := map[string]any{}
		for k, e := range x {
			out[k] = r.value(e)
		}
		return out
	}
	return v
}

func (r *resolver) intrinsic(k string, arg any) any {
	switch k {
	case "Ref":
		s, _ := arg.(string)
		return r.ref(s)
	case "Fn::Sub":
		s, ok := arg.(string)
		if !ok {
			return r.fail("Fn::Sub with a variable map")
		}
		var b strings.Builder
		for {
			i := strings.Index(s, "${")
			if i < 0 {
				b.WriteString(s)
				return b.String()
			}
			j := strings.Index(s[i:], "}")
			b.WriteString(s[:i])
			b.WriteString(fmt.Sprint(r.ref(s[i+2 : i+j])))
			s = s[i+j+1:]
		}
	case "Fn::Join":
		a, _ := arg.([]any)
		if len(a) != 2 {
			return r.fail("Fn::Join %v", arg)
		}
		var parts []string
		items, _ := r.value(a[1]).([]any)
		for _, e := range items {
			parts = append(parts, fmt.Sprint(e))
		}
		return strings.Join(parts, fmt.Sprint(a[0]))
	case "Fn::If":
		a, _ := arg.([]any)
		if len(a) != 3 {
			return r.fail("Fn::If %v", arg)
		}
		name, _ := a[0].(string)
		cond := template.Section(r.doc, "Conditions")[name]
		if b, _ := r.value(cond).(bool); b {
			return r.value(a[1])
		}
		return r.value(a[2])
	case "Fn::Equals":
		a, _ := r.value(arg).([]any)
		return len(a) == 2 && reflect.DeepEqual(a[0], a[1])
	}
	return r.fail("unexpected %s in the preflight's properties", k)
}
