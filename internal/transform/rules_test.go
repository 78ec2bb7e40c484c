package transform

import (
	"context"
	"slices"
	"strings"
	"testing"

	"github.com/quiltdata/quilt-private-endpoints/internal/finding"
	"github.com/quiltdata/quilt-private-endpoints/internal/finding/findingtest"
)

// TestRulesCatalogue holds the warning rules to the shared catalogue shape:
// every rule in a file of its own, produced by a golden case, listed in the
// README.
func TestRulesCatalogue(t *testing.T) {
	produced := map[string]bool{}
	for _, c := range goldenCases(t) {
		res, err := Transform(context.Background(), Request{Fragment: fragment(t, c.input), Params: c.settings})
		if err != nil {
			continue
		}
		for _, w := range res.Warnings {
			if _, ok := finding.Lookup(Rules(), w.ID); !ok {
				t.Errorf("%s: warning %q has no rule of the catalogue", c.name, warningText(w))
			}
			if w.Severity != finding.Warning || w.Resource == "" || w.Remedy == "" {
				t.Errorf("%s: warning %+v lacks a severity, resource or remedy", c.name, w)
			}
			produced[w.ID] = true
		}
	}
	findingtest.Catalogue(t, findingtest.Spec{
		Rules:    Rules(),
		Files:    "rule_tf*.go",
		Produced: produced,
		Docs:     map[string]string{"README.md": "transform-catalogue"},
		Update:   *update,
		Cmd:      "go test ./internal/transform/ -run TestRulesCatalogue -update",
	})
}

// TestPassOrder: the driver orders the passes from the results they read
// and write and the document effects they wait for: the order is the one
// the goldens were made with, and it does not depend on the order the
// passes are listed in.
func TestPassOrder(t *testing.T) {
	want := []string{"httpapi", "functionurls", "restapi", "functions", "compute", "loadbalancer", "roles", "hostnames", "redeploy",
		"newapi", "exports", "references", "securitygroup", "preflight", "apiwait", "canaries", "parameters", "unused", "names", "selfcheck", "preflight-seal"}
	names := func(ps []pass) []string {
		var out []string
		for _, p := range ps {
			out = append(out, p.name)
		}
		return out
	}
	got, err := order(passes())
	if err != nil {
		t.Fatalf("the engine's passes: %v", err)
	}
	if !slices.Equal(names(got), want) {
		t.Errorf("order = %v\nwant %v", names(got), want)
	}
	// Listed the other way round, a pass still runs after what it reads.
	rev := passes()
	slices.Reverse(rev)
	back, err := order(rev)
	if err != nil {
		t.Fatal(err)
	}
	ran := map[string]bool{}
	writers := map[result][]string{}
	for _, p := range rev {
		for _, r := range p.writes {
			writers[r.resultName()] = append(writers[r.resultName()], p.name)
		}
	}
	for _, p := range back {
		for _, r := range p.reads {
			for _, w := range writers[r.resultName()] {
				if !ran[w] && w != p.name {
					t.Errorf("listed in reverse, %s runs before %s, which writes the %s it reads", p.name, w, r.resultName())
				}
			}
		}
		for _, a := range p.after {
			if !ran[a] {
				t.Errorf("listed in reverse, %s runs before %s", p.name, a)
			}
		}
		ran[p.name] = true
	}
	// Programming errors are reported.
	for name, ps := range map[string][]pass{
		"listed twice":   append(passes(), passes()[0]),
		"unknown after":  {{name: "a", after: []string{"nope"}}},
		"read unwritten": {{name: "a", reads: []resultRef{resMoved}}},
		"cycle":          {{name: "a", reads: []resultRef{resMoved}, writes: []resultRef{resNeedSG}}, {name: "b", reads: []resultRef{resNeedSG}, writes: []resultRef{resMoved}}},
	} {
		if _, err := order(ps); err == nil {
			t.Errorf("%s: not reported", name)
		}
	}
}

// TestPassKinds: a pass that reads a resource type it does not declare is
// a bug the driver reports, not a silent skip.
func TestPassKinds(t *testing.T) {
	st := newState(Request{}, Settings{}, nil)
	st.pass = &pass{name: "p", kinds: []string{"AWS::Lambda::Function"}}
	st.of("AWS::Lambda::Function")
	if st.bug != nil {
		t.Fatalf("declared kind: %v", st.bug)
	}
	st.of("AWS::ECS::Service")
	if st.bug == nil || !strings.Contains(st.bug.Error(), "AWS::ECS::Service") {
		t.Fatalf("undeclared kind: got %v", st.bug)
	}
	for _, p := range passes() {
		for _, k := range p.kinds {
			if !strings.Contains(k, "::") {
				t.Errorf("%s: kind %q is not a resource type", p.name, k)
			}
		}
	}
}
