package review

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

// render prints deltas as "path kind before -> after", one per line.
func render(ds []Delta) string {
	var lines []string
	for _, d := range ds {
		line := d.Path + " " + d.Kind()
		if d.HasBefore {
			line += " " + Short(d.Before)
		}
		line += " ->"
		if d.HasAfter {
			line += " " + Short(d.After)
		}
		lines = append(lines, line)
	}
	return strings.Join(lines, "\n")
}

func TestDiff(t *testing.T) {
	cases := []struct {
		name, before, after, want string
	}{
		{"equal", `{"a":1}`, `{"a":1}`, ``},
		{"numbers by text", `{"a":1}`, `{"a":1.0}`, `a changed 1 -> 1.0`},
		{"added key", `{"a":1}`, `{"a":1,"VpcConfig":{"SubnetIds":{"Ref":"Subnets"}}}`,
			`VpcConfig added -> {SubnetIds: !Ref Subnets}`},
		{"removed key", `{"a":1,"b":2}`, `{"a":1}`, `b removed 2 ->`},
		{"nested change", `{"E":{"Types":["EDGE"]}}`, `{"E":{"Types":["PRIVATE"],"VpcEndpointIds":[{"Ref":"V"}]}}`,
			"E.Types[0] changed EDGE -> PRIVATE\nE.VpcEndpointIds added -> [!Ref V]"},
		{"intrinsic is a leaf", `{"U":{"Fn::Sub":"https://${Api}.x"}}`, `{"U":{"Fn::Sub":"https://${Api}-${E}.x"}}`,
			`U changed !Sub 'https://${Api}.x' -> !Sub 'https://${Api}-${E}.x'`},
		{"intrinsic replaced by object", `{"V":{"Ref":"AWS::NoValue"}}`, `{"V":{"SubnetIds":["s"]}}`,
			`V changed !Ref AWS::NoValue -> {SubnetIds: [s]}`},
		{"list appended", `{"S":[{"Effect":"Allow"}]}`, `{"S":[{"Effect":"Allow"},{"Effect":"Deny"}]}`,
			`S[1] added -> {Effect: Deny}`},
		{"list shortened", `["a","b"]`, `["a"]`, `[1] removed b ->`},
		{"named items", `{"Env":[{"Name":"A","Value":"1"},{"Name":"B","Value":"2"}]}`,
			`{"Env":[{"Name":"B","Value":"3"},{"Name":"A","Value":"1"},{"Name":"C","Value":"4"}]}`,
			"Env[Name=B].Value changed '2' -> '3'\nEnv[Name=C] added -> {Name: C, Value: '4'}"},
		{"duplicate names fall back to index", `[{"Name":"A","V":1},{"Name":"A","V":2}]`, `[{"Name":"A","V":1},{"Name":"A","V":3}]`,
			`[1].V changed 2 -> 3`},
		{"JSON string policy", `{"P":"{\"Statement\":[{\"Effect\":\"Allow\"}]}"}`,
			`{"P":"{\"Statement\":[{\"Effect\":\"Allow\"},{\"Effect\":\"Deny\"}]}"}`,
			`P.Statement[1] added -> {Effect: Deny}`},
		{"type change", `{"a":"x"}`, `{"a":["x"]}`, `a changed x -> [x]`},
		{"null vs absent", `{"a":null}`, `{}`, `a removed null ->`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got := render(Diff("", mustJSON(t, c.before), mustJSON(t, c.after)))
			if got != c.want {
				t.Errorf("Diff:\n got: %s\nwant: %s", got, c.want)
			}
		})
	}
}

func TestDiffPrefix(t *testing.T) {
	got := render(Diff("DependsOn", mustJSON(t, `["A"]`), mustJSON(t, `["A","B"]`)))
	if got != "DependsOn[1] added -> B" {
		t.Errorf("got %q", got)
	}
}

func TestRoleRef(t *testing.T) {
	resources := mustJSON(t, `{"R":{"Type":"AWS::IAM::Role"},"F":{"Type":"AWS::Lambda::Function"}}`).(map[string]any)
	cases := []struct {
		in       string
		role     string
		external bool
	}{
		{`{"Fn::GetAtt":["R","Arn"]}`, "R", false},
		{`{"Fn::GetAtt":"R.Arn"}`, "R", false},
		{`{"Ref":"R"}`, "R", false},
		{`{"Ref":"RoleParam"}`, "!Ref RoleParam", true},
		{`"arn:aws:iam::123456789012:role/x"`, "arn:aws:iam::123456789012:role/x", true},
		{`{"Fn::If":["C",{"Fn::GetAtt":["R","Arn"]},{"Ref":"AWS::NoValue"}]}`, "R", false},
		{`{"Fn::If":["C",{"Fn::GetAtt":["R","Arn"]},{"Ref":"P"}]}`, "!If [C, !GetAtt R.Arn, !Ref P]", true},
		{`{"Fn::ImportValue":"shared-role"}`, "!ImportValue shared-role", true},
		{`{"Fn::GetAtt":["F","Arn"]}`, "!GetAtt F.Arn", true},
	}
	for _, c := range cases {
		role, ext := roleRef(mustJSON(t, c.in), resources)
		if role != c.role || ext != c.external {
			t.Errorf("roleRef(%s) = %q, %v; want %q, %v", c.in, role, ext, c.role, c.external)
		}
	}
	if role, ext := roleRef(nil, resources); role != "" || ext {
		t.Errorf("no role: %q %v", role, ext)
	}
}
