package enable

import (
	"reflect"
	"testing"
)

func TestWithTransform(t *testing.T) {
	entry := func(p map[string]any) map[string]any {
		e := map[string]any{"Name": MacroName}
		if p != nil {
			e["Parameters"] = p
		}
		return e
	}
	for _, c := range []struct {
		name string
		tr   any
		set  map[string]string
		want []any
	}{
		{"none", nil, nil, []any{entry(nil)}},
		{"settings", nil, map[string]string{"PreflightMode": "none"}, []any{entry(map[string]any{"PreflightMode": "none"})}},
		{"already there: kept once, set wins", []any{entry(map[string]any{"PreflightMode": "create", "Exclude": "A"})}, map[string]string{"PreflightMode": "none"},
			[]any{entry(map[string]any{"PreflightMode": "none", "Exclude": "A"})}},
		{"by name only", MacroName, nil, []any{entry(nil)}},
		{"others kept after it", "AWS::Serverless-2016-10-31", nil, []any{entry(nil), "AWS::Serverless-2016-10-31"}},
	} {
		doc := map[string]any{"Resources": map[string]any{}}
		if c.tr != nil {
			doc["Transform"] = c.tr
		}
		got := withTransform(doc, c.set)
		if !reflect.DeepEqual(got["Transform"], c.want) {
			t.Errorf("%s: %#v, want %#v", c.name, got["Transform"], c.want)
		}
		if c.tr == nil {
			if _, changed := doc["Transform"]; changed {
				t.Errorf("%s: the deployed template was changed", c.name)
			}
		}
	}
}
