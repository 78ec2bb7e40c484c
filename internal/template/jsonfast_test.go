package template

import (
	"bytes"
	"reflect"
	"testing"
	"unicode/utf8"
)

// TestDecodeJSONFast: the fast parser builds what the token reader builds,
// and gives up (so the token reader reports the error) wherever that one
// fails.
func TestDecodeJSONFast(t *testing.T) {
	for _, s := range []string{
		`{}`, `[]`, ` {"a" : [1, -2.5e+3, 0, 0.1, 1E9, true, false, null, "x"]} `, `"top"`, `12`, `-0`,
		`{"s": "esc \" \\ \/ \b\f\n\r\t \u00e9 \ud83d\ude00 \ud800 bad surrogate", "é": "ü"}`,
		`{"Resources": {"A": {"Type": "X", "Properties": {"N": 1.50, "S": "\u2028", "L": [null, true]}}}}`,
		`{"a": 1, "a": 2}`, `{"a": 1,}`, `[1,]`, `[01]`, `[1.]`, `[.5]`, `[1e]`, `[-]`, `{"a" 1}`, `{a: 1}`,
		`[tru]`, `[nul]`, "[\"tab\there\"]", `["\x"]`, `["\u12"]`, `{"a": [}`, `1 2`, `{"a": 1} x`, ``, `   `,
		`[1e+]`, `{"a":{"b":{"c":[[[]]]}}}`, `"unterminated`, `{"k": "v"`, `[1 2]`, `{"a": 1 "b": 2}`,
	} {
		want, wantErr := decodeJSONTokens([]byte(s))
		got, ok := decodeJSONFast([]byte(s))
		switch {
		case wantErr != nil && ok:
			t.Errorf("%s: the token reader fails (%v), the fast parser gave %#v", s, wantErr, got)
		case wantErr == nil && !ok:
			t.Errorf("%s: the fast parser gave up on valid JSON", s)
		case ok && !reflect.DeepEqual(got, want):
			t.Errorf("%s:\n got %#v\nwant %#v", s, got, want)
		}
	}
	deep := bytes.Repeat([]byte("["), maxJSONDepth+2)
	if _, ok := decodeJSONFast(deep); ok {
		t.Error("nesting beyond maxJSONDepth accepted")
	}
}

// FuzzDecodeJSONFast compares the fast parser with the token reader.
func FuzzDecodeJSONFast(f *testing.F) {
	for _, s := range []string{`{"a": [1, -2.5e+3, true, null, "x\u00e9"]}`, `[01]`, `{"a":1,"a":2}`, `"\ud83d\ude00"`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		if len(data) > 1<<12 || !utf8.Valid(data) {
			return
		}
		want, wantErr := decodeJSONTokens(data)
		got, ok := decodeJSONFast(data)
		if (wantErr == nil) != ok || (ok && !reflect.DeepEqual(got, want)) {
			t.Fatalf("%q: fast %#v %v, token reader %#v %v", data, got, ok, want, wantErr)
		}
	})
}
