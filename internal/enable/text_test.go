package enable

import (
	"bytes"
	"strings"
	"testing"

	"github.com/quiltdata/quilt-private-endpoints/internal/review"
)

// TestWriteRiskInFull: enable prints each risk's catalogue id, notes and
// action in full (it printed "The engine reported warnings ()" and "Read
// each warning below" with nothing below).
func TestWriteRiskInFull(t *testing.T) {
	var b bytes.Buffer
	writeRisk(&b, review.Risk{ID: "QPE-RV-009", Severity: "warning", Title: "The engine reported warnings",
		Action: "Read each warning.", Resources: []string{},
		Notes: []string{"Fn: left alone: its role is external", "Exclude: unknown id X"}})
	got := b.String()
	for _, want := range []string{"risk QPE-RV-009 (warning): The engine reported warnings\n",
		"    - Fn: left alone: its role is external\n", "    - Exclude: unknown id X\n", "    what to do: Read each warning.\n"} {
		if !strings.Contains(got, want) {
			t.Errorf("missing %q in:\n%s", want, got)
		}
	}
	if strings.Contains(got, "()") || strings.Contains(got, "applies to") {
		t.Errorf("empty resource list printed:\n%s", got)
	}
}
