package updatepath

import (
	"context"
	"errors"
	"testing"

	"github.com/quiltdata/quilt-private-endpoints/internal/quiltfixture"
	"github.com/quiltdata/quilt-private-endpoints/internal/template"
)

// TestOddShapes: templates of unusual or broken shape give a plan or a
// *TemplateError, never a panic.
func TestOddShapes(t *testing.T) {
	docs := []string{
		`{"Resources": {}}`,
		`{"Resources": {"A": "not an object", "B": {"Type": 3}, "C": {"Properties": []}}}`,
		`{"Resources": {"A": {"Type": "AWS::S3::Bucket", "Properties": {"Fn::If": ["C", {}, {}]}}}}`,
		`{"Conditions": {"C": {"Condition": "C"}}, "Resources": {"A": {"Type": "AWS::SNS::Topic", "Condition": "C", "DependsOn": ["A", "Nope", 3]}}}`,
		`{"Resources": {"A": {"Type": "AWS::SNS::Topic", "Properties": {"X": {"Fn::Sub": ["${Y", {"Y": {"Ref": "A"}}]}, "Z": {"Fn::FindInMap": ["M", {"Ref": "P"}]}}}}}`,
		`{"Resources": {"A": {"Type": "AWS::ElasticLoadBalancingV2::ListenerRule", "Properties": {"ListenerArn": {"Ref": "A"}, "Actions": [{"TargetGroupArn": {"Ref": "A"}}]}}}}`,
		`{"Outputs": {"O": {"Value": {"Ref": "A"}, "Export": {"Name": {"Fn::Join": ["-", [{"Ref": "AWS::StackName"}, "x"]]}}}}, "Resources": {"A": {"Type": "AWS::SNS::Topic"}}}`,
		`{"Resources": {"Api": {"Type": "AWS::ApiGateway::RestApi", "Properties": {"EndpointConfiguration": "PRIVATE"}}, "W": {"Type": "AWS::WAFv2::WebACL", "Properties": {"Rules": {"Fn::If": ["X", [], []]}}}}}`,
		`{"Resources": {"R": {"Type": "AWS::ElasticLoadBalancingV2::ListenerRule", "Properties": {"Priority": "x", "Conditions": [3, {"Field": "host-header", "Values": "a"}, {"Field": "host-header", "HostHeaderConfig": {"Values": ["[", {"Ref": "R"}]}}], "Actions": "forward"}}, "S": {"Type": "AWS::ECS::Service", "Properties": {"LoadBalancers": "x", "DeploymentConfiguration": {"MinimumHealthyPercent": "abc"}, "TaskDefinition": {"Ref": "S"}}}}}`,
		`{"Resources": {"T": {"Type": "AWS::ECS::TaskDefinition", "Properties": {"ContainerDefinitions": [{"Environment": [{"Name": "A", "Value": {"Fn::Sub": "${Api}"}}, 3]}, "x"]}}, "Api": {"Type": "AWS::ApiGateway::RestApi", "Properties": {"EndpointConfiguration": {"Types": [3]}}}, "L": {"Type": "AWS::ElasticLoadBalancingV2::LoadBalancer", "Properties": {"Scheme": []}}}, "Outputs": {"D": {"Value": {"Fn::GetAtt": ["L", "DNSName"]}}}}`,
	}
	stable := quiltfixture.Decode(quiltfixture.Stable())
	for _, a := range docs {
		da, err := template.Decode([]byte(a))
		if err != nil {
			t.Fatalf("%s: %v", a, err)
		}
		for _, pair := range [][2]map[string]any{{da, da}, {stable, da}, {da, stable}} {
			var te *TemplateError
			if p, err := Compute(context.Background(), Input{Deployed: pair[0], New: pair[1]}); err != nil && !errors.As(err, &te) || err == nil && p == nil {
				t.Errorf("%s: %v", a, err)
			}
		}
	}
	if _, err := Compute(context.Background(), Input{Deployed: map[string]any{}, New: stable}); err == nil {
		t.Error("a template without Resources must be an error")
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := Compute(ctx, Input{Deployed: stable, New: stable}); err == nil {
		t.Error("a cancelled context must stop the computation")
	}
}
