package transform

import (
	"slices"

	"github.com/quiltdata/quilt-private-endpoints/internal/template"
)

// waitForPreflight makes every resource wait for the preflight, directly or
// through its dependencies, except the ones the preflight itself needs (its
// own references and DependsOn, transitively). A resource rewritten by a
// pass gets a DependsOn of its own (unless it references the preflight: a
// DependsOn beside a Ref or GetAtt is redundant, cfn-lint W3005); any other
// one gets it only when none of its dependencies already waits. A path
// through a resource with a Condition does not count: it may not exist.
func waitForPreflight(st *state) {
	deps := depsOf(st)
	upstream := template.NewGraph(st.ids, deps).Upstream(PreflightLogicalID)
	waits := map[string]bool{PreflightLogicalID: true}
	add := func(id string) {
		template.AddDependsOn(st.edit(id), PreflightLogicalID)
		st.change("preflight", id, "DependsOn += %s", PreflightLogicalID)
		waits[id] = true
	}
	for _, id := range st.ids {
		if !resRewritten.of(st).Has(id) || id == PreflightLogicalID {
			continue
		}
		switch {
		case slices.Contains(deps(id), PreflightLogicalID):
			waits[id] = true
		case upstream[id]:
			st.warn(tfPreflightCycle, id, "%s depends on it (DependsOn or a reference), so it cannot also wait for the preflight without a circular dependency; it is created before the network is checked",
				PreflightLogicalID)
		default:
			add(id)
		}
	}
	for _, id := range template.NewGraph(st.ids, deps).Order() {
		if waits[id] || upstream[id] {
			continue
		}
		reached := false
		for _, d := range deps(id) {
			if waits[d] && (d == PreflightLogicalID || st.resource(d)["Condition"] == nil) {
				reached = true
				break
			}
		}
		if reached {
			waits[id] = true
		} else {
			add(id)
		}
	}
}

// depsOf returns template.ResourceDeps by logical id, walking each
// resource's Properties once: the DependsOn is read on every call
// (waitForPreflight adds to it), the Properties must not change meanwhile.
func depsOf(st *state) func(id string) []string { return st.view().deps() }

// view is the state's resources as the orderings (order.go) read them.
func (st *state) view() view { return view{ids: st.ids, resource: st.resource} }
