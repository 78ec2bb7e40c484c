package review_test

import (
	"context"
	"encoding/json"
	"path/filepath"
	"sort"
	"testing"

	"github.com/quiltdata/quilt-private-endpoints/internal/cfnspec"
	"github.com/quiltdata/quilt-private-endpoints/internal/review"
	"github.com/quiltdata/quilt-private-endpoints/internal/updatepath"
)

// TestOneDiff: for every golden pair, the review shows the update path's
// changes, counts and behaviours, the same values: review renders the one
// diff (updatepath), it diffs nothing itself.
func TestOneDiff(t *testing.T) {
	dirs, err := filepath.Glob(filepath.Join("testdata", "*", "case.json"))
	if err != nil {
		t.Fatal(err)
	}
	sort.Strings(dirs)
	for _, f := range dirs {
		dir := filepath.Dir(f)
		t.Run(filepath.Base(dir), func(t *testing.T) {
			in, _ := caseInput(t, dir)
			checkOneDiff(t, in)
		})
	}
	// The fixture pair of updatepath's goldens: stable deployed, the
	// private build as the new template.
	t.Run("stable-to-private", func(t *testing.T) {
		in := review.Input{Name: "stable-to-private", Before: fixtureDoc(t, "stable"), After: fixtureDoc(t, "private")}
		p, err := updatepath.Compute(context.Background(), updatepath.Input{Deployed: in.Before, New: in.After})
		if err != nil {
			t.Fatal(err)
		}
		in.Plan = p
		checkOneDiff(t, in)
	})
}

func checkOneDiff(t *testing.T, in review.Input) {
	t.Helper()
	p := in.Plan
	r := review.Build(in, cfnspec.New())
	if r.Summary.Counts != p.Counts {
		t.Errorf("counts: review %+v, plan %+v", r.Summary.Counts, p.Counts)
	}
	byID := map[string]review.Resource{}
	for _, res := range r.Resources {
		byID[res.LogicalID] = res
	}
	renamedOld := map[string]string{}
	for _, pr := range p.Resources {
		if pr.RenamedFrom != "" {
			renamedOld[pr.RenamedFrom] = pr.LogicalID
		}
	}
	listed := 0
	for _, pr := range append(append([]updatepath.Resource{}, p.Resources...), p.NoUpdate...) {
		if nu, ok := renamedOld[pr.LogicalID]; ok && pr.Action == updatepath.Remove {
			if byID[nu].RenamedFrom != pr.LogicalID {
				t.Errorf("%s: removed as renamed to %s, review does not say so", pr.LogicalID, nu)
			}
			continue
		}
		listed++
		res, ok := byID[pr.LogicalID]
		if !ok {
			t.Errorf("%s: in the plan (%s), not in the review", pr.LogicalID, pr.Action)
			continue
		}
		if pr.Action == updatepath.Modify || pr.Action == updatepath.Replace {
			if res.Behavior.String() != pr.Behavior {
				t.Errorf("%s: review behaviour %q, plan %q", pr.LogicalID, res.Behavior, pr.Behavior)
			}
		}
		if pr.Action == updatepath.Add && pr.RenamedFrom == "" {
			continue // the review lists a new resource's properties
		}
		if len(res.Changes) != len(pr.Changes) {
			t.Errorf("%s: review %d changes, plan %d", pr.LogicalID, len(res.Changes), len(pr.Changes))
			continue
		}
		for i, c := range pr.Changes {
			rc := res.Changes[i]
			if rc.Path != c.Path || rc.Behavior.String() != c.Behavior || rc.Cause != c.Cause {
				t.Errorf("%s: change %d: review %s %q %s, plan %s %q %s", pr.LogicalID, i, rc.Path, rc.Behavior, rc.Cause, c.Path, c.Behavior, c.Cause)
			}
		}
	}
	if listed != len(r.Resources) {
		t.Errorf("review lists %d resources, the plan %d", len(r.Resources), listed)
	}
}

// TestNumberAsStringIsNoChange: a target group's Port going from 443 to
// "443" is no change for CloudFormation (it compares the string forms) and
// for updatepath; the review said replacement before it rendered the one
// diff.
func TestNumberAsStringIsNoChange(t *testing.T) {
	doc := func(port any) map[string]any {
		return map[string]any{"Resources": map[string]any{"TG": map[string]any{
			"Type":       "AWS::ElasticLoadBalancingV2::TargetGroup",
			"Properties": map[string]any{"Port": port, "Protocol": "HTTPS", "VpcId": "vpc-1"},
		}}}
	}
	before, after := doc(jsonNumber("443")), doc("443")
	p, err := updatepath.Compute(context.Background(), updatepath.Input{Deployed: before, New: after})
	if err != nil {
		t.Fatal(err)
	}
	r := review.Build(review.Input{Before: before, After: after, Plan: p,
		Changes: []review.EngineChange{{Pass: "test", Resource: "TG", Detail: "Port written as a string"}}}, cfnspec.New())
	if len(r.Resources) != 0 || r.Summary.Replacements != 0 || len(p.Resources) != 0 {
		t.Errorf("Port 443 -> \"443\": review %+v (replacements %d), plan %+v; want no change", r.Resources, r.Summary.Replacements, p.Resources)
	}
	// A real port change is a replacement in both.
	after = doc("8443")
	p, err = updatepath.Compute(context.Background(), updatepath.Input{Deployed: before, New: after})
	if err != nil {
		t.Fatal(err)
	}
	r = review.Build(review.Input{Before: before, After: after, Plan: p}, cfnspec.New())
	if len(r.Resources) != 1 || r.Resources[0].Behavior != cfnspec.Replacement {
		t.Errorf("Port 443 -> 8443: review %+v, want one replacement", r.Resources)
	}
}

func jsonNumber(s string) any { return json.Number(s) }
