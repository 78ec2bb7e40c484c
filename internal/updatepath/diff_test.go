package updatepath

import (
	"strings"
	"testing"

	"github.com/quiltdata/quilt-private-endpoints/internal/template"
)

func mustJSON(t *testing.T, s string) any {
	t.Helper()
	if s == "" {
		return nil
	}
	v, err := template.DecodeJSONValue([]byte(s))
	if err != nil {
		t.Fatalf("%s: %v", s, err)
	}
	return v
}

// renderDeltas prints deltas as "path kind before -> after" (values as
// compact JSON), one per line.
func renderDeltas(t *testing.T, ds []Delta) string {
	t.Helper()
	js := func(v any) string {
		b, err := template.EncodeJSON(v, false)
		if err != nil {
			t.Fatal(err)
		}
		return strings.TrimSpace(string(b))
	}
	var lines []string
	for _, d := range ds {
		line := d.Path + " " + d.Kind()
		if d.HasBefore {
			line += " " + js(d.Before)
		}
		line += " ->"
		if d.HasAfter {
			line += " " + js(d.After)
		}
		lines = append(lines, line)
	}
	return strings.Join(lines, "\n")
}

// TestDiff is the one diff's table (review renders these deltas).
func TestDiff(t *testing.T) {
	cases := []struct {
		name, before, after, want string
	}{
		{"equal", `{"a":1}`, `{"a":1}`, ``},
		{"number and string compare by text", `{"Port":443}`, `{"Port":"443"}`, ``},
		{"numbers by text", `{"a":1}`, `{"a":1.0}`, `a changed 1 -> 1.0`},
		{"added key", `{"a":1}`, `{"a":1,"VpcConfig":{"SubnetIds":{"Ref":"Subnets"}}}`,
			`VpcConfig added -> {"SubnetIds":{"Ref":"Subnets"}}`},
		{"removed key", `{"a":1,"b":2}`, `{"a":1}`, `b removed 2 ->`},
		{"nested change", `{"E":{"Types":["EDGE"]}}`, `{"E":{"Types":["PRIVATE"],"VpcEndpointIds":[{"Ref":"V"}]}}`,
			"E.Types[0] changed \"EDGE\" -> \"PRIVATE\"\nE.VpcEndpointIds added -> [{\"Ref\":\"V\"}]"},
		{"intrinsic is a leaf", `{"U":{"Fn::Sub":"https://${Api}.x"}}`, `{"U":{"Fn::Sub":"https://${Api}-${E}.x"}}`,
			`U changed {"Fn::Sub":"https://${Api}.x"} -> {"Fn::Sub":"https://${Api}-${E}.x"}`},
		{"intrinsic replaced by object", `{"V":{"Ref":"AWS::NoValue"}}`, `{"V":{"SubnetIds":["s"]}}`,
			`V changed {"Ref":"AWS::NoValue"} -> {"SubnetIds":["s"]}`},
		{"list appended", `{"S":[{"Effect":"Allow"}]}`, `{"S":[{"Effect":"Allow"},{"Effect":"Deny"}]}`,
			`S[1] added -> {"Effect":"Deny"}`},
		{"list shortened", `["a","b"]`, `["a"]`, `[1] removed "b" ->`},
		{"named items", `{"Env":[{"Name":"A","Value":"1"},{"Name":"B","Value":"2"}]}`,
			`{"Env":[{"Name":"B","Value":"3"},{"Name":"A","Value":"1"},{"Name":"C","Value":"4"}]}`,
			"Env[Name=B].Value changed \"2\" -> \"3\"\nEnv[Name=C] added -> {\"Name\":\"C\",\"Value\":\"4\"}"},
		{"duplicate names fall back to index", `[{"Name":"A","V":1},{"Name":"A","V":2}]`, `[{"Name":"A","V":1},{"Name":"A","V":3}]`,
			`[1].V changed 2 -> 3`},
		{"JSON string policy", `{"P":"{\"Statement\":[{\"Effect\":\"Allow\"}]}"}`,
			`{"P":"{\"Statement\":[{\"Effect\":\"Allow\"},{\"Effect\":\"Deny\"}]}"}`,
			`P.Statement[1] added -> {"Effect":"Deny"}`},
		{"JSON string policy, other text only", `{"P":"{\"A\":1}"}`, `{"P":"{ \"A\": 1 }"}`,
			`P changed "{\"A\":1}" -> "{ \"A\": 1 }"`},
		{"type change", `{"a":"x"}`, `{"a":["x"]}`, `a changed "x" -> ["x"]`},
		{"null vs absent", `{"a":null}`, `{}`, `a removed null ->`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got := renderDeltas(t, Diff("", mustJSON(t, c.before), mustJSON(t, c.after)))
			if got != c.want {
				t.Errorf("Diff:\n got: %s\nwant: %s", got, c.want)
			}
		})
	}
}

func TestDiffPrefix(t *testing.T) {
	got := renderDeltas(t, Diff("DependsOn", mustJSON(t, `["A"]`), mustJSON(t, `["A","B"]`)))
	if got != `DependsOn[1] added -> "B"` {
		t.Errorf("got %q", got)
	}
}
