package main

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/quiltdata/quilt-private-endpoints/internal/quiltfixture"
)

// TestExitCodes is the README's exit-status table, command by command:
// 0 done, 1 the answer is no (refused, blocked, error findings), 2 the
// command could not run (usage, an unreadable or invalid input file, no
// stack or credentials). Bad YAML is 2 for every command that reads a
// template (render and review said 1, plan 2).
func TestExitCodes(t *testing.T) {
	dir := t.TempDir()
	write := func(name, body string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	bad := write("bad.yaml", "Resources: [\n")
	tab := write("tab.yaml", "Resources:\n\tA:\n    Type: X\n")
	stable := write("stable.yaml", string(quiltfixture.Stable()))
	sets := []string{"--set", "LoadBalancerScheme=unchanged", "--set", "ApiGatewayVPCEndpointId=vpce-0123456789abcdef0"}
	for _, tc := range []struct {
		name string
		args []string
		want int
	}{
		{"render renders", append(append([]string{"render"}, sets...), stable), 0},
		{"render bad YAML", []string{"render", bad}, 2},
		{"render tab in YAML", []string{"render", tab}, 2},
		{"render bad format", []string{"render", "-o", "xml", stable}, 2},
		{"render refuses (no endpoint id)", []string{"render", "--set", "LoadBalancerScheme=unchanged", stable}, 1},
		{"review reports", append(append([]string{"review", "-o", "sarif"}, sets...), stable), 0},
		{"review refuses (no endpoint id)", []string{"review", "--set", "LoadBalancerScheme=unchanged", stable}, 1},
		{"review bad YAML", []string{"review", bad}, 2},
		{"review bad format", []string{"review", "--format", "xml", stable}, 2},
		{"plan safe", []string{"plan", stable, stable}, 0},
		{"plan bad YAML", []string{"plan", bad, stable}, 2},
		{"plan one template", []string{"plan", stable}, 2},
		{"check without flags", []string{"check"}, 2},
		{"verify without --stack", []string{"verify"}, 2},
		{"enable without --stack", []string{"enable"}, 2},
		{"disable without --stack", []string{"disable"}, 2},
		{"perimeter scp bad format", []string{"perimeter", "scp", "-o", "text"}, 2},
		{"unknown command", []string{"nope"}, 2},
	} {
		t.Run(tc.name, func(t *testing.T) {
			code, _, errs := qpeRun(t, "", tc.args...)
			if code != tc.want {
				t.Errorf("qpe %v: exit %d, want %d (stderr %q)", tc.args, code, tc.want, errs)
			}
		})
	}
}
