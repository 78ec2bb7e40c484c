package stackfake

import (
	"reflect"
	"testing"
)

// TestReferences: the references a change detail follows are
// CloudFormation's: a Fn::Sub's own variable names nothing of the template,
// and ${ Name.Attr } with spaces names Name (the double's own walker missed
// both before it used internal/template's).
func TestReferences(t *testing.T) {
	for _, c := range []struct {
		name string
		v    any
		want []reference
	}{
		{"own variable", map[string]any{"Fn::Sub": []any{"${Queue}-${Topic.TopicName}", map[string]any{"Queue": map[string]any{"Ref": "Other"}}}},
			[]reference{{target: "Other"}, {target: "Topic", attribute: "TopicName"}}},
		{"spaces", map[string]any{"Fn::Sub": "${ Topic.TopicName }"}, []reference{{target: "Topic", attribute: "TopicName"}}},
		{"GetAtt string form", map[string]any{"Fn::GetAtt": "Role.Arn"}, []reference{{target: "Role", attribute: "Arn"}}},
	} {
		if got := references(c.v); !reflect.DeepEqual(got, c.want) {
			t.Errorf("%s: references = %+v, want %+v", c.name, got, c.want)
		}
	}
}
