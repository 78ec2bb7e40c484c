package transform

import (
	"strings"

	"github.com/quiltdata/quilt-private-endpoints/internal/template"
)

// typeCanary is the Synthetics canary type.
const typeCanary = "AWS::Synthetics::Canary"

// passCanaries makes the canaries the engine rewrote update last, one at
// a time: the
// Synthetics handler refuses to roll back a canary that is still UPDATING
// ("Canary is already updating."), so a canary must not update beside a
// resource that can fail (updatepath QPE-UP-009). Each canary waits for
// every resource that does not itself wait for a canary (DependsOn the
// last ones of the dependency graph), and the canaries are chained in id
// order. Resources with a Condition are left out (a DependsOn on a
// resource that does not exist is refused), and so is a canary's own
// chain when it has a Condition.
func passCanaries(st *state) error {
	var canaries []string
	for _, id := range st.of(typeCanary) {
		if resRewritten.of(st).Has(id) {
			canaries = append(canaries, id)
		}
	}
	if len(canaries) == 0 {
		return nil
	}
	// The graph of the template before this pass: the DependsOn it adds
	// below lead only to resources that wait for no canary, so they make
	// no path the checks below would have to see.
	g := template.NewGraph(st.ids, depsOf(st))
	upstream := map[string]map[string]bool{}
	up := func(id string) map[string]bool {
		u, ok := upstream[id]
		if !ok {
			u = g.Upstream(id)
			upstream[id] = u
		}
		return u
	}
	isCanary := map[string]bool{}
	for _, id := range st.ofType(typeCanary) {
		isCanary[id] = true
	}
	var others []string
	for _, id := range st.ids {
		if isCanary[id] || st.resource(id)["Condition"] != nil {
			continue
		}
		waits := false
		for d := range up(id) {
			if isCanary[d] {
				waits = true
				break
			}
		}
		if !waits {
			others = append(others, id)
		}
	}
	covered := map[string]bool{}
	for _, id := range others {
		for d := range up(id) {
			covered[d] = true
		}
	}
	var last []string
	for _, id := range others {
		if !covered[id] {
			last = append(last, id)
		}
	}
	prev := last
	for _, c := range canaries {
		var add []string
		for _, d := range prev {
			if d != c && !up(c)[d] && !up(d)[c] {
				add = append(add, d)
			}
		}
		if len(add) > 0 && template.AddDependsOn(st.edit(c), add...) {
			st.change("canaries", c, "DependsOn += %s (canaries update last, one at a time: a canary's rollback is refused while it is UPDATING)", strings.Join(add, ", "))
		}
		if st.resource(c)["Condition"] == nil {
			prev = []string{c}
		}
	}
	return nil
}
