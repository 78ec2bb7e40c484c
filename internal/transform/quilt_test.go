package transform

import (
	"context"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/quiltdata/quilt-private-endpoints/internal/template"
)

// TestQuiltPrivateBuild runs the hand-written fixture shaped like Quilt's
// own private build: it must come out with no second Deny, no duplicate
// endpoint id, no second VpcConfig, the ALB left internal and no
// Deployment renamed.
func TestQuiltPrivateBuild(t *testing.T) {
	data, err := os.ReadFile(filepath.Join("testdata", "quilt", "private_build", "input.json"))
	if err != nil {
		t.Fatal(err)
	}
	in := fragment(t, data)
	for _, params := range []map[string]any{nil, {"LoadBalancerScheme": "internal"}, {"PreflightMode": "none"}} {
		res, err := Transform(context.Background(), Request{Fragment: in, Params: params})
		if err != nil {
			t.Fatal(err)
		}
		out := template.Resources(res.Fragment)
		api := out["Api"].(map[string]any)["Properties"].(map[string]any)
		denies := 0
		for _, s := range api["Policy"].(map[string]any)["Statement"].([]any) {
			if s.(map[string]any)["Effect"] == "Deny" {
				denies++
			}
		}
		if denies != 1 {
			t.Errorf("%v: %d Deny statements, want 1", params, denies)
		}
		ids := api["EndpointConfiguration"].(map[string]any)["VpcEndpointIds"].([]any)
		if len(ids) != 1 || !reflect.DeepEqual(ids[0], map[string]any{"Ref": "ApiGatewayVPCEndpoint"}) {
			t.Errorf("%v: VpcEndpointIds = %v", params, ids)
		}
		inRes := template.Resources(in)
		for id, r := range inRes {
			typ := r.(map[string]any)["Type"]
			if _, ok := out[id]; !ok {
				t.Errorf("%v: resource %s disappeared (renamed?)", params, id)
				continue
			}
			if typ == "AWS::Lambda::Function" || typ == "AWS::ElasticLoadBalancingV2::LoadBalancer" || typ == "AWS::ApiGateway::RestApi" || typ == "AWS::ECS::Service" {
				a := out[id].(map[string]any)["Properties"]
				b := r.(map[string]any)["Properties"]
				if !reflect.DeepEqual(a, b) {
					t.Errorf("%v: %s properties changed", params, id)
				}
			}
		}
		if _, ok := template.Section(res.Fragment, "Parameters")["ApiGatewayVPCEndpointId"]; ok {
			t.Errorf("%v: declared ApiGatewayVPCEndpointId although the template has ApiGatewayVPCEndpoint", params)
		}
		for _, c := range res.Changes {
			if c.Pass != "preflight" {
				t.Errorf("%v: unexpected change %+v", params, c)
			}
		}
		if len(res.Warnings) != 0 {
			t.Errorf("%v: warnings %v", params, res.Warnings)
		}
	}
}

// TestQuiltStableBuild checks the stable-shaped fixture reaches the
// private build's shape: a new PRIVATE API (the EDGE one goes in the
// cleanup), one Deny with the endpoint, the alias hostname, a renamed
// Deployment that the Stage follows.
func TestQuiltStableBuild(t *testing.T) {
	data, err := os.ReadFile(filepath.Join("testdata", "quilt", "stable_build", "input.json"))
	if err != nil {
		t.Fatal(err)
	}
	res, err := Transform(context.Background(), Request{Fragment: fragment(t, data), Params: map[string]any{"EndpointParameter": "ApiGatewayVPCEndpoint", "ApiGatewayVPCEndpointId": "vpce-0123456789abcdef0",
		"LoadBalancerScheme": "internal", "PublicLoadBalancer": "keep", "UserSubnetIds": "subnet-0123456789abcdef0,subnet-1123456789abcdef0"}})
	if err != nil {
		t.Fatal(err)
	}
	out := template.Resources(res.Fragment)
	if out["Api"] != nil || res.Renamed["Api"] != "ApiPrivate" {
		t.Fatalf("the EDGE API is not replaced by a new one: renamed = %v", res.Renamed)
	}
	api := out["ApiPrivate"].(map[string]any)["Properties"].(map[string]any)
	wantCfg := map[string]any{"Types": []any{"PRIVATE"}, "VpcEndpointIds": []any{map[string]any{"Ref": "ApiGatewayVPCEndpoint"}}}
	if !reflect.DeepEqual(api["EndpointConfiguration"], wantCfg) {
		t.Errorf("EndpointConfiguration = %v", api["EndpointConfiguration"])
	}
	stmts := api["Policy"].(map[string]any)["Statement"].([]any)
	if len(stmts) != 2 || stmts[1].(map[string]any)["Effect"] != "Deny" {
		t.Errorf("statements = %v", stmts)
	}
	if len(res.Renamed) != 3 || res.Renamed["ApiStage"] != "ApiStagePrivate" {
		t.Fatalf("renamed = %v", res.Renamed)
	}
	nid := res.Renamed["ApiDeployment1763112382"]
	if !strings.HasPrefix(nid, "ApiDeployment1763112382Private") {
		t.Fatalf("new deployment id %q", nid)
	}
	stage := out["ApiStagePrivate"].(map[string]any)["Properties"].(map[string]any)
	if !reflect.DeepEqual(stage["DeploymentId"], map[string]any{"Ref": nid}) {
		t.Errorf("stage DeploymentId = %v", stage["DeploymentId"])
	}
	task := out["NginxCatalogTaskDefinition"].(map[string]any)["Properties"].(map[string]any)
	env := task["ContainerDefinitions"].([]any)[0].(map[string]any)["Environment"].([]any)
	want := map[string]any{"Fn::Sub": "https://${ApiPrivate}-${ApiGatewayVPCEndpoint}.execute-api.${AWS::Region}.amazonaws.com/prod"}
	if !reflect.DeepEqual(env[1].(map[string]any)["Value"], want) {
		t.Errorf("API_GATEWAY = %v", env[1])
	}
}
