package main

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"go.yaml.in/yaml/v3"

	"github.com/quiltdata/quilt-private-endpoints/internal/quiltfixture"
	"github.com/quiltdata/quilt-private-endpoints/internal/testenv"
)

// TestPlanHelpExample: the first example of qpe plan --help runs on a
// Quilt-shaped template: its render succeeds and the plan runs (exit 0 or
// 1, never 2). It failed on the real template for want of the endpoint id
// and the user subnets.
func TestPlanHelpExample(t *testing.T) {
	cmd := newPlanCmd()
	m := regexp.MustCompile(`qpe plan (\S+) <\(qpe render (.*) (\S+)\)`).FindStringSubmatch(cmd.Example)
	if m == nil {
		t.Fatalf("plan's example has no `qpe plan T <(qpe render ... T)`: %s", cmd.Example)
	}
	dir := t.TempDir()
	tpl := filepath.Join(dir, m[1])
	if err := os.WriteFile(tpl, quiltfixture.Stable(), 0o644); err != nil {
		t.Fatal(err)
	}
	code, rendered, errs := qpeRun(t, "", append(append([]string{"render"}, strings.Fields(m[2])...), tpl)...)
	if code != 0 {
		t.Fatalf("the example's render: exit %d: %s", code, errs)
	}
	next := filepath.Join(dir, "rendered.json")
	if err := os.WriteFile(next, []byte(rendered), 0o644); err != nil {
		t.Fatal(err)
	}
	if code, _, errs := qpeRun(t, "", "plan", tpl, next); code == 2 {
		t.Errorf("the example's plan: exit 2: %s", errs)
	}
}

// TestDocsNewcomer holds the newcomer fixes of the docs: the demo file
// docs/macro.md names is the Makefile's; the README says make test needs
// Linux, passes a Quilt template (over 51,200 bytes) through S3 with
// --template-url, and names PerimeterExemptTag at the backend's deploy;
// the CI example uploads the review's SARIF.
func TestDocsNewcomer(t *testing.T) {
	root := testenv.Root(t)
	read := func(rel string) string {
		b, err := os.ReadFile(filepath.Join(root, rel))
		if err != nil {
			t.Fatal(err)
		}
		return string(b)
	}
	mk := regexp.MustCompile(`(?m)^DEMO_TEMPLATE := (\S+)$`).FindStringSubmatch(read("Makefile"))
	if mk == nil {
		t.Fatal("Makefile: no DEMO_TEMPLATE")
	}
	demo := regexp.MustCompile(`make demo\s+# renders (\S+)`).FindStringSubmatch(read("docs/macro.md"))
	if demo == nil || demo[1] != mk[1] {
		t.Errorf("docs/macro.md: make demo renders %v, the Makefile %s", demo, mk[1])
	}
	readme := read("README.md")
	_, deploy, _ := strings.Cut(readme, "### 1. Deploy the backend")
	deploy, _, _ = strings.Cut(deploy, "### 2.")
	_, review, _ := strings.Cut(readme, "### 3. Render and review the change")
	review, _, _ = strings.Cut(review, "### 4.")
	for _, c := range []struct{ where, text, want string }{
		{"README", readme, "make test` needs Linux"},
		{"README §1", deploy, "PerimeterExemptTag"},
		{"README §3", review, "--template-url"},
		{"README §3", review, "51,200"},
		{"README", readme, "qpe --version"},
		{"README", readme, "### Exit status"},
	} {
		if !strings.Contains(c.text, c.want) {
			t.Errorf("%s does not say %q", c.where, c.want)
		}
	}
	if strings.Contains(review, "--template-body file://quilt.yaml") {
		t.Error("README §3 still passes a Quilt template with --template-body (over 51,200 bytes)")
	}
	ci := read("docs/review-in-ci.md")
	_, block, ok := strings.Cut(ci, "```yaml\n")
	block, _, _ = strings.Cut(block, "```")
	var wf struct {
		Permissions map[string]string `yaml:"permissions"`
		Jobs        map[string]struct {
			Steps []struct {
				Uses string            `yaml:"uses"`
				Run  string            `yaml:"run"`
				With map[string]string `yaml:"with"`
			} `yaml:"steps"`
		} `yaml:"jobs"`
	}
	if err := yaml.Unmarshal([]byte(block), &wf); !ok || err != nil {
		t.Fatalf("docs/review-in-ci.md: the workflow does not parse: %v", err)
	}
	var sarifRun, upload bool
	for _, s := range wf.Jobs["review"].Steps {
		sarifRun = sarifRun || strings.Contains(s.Run, "qpe review") && strings.Contains(s.Run, "-o sarif")
		upload = upload || strings.HasPrefix(s.Uses, "github/codeql-action/upload-sarif@") && s.With["sarif_file"] == "review.sarif"
	}
	if !sarifRun || !upload || wf.Permissions["security-events"] != "write" {
		t.Errorf("the workflow must run qpe review -o sarif and upload review.sarif with security-events: write (run %v, upload %v, %v)", sarifRun, upload, wf.Permissions)
	}
}
