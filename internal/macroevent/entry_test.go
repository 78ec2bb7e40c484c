package macroevent

import (
	"reflect"
	"testing"
)

func TestWithoutEntry(t *testing.T) {
	entry := map[string]any{"Name": MacroName, "Parameters": map[string]any{"PreflightMode": "none"}}
	sam := "AWS::Serverless-2016-10-31"
	for _, c := range []struct {
		name       string
		tr         any
		want       any // nil: no Transform section
		wantOthers int
	}{
		{"entry by name", MacroName, nil, 0},
		{"entry with parameters in a list", []any{entry}, nil, 0},
		{"others kept in order, a list stays a list", []any{"A", entry, sam}, []any{"A", sam}, 2},
		{"one other kept as a list", []any{entry, sam}, []any{sam}, 1},
		{"no entry: unchanged", sam, sam, 1},
	} {
		t.Run(c.name, func(t *testing.T) {
			doc := map[string]any{"Transform": c.tr, "Resources": map[string]any{"B": map[string]any{"Type": "AWS::S3::Bucket"}}}
			got, others := WithoutEntry(doc)
			if len(others) != c.wantOthers {
				t.Errorf("others %v", others)
			}
			tr, present := got["Transform"]
			if (c.want == nil) == present || (present && !reflect.DeepEqual(tr, c.want)) {
				t.Errorf("Transform %#v (present %v), want %#v", tr, present, c.want)
			}
			if HasEntry(got) {
				t.Error("the entry is still there")
			}
			if !HasEntry(doc) && c.wantOthers == 0 || !reflect.DeepEqual(got["Resources"], doc["Resources"]) {
				t.Errorf("the input changed or resources lost: %v", got)
			}
		})
	}
	// No Transform section at all.
	if got, others := WithoutEntry(map[string]any{"Resources": map[string]any{}}); others != nil || got["Transform"] != nil {
		t.Errorf("%v %v", got, others)
	}
}
