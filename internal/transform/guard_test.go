package transform

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"

	"github.com/quiltdata/quilt-private-endpoints/internal/template"
	"github.com/quiltdata/quilt-private-endpoints/internal/testenv"
)

// TestControlTower runs AWS Control Tower's proactive controls CT.LAMBDA.PR.3
// (Lambda in a customer VPC) and CT.ECS.PR.9 (ECS services without public
// IPs) with cfn-guard on golden outputs, with parameter Refs replaced by
// sample values as a CloudFormation hook sees them. Only the functions the
// engine deliberately leaves out may fail.
func TestControlTower(t *testing.T) {
	guard := testenv.CfnGuard(t)
	lambda := testenv.ControlTowerRule(t, "lambda", "ct-lambda-pr-3")
	ecs := testenv.ControlTowerRule(t, "ecs", "ct-ecs-pr-9")
	cases := []struct {
		golden   string
		rule     string
		failures []string
	}{
		{"quilt/stable_build", lambda, nil},
		{"quilt/stable_build", ecs, nil},
		{"quilt/private_build", lambda, nil},
		{"quilt/network_1_0", lambda, nil},
		{"quilt/network_1_0", ecs, nil},
		{"roles/adds_policy", lambda, nil},
		{"functions/security_group_setting", lambda, nil},
		{"functions/empty_vpcconfig", lambda, nil},
		{"functions/adds_vpcconfig", lambda, []string{"Conditional", "Excluded"}},
		{"functions/lambda_edge", lambda, []string{"Direct", "ViaVersion"}},
		{"compute/ecs_services", ecs, nil},
		{"preflight/validate", ecs, nil},
	}
	for _, c := range cases {
		t.Run(c.golden+"/"+strings.TrimSuffix(filepath.Base(c.rule), ".guard"), func(t *testing.T) {
			data, err := os.ReadFile(filepath.Join("testdata", c.golden, "expected.json"))
			if err != nil {
				t.Fatal(err)
			}
			doc := fragment(t, data)
			resolved, _ := rewrite(doc, sampleParameters(doc))
			b, err := template.EncodeJSON(resolved, true)
			if err != nil {
				t.Fatal(err)
			}
			file := filepath.Join(t.TempDir(), "template.json")
			if err := os.WriteFile(file, b, 0o644); err != nil {
				t.Fatal(err)
			}
			out, err := exec.Command(guard, "validate", "-r", c.rule, "-d", file, "-S", "none", "-o", "json").CombinedOutput()
			if err != nil && len(out) == 0 {
				t.Fatalf("cfn-guard: %v", err)
			}
			got := guardFailures(t, out)
			if strings.Join(got, ",") != strings.Join(c.failures, ",") {
				t.Fatalf("failing resources %v, want %v\n%s", got, c.failures, out)
			}
		})
	}
}

// sampleParameters replaces {"Ref": P} for a template parameter P with a
// sample value of P's type.
func sampleParameters(doc map[string]any) func(map[string]any) (any, bool) {
	params := template.Section(doc, "Parameters")
	return func(m map[string]any) (any, bool) {
		name, ok := template.Ref(m)
		if !ok {
			return nil, false
		}
		p, ok := params[name].(map[string]any)
		if !ok {
			return nil, false
		}
		switch typ, _ := p["Type"].(string); typ {
		case "List<AWS::EC2::Subnet::Id>":
			return []any{"subnet-0123456789abcdef0", "subnet-1123456789abcdef0"}, true
		case "AWS::EC2::VPC::Id":
			return "vpc-0123456789abcdef0", true
		case "AWS::EC2::SecurityGroup::Id":
			return "sg-0123456789abcdef0", true
		case "CommaDelimitedList":
			return []any{"sample"}, true
		default:
			if d, ok := p["Default"].(string); ok && d != "" {
				return d, true
			}
			return "sample", true
		}
	}
}

var guardPathRe = regexp.MustCompile(`^/Resources/([^/]+)/`)

// guardFailures returns the sorted logical ids cfn-guard reports as not
// compliant.
func guardFailures(t *testing.T, out []byte) []string {
	var reports []any
	dec := json.NewDecoder(strings.NewReader(string(out)))
	for dec.More() {
		var v any
		if err := dec.Decode(&v); err != nil {
			t.Fatalf("cfn-guard output: %v\n%s", err, out)
		}
		reports = append(reports, v)
	}
	seen := map[string]bool{}
	var walk func(v any, inFailure bool)
	walk = func(v any, inFailure bool) {
		switch x := v.(type) {
		case map[string]any:
			for k, e := range x {
				if k == "not_compliant" {
					walk(e, true)
					continue
				}
				if s, ok := e.(string); ok && k == "path" && inFailure {
					if m := guardPathRe.FindStringSubmatch(s); m != nil {
						seen[m[1]] = true
					}
				}
				walk(e, inFailure)
			}
		case []any:
			for _, e := range x {
				walk(e, inFailure)
			}
		}
	}
	walk(reports, false)
	var ids []string
	for id := range seen {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	return ids
}
