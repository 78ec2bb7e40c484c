package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/quiltdata/quilt-private-endpoints/internal/quiltfixture"
)

// TestPlanReplacesOwned: qpe plan of a render over the deployed render
// blocks (QPE-UP-012, exit 1) when the new render removes what the
// deployed one says the macro made (LoadBalancerScheme internal ->
// unchanged drops the internal side), and not for keep -> retire.
func TestPlanReplacesOwned(t *testing.T) {
	dir := t.TempDir()
	src := filepath.Join(dir, "stable.yaml")
	if err := os.WriteFile(src, quiltfixture.Stable(), 0o644); err != nil {
		t.Fatal(err)
	}
	render := func(name string, sets ...string) string {
		args := []string{"render", "--set", "ApiGatewayVPCEndpointId=vpce-0123456789abcdef0",
			"--set", "UserSubnetIds=subnet-0123456789abcdef0,subnet-1123456789abcdef0"}
		for _, s := range sets {
			args = append(args, "--set", s)
		}
		code, out, errOut := qpeRun(t, "", append(args, src)...)
		if code != 0 {
			t.Fatalf("render %v: exit %d: %s", sets, code, errOut)
		}
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(out), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	keep := render("keep.json", "LoadBalancerScheme=internal", "PublicLoadBalancer=keep")
	retire := render("retire.json", "LoadBalancerScheme=internal", "PublicLoadBalancer=retire")
	unchanged := render("unchanged.json", "LoadBalancerScheme=unchanged")
	for _, c := range []struct {
		name, deployed, new string
		want                bool
	}{
		{"keep -> retire", keep, retire, false},
		{"keep -> unchanged", keep, unchanged, true},
	} {
		t.Run(c.name, func(t *testing.T) {
			code, out, errOut := qpeRun(t, "", "plan", "--accept-downtime", c.deployed, c.new)
			got := strings.Contains(out, "| QPE-UP-012 | `LoadBalancerInternal` |")
			if got != c.want {
				t.Fatalf("QPE-UP-012 on LoadBalancerInternal = %v, want %v (exit %d, %s)\n%s", got, c.want, code, errOut, out)
			}
			if c.want && code != 1 {
				t.Errorf("exit %d, want 1 (blocked)", code)
			}
		})
	}
}
