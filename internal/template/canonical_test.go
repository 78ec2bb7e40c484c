package template

import (
	"bufio"
	"bytes"
	"encoding/json"
	"testing"
)

// TestWriteCompact: the streamed encoding is byte for byte encoding/json's
// (json.Marshal with escapeHTML, the Encoder without), on every kind of
// value the fast paths and the fallback see.
func TestWriteCompact(t *testing.T) {
	var nilMap map[string]any
	var nilList []any
	cases := []any{
		nil, true, false, "", "plain", `quote " and \ back`, "<html> & co", "tab\tnl\n\x01\b\f",
		"é unicode", "line\u2028sep", "bad \xff utf8", json.Number("0"), json.Number("-12"),
		json.Number("1.5"), json.Number("1e3"), json.Number(""), 3, 2.5, int64(-7),
		[]string{"a", "b"}, map[string]string{"b": "1", "a": "2"}, nilMap, nilList,
		map[string]any{"b": []any{1, "x", nil, map[string]any{}}, "a": map[string]any{"<k>": json.Number("42")}, "": []any{}},
	}
	for _, escapeHTML := range []bool{true, false} {
		for _, v := range cases {
			var want bytes.Buffer
			enc := json.NewEncoder(&want)
			enc.SetEscapeHTML(escapeHTML)
			if err := enc.Encode(v); err != nil {
				t.Fatal(err)
			}
			var buf bytes.Buffer
			w := bufio.NewWriter(&buf)
			if err := writeCompact(w, v, escapeHTML); err != nil {
				t.Fatalf("%#v: %v", v, err)
			}
			if err := w.Flush(); err != nil {
				t.Fatal(err)
			}
			if got := buf.String() + "\n"; got != want.String() {
				t.Errorf("escapeHTML %v, %#v:\n got %s\nwant %s", escapeHTML, v, got, want.String())
			}
		}
	}
	if err := WriteMarshal(&bytes.Buffer{}, map[string]any{"c": json.Number("007")}); err == nil {
		t.Error("an invalid number encoded without an error, as json.Marshal refuses it")
	}
}
