package templates

import (
	"regexp"
	"strings"
	"testing"

	"github.com/awslabs/goformation/v7"
	"github.com/awslabs/goformation/v7/intrinsics"

	"github.com/quiltdata/quilt-private-endpoints/internal/perimeter"
	"github.com/quiltdata/quilt-private-endpoints/internal/template"
)

// TestPerimeterExemptTag: the PerimeterExemptTag parameter puts the tag
// <name>=true on the preflight function's role (the principal the SCP's
// exemption tests, as qpe perimeter --exempt-tag writes it), and nothing
// when empty. goformation evaluates the template's own intrinsics (the
// condition, Fn::If, Ref) with the parameter's value, on its strict types.
func TestPerimeterExemptTag(t *testing.T) {
	for _, tc := range []struct {
		value    string
		key, val string
	}{
		{value: ""},
		{value: perimeter.DefaultExemptTag, key: perimeter.DefaultExemptTag, val: "true"},
		{value: "dp:exclude:network", key: "dp:exclude:network", val: "true"},
	} {
		opts := &intrinsics.ProcessorOptions{EvaluateConditions: true}
		if tc.value != "" {
			opts.ParameterOverrides = map[string]any{"PerimeterExemptTag": tc.value}
		}
		tpl, err := goformation.ParseYAMLWithOptions(readTemplate(t), opts)
		if err != nil {
			t.Fatalf("%q: goformation rejects the template: %v", tc.value, err)
		}
		role, err := tpl.GetIAMRoleWithName("PreflightRole")
		if err != nil {
			t.Fatal(err)
		}
		switch {
		case tc.key == "" && len(role.Tags) != 0:
			t.Errorf("empty parameter: role tags %+v, want none", role.Tags)
		case tc.key != "" && (len(role.Tags) != 1 || role.Tags[0].Key != tc.key || role.Tags[0].Value != tc.val):
			t.Errorf("%q: role tags %+v, want %s=%s", tc.value, role.Tags, tc.key, tc.val)
		}
		macro, err := tpl.GetIAMRoleWithName("MacroRole")
		if err != nil || len(macro.Tags) != 0 {
			t.Errorf("%q: the macro's role (inside no SCP-guarded call) is tagged too: %+v %v", tc.value, macro.Tags, err)
		}
	}
	// The parameter's pattern takes a tag key (IAM's characters, at most
	// 128) or nothing.
	p := template.Section(doc(t), "Parameters")["PerimeterExemptTag"].(map[string]any)
	re := regexp.MustCompile(p["AllowedPattern"].(string))
	long := strings.Repeat("k", 129)
	for v, ok := range map[string]bool{"": true, "NetworkRestrictedExempt": true, "dp:exclude:network": true, "a b/c=d+e@f-g_h.i": true, long: false, "tag\"x": false, "k,v": false} {
		if re.MatchString(v) != ok {
			t.Errorf("AllowedPattern on %q: %v, want %v", v, !ok, ok)
		}
	}
	if p["Default"] != "" {
		t.Errorf("PerimeterExemptTag defaults to %v, want empty (no tag)", p["Default"])
	}
}
