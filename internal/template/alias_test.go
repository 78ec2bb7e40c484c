package template

import (
	"strings"
	"testing"
)

// aliasBomb is the "billion laughs" in YAML: under 500 bytes whose value,
// with the aliases expanded, holds more than 9^9 strings.
const aliasBomb = `a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]
b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]
c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]
d: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]
e: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]
f: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e]
g: &g [*f,*f,*f,*f,*f,*f,*f,*f,*f]
h: &h [*g,*g,*g,*g,*g,*g,*g,*g,*g]
i: &i [*h,*h,*h,*h,*h,*h,*h,*h,*h]
Resources:
  Q: {Type: AWS::SQS::Queue, Properties: {Tags: *i}}
Outputs: {A: {Value: !Join ["", *i]}, B: {Value: !Join ["", *i]}, C: {Value: *i}}
`

func TestDecodeYAMLRefusesAliases(t *testing.T) {
	for _, tc := range []struct{ name, src, want string }{
		{"alias bomb", aliasBomb, "line 1: YAML anchor &a"},
		{"recursive alias", "x: &x {y: *x}\n", "line 1: YAML anchor &x"},
		{"recursive list", "Resources:\n  L: &l [*l]\n", "line 2: YAML anchor &l"},
		{"alias of an undefined anchor", "a: *nowhere\n", "unknown anchor 'nowhere'"},
		{"anchor without alias", "Resources:\n  Q: &q {Type: AWS::SQS::Queue}\n", "line 2: YAML anchor &q"},
		{"merge key", "Base: {Type: X}\nResources:\n  Q:\n    <<: {Type: AWS::SQS::Queue}\n", "line 4: YAML merge key <<"},
		{"binary tag", "Resources:\n  Q:\n    Type: !!binary aGVsbG8=\n", "line 3: the YAML tag !!binary is not accepted"},
		{"set tag", "S: !!set {a, b}\n", "line 1: the YAML tag !!set"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := decodeBounded(t, []byte(tc.src), decodeBudget{deadline: 2e9, bytesPerByte: 200, baseBytes: 256 << 10})
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("got %v, want an error with %q", err, tc.want)
			}
		})
	}
	_, err := Decode([]byte(aliasBomb))
	if !strings.Contains(err.Error(), "CloudFormation does not accept YAML anchors, aliases or merge keys: write the value out in full") {
		t.Fatalf("the error names no fix: %v", err)
	}
}

func TestDecodeYAMLKeepsWhatLooksLikeAnAlias(t *testing.T) {
	doc, err := Decode([]byte("A: '*x'\nB: \"&y\"\n'<<': 1\nC: a&b*c\n"))
	if err != nil {
		t.Fatal(err)
	}
	for k, want := range map[string]string{"A": "*x", "B": "&y", "C": "a&b*c"} {
		if doc[k] != want {
			t.Errorf("%s = %v, want %q", k, doc[k], want)
		}
	}
	if _, ok := doc["<<"]; !ok {
		t.Error("a quoted << key is a plain name, not a merge")
	}
}
