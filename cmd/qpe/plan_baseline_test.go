package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/quiltdata/quilt-private-endpoints/internal/quiltfixture"
	"github.com/quiltdata/quilt-private-endpoints/internal/template"
	"github.com/quiltdata/quilt-private-endpoints/internal/updatepath"
)

// TestPlanBaseline: qpe plan of an upgrade (the render of the next
// release, its migration image changed, over the render of the stable
// fixture) with --baseline of the two originals marks QPE-UP-008 on
// MigrationCallout as Quilt's own, in JSON and markdown; the exit status
// stays 1; --baseline with one template is a usage error.
func TestPlanBaseline(t *testing.T) {
	dir := t.TempDir()
	write := func(name string, data []byte) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, data, 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	stable := write("stable.yaml", quiltfixture.Stable())
	nextDoc, err := quiltfixture.NextRelease(quiltfixture.Decode(quiltfixture.Stable()), quiltfixture.ChangeMigration)
	if err != nil {
		t.Fatal(err)
	}
	b, err := template.EncodeJSON(nextDoc, true)
	if err != nil {
		t.Fatal(err)
	}
	next := write("next.json", b)
	settings := []string{"--set", "LoadBalancerScheme=internal", "--set", "PublicLoadBalancer=keep", "--set", "ApiGatewayVPCEndpointId=vpce-0a1b2c3d4e5f60718",
		"--set", "UserSubnetIds=subnet-0a1b2c3d4e5f60201,subnet-0a1b2c3d4e5f60202"}
	render := func(src, name string) string {
		code, out, errs := qpeRun(t, "", append(append([]string{"render"}, settings...), src)...)
		if code != 0 {
			t.Fatalf("render %s: exit %d: %s", src, code, errs)
		}
		return write(name, []byte(out))
	}
	dep, nu := render(stable, "deployed.json"), render(next, "new.json")

	code, out, errs := qpeRun(t, "", "plan", "--format", "json", "--dns-moved", "--today", "2026-12-01", "--baseline", stable+","+next, dep, nu)
	if code != 1 {
		t.Fatalf("exit %d, want 1 (an inherent blocker still blocks)\n%s\n%s", code, out, errs)
	}
	var p updatepath.Plan
	if err := json.Unmarshal([]byte(out), &p); err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	found := false
	for _, bl := range p.Rollout.Blockers {
		if !bl.Inherent {
			t.Errorf("blocker %s %s is not marked inherent", bl.ID, bl.Resource)
		}
		found = found || bl.ID == "QPE-UP-008" && bl.Resource == "MigrationCallout"
	}
	if !found || p.Rollout.Baseline == nil || p.Rollout.Baseline.MacroBlockers != 0 || p.Rollout.Baseline.InherentBlockers != len(p.Rollout.Blockers) {
		t.Errorf("blockers %+v baseline %+v", p.Rollout.Blockers, p.Rollout.Baseline)
	}
	if !strings.Contains(out, `"inherent": true`) || !strings.Contains(out, `"inherentBlockers": `) {
		t.Errorf("JSON lacks the marking:\n%s", out)
	}

	// Without --baseline nothing is marked; markdown says it with it.
	_, out, _ = qpeRun(t, "", "plan", "--format", "json", "--dns-moved", "--today", "2026-12-01", dep, nu)
	if strings.Contains(out, `"inherent"`) || strings.Contains(out, `"baseline"`) {
		t.Errorf("marked without --baseline:\n%s", out)
	}
	_, out, _ = qpeRun(t, "", "plan", "--dns-moved", "--today", "2026-12-01", "--baseline", stable, "--baseline", next, dep, nu)
	if !strings.Contains(out, updatepath.InherentText) || !strings.Contains(out, "the macro adds 0") {
		t.Errorf("markdown lacks the marking:\n%s", out)
	}

	if code, _, errs := qpeRun(t, "", "plan", "--baseline", stable, dep, nu); code != 2 || !strings.Contains(errs, "--baseline takes two templates") {
		t.Errorf("one baseline template: exit %d: %s", code, errs)
	}
	bad := write("bad.yaml", []byte("Resources: {X: {Properties: {}}}\n"))
	if code, _, errs := qpeRun(t, "", "plan", "--baseline", bad+","+next, dep, nu); code != 2 || !strings.Contains(errs, bad) {
		t.Errorf("a baseline CloudFormation refuses: exit %d: %s", code, errs)
	}
}
