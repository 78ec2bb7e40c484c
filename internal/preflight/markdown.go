package preflight

import "github.com/quiltdata/quilt-private-endpoints/internal/finding"

// CatalogueMarkdown renders the catalogue as a Markdown table (id,
// severity, what it means, remedy) for docs/checks.md and the README.
func CatalogueMarkdown() string { return finding.RulesMarkdown(Catalogue().Rules()) }
