package review_test

import (
	"bytes"
	"path/filepath"
	"testing"

	"github.com/quiltdata/quilt-private-endpoints/internal/cfnspec"
	"github.com/quiltdata/quilt-private-endpoints/internal/review"
)

// BenchmarkReview times the review of the network 1.0 example with its
// changeset: diff, update behaviours, risks, annotation, Markdown and JSON
// (the engine's run is not timed).
func BenchmarkReview(b *testing.B) {
	in, cs := caseInput(b, filepath.Join("testdata", "network1-changeset"))
	spec := cfnspec.New()
	var md, js bytes.Buffer
	for b.Loop() {
		r := review.Build(in, spec)
		review.Annotate(r, cs)
		md.Reset()
		js.Reset()
		if err := review.WriteMarkdown(&md, r); err != nil {
			b.Fatal(err)
		}
		if err := review.WriteJSON(&js, r); err != nil {
			b.Fatal(err)
		}
	}
}
