package transform

import (
	"bytes"
	"encoding/json"
	"testing"

	"github.com/quiltdata/quilt-private-endpoints/internal/template"
)

// TestFingerprintBytes: the fingerprint hashes json.Marshal's bytes of the
// whole benchmark template, and EncodeJSON writes what the Encoder does.
func TestFingerprintBytes(t *testing.T) {
	doc, err := template.DecodeJSON(quiltLike(20))
	if err != nil {
		t.Fatal(err)
	}
	want, err := json.Marshal(doc)
	if err != nil {
		t.Fatal(err)
	}
	var got bytes.Buffer
	if err := template.WriteMarshal(&got, doc); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got.Bytes(), want) {
		t.Error("WriteMarshal differs from json.Marshal on the benchmark template")
	}
	var enc bytes.Buffer
	e := json.NewEncoder(&enc)
	e.SetEscapeHTML(false)
	if err := e.Encode(doc); err != nil {
		t.Fatal(err)
	}
	out, err := template.EncodeJSON(doc, false)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(append(out, '\n'), enc.Bytes()) {
		t.Error("EncodeJSON differs from json.Encoder on the benchmark template")
	}
}
