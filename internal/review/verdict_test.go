package review_test

import (
	"bytes"
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"

	"github.com/quiltdata/quilt-private-endpoints/internal/updatepath"
)

// verdictBlock returns the lines of the "## Verdict" section.
func verdictBlock(t *testing.T, md string) []string {
	t.Helper()
	_, after, ok := strings.Cut(md, "## Verdict\n\n")
	if !ok {
		t.Fatal("no ## Verdict section")
	}
	block, _, _ := strings.Cut(after, "\n\n")
	return strings.Split(block, "\n")
}

// TestVerdictFirst: on the Quilt-shaped stable fixture with an internal
// ALB, the verdict comes before anything else, holds at most ten lines and
// names the DNS step (the three host names the load balancer routes, to
// repoint after the update) and the route to the private API; the JSON's
// first object is the verdict; the first fold (the first <details>) comes
// within a screen.
func TestVerdictFirst(t *testing.T) {
	r := buildCase(t, filepath.Join("testdata", "stable-internal"))
	md, js := outputs(t, r)
	lines := verdictBlock(t, string(md))
	if len(lines) > 10 {
		t.Errorf("verdict has %d lines, want at most 10:\n%s", len(lines), strings.Join(lines, "\n"))
	}
	verdict := strings.Join(lines, "\n")
	for _, want := range []string{"repoint DNS", "quilt.example.com", "quilt-registry.example.com", "quilt-s3-proxy.example.com",
		"after the update", "QPE-RV-003", "**Blockers**"} {
		if !strings.Contains(verdict, want) {
			t.Errorf("verdict does not name %q:\n%s", want, verdict)
		}
	}
	if i, j := bytes.Index(md, []byte("## Verdict")), bytes.Index(md, []byte("## Risks by severity")); i < 0 || j < i {
		t.Errorf("verdict (%d) must come before the risks (%d)", i, j)
	}
	fold := bytes.Index(md, []byte("<details>"))
	if n := bytes.Count(md[:fold], []byte("\n")); fold < 0 || n > 50 {
		t.Errorf("the first fold is at line %d, want a screen (50 lines)", n)
	}
	dec := json.NewDecoder(bytes.NewReader(js))
	if _, err := dec.Token(); err != nil {
		t.Fatal(err)
	}
	if k, err := dec.Token(); err != nil || k != "verdict" {
		t.Errorf("the JSON's first key is %v (%v), want verdict", k, err)
	}
	var back struct {
		Verdict updatepath.Decision `json:"verdict"`
	}
	if err := json.Unmarshal(js, &back); err != nil || len(back.Verdict.Outside) == 0 || len(back.Verdict.Outside[len(back.Verdict.Outside)-1].Records) != 3 {
		t.Errorf("the JSON verdict's DNS step has no three records: %+v (%v)", back.Verdict.Outside, err)
	}
}
