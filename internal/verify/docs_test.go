package verify

import (
	"flag"
	"strings"
	"testing"

	"github.com/quiltdata/quilt-private-endpoints/internal/testenv"
)

var update = flag.Bool("update", false, "rewrite the catalogue table in docs/verify.md")

// catalogueTable renders Catalogue() as the Markdown table of docs/verify.md.
func catalogueTable() string {
	var b strings.Builder
	b.WriteString("| Id | Severity | Checks | What a finding means | Remedy |\n|---|---|---|---|---|\n")
	cell := func(s string) string { return strings.ReplaceAll(s, "|", `\|`) }
	for _, c := range Catalogue() {
		b.WriteString("| " + c.ID + " | " + string(c.Severity) + " | " + cell(c.Title) + " | " + cell(c.Meaning) + " | " + cell(c.Remedy) + " |\n")
	}
	return b.String()
}

// TestDocsCatalogue keeps the catalogue tables of docs/verify.md and the
// README equal to Catalogue().
func TestDocsCatalogue(t *testing.T) {
	const cmd = "go test ./internal/verify -run TestDocsCatalogue -update"
	testenv.Generated(t, "docs/verify.md", "verify-catalogue", catalogueTable(), *update, cmd)
	testenv.Generated(t, "README.md", "verify-catalogue", catalogueTable(), *update, cmd)
}

func TestCatalogueShape(t *testing.T) {
	seen := map[string]bool{}
	for _, c := range Catalogue() {
		if !strings.HasPrefix(c.ID, "QPE-VF-") || seen[c.ID] || c.run == nil || c.Title == "" || c.Meaning == "" || c.Remedy == "" || c.Severity == "" {
			t.Errorf("bad or duplicate check %+v", c)
		}
		seen[c.ID] = true
	}
}
