package review

import (
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
