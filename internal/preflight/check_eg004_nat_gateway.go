package preflight

import (
	"github.com/quiltdata/quilt-private-endpoints/internal/finding"
	"github.com/quiltdata/quilt-private-endpoints/internal/vpcrules"
)

func checkEgressNATGateway() finding.Check[*inventory] {
	c := finding.Check[*inventory]{Rule: finding.Rule{
		ID:       "QPE-EG-004",
		Severity: finding.Error,
		Title:    "the NAT gateway of the default route",
		Meaning:  "The 0.0.0.0/0 route goes to a NAT gateway that does not exist, is not available (pending, failed, deleting, deleted) or is private (no internet).",
		Remedy:   "Point the route at an available public NAT gateway.",
	}, Needs: names(egressNeeds()...)}
	c.Run = func(inv *inventory) []finding.Finding {
		var fs []finding.Finding
		for _, e := range inv.egresses() {
			if !e.active() || e.endpointsComplete() {
				continue
			}
			if p := inv.natProblem(e); p != "" {
				remedy := inv.natRemedy(e, true)
				if n, ok := inv.nats[e.target]; ok && vpcrules.Is(n.State, "pending") {
					remedy = "wait until " + e.target + " is available (a few minutes after its creation), then run the check again; if it fails instead: " + remedy
				}
				fs = append(fs, c.New(e.target, remedy,
					"the 0.0.0.0/0 route of %s (used by %s) goes to a NAT gateway that cannot reach the internet: %s",
					e.group.id, e.group.subnetList(), p))
			}
		}
		return fs
	}
	return c
}
