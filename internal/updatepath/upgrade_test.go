package updatepath_test

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/quiltdata/quilt-private-endpoints/internal/enable"
	"github.com/quiltdata/quilt-private-endpoints/internal/quiltfixture"
	"github.com/quiltdata/quilt-private-endpoints/internal/template"
	"github.com/quiltdata/quilt-private-endpoints/internal/transform"
	"github.com/quiltdata/quilt-private-endpoints/internal/updatepath"
)

// upgrade is a golden upgrade case (New "next"): its plan, the resources
// the macro made in the deployed render (the owned ids its
// Metadata.QuiltPrivateEndpoints records, less those replaced by design:
// API deployments), and the plan of the same upgrade without the macro
// (the next release over the stable fixture as given).
type upgrade struct {
	plan, raw *updatepath.Plan
	owned     []string
	// next is the render of the next release; nextOwned the resources it
	// owns (as owned); again the render of that render.
	next, again map[string]any
	nextOwned   []string
}

// ownedOf lists the resources a render's Metadata.QuiltPrivateEndpoints
// records as the macro's, less those replaced by design.
func ownedOf(t *testing.T, render map[string]any) []string {
	t.Helper()
	info, ok, err := transform.ReadRenderInfo(render)
	if err != nil || !ok {
		t.Fatalf("the render's metadata: %v (found %v)", err, ok)
	}
	var out []string
	for _, id := range info.Resources {
		r, _ := render["Resources"].(map[string]any)[id].(map[string]any)
		if typ, _ := r["Type"].(string); !transform.ReplacedByDesign(typ) {
			out = append(out, id)
		}
	}
	return out
}

func transformed(t *testing.T, source map[string]any, settings map[string]string) map[string]any {
	t.Helper()
	params := map[string]any{}
	for k, v := range settings {
		params[k] = v
	}
	res, err := transform.Transform(context.Background(), transform.Request{Fragment: source, Params: params})
	if err != nil {
		t.Fatal(err)
	}
	return res.Fragment
}

func upgradeCase(t *testing.T, dir string) upgrade {
	t.Helper()
	raw, err := os.ReadFile(filepath.Join(dir, "input.json"))
	if err != nil {
		t.Fatal(err)
	}
	var in goldenInput
	if err := json.Unmarshal(raw, &in); err != nil {
		t.Fatal(err)
	}
	if in.New != "next" || in.DeployedSettings == nil {
		t.Fatalf("%s: an upgrade case renders the next release over a deployed render", dir)
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
	u := upgrade{plan: goldenPlan(t, dir), owned: ownedOf(t, res.Fragment)}
	u.next = transformed(t, quiltfixture.Next(in.NextChanges...), in.Settings)
	u.nextOwned = ownedOf(t, u.next)
	u.again = transformed(t, u.next, in.Settings)
	if len(u.owned) == 0 {
		t.Fatalf("%s: the deployed render owns no resource: the check would pass vacuously", dir)
	}
	// The stack policy qpe enable sets protects the same resources.
	if pr := enable.ProtectedResources(source, res.Fragment, res.Renamed); !slices.Equal(pr, u.owned) {
		t.Errorf("the render's owned resources %v differ from the stack policy's %v", u.owned, pr)
	}
	u.raw, err = updatepath.Compute(context.Background(), updatepath.Input{Deployed: source, New: quiltfixture.Next(in.NextChanges...), Today: today})
	if err != nil {
		t.Fatal(err)
	}
	return u
}

// nonNil is l, an empty list for nil.
func nonNil(l []string) []string {
	if l == nil {
		return []string{}
	}
	return l
}

func blockerKeys(bs []updatepath.Blocker) []string {
	var out []string
	for _, b := range bs {
		out = append(out, b.ID+" "+b.Resource)
	}
	return out
}

// TestUpgradeFixtures: an upgrade of an enabled stack to Quilt's next
// release (testdata/upgrade-*: the render of quiltfixture.Next, every
// change or one kind of change, over the render of the stable fixture, same
// settings) has no private-network downtime, replaces or removes none of
// the resources the macro made (QPE-UP-012 silent), adds no blocker to the same upgrade without
// the macro, and is rollback-safe unless that one is not: Quilt's
// migration re-run (ChangeMigration) is QPE-UP-008 on MigrationCallout with
// or without the macro. What the update adds runs after the preflight. The
// render of the next release owns the same resources as the deployed one
// (deployments aside) and is a fixed point of the engine.
// The waves are in the golden plans (TestGoldenPlans); the log lists them.
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
			u := upgradeCase(t, dir)
			p := u.plan
			got, raw := blockerKeys(p.Rollout.Blockers), blockerKeys(u.raw.Rollout.Blockers)
			for _, b := range got {
				if !slices.Contains(raw, b) {
					t.Errorf("blocker %s is the macro's: the upgrade without it has only %v", b, raw)
				}
			}
			// The golden plan marks the same (Input.Baseline, one home).
			bs := p.Rollout.Baseline
			if bs == nil || bs.MacroBlockers != 0 || bs.InherentBlockers != len(got) || !slices.Equal(bs.Blockers, nonNil(raw)) {
				t.Errorf("the plan's baseline %+v: want every blocker of %v inherent and the baseline's %v", bs, got, raw)
			}
			if u.raw.Rollout.RollbackSafe && !p.Rollout.RollbackSafe {
				t.Errorf("not rollback-safe (the upgrade without the macro is): %v", got)
			}
			if p.Rollout.Availability.PrivateNetworkDowntime || p.RefuseDowntime(false) != nil {
				t.Errorf("private-network downtime: %+v", p.Rollout.Availability.Entries)
			}
			if got := p.ReplacesOwned(); len(got) > 0 {
				t.Errorf("resources the macro made are replaced or removed (QPE-UP-012): %v", blockerKeys(got))
			}
			if !slices.Equal(u.nextOwned, u.owned) {
				t.Errorf("the next release's render owns %v, the deployed one %v", u.nextOwned, u.owned)
			}
			a, _ := template.EncodeJSON(u.next, true)
			b, _ := template.EncodeJSON(u.again, true)
			if string(a) != string(b) {
				t.Error("the render of the next release changes when rendered again")
			}
			waveOf := map[string]int{}
			for _, r := range p.Resources {
				waveOf[r.LogicalID] = r.Wave
			}
			if pw, ok := waveOf["QuiltPrivateEndpointsPreflight"]; ok {
				for _, r := range p.Resources {
					if r.Action == updatepath.Add && r.Wave <= pw {
						t.Errorf("%s is added in wave %d, not after the preflight (wave %d)", r.LogicalID, r.Wave, pw)
					}
				}
			}
			var deployments []string
			for _, r := range p.Resources {
				if r.Type == "AWS::ApiGateway::Deployment" {
					deployments = append(deployments, r.LogicalID+" "+string(r.Action))
				}
			}
			t.Logf("%d waves, rollbackSafe %v, blockers %v, %d replaced, deployments %v",
				len(p.Rollout.Waves), p.Rollout.RollbackSafe, got, p.Counts.Replaced, deployments)
		})
	}
}

// TestUpgradeMacroTouched: the check of TestUpgradeFixtures can fail: a
// next release that renames the source REST API removes the macro's
// ApiPrivate and replaces its stage, and QPE-UP-012 names both.
func TestUpgradeMacroTouched(t *testing.T) {
	dir := filepath.Join("testdata", "refuse-upgrade-renameapi")
	u := upgradeCase(t, dir)
	got := blockerKeys(u.plan.ReplacesOwned())
	// The macro's own blockers: not marked inherent.
	for _, b := range u.plan.Rollout.Blockers {
		if b.ID == updatepath.ReplacesOwnedID && b.Inherent {
			t.Errorf("%s %s is marked Quilt's own", b.ID, b.Resource)
		}
	}
	if bs := u.plan.Rollout.Baseline; bs == nil || bs.MacroBlockers < 2 {
		t.Errorf("baseline %+v: want the QPE-UP-012 blockers counted as the macro's", bs)
	}
	for _, w := range []string{"ApiPrivate", "ApiStagePrivate"} {
		if !slices.Contains(got, updatepath.ReplacesOwnedID+" "+w) {
			t.Errorf("QPE-UP-012 on %v, want %s among them", got, w)
		}
	}
	for _, id := range []string{"ApiPrivate", "ApiStagePrivate"} {
		if !slices.Contains(u.owned, id) {
			t.Errorf("%s is not among the deployed render's owned resources %v", id, u.owned)
		}
	}
}
