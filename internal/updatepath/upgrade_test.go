package updatepath_test

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/quiltdata/quilt-private-endpoints/internal/enable"
	"github.com/quiltdata/quilt-private-endpoints/internal/quiltfixture"
	"github.com/quiltdata/quilt-private-endpoints/internal/transform"
	"github.com/quiltdata/quilt-private-endpoints/internal/updatepath"
)

// macroTouched lists the resources the macro made in the deployed render of
// a golden case (enable.ProtectedResources: the stable identity contract
// without API deployments) that the plan replaces or removes.
func macroTouched(t *testing.T, dir string, p *updatepath.Plan) []string {
	t.Helper()
	raw, err := os.ReadFile(filepath.Join(dir, "input.json"))
	if err != nil {
		t.Fatal(err)
	}
	var in goldenInput
	if err := json.Unmarshal(raw, &in); err != nil {
		t.Fatal(err)
	}
	source := fixture(t, in.Deployed)
	params := map[string]any{}
	for k, v := range in.DeployedSettings {
		params[k] = v
	}
	res, err := transform.Transform(context.Background(), transform.Request{Fragment: source, Params: params})
	if err != nil {
		t.Fatal(err)
	}
	owned := enable.ProtectedResources(source, res.Fragment, res.Renamed)
	if len(owned) == 0 {
		t.Fatalf("%s: the deployed render owns no resource: the check would pass vacuously", dir)
	}
	var out []string
	for _, r := range p.Resources {
		if (r.Action == updatepath.Replace || r.Action == updatepath.Remove) && slices.Contains(owned, r.LogicalID) {
			out = append(out, r.LogicalID+" "+string(r.Action))
		}
	}
	return out
}

// TestUpgradeFixtures: an upgrade of an enabled stack to Quilt's next
// release (testdata/upgrade-*: the render of quiltfixture.Next, every
// change or one kind of change, over the render of the stable fixture, same
// settings) is rollback-safe, has no private-network downtime, and replaces
// or removes none of the resources the macro made. The waves are in the
// golden plans (TestGoldenPlans); the log lists them per case.
func TestUpgradeFixtures(t *testing.T) {
	dirs, _ := filepath.Glob(filepath.Join("testdata", "upgrade-*", "input.json"))
	// One case per kind of change (a regression points at it), and every
	// change with each load balancer setting.
	want := len(quiltfixture.Changes()) + 3
	if len(dirs) < want {
		t.Fatalf("want at least %d upgrade cases, found %d", want, len(dirs))
	}
	for _, f := range dirs {
		dir := filepath.Dir(f)
		t.Run(filepath.Base(dir), func(t *testing.T) {
			p := goldenPlan(t, dir)
			if !p.Rollout.RollbackSafe || len(p.Rollout.Blockers) > 0 {
				t.Errorf("not rollback-safe: %+v", p.Rollout.Blockers)
			}
			if p.Rollout.Availability.PrivateNetworkDowntime || p.RefuseDowntime(false) != nil {
				t.Errorf("private-network downtime: %+v", p.Rollout.Availability.Entries)
			}
			if got := macroTouched(t, dir, p); len(got) > 0 {
				t.Errorf("resources the macro made are replaced or removed: %v", got)
			}
			var deployments []string
			for _, r := range p.Resources {
				if r.Type == "AWS::ApiGateway::Deployment" {
					deployments = append(deployments, r.LogicalID+" "+string(r.Action))
				}
			}
			t.Logf("%d waves, %d replaced, deployments %v", len(p.Rollout.Waves), p.Counts.Replaced, deployments)
		})
	}
}

// TestUpgradeMacroTouched: the check of TestUpgradeFixtures can fail: a
// next release that renames the source REST API removes the macro's
// ApiPrivate and replaces its stage.
func TestUpgradeMacroTouched(t *testing.T) {
	dir := filepath.Join("testdata", "refuse-upgrade-renameapi")
	got := strings.Join(macroTouched(t, dir, goldenPlan(t, dir)), ", ")
	for _, w := range []string{"ApiPrivate remove", "ApiStagePrivate"} {
		if !strings.Contains(got, w) {
			t.Errorf("macro resources replaced or removed: %q, want %q among them", got, w)
		}
	}
}
