package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/quiltdata/quilt-private-endpoints/internal/testenv"
)

func TestReviewUsageAndErrors(t *testing.T) {
	root := testenv.Root(t)
	example := filepath.Join(root, "internal", "review", "testdata", "network1", "quilt-network1.yaml")
	dir := t.TempDir()
	badCS := filepath.Join(dir, "cs.json")
	if err := os.WriteFile(badCS, []byte(`{"StackName":"x"}`), 0o600); err != nil {
		t.Fatal(err)
	}
	httpAPI := filepath.Join(dir, "http.yaml")
	if err := os.WriteFile(httpAPI, []byte("Resources:\n  Hooks:\n    Type: AWS::ApiGatewayV2::Api\n    Properties: {ProtocolType: HTTP}\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	endpoint := "ApiGatewayVPCEndpointId=vpce-0123456789abcdef0"
	cases := []struct {
		name string
		args []string
		code int
		want string
	}{
		{"no template", []string{"review"}, 2, "exactly one TEMPLATE"},
		{"two templates", []string{"review", example, example}, 2, "exactly one TEMPLATE"},
		{"bad format", []string{"review", "--format", "html", example}, 2, `--format "html"`},
		{"bad set", []string{"review", "--set", "Exclude", example}, 2, "want Name=Value"},
		{"unknown flag", []string{"review", "--bogus", example}, 2, "unknown flag"},
		{"missing template", []string{"review", filepath.Join(dir, "nope.yaml")}, 2, "no such file"},
		{"engine refuses", []string{"review", "--set", endpoint, httpAPI}, 1, "Hooks"},
		{"bad setting", []string{"review", "--set", "Nope=1", "--set", endpoint, example}, 1, "Nope"},
		{"changeset missing", []string{"review", "--changeset", filepath.Join(dir, "none.json"), "--set", endpoint, example}, 1, "--changeset"},
		{"changeset wrong shape", []string{"review", "--changeset", badCS, "--set", endpoint, example}, 1, "no Changes key"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			code, out, msg := qpeRun(t, "", c.args...)
			if code != c.code || !strings.Contains(msg, c.want) {
				t.Errorf("exit %d, message %q; want exit %d and %q", code, msg, c.code, c.want)
			}
			if out != "" {
				t.Errorf("no partial output on error, got %d bytes", len(out))
			}
		})
	}
}

// TestReviewGolden checks that the CLI prints the reports that
// internal/review's golden files hold for the same cases (and the same
// copies of the example templates).
func TestReviewGolden(t *testing.T) {
	root := testenv.Root(t)
	golden := filepath.Join(root, "internal", "review", "testdata")
	example := filepath.Join(golden, "network1", "quilt-network1.yaml")
	sets := []string{"--set", "ApiGatewayVPCEndpointId=vpce-0123456789abcdef0", "--set", "LoadBalancerScheme=internal", "--set", "PublicLoadBalancer=keep",
		"--set", "UserSubnetIds=subnet-0123456789abcdef0,subnet-1123456789abcdef0"}
	cases := []struct {
		name string
		args []string
		file string
	}{
		{"markdown", append(append([]string{"review"}, sets...), example), "network1/expected.md"},
		{"json", append(append([]string{"review", "--format", "json"}, sets...), example), "network1/expected.json"},
		{"changeset", append(append([]string{"review", "--changeset", filepath.Join(golden, "network1-changeset", "changeset.json")}, sets...), example),
			"network1-changeset/expected.md"},
		{"network2", []string{"review", "--set", "ApiGatewayVPCEndpointId=vpce-0123456789abcdef0", "--set", "LoadBalancerScheme=unchanged", filepath.Join(golden, "network2", "quilt-network2.yaml")},
			"network2/expected.md"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			code, out, msg := qpeRun(t, "", c.args...)
			if code != 0 {
				t.Fatalf("exit %d: %s", code, msg)
			}
			want, err := os.ReadFile(filepath.Join(golden, filepath.FromSlash(c.file)))
			if err != nil {
				t.Fatal(err)
			}
			if out != string(want) {
				t.Errorf("output differs from %s", c.file)
			}
		})
	}
}

// TestReviewTransformSection: the template's own QuiltPrivateEndpoints
// Transform entry gives settings and is not reported as a change.
func TestReviewTransformSection(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "stack.yaml")
	tpl := `Transform:
  - Name: QuiltPrivateEndpoints
    Parameters:
      ApiGatewayVPCEndpointId: vpce-0123456789abcdef0
      PreflightMode: none
Parameters:
  VPC: {Type: AWS::EC2::VPC::Id}
  Subnets: {Type: 'List<AWS::EC2::Subnet::Id>'}
  ApiGatewayVPCEndpointId: {Type: String}
Resources:
  Role:
    Type: AWS::IAM::Role
    Properties:
      AssumeRolePolicyDocument: {Statement: []}
  Fn:
    Type: AWS::Lambda::Function
    Properties:
      Role: !GetAtt Role.Arn
      Code: {ZipFile: x}
`
	if err := os.WriteFile(path, []byte(tpl), 0o600); err != nil {
		t.Fatal(err)
	}
	code, out, msg := qpeRun(t, "", "review", "--format", "json", path)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, msg)
	}
	for _, want := range []string{`"PreflightMode": "none"`, `"logicalId": "Fn"`, `"role": "Role"`, `"vpc-function-deletion"`} {
		if !strings.Contains(out, want) {
			t.Errorf("report lacks %s", want)
		}
	}
	if strings.Contains(out, `"attribute": "Transform"`) {
		t.Error("the macro's own Transform entry must not show as a change")
	}
}
