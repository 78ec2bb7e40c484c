package preflight

import (
	"github.com/quiltdata/quilt-private-endpoints/internal/finding"
)

func checkEgressRoute() finding.Check[*inventory] {
	c := finding.Check[*inventory]{Rule: finding.Rule{
		ID:       "QPE-EG-001",
		Severity: finding.Error,
		Title:    "egress to the stack's AWS services",
		Meaning:  "The effective route table of private subnets has no 0.0.0.0/0 route, and the VPC endpoints for the AWS services the stack calls (its egress services: interface endpoints available, with private DNS on and security groups open to the subnets on TCP 443, and the S3 gateway) are not all there: the stack's Lambdas and tasks cannot reach the services named.",
		Remedy:   "Add a 0.0.0.0/0 route to an available public NAT gateway, or create the missing interface endpoints (private DNS on) named in the finding.",
	}, Needs: names(egressNeeds()...)}
	c.Run = func(inv *inventory) []finding.Finding {
		var fs []finding.Finding
		for _, e := range inv.egresses() {
			if e.route != nil || e.endpointsComplete() {
				continue
			}
			fs = append(fs, c.New(e.group.resource(), inv.natRemedy(e, false),
				"route table %s (used by %s) has no 0.0.0.0/0 route and %d of the VPC endpoints that could replace a NAT gateway are missing or unusable (listed in the fix), so the stack cannot reach those services",
				e.group.id, e.group.subnetList(), len(e.missing)))
		}
		return fs
	}
	return c
}
