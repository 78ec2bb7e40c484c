package updatepath

import (
	"slices"
	"strings"
	"testing"
)

// TestReplacesOwned: QPE-UP-012 names each resource the deployed render
// says the macro made that the update replaces (with the property) or
// removes; it stays quiet for API deployments, for a template that drops
// the Transform (QPE-UP-011 alone), for a template the macro has yet to
// render, and for a render that lists nothing.
func TestReplacesOwned(t *testing.T) {
	if ruleReplacesOwned.ID != ReplacesOwnedID {
		t.Fatalf("ReplacesOwnedID %s is not the rule's id %s", ReplacesOwnedID, ruleReplacesOwned.ID)
	}
	const deployment = `
  Deployment: {Type: AWS::ApiGateway::Deployment, Properties: {RestApiId: !Ref Api}}`
	const deployment2 = `
  Deployment2: {Type: AWS::ApiGateway::Deployment, Properties: {RestApiId: !Ref Api}}`
	deployed := owned("Api", "LB", "Deployment") + res(api("PRIVATE"), lb("internal", "TG"), deployment)
	for _, c := range []struct {
		name, deployed, new string
		asGiven             string
		want                []string // details' starts, in order
		up011, leaving      bool
	}{
		{name: "nothing changes", deployed: deployed, new: deployed},
		{name: "load balancer replaced", deployed: deployed,
			new:  owned("Api", "LB", "Deployment") + res(api("PRIVATE"), lb("internet-facing", "TG"), deployment),
			want: []string{"LB (AWS::ElasticLoadBalancingV2::LoadBalancer), which the macro made, is replaced because Scheme"}},
		{name: "api removed, load balancer replaced", deployed: deployed,
			new: owned("LB", "Deployment") + res(lb("internet-facing", "TG"), deployment),
			want: []string{"Api (AWS::ApiGateway::RestApi), which the macro made, is removed",
				"LB (AWS::ElasticLoadBalancingV2::LoadBalancer), which the macro made, is replaced because Scheme"}},
		{name: "api deployment replaced by design", deployed: deployed,
			new: owned("Api", "LB", "Deployment2") + res(api("PRIVATE"), lb("internal", "TG"), deployment2)},
		{name: "resource the macro did not make removed", deployed: deployed,
			new: owned("Api", "LB", "Deployment") + strings.Replace(res(api("PRIVATE"), lb("internal", "TG"), deployment), "  Rule:", "  Unused:", 1)},
		{name: "Transform dropped: QPE-UP-011 alone", deployed: deployed,
			new: res(api("EDGE"), lb("internet-facing", "TG")), up011: true},
		{name: "Transform dropped in review (render of the given template): QPE-UP-011 alone", deployed: deployed,
			new:     owned("Api") + res(api("PRIVATE"), lb("internet-facing", "TG")),
			asGiven: res(api("EDGE"), lb("internet-facing", "TG")), up011: true},
		{name: "leaving on purpose (qpe disable): neither", deployed: deployed,
			new: res(api("EDGE"), lb("internet-facing", "TG")), leaving: true},
		{name: "template with the Transform, not rendered", deployed: deployed,
			new: "Transform: QuiltPrivateEndpoints\n" + res(api("EDGE"), lb("internet-facing", "TG"))},
		{name: "render made before the list existed", deployed: "Metadata: {QuiltPrivateEndpoints: {EngineVersion: 1.0.0}}\n" + res(api("PRIVATE"), lb("internal", "TG")),
			new: owned("LB") + res(api("PRIVATE"), lb("internet-facing", "TG"))},
		{name: "unreadable list: a warning", deployed: "Metadata: {QuiltPrivateEndpoints: {EngineVersion: 1.0.0, Resources: LB}}\n" + res(lb("internal", "TG")),
			new: owned("LB") + res(lb("internet-facing", "TG"))},
	} {
		t.Run(c.name, func(t *testing.T) {
			in := Input{Deployed: decode(t, c.deployed), New: decode(t, c.new), Leaving: c.leaving}
			if c.asGiven != "" {
				in.NewAsGiven = decode(t, c.asGiven)
			}
			p := compute(t, in)
			var got []string
			for _, b := range p.ReplacesOwned() {
				got = append(got, b.Detail)
				if b.Recovery == "" || !strings.HasPrefix(b.Detail, b.Resource+" (") {
					t.Errorf("incomplete blocker %+v", b)
				}
			}
			if len(got) != len(c.want) {
				t.Fatalf("QPE-UP-012 blockers %q, want %d starting %q", got, len(c.want), c.want)
			}
			for i, w := range c.want {
				if !strings.HasPrefix(got[i], w) {
					t.Errorf("blocker %d = %q, want it to start %q", i, got[i], w)
				}
			}
			up011 := slices.ContainsFunc(p.Rollout.Blockers, func(b Blocker) bool { return b.ID == "QPE-UP-011" })
			if up011 != c.up011 {
				t.Errorf("QPE-UP-011 = %v, want %v", up011, c.up011)
			}
			warned := slices.ContainsFunc(p.Rollout.Warnings, func(b Blocker) bool { return b.ID == ReplacesOwnedID })
			if want := strings.HasPrefix(c.name, "unreadable"); warned != want {
				t.Errorf("QPE-UP-012 warning = %v, want %v: %+v", warned, want, p.Rollout.Warnings)
			}
		})
	}
}
