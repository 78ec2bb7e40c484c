package verify

import (
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/quiltdata/quilt-private-endpoints/internal/testenv"
)

var update = flag.Bool("update", false, "rewrite the catalogue table in docs/verify.md")

const (
	tableStart = "<!-- catalogue:start (generated: go test ./internal/verify -run TestDocsCatalogue -update) -->"
	tableEnd   = "<!-- catalogue:end -->"
)

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

// TestDocsCatalogue keeps the table in docs/verify.md equal to Catalogue().
func TestDocsCatalogue(t *testing.T) {
	path := filepath.Join(testenv.Root(t), "docs", "verify.md")
	raw, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	doc := string(raw)
	i, j := strings.Index(doc, tableStart), strings.Index(doc, tableEnd)
	if i < 0 || j < i {
		t.Fatalf("%s lacks the catalogue markers", path)
	}
	want := doc[:i+len(tableStart)] + "\n" + catalogueTable() + doc[j:]
	if *update {
		if err := os.WriteFile(path, []byte(want), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	if doc != want {
		t.Errorf("the catalogue table in %s is out of date: run go test ./internal/verify -run TestDocsCatalogue -update", path)
	}
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
