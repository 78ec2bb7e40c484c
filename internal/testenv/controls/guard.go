package controls

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"sort"
	"strings"

	"github.com/quiltdata/quilt-private-endpoints/internal/template"
)

// Violation is one resource a rule found non-compliant.
type Violation struct {
	Rule     string // the guard rule's name, e.g. lambda_inside_vpc_check
	Control  string // the control id from the rule's message, e.g. CT.LAMBDA.PR.3
	Resource string // logical id
}

// Guard runs cfn-guard.
type Guard struct {
	// Bin is the cfn-guard binary (3.x).
	Bin string
}

// cfn-guard exit statuses: 0 all rules pass, 19 a rule failed. Anything
// else is a usage or parse error.
const guardFailed = 19

// Validate evaluates doc (a template or resolved template) against the
// guard rule files and returns every violation, sorted by control then
// resource. An error means cfn-guard could not evaluate the document.
func (g Guard) Validate(ctx context.Context, doc map[string]any, rules ...string) ([]Violation, error) {
	if len(rules) == 0 {
		return nil, errors.New("controls: no rule files")
	}
	data, err := template.EncodeJSON(doc, true)
	if err != nil {
		return nil, err
	}
	dir, err := os.MkdirTemp("", "qpe-guard-")
	if err != nil {
		return nil, fmt.Errorf("controls: %w", err)
	}
	defer os.RemoveAll(dir)
	file := filepath.Join(dir, "template.json")
	if err := os.WriteFile(file, data, 0o600); err != nil {
		return nil, fmt.Errorf("controls: %w", err)
	}
	args := []string{"validate", "--data", file, "--output-format", "json", "--show-summary", "none", "--structured"}
	for _, r := range rules {
		args = append(args, "--rules", r)
	}
	cmd := exec.CommandContext(ctx, g.Bin, args...)
	var stdout, stderr bytes.Buffer
	cmd.Stdout = &stdout
	cmd.Stderr = &stderr
	err = cmd.Run()
	var exit *exec.ExitError
	if err != nil && !(errors.As(err, &exit) && exit.ExitCode() == guardFailed) {
		return nil, fmt.Errorf("controls: cfn-guard %s: %w: %s", strings.Join(args, " "), err, stderr.String())
	}
	return parseGuard(stdout.Bytes())
}

// guardReport is the part of cfn-guard's structured JSON output we read.
type guardReport struct {
	Name         string            `json:"name"`
	Status       string            `json:"status"`
	NotCompliant []json.RawMessage `json:"not_compliant"`
}

var (
	resourcePath = regexp.MustCompile(`^/Resources/([^/]+)`)
	controlID    = regexp.MustCompile(`\[(CT\.[A-Z0-9]+\.[A-Z]+\.[0-9]+)\]`)
)

func parseGuard(out []byte) ([]Violation, error) {
	var reports []guardReport
	if err := json.Unmarshal(out, &reports); err != nil {
		return nil, fmt.Errorf("controls: cfn-guard output is not the expected JSON: %w: %.500s", err, out)
	}
	seen := map[Violation]bool{}
	for _, rep := range reports {
		for _, raw := range rep.NotCompliant {
			var nc struct {
				Rule struct {
					Name string `json:"name"`
				} `json:"Rule"`
			}
			if err := json.Unmarshal(raw, &nc); err != nil {
				return nil, fmt.Errorf("controls: cfn-guard result: %w", err)
			}
			var tree any
			if err := json.Unmarshal(raw, &tree); err != nil {
				return nil, err
			}
			control := ""
			if m := controlID.FindStringSubmatch(string(raw)); m != nil {
				control = m[1]
			}
			resources := map[string]bool{}
			collectResources(tree, resources)
			for id := range resources {
				seen[Violation{Rule: nc.Rule.Name, Control: control, Resource: id}] = true
			}
		}
	}
	vs := make([]Violation, 0, len(seen))
	for v := range seen {
		vs = append(vs, v)
	}
	sort.Slice(vs, func(i, j int) bool {
		if vs[i].Control != vs[j].Control {
			return vs[i].Control < vs[j].Control
		}
		if vs[i].Rule != vs[j].Rule {
			return vs[i].Rule < vs[j].Rule
		}
		return vs[i].Resource < vs[j].Resource
	})
	return vs, nil
}

// collectResources finds the logical ids in every "path" of a cfn-guard
// result tree (/Resources/<id>/Properties/...).
func collectResources(v any, into map[string]bool) {
	switch t := v.(type) {
	case map[string]any:
		for k, e := range t {
			if s, ok := e.(string); ok && k == "path" {
				if m := resourcePath.FindStringSubmatch(s); m != nil {
					into[m[1]] = true
				}
				continue
			}
			collectResources(e, into)
		}
	case []any:
		for _, e := range t {
			collectResources(e, into)
		}
	}
}

// Resources returns the logical ids of the violations of one control.
func Resources(vs []Violation, control string) []string {
	var ids []string
	for _, v := range vs {
		if v.Control == control {
			ids = append(ids, v.Resource)
		}
	}
	return ids
}
