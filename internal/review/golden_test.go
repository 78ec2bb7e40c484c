package review_test

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"testing"
	"time"

	"github.com/quiltdata/quilt-private-endpoints/internal/cfnspec"
	"github.com/quiltdata/quilt-private-endpoints/internal/finding/findingtest"
	"github.com/quiltdata/quilt-private-endpoints/internal/quiltfixture"
	"github.com/quiltdata/quilt-private-endpoints/internal/review"
	"github.com/quiltdata/quilt-private-endpoints/internal/sarif"
	"github.com/quiltdata/quilt-private-endpoints/internal/sarif/sariftest"
	"github.com/quiltdata/quilt-private-endpoints/internal/template"
	"github.com/quiltdata/quilt-private-endpoints/internal/transform"
	"github.com/quiltdata/quilt-private-endpoints/internal/updatepath"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/")

// goldenCase is testdata/<case>/case.json. Either Template (a file in the
// case directory, run through the engine with Settings; the network cases
// hold copies of templates/examples, so the goldens do not move when the
// examples do) or Before and After
// (hand-made documents in the case directory, with the engine's Changes and
// Warnings written by hand). Changeset names a describe-change-set JSON file
// in the case directory to annotate.
type goldenCase struct {
	Template string `json:"template"`
	// Fixture names a Quilt-shaped fixture of internal/quiltfixture
	// ("stable", "private") run through the engine, as Template is.
	Fixture   string                `json:"fixture"`
	Settings  map[string]string     `json:"settings"`
	Before    string                `json:"before"`
	After     string                `json:"after"`
	Changes   []review.EngineChange `json:"changes"`
	Warnings  []string              `json:"warnings"`
	Changeset string                `json:"changeset"`
	// Renamed and Moved are the engine's facts for a hand-made case.
	Renamed map[string]string `json:"renamed"`
	Moved   []string          `json:"moved"`
}

// fixtureDoc decodes a Quilt-shaped fixture by name.
func fixtureDoc(t testing.TB, name string) map[string]any {
	t.Helper()
	switch name {
	case "stable":
		return quiltfixture.Decode(quiltfixture.Stable())
	case "private":
		return quiltfixture.Decode(quiltfixture.Private())
	}
	t.Fatalf("unknown fixture %q", name)
	return nil
}

func readDoc(t testing.TB, path string) map[string]any {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	doc, err := template.Decode(data)
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	return doc
}

// buildCase runs one case and returns the report.
func buildCase(t testing.TB, dir string) *review.Report {
	t.Helper()
	in, cs := caseInput(t, dir)
	r := review.Build(in, cfnspec.New())
	if cs != nil {
		review.Annotate(r, cs)
	}
	return r
}

// caseInput reads one case: the review's input (running the engine when
// the case names a template) and its changeset, if any.
func caseInput(t testing.TB, dir string) (review.Input, *review.ChangeSet) {
	t.Helper()
	raw, err := os.ReadFile(filepath.Join(dir, "case.json"))
	if err != nil {
		t.Fatal(err)
	}
	var c goldenCase
	if err := json.Unmarshal(raw, &c); err != nil {
		t.Fatalf("case.json: %v", err)
	}
	in := review.Input{Settings: c.Settings, Changes: c.Changes, Warnings: c.Warnings}
	switch {
	case c.Template != "" || c.Fixture != "":
		if c.Fixture != "" {
			in.Name = c.Fixture + ".yaml"
			in.Before = fixtureDoc(t, c.Fixture)
		} else {
			path := filepath.Join(dir, c.Template)
			in.Name = filepath.Base(path)
			in.Before = readDoc(t, path)
		}
		params := map[string]any{}
		for k, v := range c.Settings {
			params[k] = v
		}
		frag, _ := template.Clone(in.Before).(map[string]any)
		res, err := transform.Transform(context.Background(), transform.Request{Fragment: frag, Params: params})
		if err != nil {
			t.Fatalf("engine: %v", err)
		}
		in.After = res.Fragment
		in.Warnings = res.WarningTexts()
		in.Renamed, in.Moved = res.Renamed, res.Moved
		for _, ch := range res.Changes {
			in.Changes = append(in.Changes, review.EngineChange{Pass: ch.Pass, Resource: ch.Resource, Detail: ch.Detail})
		}
	default:
		in.Name = c.Before
		in.Before = readDoc(t, filepath.Join(dir, c.Before))
		in.After = readDoc(t, filepath.Join(dir, c.After))
		in.Renamed, in.Moved = c.Renamed, c.Moved
	}
	plan, err := updatepath.Compute(context.Background(), updatepath.Input{Deployed: in.Before, New: in.After,
		Renamed: in.Renamed, Today: time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC)})
	if err != nil {
		t.Fatal(err)
	}
	in.Plan = plan
	if c.Changeset == "" {
		return in, nil
	}
	data, err := os.ReadFile(filepath.Join(dir, c.Changeset))
	if err != nil {
		t.Fatal(err)
	}
	cs, err := review.ParseChangeSet(data)
	if err != nil {
		t.Fatal(err)
	}
	return in, cs
}

func outputs(t *testing.T, r *review.Report) (md, js []byte) {
	t.Helper()
	var m, j bytes.Buffer
	if err := review.WriteMarkdown(&m, r); err != nil {
		t.Fatal(err)
	}
	if err := review.WriteJSON(&j, r); err != nil {
		t.Fatal(err)
	}
	return m.Bytes(), j.Bytes()
}

// caseSARIF is the case's risks as SARIF, located in its source template
// (the fixture's file, or the case's template file, by its path in the
// repository).
func caseSARIF(t *testing.T, dir string, r *review.Report) []byte {
	t.Helper()
	raw, err := os.ReadFile(filepath.Join(dir, "case.json"))
	if err != nil {
		t.Fatal(err)
	}
	var c goldenCase
	if err := json.Unmarshal(raw, &c); err != nil {
		t.Fatal(err)
	}
	var uri string
	var data []byte
	switch {
	case c.Fixture == "stable":
		uri, data = "internal/quiltfixture/stable.yaml", quiltfixture.Stable()
	case c.Fixture == "private":
		uri, data = "internal/quiltfixture/private.yaml", quiltfixture.Private()
	default:
		name := c.Template
		if name == "" {
			name = c.Before
		}
		uri = "internal/review/" + filepath.ToSlash(filepath.Join(dir, name))
		if data, err = os.ReadFile(filepath.Join(dir, name)); err != nil {
			t.Fatal(err)
		}
	}
	pos, err := template.Locate(data)
	if err != nil {
		t.Fatal(err)
	}
	renamed := map[string]string{}
	for _, res := range r.Resources {
		if res.RenamedFrom != "" {
			renamed[res.LogicalID] = res.RenamedFrom
		}
	}
	l, err := sarif.Build("test", review.Rules(), review.SARIFItems(r.Risks), sarif.Source{URI: uri, Positions: pos, Renamed: renamed})
	if err != nil {
		t.Fatal(err)
	}
	var b bytes.Buffer
	if err := sarif.Write(&b, l); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// TestGolden compares the Markdown and JSON reports of each case in
// testdata/ with expected.md and expected.json (go test -update rewrites
// them), and checks that a second run gives the same bytes.
func TestGolden(t *testing.T) {
	dirs, err := filepath.Glob(filepath.Join("testdata", "*", "case.json"))
	if err != nil {
		t.Fatal(err)
	}
	if len(dirs) < 4 {
		t.Fatalf("want at least 4 golden cases, found %d", len(dirs))
	}
	sort.Strings(dirs)
	for _, f := range dirs {
		dir := filepath.Dir(f)
		t.Run(filepath.Base(dir), func(t *testing.T) {
			r := buildCase(t, dir)
			md, js := outputs(t, r)
			md2, js2 := outputs(t, buildCase(t, dir))
			if !bytes.Equal(md, md2) || !bytes.Equal(js, js2) {
				t.Fatal("two runs gave different reports")
			}
			sf := caseSARIF(t, dir, r)
			sariftest.Validate(t, sf)
			for name, got := range map[string][]byte{"expected.md": md, "expected.json": js, "expected.sarif": sf} {
				path := filepath.Join(dir, name)
				if *update {
					if err := os.WriteFile(path, got, 0o644); err != nil {
						t.Fatal(err)
					}
					continue
				}
				want, err := os.ReadFile(path)
				if err != nil {
					t.Fatalf("%v (run go test -update to create it)", err)
				}
				if !bytes.Equal(got, want) {
					t.Errorf("%s differs from the report (go test ./internal/review -update rewrites it; review the diff):\n%s", path, firstDiff(want, got))
				}
			}
		})
	}
}

func firstDiff(want, got []byte) string {
	wl := bytes.Split(want, []byte("\n"))
	gl := bytes.Split(got, []byte("\n"))
	for i := 0; i < len(wl) || i < len(gl); i++ {
		var w, g []byte
		if i < len(wl) {
			w = wl[i]
		}
		if i < len(gl) {
			g = gl[i]
		}
		if !bytes.Equal(w, g) {
			return "line " + strconv.Itoa(i+1) + ":\n want: " + string(w) + "\n  got: " + string(g)
		}
	}
	return ""
}

// TestSpecCoversEngineChanges: every resource the engine changes in the
// golden cases has a type the generated specification table covers, so
// each change gets a predicted update behaviour.
func TestSpecCoversEngineChanges(t *testing.T) {
	spec := cfnspec.New()
	dirs, _ := filepath.Glob(filepath.Join("testdata", "*", "case.json"))
	for _, f := range dirs {
		r := buildCase(t, filepath.Dir(f))
		for _, res := range r.Resources {
			if res.Action != review.ActionModify && res.Action != review.ActionRename {
				continue
			}
			_, ok := spec.Lookup(res.Type, "")
			if !spec.HasType(res.Type) && !ok {
				t.Errorf("%s: %s (%s) is not in the cfnspec table: add it to internal/cfnspec/gen and run go generate", filepath.Dir(f), res.LogicalID, res.Type)
			}
			for _, c := range res.Changes {
				if c.Attribute == "Properties" && c.Update == "" {
					t.Errorf("%s: %s.%s has no update behaviour", filepath.Dir(f), res.LogicalID, c.Path)
				}
			}
		}
	}
}

// TestRiskCatalogue holds the review's risks to the shared rule shape: one
// file each, every one produced by a golden case, the README table
// generated from the code.
func TestRiskCatalogue(t *testing.T) {
	dirs, err := filepath.Glob(filepath.Join("testdata", "*", "case.json"))
	if err != nil {
		t.Fatal(err)
	}
	produced := map[string]bool{}
	for _, f := range dirs {
		for _, k := range buildCase(t, filepath.Dir(f)).Risks {
			rule, ok := review.RiskRule(k.ID)
			if !ok {
				t.Fatalf("risk %s has no rule", k.ID)
			}
			if rule.Title != k.Title || rule.Meaning != k.Detail || rule.Remedy != k.Action {
				t.Errorf("risk %s does not carry its rule's text", k.ID)
			}
			produced[rule.ID] = true
		}
	}
	findingtest.Catalogue(t, findingtest.Spec{
		Rules:    review.Rules(),
		Files:    "risk_*.go",
		Produced: produced,
		Docs:     map[string]string{"README.md": "review-catalogue", "docs/review.md": "review-catalogue"},
		Update:   *update,
		Cmd:      "go test ./internal/review -update",
	})
}
