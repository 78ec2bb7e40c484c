// Package lambdazip writes Lambda deployment packages deterministically: the
// same bootstrap gives the same zip bytes on every build (fixed timestamps,
// permissions and order, no extra metadata).
package lambdazip

import (
	"archive/zip"
	"fmt"
	"io"
	"os"
	"time"
)

// epoch is the fixed modification time of every entry (the zip format's
// earliest representable date).
var epoch = time.Date(1980, 1, 1, 0, 0, 0, 0, time.UTC)

// Write writes a zip holding one executable entry named name with content.
func Write(w io.Writer, name string, content []byte) error {
	zw := zip.NewWriter(w)
	hdr := &zip.FileHeader{Name: name, Method: zip.Deflate, Modified: epoch}
	hdr.SetMode(0o755)
	f, err := zw.CreateHeader(hdr)
	if err != nil {
		return fmt.Errorf("lambdazip: %w", err)
	}
	if _, err := f.Write(content); err != nil {
		return fmt.Errorf("lambdazip: %w", err)
	}
	if err := zw.Close(); err != nil {
		return fmt.Errorf("lambdazip: %w", err)
	}
	return nil
}

// WriteFile zips the file at src as an executable named name into dst.
func WriteFile(dst, src, name string) error {
	content, err := os.ReadFile(src)
	if err != nil {
		return fmt.Errorf("lambdazip: %w", err)
	}
	out, err := os.Create(dst)
	if err != nil {
		return fmt.Errorf("lambdazip: %w", err)
	}
	if err := Write(out, name, content); err != nil {
		out.Close()
		return err
	}
	if err := out.Close(); err != nil {
		return fmt.Errorf("lambdazip: %w", err)
	}
	return nil
}
