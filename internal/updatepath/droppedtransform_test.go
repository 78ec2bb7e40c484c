package updatepath

import (
	"slices"
	"testing"
)

// TestDroppedTransformAsGiven: with NewAsGiven (qpe review, where New is
// the render), QPE-UP-011 reads the template as given.
func TestDroppedTransformAsGiven(t *testing.T) {
	deployed := res(custom("Custom::QuiltPrivateEndpoints", "a"), api("PRIVATE"))
	render := res(custom("Custom::QuiltPrivateEndpoints", "a"), api("PRIVATE"))
	for _, c := range []struct {
		name, given string
		want        bool
	}{
		{"given without the Transform", res(api("EDGE")), true},
		{"given with the Transform", "Transform: QuiltPrivateEndpoints\n" + res(api("EDGE")), false},
		{"given as a render", render, false},
	} {
		t.Run(c.name, func(t *testing.T) {
			p := compute(t, Input{Deployed: decode(t, deployed), New: decode(t, render), NewAsGiven: decode(t, c.given)})
			got := slices.ContainsFunc(p.Rollout.Blockers, func(b Blocker) bool { return b.ID == "QPE-UP-011" })
			if got != c.want {
				t.Errorf("QPE-UP-011 = %v, want %v; blockers %+v", got, c.want, p.Rollout.Blockers)
			}
		})
	}
}

// TestDroppedTransformLeaving: qpe disable's update (Leaving) drops the
// Transform on purpose; QPE-UP-011 stays for the same pair otherwise.
func TestDroppedTransformLeaving(t *testing.T) {
	deployed := decode(t, res(custom("Custom::QuiltPrivateEndpoints", "a"), api("REGIONAL")))
	original := decode(t, res(api("REGIONAL")))
	for _, leaving := range []bool{false, true} {
		p := compute(t, Input{Deployed: deployed, New: original, Leaving: leaving})
		got := slices.ContainsFunc(p.Rollout.Blockers, func(b Blocker) bool { return b.ID == "QPE-UP-011" })
		if got == leaving {
			t.Errorf("Leaving %v: QPE-UP-011 = %v; blockers %+v", leaving, got, p.Rollout.Blockers)
		}
	}
}
