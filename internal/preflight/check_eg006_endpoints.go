package preflight

import (
	"strings"

	"github.com/quiltdata/quilt-private-endpoints/internal/finding"
)

func checkEgressEndpoints() finding.Check[*inventory] {
	c := finding.Check[*inventory]{Rule: finding.Rule{
		ID:       "QPE-EG-006",
		Severity: finding.Info,
		Title:    "egress through interface endpoints",
		Meaning:  "Private subnets have no working NAT route, but VPC endpoints for every AWS service the stack calls (interface endpoints with private DNS on, and the S3 gateway endpoint) replace it: accepted.",
		Remedy:   "Nothing to do; keep those endpoints while the stack runs, and add one for any service the stack starts to call.",
	}, Needs: names(egressNeeds()...)}
	c.Run = func(inv *inventory) []finding.Finding {
		var fs []finding.Finding
		for _, e := range inv.egresses() {
			if !e.viaEndpoints() || (inv.workingRoute(e) && strings.HasPrefix(e.target, "nat-")) {
				continue
			}
			fs = append(fs, c.New(e.group.resource(), "nothing to do; keep the VPC endpoints of "+strings.Join(inv.in.EgressServices, ", "),
				"route table %s (used by %s) has no working NAT route; the stack's %d AWS services are reached through VPC endpoints",
				e.group.id, e.group.subnetList(), len(inv.in.EgressServices)))
		}
		return fs
	}
	return c
}
