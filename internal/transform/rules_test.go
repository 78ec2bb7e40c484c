package transform

import (
	"context"
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

func TestPassOrder(t *testing.T) {
	if err := checkOrder(passes()); err != nil {
		t.Fatalf("the engine's passes: %v", err)
	}
	// Moving a pass before one it requires is caught.
	ps := passes()
	for i, p := range ps {
		if len(p.requires) == 0 {
			continue
		}
		swapped := append([]pass{p}, append(append([]pass(nil), ps[:i]...), ps[i+1:]...)...)
		err := checkOrder(swapped)
		if err == nil || !strings.Contains(err.Error(), "requires pass "+p.requires[0]) {
			t.Errorf("%s moved first: got %v, want an error naming %s", p.name, err, p.requires[0])
		}
	}
	if err := checkOrder(append(passes(), passes()[0])); err == nil {
		t.Error("a pass listed twice is not caught")
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
