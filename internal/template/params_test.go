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
