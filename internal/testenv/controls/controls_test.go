package controls

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/quiltdata/quilt-private-endpoints/internal/template"
	"github.com/quiltdata/quilt-private-endpoints/internal/testenv"
	"github.com/quiltdata/quilt-private-endpoints/internal/transform"
)

const (
	lambdaInVPC   = "CT.LAMBDA.PR.3"
	ecsNoPublicIP = "CT.ECS.PR.9"
)

// sampleValues are the example's parameter values at deploy time.
func sampleValues() map[string]any {
	return map[string]any{
		"VPC":                     "vpc-0123456789abcdef0",
		"Subnets":                 "subnet-0123456789abcdef0,subnet-0123456789abcdef1",
		"PublicSubnets":           "subnet-0fedcba9876543210,subnet-0fedcba9876543211",
		"UserSubnets":             "subnet-0aaaaaaaaaaaaaaa0,subnet-0aaaaaaaaaaaaaaa1",
		"ApiGatewayVPCEndpointId": "vpce-0123456789abcdef0",
		"QuiltWebHost":            "quilt.example.com",
		"CertificateArnELB":       "arn:aws:acm:us-east-1:123456789012:certificate/0a1b2c3d-4e5f-6789-abcd-ef0123456789",
		"DataBucket":              "example-data",
		"CanaryBucketAllowed":     "",
		"ManagedUserRoleArn":      "arn:aws:iam::123456789012:role/quilt-manifest-indexer",
		"EnableCanaries":          "Enabled",
	}
}

func example(t *testing.T) map[string]any {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(testenv.Root(t), "templates", "examples", "quilt-network1.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	doc, err := template.Decode(b)
	if err != nil {
		t.Fatal(err)
	}
	return doc
}

func guard(t *testing.T) (Guard, []string) {
	t.Helper()
	return Guard{Bin: testenv.CfnGuard(t)}, []string{
		testenv.ControlTowerRule(t, "lambda", "ct-lambda-pr-3"),
		testenv.ControlTowerRule(t, "ecs", "ct-ecs-pr-9"),
	}
}

// evaluate resolves doc with the sample values and runs both controls.
func evaluate(t *testing.T, doc map[string]any) []Violation {
	t.Helper()
	resolved, err := Resolve(doc, sampleValues())
	if err != nil {
		t.Fatalf("resolve: %v", err)
	}
	g, rules := guard(t)
	vs, err := g.Validate(context.Background(), resolved, rules...)
	if err != nil {
		t.Fatal(err)
	}
	return vs
}

func render(t *testing.T, doc map[string]any, params map[string]any) map[string]any {
	t.Helper()
	res, err := transform.Transform(context.Background(), transform.Request{Fragment: doc, Params: params})
	if err != nil {
		t.Fatalf("transform: %v", err)
	}
	return res.Fragment
}

// TestControlsFailOnTheExample proves the controls can fail: the example as
// written (network 1.0) has every function outside a VPC and a service on
// public IPs.
func TestControlsFailOnTheExample(t *testing.T) {
	vs := evaluate(t, example(t))
	wantLambda := []string{"ManifestIndexer", "PreviewHandler", "SearchIndexer", "StackStatusFunction", "TabularPreviewHandler", "ThumbnailHandler", "TranscodeHandler"}
	if got := Resources(vs, lambdaInVPC); !reflect.DeepEqual(got, wantLambda) {
		t.Errorf("%s fails %v, want %v", lambdaInVPC, got, wantLambda)
	}
	if got := Resources(vs, ecsNoPublicIP); !reflect.DeepEqual(got, []string{"CatalogService"}) {
		t.Errorf("%s fails %v, want [CatalogService]", ecsNoPublicIP, got)
	}
}

// withEdgeAndConditional adds a Lambda@Edge function (through a version),
// which the macro deliberately leaves out, and a function whose VpcConfig
// is conditional and off at deploy time, which the macro puts into the VPC
// in both branches.
func withEdgeAndConditional(doc map[string]any) map[string]any {
	d := template.Clone(doc).(map[string]any)
	template.Section(d, "Conditions")["LegacyInVpc"] = map[string]any{"Fn::Equals": []any{map[string]any{"Ref": "EnableCanaries"}, "Disabled"}}
	rs := template.Resources(d)
	rs["EdgeAuth"] = map[string]any{"Type": "AWS::Lambda::Function", "Properties": map[string]any{
		"Handler": "index.handler", "Runtime": "nodejs20.x", "Role": map[string]any{"Fn::GetAtt": []any{"ApiRole", "Arn"}},
		"Code": map[string]any{"ZipFile": "exports.handler = async (e) => e.Records[0].cf.request;"},
	}}
	rs["EdgeAuthVersion"] = map[string]any{"Type": "AWS::Lambda::Version", "Properties": map[string]any{"FunctionName": map[string]any{"Ref": "EdgeAuth"}}}
	rs["Distribution"] = map[string]any{"Type": "AWS::CloudFront::Distribution", "Properties": map[string]any{"DistributionConfig": map[string]any{
		"Enabled": true,
		"Origins": []any{map[string]any{"Id": "alb", "DomainName": map[string]any{"Fn::GetAtt": []any{"LoadBalancer", "DNSName"}}, "CustomOriginConfig": map[string]any{"OriginProtocolPolicy": "https-only"}}},
		"DefaultCacheBehavior": map[string]any{
			"TargetOriginId": "alb", "ViewerProtocolPolicy": "redirect-to-https",
			"CachePolicyId":              "658327ea-f89d-4fab-a63d-7e88639e58f6",
			"LambdaFunctionAssociations": []any{map[string]any{"EventType": "viewer-request", "LambdaFunctionARN": map[string]any{"Ref": "EdgeAuthVersion"}}},
		},
	}}}
	rs["LegacyExporter"] = map[string]any{"Type": "AWS::Lambda::Function", "Properties": map[string]any{
		"Handler": "index.handler", "Runtime": "python3.11", "Role": map[string]any{"Fn::GetAtt": []any{"ApiRole", "Arn"}},
		"Code": map[string]any{"S3Bucket": "quilt-lambda-us-east-1", "S3Key": "exporter/1.zip"},
		"VpcConfig": map[string]any{"Fn::If": []any{"LegacyInVpc",
			map[string]any{"SubnetIds": map[string]any{"Ref": "Subnets"}, "SecurityGroupIds": []any{map[string]any{"Ref": "ServiceSecurityGroup"}}},
			map[string]any{"Ref": "AWS::NoValue"}}},
	}}
	return d
}

// TestControlsPassOnTheRenderedExample: after the macro, only the functions
// it deliberately leaves out fail CT.LAMBDA.PR.3, and no ECS service
// assigns public IPs.
func TestControlsPassOnTheRenderedExample(t *testing.T) {
	tests := []struct {
		name       string
		doc        map[string]any
		params     map[string]any
		wantLambda []string // the functions left out on purpose
	}{
		{name: "defaults", doc: example(t), params: map[string]any{}},
		{name: "excluded function", doc: example(t), params: map[string]any{"Exclude": "StackStatusFunction"}, wantLambda: []string{"StackStatusFunction"}},
		{name: "preflight off", doc: example(t), params: map[string]any{"PreflightMode": "none"}},
		{name: "preflight creates endpoints", doc: example(t), params: map[string]any{"PreflightMode": "create"}},
		{name: "internal load balancer beside the public one", doc: example(t), params: map[string]any{"LoadBalancerScheme": "internal", "PublicLoadBalancer": "keep", "UserSubnetIds": "subnet-0123456789abcdef0,subnet-1123456789abcdef0"}},
		{name: "internal load balancer only", doc: example(t), params: map[string]any{"LoadBalancerScheme": "internal", "PublicLoadBalancer": "retire", "UserSubnetIds": "subnet-0123456789abcdef0,subnet-1123456789abcdef0"}},
		{name: "Lambda@Edge and conditional VpcConfig", doc: withEdgeAndConditional(example(t)), params: map[string]any{}, wantLambda: []string{"EdgeAuth"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if _, ok := tc.params["LoadBalancerScheme"]; !ok {
				tc.params["LoadBalancerScheme"] = "unchanged" // the example has an internet-facing load balancer
			}
			vs := evaluate(t, render(t, tc.doc, tc.params))
			got := Resources(vs, lambdaInVPC)
			if !reflect.DeepEqual(got, tc.wantLambda) {
				t.Errorf("%s fails %v, want only the functions left out on purpose: %v", lambdaInVPC, got, tc.wantLambda)
			}
			if got := Resources(vs, ecsNoPublicIP); len(got) != 0 {
				t.Errorf("%s fails %v", ecsNoPublicIP, got)
			}
			for _, v := range vs {
				if v.Control != lambdaInVPC && v.Control != ecsNoPublicIP {
					t.Errorf("unexpected violation %+v", v)
				}
			}
		})
	}
}

func TestGuardFindsResources(t *testing.T) {
	g, rules := guard(t)
	doc := map[string]any{"Resources": map[string]any{
		"InVpc": map[string]any{"Type": "AWS::Lambda::Function", "Properties": map[string]any{"VpcConfig": map[string]any{
			"SubnetIds": []any{"subnet-1"}, "SecurityGroupIds": []any{map[string]any{"Ref": "SG"}}}}},
		"NoVpc":     map[string]any{"Type": "AWS::Lambda::Function", "Properties": map[string]any{}},
		"NoSGs":     map[string]any{"Type": "AWS::Lambda::Function", "Properties": map[string]any{"VpcConfig": map[string]any{"SubnetIds": []any{"subnet-1"}, "SecurityGroupIds": []any{}}}},
		"BadSGRef":  map[string]any{"Type": "AWS::Lambda::Function", "Properties": map[string]any{"VpcConfig": map[string]any{"SubnetIds": []any{"subnet-1"}, "SecurityGroupIds": []any{map[string]any{"Ref": "Bucket"}}}}},
		"SG":        map[string]any{"Type": "AWS::EC2::SecurityGroup", "Properties": map[string]any{"GroupDescription": "x"}},
		"Bucket":    map[string]any{"Type": "AWS::S3::Bucket"},
		"Public":    map[string]any{"Type": "AWS::ECS::Service", "Properties": map[string]any{"NetworkConfiguration": map[string]any{"AwsvpcConfiguration": map[string]any{"AssignPublicIp": "ENABLED"}}}},
		"Private":   map[string]any{"Type": "AWS::ECS::Service", "Properties": map[string]any{"NetworkConfiguration": map[string]any{"AwsvpcConfiguration": map[string]any{"AssignPublicIp": "DISABLED"}}}},
		"NoNetwork": map[string]any{"Type": "AWS::ECS::Service", "Properties": map[string]any{}},
	}}
	vs, err := g.Validate(context.Background(), doc, rules...)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := Resources(vs, lambdaInVPC), []string{"BadSGRef", "NoSGs", "NoVpc"}; !reflect.DeepEqual(got, want) {
		t.Errorf("%s: %v, want %v", lambdaInVPC, got, want)
	}
	if got, want := Resources(vs, ecsNoPublicIP), []string{"Public"}; !reflect.DeepEqual(got, want) {
		t.Errorf("%s: %v, want %v", ecsNoPublicIP, got, want)
	}
}

func TestGuardError(t *testing.T) {
	g, _ := guard(t)
	bad := filepath.Join(t.TempDir(), "bad.guard")
	if err := os.WriteFile(bad, []byte("rule x {{{ nope"), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := g.Validate(context.Background(), map[string]any{"Resources": map[string]any{}}, bad); err == nil {
		t.Error("a broken rule file gave no error")
	}
}

func TestResolve(t *testing.T) {
	doc := map[string]any{
		"Parameters": map[string]any{
			"Subnets": map[string]any{"Type": "List<AWS::EC2::Subnet::Id>"},
			"Names":   map[string]any{"Type": "CommaDelimitedList", "Default": "a, b"},
			"Env":     map[string]any{"Type": "String", "Default": "prod"},
			"Size":    map[string]any{"Type": "Number", "Default": num("3")},
			"Unset":   map[string]any{"Type": "String"},
		},
		"Mappings": map[string]any{"PartitionConfig": map[string]any{"aws": map[string]any{"ApiGatewayType": "EDGE"}}},
		"Conditions": map[string]any{
			"IsProd":    map[string]any{"Fn::Equals": []any{map[string]any{"Ref": "Env"}, "prod"}},
			"NotProd":   map[string]any{"Fn::Not": []any{map[string]any{"Condition": "IsProd"}}},
			"ProdAndUS": map[string]any{"Fn::And": []any{map[string]any{"Condition": "IsProd"}, map[string]any{"Fn::Equals": []any{map[string]any{"Ref": "AWS::Region"}, "us-east-1"}}}},
			"Either":    map[string]any{"Fn::Or": []any{map[string]any{"Condition": "NotProd"}, map[string]any{"Condition": "ProdAndUS"}}},
		},
		"Resources": map[string]any{
			"Dropped": map[string]any{"Type": "AWS::S3::Bucket", "Condition": "NotProd"},
			"Fn": map[string]any{"Type": "AWS::Lambda::Function", "Condition": "Either", "Properties": map[string]any{
				"VpcConfig": map[string]any{"SubnetIds": map[string]any{"Ref": "Subnets"}, "SecurityGroupIds": []any{map[string]any{"Ref": "SG"}, map[string]any{"Fn::If": []any{"NotProd", "sg-x", map[string]any{"Ref": "AWS::NoValue"}}}}},
				"Names":     map[string]any{"Ref": "Names"},
				"Type":      map[string]any{"Fn::FindInMap": []any{"PartitionConfig", map[string]any{"Ref": "AWS::Partition"}, "ApiGatewayType"}},
				"Size":      map[string]any{"Ref": "Size"},
				"First":     map[string]any{"Fn::Select": []any{"1", map[string]any{"Fn::Split": []any{",", map[string]any{"Fn::Join": []any{",", map[string]any{"Ref": "Subnets"}}}}}}},
				"Sub":       map[string]any{"Fn::Sub": "${AWS::Region}-${Env}"},
				"Unset":     map[string]any{"Ref": "Unset"},
				"Tracing":   map[string]any{"Fn::If": []any{"IsProd", map[string]any{"Mode": "Active"}, map[string]any{"Ref": "AWS::NoValue"}}},
				"Reserved":  map[string]any{"Fn::If": []any{"NotProd", num("5"), map[string]any{"Ref": "AWS::NoValue"}}},
			}},
		},
	}
	before := template.Clone(doc)
	got, err := Resolve(doc, map[string]any{"Subnets": "subnet-1,subnet-2"})
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(doc, before) {
		t.Error("Resolve modified its input")
	}
	want := map[string]any{"Fn": map[string]any{"Type": "AWS::Lambda::Function", "Condition": "Either", "Properties": map[string]any{
		"VpcConfig": map[string]any{"SubnetIds": []any{"subnet-1", "subnet-2"}, "SecurityGroupIds": []any{map[string]any{"Ref": "SG"}}},
		"Names":     []any{"a", "b"},
		"Type":      "EDGE",
		"Size":      "3",
		"First":     "subnet-2",
		"Sub":       map[string]any{"Fn::Sub": "${AWS::Region}-${Env}"},
		"Unset":     map[string]any{"Ref": "Unset"},
		"Tracing":   map[string]any{"Mode": "Active"},
	}}}
	if !reflect.DeepEqual(got["Resources"], want) {
		t.Errorf("got  %#v\nwant %#v", got["Resources"], want)
	}

	// Errors name what is wrong.
	for name, c := range map[string]any{
		"undeclared condition": map[string]any{"Condition": "Nope"},
		"self reference":       map[string]any{"Condition": "Loop"},
		"unknown at deploy":    map[string]any{"Fn::Equals": []any{map[string]any{"Ref": "Unset"}, "x"}},
	} {
		d := template.Clone(doc).(map[string]any)
		template.Section(d, "Conditions")["Loop"] = map[string]any{"Condition": "Loop"}
		template.Section(d, "Conditions")["Probe"] = c
		template.Resources(d)["Probe"] = map[string]any{"Type": "AWS::S3::Bucket", "Condition": "Probe"}
		if _, err := Resolve(d, nil); err == nil || !strings.Contains(err.Error(), "Probe") {
			t.Errorf("%s: err = %v", name, err)
		}
	}
}

func num(s string) any { return json.Number(s) }
