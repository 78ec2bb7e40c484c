package enable

import (
	"fmt"
	"strings"

	"github.com/quiltdata/quilt-private-endpoints/internal/updatepath"
)

// AcceptMacroReplacementFlag is the flag that goes on with a plan that
// replaces or removes resources the macro made.
const AcceptMacroReplacementFlag = "--accept-macro-replacement"

// OutcomeMacroReplacementRefused: the plan replaces or removes resources
// the macro made (the private API, the internal load balancer side, the
// preflight), and --accept-macro-replacement was not given.
const OutcomeMacroReplacementRefused = "macro-replacement-refused"

// otherBlockers are the plan's blockers but QPE-UP-012's, which
// refuseMacroReplacement answers (with its own flag) before the
// rollback-safety check reads these.
func otherBlockers(p *updatepath.Plan) []updatepath.Blocker {
	var out []updatepath.Blocker
	for _, b := range p.Rollout.Blockers {
		if b.ID != updatepath.ReplacesOwnedID {
			out = append(out, b)
		}
	}
	return out
}

// refuseMacroReplacement stops a plan that replaces or removes what the
// macro made, unless --accept-macro-replacement: each such change breaks
// what users of the private network hold (the private API's id and URL,
// the internal load balancer's DNS name their records point at) or
// re-runs the preflight from scratch, and a stack policy set by qpe
// enable denies it anyway.
func (r *Result) refuseMacroReplacement(p *updatepath.Plan) bool {
	changes := p.ReplacesOwned() // QPE-UP-012: what the deployed render's macro made, replaced or removed
	if len(changes) == 0 {
		return false
	}
	var list []string
	for _, c := range changes {
		list = append(list, c.Detail)
	}
	if r.input.AcceptMacroReplacement {
		r.step("%s given: going on with an update that replaces or removes resources the macro made: %s", AcceptMacroReplacementFlag, strings.Join(list, "; "))
		return false
	}
	return r.stopped(OutcomeMacroReplacementRefused, 1, fmt.Sprintf("the update replaces or removes %d resource(s) the macro made on the deployed stack (%s):\n  %s\n"+
		"Nothing was changed. Fix: keep the logical ids the deployed template had (a new template that renames a resource the macro renders, e.g. the REST API, or drops the load balancer, takes its private copy away), or pass %s to go on knowing the above",
		len(changes), updatepath.ReplacesOwnedID, strings.Join(list, "\n  "), AcceptMacroReplacementFlag))
}
