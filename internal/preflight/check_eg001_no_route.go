package preflight

import (
	"github.com/quiltdata/quilt-private-endpoints/internal/finding"
)

func checkEgressRoute() finding.Check[*inventory] {
	c := finding.Check[*inventory]{Rule: finding.Rule{
		ID:       "QPE-EG-001",
		Severity: finding.Error,
		Title:    "egress to ECR and SNS",
		Meaning:  "The effective route table of private subnets has no 0.0.0.0/0 route, and the interface endpoints for ecr.api, ecr.dkr, sns and logs (available, private DNS on, security groups open to the subnets on TCP 443) with the S3 gateway are not all there: the stack's Lambdas cannot reach ECR and SNS.",
		Remedy:   "Add a 0.0.0.0/0 route to an available public NAT gateway, or create the missing interface endpoints (private DNS on).",
	}, Needs: names(egressNeeds()...)}
	c.Run = func(inv *inventory) []finding.Finding {
		var fs []finding.Finding
		for _, e := range inv.egresses() {
			if e.route != nil || e.viaEndpoints() {
				continue
			}
			fs = append(fs, c.New(e.group.resource(), inv.natRemedy(e, false),
				"route table %s (used by %s) has no 0.0.0.0/0 route and %d of the interface endpoints that could replace a NAT gateway are missing or unusable, so the stack cannot reach ECR and SNS",
				e.group.id, e.group.subnetList(), len(e.missing)))
		}
		return fs
	}
	return c
}
