package template

import (
	"reflect"
	"testing"
)

func TestListParameters(t *testing.T) {
	for _, c := range []struct {
		typ  string
		list bool
	}{
		{"List<AWS::EC2::Subnet::Id>", true},
		{"CommaDelimitedList", true},
		{"String", false},
		{"AWS::SSM::Parameter::Value<List<String>>", false},
		{"", false},
	} {
		if got := IsListType(c.typ); got != c.list {
			t.Errorf("IsListType(%q) = %v", c.typ, got)
		}
	}
	for _, c := range []struct {
		in    string
		value []any
		split []string
	}{
		{"", nil, nil},
		{"a", []any{"a"}, []string{"a"}},
		{"a, b", []any{"a", "b"}, []string{"a", "b"}},
		{"a,,b,", []any{"a", "", "b", ""}, []string{"a", "b"}},
	} {
		if got := ListValue(c.in); !reflect.DeepEqual(got, c.value) {
			t.Errorf("ListValue(%q) = %#v, want %#v", c.in, got, c.value)
		}
		if got := SplitList(c.in); !reflect.DeepEqual(got, c.split) {
			t.Errorf("SplitList(%q) = %#v, want %#v", c.in, got, c.split)
		}
	}
}

func TestSubVariables(t *testing.T) {
	for _, c := range []struct {
		in   string
		want []string
	}{
		{"plain", nil},
		{"https://${Api}.execute-api.${AWS::Region}.amazonaws.com", []string{"Api", "AWS::Region"}},
		{"${Bucket.Arn}/*", []string{"Bucket.Arn"}},
		{"${!Literal}-${Name}", []string{"Name"}},
		{"${A}${unclosed", []string{"A"}},
	} {
		if got := SubVariables(c.in); !reflect.DeepEqual(got, c.want) {
			t.Errorf("SubVariables(%q) = %#v, want %#v", c.in, got, c.want)
		}
	}
}

func TestNamedItems(t *testing.T) {
	item := func(n any) map[string]any { return map[string]any{"Name": n, "Value": "v"} }
	for _, c := range []struct {
		name string
		in   []any
		want []string
	}{
		{"named", []any{item("B"), item("A")}, []string{"B", "A"}},
		{"empty", nil, nil},
		{"duplicate", []any{item("A"), item("A")}, nil},
		{"not a string", []any{item(1)}, nil},
		{"no name", []any{map[string]any{"Value": "v"}}, nil},
		{"not an object", []any{"A"}, nil},
		{"bracket", []any{item("a[0]")}, nil},
	} {
		got, ok := NamedItems(c.in)
		if ok != (c.want != nil) || !reflect.DeepEqual(got, c.want) {
			t.Errorf("%s: %#v, %v; want %#v", c.name, got, ok, c.want)
		}
	}
}
