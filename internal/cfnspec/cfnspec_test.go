package cfnspec

import (
	"strings"
	"testing"
)

// touched lists the resource types Private Endpoints reads, rewrites or adds.
// The generated table must cover each one (regenerate with go generate after
// adding a type to gen/main.go).
func touched() []string {
	return []string{
		"AWS::Lambda::Function", "AWS::Serverless::Function", "AWS::IAM::Role",
		"AWS::ApiGateway::RestApi", "AWS::ApiGateway::Deployment", "AWS::ApiGateway::Stage",
		"AWS::Serverless::Api", "AWS::ECS::Service", "AWS::ECS::TaskDefinition",
		"AWS::Synthetics::Canary", "AWS::ElasticLoadBalancingV2::LoadBalancer",
		"AWS::EC2::SecurityGroup", "AWS::CloudFormation::CustomResource",
		"AWS::ApiGatewayV2::Api", "AWS::Serverless::HttpApi", "AWS::Lambda::Version",
		"AWS::CloudFront::Distribution", "AWS::EC2::VPCEndpoint",
	}
}

func TestTableCoversTouchedTypes(t *testing.T) {
	s := New()
	for _, typ := range touched() {
		if !s.HasType(typ) {
			t.Errorf("the generated table has no %s: add it to gen/main.go and run go generate", typ)
		}
	}
	src := s.Source()
	if src.Package != "@aws-cdk/aws-service-spec" || src.Version == "" || len(src.SHA256) != 64 {
		t.Errorf("source not pinned: %+v", src)
	}
}

func TestLookup(t *testing.T) {
	s := New()
	cases := []struct {
		typ, path string
		want      UpdateType
		ok        bool
	}{
		{"AWS::Lambda::Function", "VpcConfig", Mutable, true},
		{"AWS::Lambda::Function", "VpcConfig.SubnetIds", Mutable, true},
		{"AWS::Lambda::Function", "FunctionName", Immutable, true},
		{"AWS::Lambda::Function", "NoSuchProperty", "", false},
		{"AWS::ApiGateway::RestApi", "EndpointConfiguration.Types[0]", Mutable, true},
		{"AWS::ApiGateway::Deployment", "RestApiId", Immutable, true},
		{"AWS::ApiGateway::Stage", "DeploymentId", Mutable, true},
		{"AWS::ECS::TaskDefinition", "ContainerDefinitions[Name=catalog].Environment[Name=API_GATEWAY].Value", Immutable, true},
		{"AWS::ECS::Service", "NetworkConfiguration.AwsvpcConfiguration.AssignPublicIp", Mutable, true},
		{"AWS::ECS::Service", "DeploymentController.Type", Immutable, true},
		{"AWS::ElasticLoadBalancingV2::LoadBalancer", "Scheme", Immutable, true},
		{"AWS::ElasticLoadBalancingV2::LoadBalancer", "Subnets", Mutable, true},
		{"AWS::IAM::Role", "ManagedPolicyArns[3]", Mutable, true},
		{"AWS::Synthetics::Canary", "VPCConfig.SubnetIds", Mutable, true},
		{"AWS::EC2::SecurityGroup", "VpcId", Immutable, true},
		// SAM types answer for the resource they expand to.
		{"AWS::Serverless::Function", "VpcConfig", Mutable, true},
		{"AWS::Serverless::Function", "Policies", Mutable, true},
		{"AWS::Serverless::Api", "EndpointConfiguration.Type", Mutable, true},
		{"AWS::Serverless::Api", "Auth.ResourcePolicy", Mutable, true},
		// Custom resources: ServiceToken replaces, anything else updates.
		{"Custom::QuiltPrivateEndpoints", "ServiceToken", Immutable, true},
		{"Custom::QuiltPrivateEndpoints", "SubnetIds", Mutable, true},
		{"AWS::S3::Bucket", "BucketName", Immutable, true},
		{"AWS::S3::Bucket", "NoSuchProperty", "", false},
		{"AWS::No::Such", "X", "", false},
		{"AWS::ElasticLoadBalancingV2::ListenerRule", "ListenerArn", Immutable, true},
		{"AWS::WAFv2::WebACLAssociation", "ResourceArn", Immutable, true},
	}
	for _, c := range cases {
		got, ok := s.Lookup(c.typ, c.path)
		if got != c.want || ok != c.ok {
			t.Errorf("Lookup(%s, %s) = %q, %v; want %q, %v", c.typ, c.path, got, ok, c.want, c.ok)
		}
	}
}

func TestBehavior(t *testing.T) {
	s := New()
	if b := s.Behavior("AWS::ElasticLoadBalancingV2::LoadBalancer", "Scheme"); b != Replacement {
		t.Errorf("ALB Scheme: %v", b)
	}
	if b := s.Behavior("AWS::No::Such", "X"); b != Unknown {
		t.Errorf("unknown type: %v", b)
	}
	if !(Unknown < None && None < NoInterruption && NoInterruption < SomeInterruption && SomeInterruption < Replacement) {
		t.Error("behaviours must be ordered by disruption")
	}
	if Conditional.Behavior() != SomeInterruption || Behavior(99).String() != "unknown" {
		t.Error("Conditional must mean some interruption")
	}
	txt, _ := Replacement.MarshalText()
	if string(txt) != "replacement" {
		t.Errorf("MarshalText: %s", txt)
	}
}

func TestStripIndexes(t *testing.T) {
	for in, want := range map[string]string{
		"A":                    "A",
		"A[0].B":               "A.B",
		"A[Name=x.y].B[1].C":   "A.B.C",
		"Policy.Statement[12]": "Policy.Statement",
	} {
		if got := StripIndexes(in); got != want {
			t.Errorf("StripIndexes(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestGeneratedTableSorted(t *testing.T) {
	rows := generatedTable()
	if len(rows) < 1000 {
		t.Fatalf("only %d resource types: the table covers the whole database", len(rows))
	}
	for i := 1; i < len(rows); i++ {
		if rows[i-1].Type >= rows[i].Type {
			t.Fatalf("rows %d and %d out of order: %s %s", i-1, i, rows[i-1].Type, rows[i].Type)
		}
		if strings.Contains(rows[i].Replace, "[") {
			t.Fatalf("indexed path in table: %v", rows[i])
		}
	}
}

func TestDataAndNames(t *testing.T) {
	s := New()
	for typ, want := range map[string]string{
		"AWS::ECS::Service": "ServiceName", "AWS::S3::Bucket": "BucketName",
		"AWS::ElasticLoadBalancingV2::TargetGroup": "Name", "AWS::Lambda::Function": "FunctionName",
		"AWS::Serverless::Function": "FunctionName", "AWS::Logs::LogGroup": "LogGroupName",
		"AWS::ApiGateway::RestApi": "", "AWS::ECS::TaskDefinition": "",
	} {
		if got := s.NameProperty(typ); got != want {
			t.Errorf("NameProperty(%s) = %q, want %q", typ, got, want)
		}
	}
	for typ, want := range map[string]bool{
		"AWS::S3::Bucket": true, "AWS::Logs::LogGroup": true, "AWS::DynamoDB::Table": true,
		"AWS::Lambda::Function": false, "AWS::ElasticLoadBalancingV2::LoadBalancer": false,
	} {
		if got := s.Stateful(typ); got != want {
			t.Errorf("Stateful(%s) = %v", typ, got)
		}
	}
}
