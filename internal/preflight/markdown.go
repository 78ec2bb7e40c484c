package preflight

import (
	"strings"
)

// CatalogueMarkdown renders the catalogue as a Markdown table (id,
// severity, what it means, remedy) for docs/checks.md.
func CatalogueMarkdown() string {
	var b strings.Builder
	b.WriteString("| ID | Severity | What it means | Remedy |\n|---|---|---|---|\n")
	for _, c := range Catalogue() {
		b.WriteString("| " + c.ID + " | " + string(c.Severity) + " | " + mdCell(c.Meaning) + " | " + mdCell(c.Remedy) + " |\n")
	}
	return b.String()
}

func mdCell(s string) string {
	return strings.ReplaceAll(strings.ReplaceAll(s, "|", `\|`), "\n", " ")
}
