package stackfake

import (
	"testing"
)

// TestChangeModel: the double's own change model (no review, no
// updatepath): values compared as CloudFormation compares them, create-only
// paths from cfnspec, adds and removes, knock-on references.
func TestChangeModel(t *testing.T) {
	res := func(typ string, props map[string]any) map[string]any {
		return map[string]any{"Type": typ, "Properties": props}
	}
	doc := func(rs map[string]any) map[string]any { return map[string]any{"Resources": rs} }
	tg := func(port any) map[string]any {
		return res("AWS::ElasticLoadBalancingV2::TargetGroup", map[string]any{"Port": port, "Protocol": "HTTPS"})
	}
	fn := func(subnets ...any) map[string]any {
		return res("AWS::Lambda::Function", map[string]any{"Role": "r", "VpcConfig": map[string]any{"SubnetIds": subnets}})
	}
	sg := func(desc string) map[string]any {
		return res("AWS::EC2::SecurityGroup", map[string]any{"GroupDescription": desc})
	}
	for _, tc := range []struct {
		name          string
		before, after map[string]any
		want          string // "Action LogicalID Replacement" per change, joined by ";"
	}{
		{"443 and \"443\" are the same value", doc(map[string]any{"TG": tg(443)}), doc(map[string]any{"TG": tg("443")}), ""},
		{"a create-only port replaces", doc(map[string]any{"TG": tg(443)}), doc(map[string]any{"TG": tg(8443)}), "Modify TG True"},
		{"a nested mutable path updates", doc(map[string]any{"F": fn("subnet-a")}), doc(map[string]any{"F": fn("subnet-b")}), "Modify F False"},
		{"add and remove (a rename is both)", doc(map[string]any{"Old": sg("x")}), doc(map[string]any{"New": sg("x")}), "Add New ;Remove Old "},
		{"knock-on of a replacement", doc(map[string]any{"G": sg("a"), "F": res("AWS::Lambda::Function", map[string]any{"VpcConfig": map[string]any{"SecurityGroupIds": []any{map[string]any{"Ref": "G"}}}})}),
			doc(map[string]any{"G": sg("b"), "F": res("AWS::Lambda::Function", map[string]any{"VpcConfig": map[string]any{"SecurityGroupIds": []any{map[string]any{"Ref": "G"}}}})}),
			"Modify G True;Modify F False"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := ""
			for i, c := range computeChanges(tc.before, tc.after, map[string]string{}) {
				if i > 0 {
					got += ";"
				}
				got += c.Action + " " + c.LogicalID + " " + c.Replacement
			}
			if got != tc.want {
				t.Errorf("got %q, want %q", got, tc.want)
			}
		})
	}
}
