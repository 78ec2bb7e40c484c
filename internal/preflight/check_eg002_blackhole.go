package preflight

import (
	"github.com/quiltdata/quilt-private-endpoints/internal/finding"
)

func checkEgressBlackhole() finding.Check[*inventory] {
	c := finding.Check[*inventory]{Rule: finding.Rule{
		ID:       "QPE-EG-002",
		Severity: finding.Error,
		Title:    "the default route's state",
		Meaning:  "The 0.0.0.0/0 route of a private subnet's route table is a blackhole (its NAT gateway or other target was deleted): nothing leaves the subnet.",
		Remedy:   "Replace the route's target with an available public NAT gateway.",
	}, Needs: names(egressNeeds()...)}
	c.Run = func(inv *inventory) []finding.Finding {
		var fs []finding.Finding
		for _, e := range inv.egresses() {
			if e.route == nil || e.active() || e.endpointsComplete() {
				continue
			}
			fs = append(fs, c.New(e.group.resource(), inv.natRemedy(e, true),
				"the 0.0.0.0/0 route of %s (used by %s) to %s is a blackhole: its target no longer exists",
				e.group.id, e.group.subnetList(), e.target))
		}
		return fs
	}
	return c
}
