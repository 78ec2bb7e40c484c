package main

import (
	"context"
	"path/filepath"
	"reflect"
	"testing"

	"github.com/quiltdata/quilt-private-endpoints/internal/preflightcontract"
	"github.com/quiltdata/quilt-private-endpoints/internal/template"
	"github.com/quiltdata/quilt-private-endpoints/internal/testenv"
	"github.com/quiltdata/quilt-private-endpoints/internal/testenv/controls"
)

// TestExampleWithTransform: the example that enables the feature with
// `Transform: QuiltPrivateEndpoints` (what `make demo` renders) gives the
// network-1.0 example's rendering with the same settings, and passes AWS
// Control Tower's CT.LAMBDA.PR.3 and CT.ECS.PR.9 once rendered.
func TestExampleWithTransform(t *testing.T) {
	dir := filepath.Join(testenv.Root(t), "templates", "examples")
	code, withTransform, errs := qpeRun(t, "", "render", filepath.Join(dir, "quilt-private-endpoints.yaml"))
	if code != 0 {
		t.Fatalf("render quilt-private-endpoints.yaml: exit %d: %s", code, errs)
	}
	code, withSets, errs := qpeRun(t, "", "render", "--set", "PreflightMode=validate", "--set", "LoadBalancerScheme=unchanged", filepath.Join(dir, "quilt-network1.yaml"))
	if code != 0 {
		t.Fatalf("render quilt-network1.yaml: exit %d: %s", code, errs)
	}
	a, err := template.DecodeJSON([]byte(withTransform))
	if err != nil {
		t.Fatal(err)
	}
	b, err := template.DecodeJSON([]byte(withSets))
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := a["Transform"]; ok {
		t.Error("the rendered template still lists the macro in Transform")
	}
	delete(a, "Description")
	delete(b, "Description")
	// The preflight's Fingerprint hashes the whole template, Description too.
	for _, doc := range []map[string]any{a, b} {
		if p, ok := template.Section(doc, "Resources")[preflightcontract.LogicalID].(map[string]any); ok {
			props, _ := p["Properties"].(map[string]any)
			delete(props, preflightcontract.PropFingerprint)
		}
	}
	if !reflect.DeepEqual(a, b) {
		t.Fatal("the Transform example renders differently from network 1.0 with the same settings: keep the two examples in step")
	}

	resolved, err := controls.Resolve(a, map[string]any{
		"VPC":                     "vpc-0123456789abcdef0",
		"Subnets":                 []any{"subnet-0123456789abcdef0", "subnet-0123456789abcdef1"},
		"PublicSubnets":           []any{"subnet-0fedcba9876543210", "subnet-0fedcba9876543211"},
		"ApiGatewayVPCEndpointId": "vpce-0123456789abcdef0",
		"QuiltWebHost":            "quilt.example.com",
		"CertificateArnELB":       "arn:aws:acm:us-east-1:123456789012:certificate/0a1b2c3d-4e5f-6789-abcd-ef0123456789",
		"DataBucket":              "example-data",
		"CanaryBucketAllowed":     "",
		"ManagedUserRoleArn":      "arn:aws:iam::123456789012:role/quilt-manifest-indexer",
		"EnableCanaries":          "Enabled",
	})
	if err != nil {
		t.Fatal(err)
	}
	g := controls.Guard{Bin: testenv.CfnGuard(t)}
	vs, err := g.Validate(context.Background(), resolved,
		testenv.ControlTowerRule(t, "lambda", "ct-lambda-pr-3"),
		testenv.ControlTowerRule(t, "ecs", "ct-ecs-pr-9"))
	if err != nil {
		t.Fatal(err)
	}
	for _, v := range vs {
		t.Errorf("control violation on the rendered example: %+v", v)
	}
}
