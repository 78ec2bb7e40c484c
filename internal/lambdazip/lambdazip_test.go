package lambdazip

import (
	"archive/zip"
	"bytes"
	"io"
	"testing"
)

func TestWriteIsDeterministicAndExecutable(t *testing.T) {
	var a, b bytes.Buffer
	content := bytes.Repeat([]byte("\x7fELF binary"), 1000)
	if err := Write(&a, "bootstrap", content); err != nil {
		t.Fatal(err)
	}
	if err := Write(&b, "bootstrap", content); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(a.Bytes(), b.Bytes()) {
		t.Fatal("two zips of the same content differ")
	}
	r, err := zip.NewReader(bytes.NewReader(a.Bytes()), int64(a.Len()))
	if err != nil {
		t.Fatal(err)
	}
	if len(r.File) != 1 || r.File[0].Name != "bootstrap" {
		t.Fatalf("entries: %+v", r.File)
	}
	if m := r.File[0].Mode(); m.Perm() != 0o755 {
		t.Fatalf("mode %v, want 0755 (Lambda must be able to exec bootstrap)", m)
	}
	rc, err := r.File[0].Open()
	if err != nil {
		t.Fatal(err)
	}
	got, _ := io.ReadAll(rc)
	if !bytes.Equal(got, content) {
		t.Fatal("content changed")
	}
}
