package template

import (
	"encoding/json"
	"reflect"
	"strings"
	"testing"
)

func TestDecodeJSONRefusesDuplicateKeys(t *testing.T) {
	for _, tc := range []struct {
		name, src, want string
	}{
		{"resource", "{\"Resources\": {\n  \"Bucket\": {\"Type\": \"AWS::S3::Bucket\"},\n  \"Bucket\": {\"Type\": \"AWS::SQS::Queue\"}\n}}",
			`line 3: duplicate key "Bucket" in Resources`},
		{"top", `{"Resources": {}, "Resources": {}}`, `line 1: duplicate key "Resources" in the top-level object`},
		{"in a list", `{"Outputs": {"A": {"Value": {"Fn::Join": ["", [{"Ref": "X", "Ref": "Y"}]]}}}}`,
			`duplicate key "Ref" in Outputs.A.Value.Fn::Join[1][0]`},
		{"property", `{"Resources": {"F": {"Properties": {"Timeout": 3, "Timeout": 30}}}}`, `duplicate key "Timeout" in Resources.F.Properties`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Decode([]byte(tc.src))
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("got %v, want an error with %q", err, tc.want)
			}
		})
	}
}

// YAML duplicates were refused before; their message names the path too.
func TestDecodeYAMLDuplicateKeyPath(t *testing.T) {
	for _, tc := range []struct{ src, want string }{
		{"Resources:\n  Bucket: {Type: AWS::S3::Bucket}\n  Bucket: {Type: AWS::SQS::Queue}\n", `line 3: duplicate key "Bucket" in Resources`},
		{"Outputs:\n  A:\n    Value: !If [C, {Ref: X, Ref: Y}, z]\n", `duplicate key "Ref" in Outputs.A.Value.Fn::If[1]`},
	} {
		if _, err := Decode([]byte(tc.src)); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("got %v, want an error with %q", err, tc.want)
		}
	}
}

func TestDecodeJSONByteOrderMark(t *testing.T) {
	want := map[string]any{"Resources": map[string]any{"A": map[string]any{"Type": "X"}}}
	for _, src := range []string{"\ufeff{\"Resources\":{\"A\":{\"Type\":\"X\"}}}", "\ufeff\n  {\"Resources\":{\"A\":{\"Type\":\"X\"}}}\n"} {
		for name, decode := range map[string]func([]byte) (map[string]any, error){"Decode": Decode, "DecodeJSON": DecodeJSON} {
			got, err := decode([]byte(src))
			if err != nil {
				t.Fatalf("%s(%q): %v", name, src, err)
			}
			if !reflect.DeepEqual(got, want) {
				t.Fatalf("%s(%q) = %v", name, src, got)
			}
		}
	}
}

func TestDecodeJSONRefusesInvalidUTF8(t *testing.T) {
	src := "{\"Description\": \"ok\",\n \"Resources\": {\"A\": {\"Type\": \"X\", \"Properties\": {\"Name\": \"caf\xe9\"}}}}"
	_, err := Decode([]byte(src))
	if err == nil || !strings.Contains(err.Error(), "line 2: invalid UTF-8 at byte 83") {
		t.Fatalf("got %v, want the line and byte of the invalid UTF-8", err)
	}
	// As for YAML.
	if _, err := Decode([]byte("Description: caf\xe9\n")); err == nil {
		t.Fatal("YAML with invalid UTF-8 accepted")
	}
}

func TestDecodeJSONSyntaxErrors(t *testing.T) {
	for _, tc := range []struct{ src, want string }{
		{`{"Resources": }`, "line 1: invalid character '}'"},
		{"{\n\"a\" 1}", "line 2: invalid character '1' after object key"},
		{`{"a": 1,}`, "invalid character '}'"},
		{`[1,]`, "invalid character ']'"},
		{`{"a": 1 "b": 2}`, "invalid character '\"' after object key:value pair"},
		{`{"a": [1, 2}`, "invalid character '}' after array element"},
		{`{"a": 1`, "unexpected EOF"},
		{``, "unexpected EOF"},
		{`{"a": 1}}`, "data after the top-level value"},
		{`{"a": 1} {}`, "data after the top-level value"},
		{strings.Repeat("[", maxJSONDepth+2) + strings.Repeat("]", maxJSONDepth+2), "nested more than 100 levels deep"},
	} {
		_, err := DecodeJSONValue([]byte(tc.src))
		if err == nil || !strings.Contains(err.Error(), tc.want) || !strings.HasPrefix(err.Error(), "template: invalid JSON: ") {
			t.Errorf("%.40q: got %v, want an error with %q", tc.src, err, tc.want)
		}
	}
}

// The token reader builds the same values as encoding/json with UseNumber.
func TestDecodeJSONValueMatchesEncodingJSON(t *testing.T) {
	src := `{"a": [1, 2.50, -0, 1e3, true, false, null, "s\u00e9\n", {}, []], "b": {"c": {"d": "<&>"}}, "": 0}`
	got, err := DecodeJSONValue([]byte(src))
	if err != nil {
		t.Fatal(err)
	}
	dec := json.NewDecoder(strings.NewReader(src))
	dec.UseNumber()
	var want any
	if err := dec.Decode(&want); err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("got %#v\nwant %#v", got, want)
	}
}
