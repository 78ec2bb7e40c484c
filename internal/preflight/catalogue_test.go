package preflight_test

import (
	"flag"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/quiltdata/quilt-private-endpoints/internal/finding"
	"github.com/quiltdata/quilt-private-endpoints/internal/preflight"
	"github.com/quiltdata/quilt-private-endpoints/internal/testenv"
)

var update = flag.Bool("update", false, "rewrite the catalogue table in docs/checks.md")

func TestCatalogueEntries(t *testing.T) {
	idRe := regexp.MustCompile(`^QPE-(IN|NET|EP|S3|EG|AWS)-\d{3}$`)
	seen := map[string]bool{}
	for _, c := range preflight.Catalogue() {
		if !idRe.MatchString(c.ID) || seen[c.ID] {
			t.Errorf("bad or duplicate id %q", c.ID)
		}
		seen[c.ID] = true
		if c.Severity != finding.Error && c.Severity != finding.Warning && c.Severity != finding.Info {
			t.Errorf("%s: severity %q", c.ID, c.Severity)
		}
		if c.Title == "" || c.Meaning == "" || c.Remedy == "" {
			t.Errorf("%s: title, meaning and remedy are required", c.ID)
		}
	}
	// One check per file: check_<area><nnn>_*.go holds the check with that id.
	files, _ := filepath.Glob("check_*.go")
	if len(files) != len(seen) {
		t.Errorf("%d check files for %d checks", len(files), len(seen))
	}
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		if n := strings.Count(string(data), `ID:       "QPE-`); n != 1 {
			t.Errorf("%s defines %d checks, want 1", f, n)
		}
	}
}

// TestEveryCheckHasAScenario: each id of the catalogue is produced by at
// least one scenario, and each finding's severity is its check's.
func TestEveryCheckHasAScenario(t *testing.T) {
	sev := map[string]finding.Severity{}
	for _, c := range preflight.Catalogue() {
		sev[c.ID] = c.Severity
	}
	produced := map[string]bool{}
	paths, _ := filepath.Glob("testdata/scenarios/*.yaml")
	for _, p := range paths {
		sc, _, _ := loadScenario(t, p)
		for _, id := range sc.Expect.Findings {
			produced[id] = true
			if _, ok := sev[id]; !ok {
				t.Errorf("%s expects unknown id %s", p, id)
			}
		}
	}
	for id := range sev {
		if !produced[id] {
			t.Errorf("no scenario produces %s", id)
		}
	}
}

// TestDocsListTheCatalogue keeps the catalogue tables of docs/checks.md and
// the README equal to the code.
func TestDocsListTheCatalogue(t *testing.T) {
	const cmd = "go test ./internal/preflight -run TestDocs -update"
	want := preflight.CatalogueMarkdown()
	testenv.Generated(t, "docs/checks.md", "preflight-catalogue", want, *update, cmd)
	testenv.Generated(t, "README.md", "preflight-catalogue", want, *update, cmd)
}
