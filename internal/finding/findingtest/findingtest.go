// Package findingtest is the one catalogue test every rule catalogue runs:
// ids well formed and unique, each rule complete and in a file of its own,
// each produced by a test scenario, and its README table generated from
// the code.
package findingtest

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/quiltdata/quilt-private-endpoints/internal/finding"
	"github.com/quiltdata/quilt-private-endpoints/internal/testenv"
)

// Spec says what to hold a catalogue to.
type Spec struct {
	Rules []finding.Rule
	// Files is the glob of the one-rule-per-file sources, relative to the
	// package directory (e.g. "check_*.go"). Each must mention exactly one
	// of the rules' ids in an `ID:` field, and each rule must have a file.
	Files string
	// Produced is the set of ids the package's scenarios produce; every
	// rule must be in it. Nil skips that part (say why at the call site).
	Produced map[string]bool
	// Docs are the generated tables: file (from the repo root) -> block name.
	Docs map[string]string
	// Update rewrites the Docs blocks (the package's -update flag).
	Update bool
	// Cmd is the command that rewrites them, for the failure message.
	Cmd string
}

// Catalogue runs every catalogue assertion of spec.
func Catalogue(t *testing.T, spec Spec) {
	t.Helper()
	seen := map[string]bool{}
	for _, r := range spec.Rules {
		if !finding.IDPattern.MatchString(r.ID) || seen[r.ID] {
			t.Errorf("bad or duplicate id %q", r.ID)
		}
		seen[r.ID] = true
		if r.Severity != finding.Error && r.Severity != finding.Warning && r.Severity != finding.Info {
			t.Errorf("%s: severity %q", r.ID, r.Severity)
		}
		if r.Title == "" || r.Meaning == "" || r.Remedy == "" {
			t.Errorf("%s: title, meaning and remedy are required", r.ID)
		}
	}
	if spec.Files != "" {
		files, err := filepath.Glob(spec.Files)
		if err != nil {
			t.Fatal(err)
		}
		inFile := map[string]string{}
		for _, f := range files {
			data, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			n := 0
			for id := range seen {
				if strings.Contains(string(data), `"`+id+`"`) && idField(string(data), id) {
					n++
					inFile[id] = f
				}
			}
			if n != 1 {
				t.Errorf("%s defines %d rules, want 1", f, n)
			}
		}
		for id := range seen {
			if inFile[id] == "" {
				t.Errorf("%s has no file of its own (%s)", id, spec.Files)
			}
		}
	}
	if spec.Produced != nil {
		for id := range seen {
			if !spec.Produced[id] {
				t.Errorf("no scenario produces %s", id)
			}
		}
		for id := range spec.Produced {
			if !seen[id] {
				t.Errorf("a scenario expects unknown id %s", id)
			}
		}
	}
	want := finding.RulesMarkdown(spec.Rules)
	for path, name := range spec.Docs {
		testenv.Generated(t, path, name, want, spec.Update, spec.Cmd)
	}
}

// idField reports whether src declares id in an ID field (`ID: "…"`, any
// spacing), not only mentions it.
func idField(src, id string) bool {
	for _, line := range strings.Split(src, "\n") {
		l := strings.TrimSpace(line)
		if strings.HasPrefix(l, "ID:") && strings.Contains(l, `"`+id+`"`) {
			return true
		}
	}
	return false
}
