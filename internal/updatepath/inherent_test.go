package updatepath_test

import (
	"context"
	"encoding/json"
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/quiltdata/quilt-private-endpoints/internal/macroevent"
	"github.com/quiltdata/quilt-private-endpoints/internal/quiltfixture"
	"github.com/quiltdata/quilt-private-endpoints/internal/transform"
	"github.com/quiltdata/quilt-private-endpoints/internal/updatepath"
)

// callouts is a template of custom resources (Custom::Callout) by logical
// id with their Image property: changing one's Image is QPE-UP-008 on it.
func callouts(images map[string]string) map[string]any {
	rs := map[string]any{}
	for id, img := range images {
		rs[id] = map[string]any{"Type": "Custom::Callout", "Properties": map[string]any{
			"ServiceToken": "arn:aws:lambda:us-east-1:111122223333:function:callout", "Image": img}}
	}
	return map[string]any{"Resources": rs}
}

func withMacro(doc map[string]any) map[string]any {
	return macroevent.WithEntry(doc, map[string]string{"LoadBalancerScheme": "unchanged"})
}

// TestInherent: a finding of the real plan that the same update without
// the macro has too (same rule id and logical id, or the id the macro
// renamed it from) is inherent; one only the real plan has is not.
func TestInherent(t *testing.T) {
	for _, tc := range []struct {
		name string
		// deployed/new are the real plan's templates; baseDeployed/baseNew
		// the same update without the macro.
		deployed, new, baseDeployed, baseNew map[string]string
		renamed                              map[string]string
		inherent, macro                      []string // blockers' resources
	}{
		{name: "in both plans", deployed: map[string]string{"Migration": "v1"}, new: map[string]string{"Migration": "v2"},
			baseDeployed: map[string]string{"Migration": "v1"}, baseNew: map[string]string{"Migration": "v2"},
			inherent: []string{"Migration"}},
		{name: "only in the macro plan", deployed: map[string]string{"Migration": "v1", "Check": "a"}, new: map[string]string{"Migration": "v1", "Check": "b"},
			baseDeployed: map[string]string{"Migration": "v1", "Check": "a"}, baseNew: map[string]string{"Migration": "v1", "Check": "a"},
			macro: []string{"Check"}},
		{name: "both, one each", deployed: map[string]string{"Migration": "v1", "Check": "a"}, new: map[string]string{"Migration": "v2", "Check": "b"},
			baseDeployed: map[string]string{"Migration": "v1", "Check": "a"}, baseNew: map[string]string{"Migration": "v2", "Check": "a"},
			inherent: []string{"Migration"}, macro: []string{"Check"}},
		{name: "the same rule on another resource is not inherent", deployed: map[string]string{"Migration": "v1", "Check": "a"}, new: map[string]string{"Migration": "v1", "Check": "b"},
			baseDeployed: map[string]string{"Migration": "v1", "Check": "a"}, baseNew: map[string]string{"Migration": "v2", "Check": "a"},
			macro: []string{"Check"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			in := updatepath.Input{Deployed: callouts(tc.deployed), New: callouts(tc.new), Today: today, Renamed: tc.renamed,
				Baseline: &updatepath.Baseline{Deployed: withMacro(callouts(tc.baseDeployed)), New: callouts(tc.baseNew)}}
			p, err := updatepath.Compute(context.Background(), in)
			if err != nil {
				t.Fatal(err)
			}
			var inherent, macro []string
			for _, b := range p.Rollout.Blockers {
				if b.Inherent {
					inherent = append(inherent, b.Resource)
				} else {
					macro = append(macro, b.Resource)
				}
			}
			if !slices.Equal(inherent, tc.inherent) || !slices.Equal(macro, tc.macro) {
				t.Errorf("inherent %v, added by the macro %v; want %v and %v", inherent, macro, tc.inherent, tc.macro)
			}
			bs := p.Rollout.Baseline
			if bs == nil || bs.InherentBlockers != len(tc.inherent) || bs.MacroBlockers != len(tc.macro) {
				t.Fatalf("baseline summary %+v, want %d inherent and %d added", bs, len(tc.inherent), len(tc.macro))
			}
			if got := p.InherentOnly(); got != (len(tc.macro) == 0 && len(tc.inherent) > 0) {
				t.Errorf("InherentOnly %v", got)
			}
			// JSON and the reports say it.
			raw, _ := json.Marshal(p)
			if strings.Contains(string(raw), `"inherent":true`) != (len(tc.inherent) > 0) || !strings.Contains(string(raw), `"inherentBlockers":`) {
				t.Errorf("JSON: %s", raw)
			}
			var md strings.Builder
			if err := updatepath.WriteMarkdown(&md, p, "t", "#"); err != nil {
				t.Fatal(err)
			}
			if got := strings.Count(md.String(), updatepath.InherentText+".*"); got != len(tc.inherent) {
				t.Errorf("markdown marks %d blocker(s) as Quilt's own, want %d:\n%s", got, len(tc.inherent), md.String())
			}
		})
	}
	t.Run("renamed counterpart", func(t *testing.T) {
		// The macro renamed Old to New; the baseline's blocker is on Old.
		in := updatepath.Input{Deployed: callouts(map[string]string{"New": "v1"}), New: callouts(map[string]string{"New": "v2"}), Today: today,
			Renamed:  map[string]string{"Old": "New"},
			Baseline: &updatepath.Baseline{Deployed: callouts(map[string]string{"Old": "v1"}), New: callouts(map[string]string{"Old": "v2"})}}
		p, err := updatepath.Compute(context.Background(), in)
		if err != nil {
			t.Fatal(err)
		}
		if len(p.Rollout.Blockers) != 1 || !p.Rollout.Blockers[0].Inherent {
			t.Errorf("blockers %+v: want New inherent (Old's counterpart)", p.Rollout.Blockers)
		}
	})
	t.Run("no baseline", func(t *testing.T) {
		p, err := updatepath.Compute(context.Background(), updatepath.Input{Deployed: callouts(map[string]string{"M": "v1"}), New: callouts(map[string]string{"M": "v2"}), Today: today})
		if err != nil {
			t.Fatal(err)
		}
		if p.Rollout.Baseline != nil || p.Rollout.Blockers[0].Inherent || p.InherentOnly() {
			t.Errorf("marked without a baseline: %+v", p.Rollout)
		}
	})
	t.Run("a baseline CloudFormation refuses", func(t *testing.T) {
		_, err := updatepath.Compute(context.Background(), updatepath.Input{Deployed: callouts(nil), New: callouts(nil), Today: today,
			Baseline: &updatepath.Baseline{Deployed: map[string]any{}, New: callouts(nil)}})
		var te *updatepath.TemplateError
		if !errors.As(err, &te) || te.Template != "baseline deployed" {
			t.Errorf("error %v, want the baseline deployed template's", err)
		}
	})
}

// TestInherentUpgrade: the next release whose migration image changes,
// rendered over the stable fixture's render: QPE-UP-008 on MigrationCallout
// (and every other blocker) is Quilt's own; the macro adds none.
func TestInherentUpgrade(t *testing.T) {
	settings := map[string]string{"ApiGatewayVPCEndpointId": "vpce-0a1b2c3d4e5f60718", "LoadBalancerScheme": "internal", "PublicLoadBalancer": "keep",
		"UserSubnetIds": "subnet-0a1b2c3d4e5f60201,subnet-0a1b2c3d4e5f60202"}
	render := func(doc map[string]any) *transform.Result {
		params := map[string]any{}
		for k, v := range settings {
			params[k] = v
		}
		res, err := transform.Transform(context.Background(), transform.Request{Fragment: doc, Params: params})
		if err != nil {
			t.Fatal(err)
		}
		return res
	}
	stable := quiltfixture.Decode(quiltfixture.Stable())
	next := quiltfixture.Next(quiltfixture.ChangeMigration)
	dep, nu := render(stable), render(next)
	p, err := updatepath.Compute(context.Background(), updatepath.Input{Deployed: dep.Fragment, New: nu.Fragment, Today: today, DNSMoved: true, Renamed: nu.Renamed,
		Baseline: &updatepath.Baseline{Deployed: macroevent.WithEntry(stable, settings), New: next}})
	if err != nil {
		t.Fatal(err)
	}
	found := false
	for _, b := range p.Rollout.Blockers {
		if !b.Inherent {
			t.Errorf("blocker %s %s is the macro's", b.ID, b.Resource)
		}
		if b.ID == "QPE-UP-008" && b.Resource == "MigrationCallout" {
			found = true
			risk := p.Risk(b, "quilt")
			for _, w := range []string{"re-runs the previous task (RegistryMigrationTaskDefinition's previous revision)", "UPDATE_ROLLBACK_FAILED",
				"`aws cloudformation continue-update-rollback --stack-name quilt --resources-to-skip MigrationCallout`"} {
				if !strings.Contains(risk, w) {
					t.Errorf("risk %q lacks %q", risk, w)
				}
			}
		}
	}
	if !found {
		t.Errorf("no QPE-UP-008 on MigrationCallout: %v", blockerKeys(p.Rollout.Blockers))
	}
	if bs := p.Rollout.Baseline; bs == nil || bs.MacroBlockers != 0 || bs.InherentBlockers != len(p.Rollout.Blockers) || bs.RollbackSafe {
		t.Errorf("baseline summary %+v", bs)
	}
	if !p.InherentOnly() {
		t.Error("InherentOnly false")
	}
}
