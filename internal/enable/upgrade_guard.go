package enable

import (
	"fmt"
	"slices"
	"strings"

	"github.com/quiltdata/quilt-private-endpoints/internal/macroevent"
	"github.com/quiltdata/quilt-private-endpoints/internal/updatepath"
)

// AcceptMacroReplacementFlag is the flag that goes on with a plan that
// replaces or removes resources the macro made.
const AcceptMacroReplacementFlag = "--accept-macro-replacement"

// OutcomeMacroReplacementRefused: the plan replaces or removes resources
// the macro made (the private API, the internal load balancer side, the
// preflight), and --accept-macro-replacement was not given.
const OutcomeMacroReplacementRefused = "macro-replacement-refused"

// macroChange is one resource the deployed render's macro made that the
// update replaces or removes.
type macroChange struct {
	ID     string
	Action updatepath.Action
	// Because is why it is replaced (updatepath's ReplacedBecause).
	Because []string
}

// macroReplacements lists the resources the deployed render's macro made
// (DeployedProtectedResources, as the stack policy: the stable
// identity contract less what is replaced by design, the API deployments)
// that the plan replaces or removes, sorted. None for an update whose
// template has no QuiltPrivateEndpoints entry (qpe disable's, which
// removes them on purpose; QPE-UP-011 covers one made by mistake). It is
// the one home of this question in enable, to be answered by updatepath's
// QPE-UP-012 once that rule lands.
func macroReplacements(st *deployedStack, submitted map[string]any, p *updatepath.Plan) []macroChange {
	if !macroevent.HasEntry(submitted) {
		return nil
	}
	owned := DeployedProtectedResources(st.Original, st.Processed)
	var out []macroChange
	for _, res := range p.Resources {
		if (res.Action == updatepath.Replace || res.Action == updatepath.Remove) && slices.Contains(owned, res.LogicalID) {
			out = append(out, macroChange{ID: res.LogicalID, Action: res.Action, Because: res.ReplacedBecause})
		}
	}
	slices.SortFunc(out, func(a, b macroChange) int { return strings.Compare(a.ID, b.ID) })
	return out
}

// refuseMacroReplacement stops a plan that replaces or removes what the
// macro made, unless --accept-macro-replacement: each such change breaks
// what users of the private network hold (the private API's id and URL,
// the internal load balancer's DNS name their records point at) or
// re-runs the preflight from scratch, and a stack policy set by qpe
// enable denies it anyway.
func (r *Result) refuseMacroReplacement(rd *rendering, p *updatepath.Plan) bool {
	changes := macroReplacements(r.stack, rd.Submitted, p)
	if len(changes) == 0 {
		return false
	}
	var list []string
	for _, c := range changes {
		l := fmt.Sprintf("%s: %s", c.ID, c.Action)
		if len(c.Because) > 0 {
			l += " (" + strings.Join(c.Because, "; ") + ")"
		}
		list = append(list, l)
	}
	if r.input.AcceptMacroReplacement {
		r.step("%s given: going on with an update that replaces or removes resources the macro made: %s", AcceptMacroReplacementFlag, strings.Join(list, ", "))
		return false
	}
	return r.stopped(OutcomeMacroReplacementRefused, 1, fmt.Sprintf("the update replaces or removes %d resource(s) the macro made on the deployed stack:\n  %s\n"+
		"A replaced or removed private API gets a new id and URL, a replaced internal load balancer a new DNS name (the host names' records point at the old one): users on the private network lose the catalog until they follow.\n"+
		"Nothing was changed. Fix: keep the logical ids the deployed template had (a new template that renames a resource the macro renders, e.g. the REST API, or drops the load balancer, takes its private copy away), or pass %s to go on knowing the above",
		len(changes), strings.Join(list, "\n  "), AcceptMacroReplacementFlag))
}
