package verify

import (
	"flag"
	"path/filepath"
	"strings"
	"testing"

	"github.com/quiltdata/quilt-private-endpoints/internal/finding/findingtest"
)

var update = flag.Bool("update", false, "rewrite the catalogue table in docs/verify.md and the README")

// TestCatalogue holds the catalogue to the project's rule shape: one file
// per check, a scenario producing each id, and the tables of docs/verify.md
// and the README generated from the code.
func TestCatalogue(t *testing.T) {
	produced := map[string]bool{}
	files, _ := filepath.Glob("testdata/*.yaml")
	jsonFiles, _ := filepath.Glob("testdata/*.json")
	for _, file := range append(files, jsonFiles...) {
		x := loadExtras(t, filepath.Base(file))
		for _, id := range append(x.Expect.IDs, x.Expect.Info...) {
			// The network preflight's findings (QPE-NET-..., QPE-EP-...)
			// belong to internal/preflight's catalogue.
			if strings.HasPrefix(id, "QPE-VF-") {
				produced[id] = true
			}
		}
	}
	findingtest.Catalogue(t, findingtest.Spec{
		Rules:    Catalogue().Rules(),
		Files:    "check_*.go",
		Produced: produced,
		Docs:     map[string]string{"docs/verify.md": "verify-catalogue", "README.md": "verify-catalogue"},
		Update:   *update,
		Cmd:      "go test ./internal/verify -run TestCatalogue -update",
	})
	for _, c := range Catalogue() {
		if !strings.HasPrefix(c.ID, "QPE-VF-") || c.Run == nil {
			t.Errorf("%s: a verify check has a QPE-VF- id and code", c.ID)
		}
	}
}
