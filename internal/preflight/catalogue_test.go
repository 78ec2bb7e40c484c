package preflight_test

import (
	"flag"
	"path/filepath"
	"testing"

	"github.com/quiltdata/quilt-private-endpoints/internal/finding"
	"github.com/quiltdata/quilt-private-endpoints/internal/finding/findingtest"
	"github.com/quiltdata/quilt-private-endpoints/internal/preflight"
)

var update = flag.Bool("update", false, "rewrite the catalogue table in docs/checks.md")

// TestCatalogue holds the catalogue to the project's one catalogue test:
// ids well formed and unique, one check per file, every check produced by a
// scenario, and the docs/checks.md and README tables generated from it.
func TestCatalogue(t *testing.T) {
	rules := preflight.Catalogue().Rules()
	for _, r := range rules {
		if !finding.IDPattern.MatchString(r.ID) {
			t.Errorf("bad id %q", r.ID)
		}
	}
	findingtest.Catalogue(t, findingtest.Spec{
		Rules:    rules,
		Files:    "check_*.go",
		Produced: producedByScenarios(t),
		Docs:     map[string]string{"docs/checks.md": "preflight-catalogue", "README.md": "preflight-catalogue"},
		Update:   *update,
		Cmd:      "go test ./internal/preflight -run TestCatalogue -update",
	})
}

// producedByScenarios is the set of ids the scenarios expect.
func producedByScenarios(t *testing.T) map[string]bool {
	t.Helper()
	produced := map[string]bool{}
	paths, _ := filepath.Glob("testdata/scenarios/*.yaml")
	for _, p := range paths {
		sc, _, _ := loadScenario(t, p)
		for _, id := range sc.Expect.Findings {
			produced[id] = true
		}
	}
	return produced
}
