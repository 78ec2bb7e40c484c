package review_test

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/quiltdata/quilt-private-endpoints/internal/testenv"
)

// mermaidCheck parses each ```mermaid block of the Markdown files given
// with the mermaid npm package's parser (pinned and installed by `make
// tools`). Node has no DOM: DOMPurify, which mermaid sanitizes labels
// with, is stubbed, as only the parse is checked. Run with --input-type=
// module from the install folder, so that "mermaid" resolves there.
const mermaidCheck = `
import { readFileSync } from 'node:fs';
import DOMPurify from 'dompurify';
DOMPurify.addHook = () => {};
DOMPurify.removeHook = () => {};
DOMPurify.removeHooks = () => {};
DOMPurify.sanitize = (s) => String(s);
const { default: mermaid } = await import('mermaid');
let bad = 0;
for (const file of process.argv.slice(1)) {
  const text = readFileSync(file, 'utf8');
  const blocks = [...text.matchAll(/` + "```" + `mermaid\n([\s\S]*?)` + "```" + `/g)].map(m => m[1]);
  if (blocks.length === 0) { console.log(file + ': no mermaid block'); bad++; }
  for (const [i, b] of blocks.entries()) {
    try { await mermaid.parse(b); }
    catch (e) { bad++; console.log(file + ': block ' + i + ': ' + e.message); }
  }
}
process.exit(bad ? 1 : 0);
`

func runMermaid(t *testing.T, files ...string) (string, error) {
	t.Helper()
	cmd := exec.Command("node", append([]string{"--input-type=module", "-e", mermaidCheck, "--"}, files...)...)
	cmd.Dir = testenv.MermaidDir(t)
	out, err := cmd.CombinedOutput()
	return string(out), err
}

// TestMermaidParses: every diagram of the review and plan goldens parses
// with Mermaid's own parser (what GitHub renders them with), and a broken
// diagram does not.
func TestMermaidParses(t *testing.T) {
	var files []string
	for _, pattern := range []string{"testdata/*/expected.md", "../updatepath/testdata/*/expected.md"} {
		m, err := filepath.Glob(pattern)
		if err != nil {
			t.Fatal(err)
		}
		for _, f := range m {
			abs, err := filepath.Abs(f)
			if err != nil {
				t.Fatal(err)
			}
			files = append(files, abs)
		}
	}
	if len(files) < 10 {
		t.Fatalf("found %d golden Markdown files", len(files))
	}
	if out, err := runMermaid(t, files...); err != nil {
		t.Errorf("mermaid: %v\n%s", err, out)
	}
	bad := filepath.Join(t.TempDir(), "bad.md")
	if err := os.WriteFile(bad, []byte("```mermaid\nflowchart TD\n  a[\"x\"] --> b[[[\n```\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if out, err := runMermaid(t, bad); err == nil || !strings.Contains(out, "block 0") {
		t.Errorf("a broken diagram parsed: %v %s", err, out)
	}
}
