package enable

import (
	"fmt"
	"strings"

	"github.com/quiltdata/quilt-private-endpoints/internal/macroevent"
	"github.com/quiltdata/quilt-private-endpoints/internal/updatepath"
)

// unsafeMessage is the refusal of a plan that cannot be rolled back
// safely: each blocker with its recovery; on an upgrade, which blockers
// are Quilt's own (the same upgrade without the macro has them,
// Blocker.Inherent), what each risks, that Quilt's own console upgrade
// takes the same risk, and which the macro adds.
func (r *Result) unsafeMessage(p *updatepath.Plan, blockers []updatepath.Blocker) string {
	var b strings.Builder
	fmt.Fprintf(&b, "the update cannot be rolled back safely: %d blocker(s):", len(blockers))
	var own, added []string
	for _, bl := range blockers {
		fmt.Fprintf(&b, "\n  %s %s: %s", bl.ID, bl.Resource, bl.Detail)
		if bl.Recovery != "" {
			fmt.Fprintf(&b, "\n    recovery: %s", bl.Recovery)
		}
		if !bl.Inherent {
			added = append(added, bl.ID+" "+bl.Resource)
			continue
		}
		own = append(own, bl.ID+" "+bl.Resource)
		fmt.Fprintf(&b, "\n    %s", updatepath.InherentText)
		if risk := p.Risk(bl, r.stack.Name); risk != "" {
			fmt.Fprintf(&b, ": %s", risk)
		}
	}
	if p.Rollout.Baseline == nil {
		fmt.Fprintf(&b, "\nNothing was changed. Fix the blockers (settings, template), or pass %s to go on knowing the recovery above", AcceptUnsafeFlag)
		return b.String()
	}
	if len(own) > 0 {
		fmt.Fprintf(&b, "\n%d of these blocker(s) are Quilt's own, not Private Endpoints': %s. The same upgrade without Private Endpoints (the deployed template without the %s Transform -> %s as given) has them too, so Quilt's own upgrade in the console takes the same risk.",
			len(own), strings.Join(own, ", "), macroevent.MacroName, r.Upgrade.To)
	}
	if len(added) == 0 {
		fmt.Fprintf(&b, "\nPrivate Endpoints adds none. Nothing was changed. Pass %s to go on with Quilt's release knowing the risk and the recovery above", AcceptUnsafeFlag)
		return b.String()
	}
	fmt.Fprintf(&b, "\n%d blocker(s) are added by Private Endpoints (the same upgrade without it has none of them): %s. Nothing was changed. Fix those (settings, template), or pass %s to go on knowing the recovery above",
		len(added), strings.Join(added, ", "), AcceptUnsafeFlag)
	return b.String()
}
