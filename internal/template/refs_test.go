package template

import (
	"reflect"
	"strings"
	"testing"
)

// TestWalkReferences: each kind of reference, with its path.
func TestWalkReferences(t *testing.T) {
	doc, err := Decode([]byte(`
A: !Ref Param
B: [x, !GetAtt Res.Arn, {C: !GetAtt "Other.Name"}]
D: !Sub ["${Own}-${ Bucket }-${Role.Arn}-${!Literal}", {Own: !Ref Queue}]
E: !If [IsProd, !FindInMap [Map, !Ref AWS::Region, Key], !Ref AWS::NoValue]
F: !FindInMap [!Ref Computed, a, b]
G: {Condition: Cond, Other: 1}
`))
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	WalkReferences(doc, func(path []string, r Reference) {
		got = append(got, strings.Join(path, ".")+" "+[]string{"Ref", "GetAtt", "Sub", "Condition", "FindInMap", "DependsOn"}[r.Kind]+" "+r.Name+" "+r.Attr)
	})
	want := []string{
		"A Ref Param ",
		"B.[1] GetAtt Res Arn",
		"B.[2].C GetAtt Other Name",
		"D.Own Ref Queue ",
		"D Sub Bucket ",
		"D Sub Role Arn",
		"E Condition IsProd ",
		"E.[1] FindInMap Map ",
		"E.[1].[1] Ref AWS::Region ",
		"E.[2] Ref AWS::NoValue ",
		"F FindInMap  ",
		"F.[0] Ref Computed ",
		"G Condition Cond ",
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	res := map[string]any{"Type": "T", "DependsOn": []any{"X", "Y"}, "Condition": "C", "Properties": map[string]any{"P": map[string]any{"Ref": "Z"}}}
	if got := ResourceDeps(res); !reflect.DeepEqual(got, []string{"X", "Y", "Z"}) {
		t.Errorf("ResourceDeps = %v", got)
	}
	if _, err := DependsOn(map[string]any{"DependsOn": []any{"X", 3}}); err == nil {
		t.Error("DependsOn holding a number is not refused")
	}
}

func TestGraph(t *testing.T) {
	deps := map[string][]string{"a": {"c"}, "b": {"a", "zz"}, "c": nil, "d": {"e"}, "e": {"d"}}
	g := NewGraph([]string{"a", "b", "c", "d", "e"}, func(id string) []string { return deps[id] })
	if got := g.Order(); !reflect.DeepEqual(got, []string{"c", "a", "b", "d", "e"}) {
		t.Errorf("Order = %v", got)
	}
	if got := g.Cycle(); !reflect.DeepEqual(got, []string{"d", "e", "d"}) {
		t.Errorf("Cycle = %v", got)
	}
	if got := g.Upstream("b"); !reflect.DeepEqual(got, map[string]bool{"a": true, "c": true}) {
		t.Errorf("Upstream = %v", got)
	}
}

func TestConditionsAndEqual(t *testing.T) {
	c := NewConditions(map[string]any{
		"Port":    map[string]any{"Fn::Equals": []any{"443", 443}},
		"NotPort": map[string]any{"Fn::Not": []any{map[string]any{"Condition": "Port"}}},
		"Unknown": map[string]any{"Fn::Equals": []any{map[string]any{"Ref": "P"}, "x"}},
		"Or":      map[string]any{"Fn::Or": []any{map[string]any{"Condition": "Unknown"}, map[string]any{"Condition": "Port"}}},
		"Self":    map[string]any{"Condition": "Self"},
	}, func(v any) (any, bool) { _, ok := ScalarString(v); return v, ok })
	for name, want := range map[string]Truth{"Port": True, "NotPort": False, "Unknown": Unknown, "Or": True} {
		if got, err := c.Eval(name); got != want || err != nil {
			t.Errorf("%s = %v, %v; want %v", name, got, err, want)
		}
	}
	if _, err := c.Eval("Self"); err == nil {
		t.Error("a condition that refers to itself is not reported")
	}
	if _, err := c.Eval("Nope"); err == nil {
		t.Error("an undeclared condition is not reported")
	}
	for _, e := range []struct {
		a, b any
		want bool
	}{{"443", 443, true}, {true, "true", true}, {nil, "", false}, {[]any{"1"}, []any{1}, true}, {map[string]any{"a": 1}, map[string]any{"a": "2"}, false}} {
		if Equal(e.a, e.b) != e.want {
			t.Errorf("Equal(%#v, %#v) != %v", e.a, e.b, e.want)
		}
	}
}
