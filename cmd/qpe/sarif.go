package main

import (
	"bytes"
	"fmt"
	"path/filepath"

	"github.com/spf13/cobra"

	"github.com/quiltdata/quilt-private-endpoints/internal/finding"
	"github.com/quiltdata/quilt-private-endpoints/internal/sarif"
	"github.com/quiltdata/quilt-private-endpoints/internal/template"
)

// sarifSource locates results in the template at path (as given on the
// command line; standard input has no file to point at).
func sarifSource(path string, data []byte, renamed map[string]string) sarif.Source {
	src := sarif.Source{}
	if path == "" || path == "-" || data == nil {
		return src
	}
	pos, err := template.Locate(data)
	if err != nil {
		return src // decoded already: a locator failure only loses the lines
	}
	src.URI, src.Positions = filepath.ToSlash(filepath.Clean(path)), pos
	src.Renamed = map[string]string{}
	for old, nu := range renamed {
		src.Renamed[nu] = old
	}
	return src
}

// writeSARIF writes the items as a SARIF 2.1.0 log to the command's output.
func writeSARIF(cmd *cobra.Command, name string, rules []finding.Rule, items []sarif.Item, src sarif.Source) error {
	l, err := sarif.Build(buildVersion(), rules, items, src)
	if err != nil {
		return &exitError{code: 1, err: fmt.Errorf("%s: %w", name, err)}
	}
	var b bytes.Buffer
	if err := sarif.Write(&b, l); err != nil {
		return &exitError{code: 1, err: fmt.Errorf("%s: %w", name, err)}
	}
	if _, err := cmd.OutOrStdout().Write(b.Bytes()); err != nil {
		return &exitError{code: 1, err: fmt.Errorf("%s: write output: %w", name, err)}
	}
	return nil
}

// findingItems are findings (the engine's warnings) as SARIF items.
func findingItems(fs []finding.Finding) []sarif.Item {
	out := make([]sarif.Item, 0, len(fs))
	for _, f := range fs {
		it := sarif.Item{Finding: f}
		if f.Resource != "" {
			it.Where = []string{f.Resource}
		}
		out = append(out, it)
	}
	return out
}
