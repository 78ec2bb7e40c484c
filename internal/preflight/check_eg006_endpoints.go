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
		Meaning:  "Private subnets have no working NAT route, but interface endpoints for ecr.api, ecr.dkr, sns and logs (private DNS on) and the S3 gateway endpoint replace it: accepted.",
		Remedy:   "Nothing to do; keep those endpoints while the stack runs.",
	}, Needs: names(egressNeeds()...)}
	c.Run = func(inv *inventory) []finding.Finding {
		var fs []finding.Finding
		for _, e := range inv.egresses() {
			if !e.viaEndpoints() || (e.active() && inv.natProblem(e) == "" && strings.HasPrefix(e.target, "nat-")) {
				continue
			}
			fs = append(fs, c.New(e.group.resource(), "nothing to do; keep the ecr.api, ecr.dkr, sns and logs interface endpoints and the S3 gateway endpoint",
				"route table %s (used by %s) has no working NAT route; ECR, SNS and CloudWatch Logs are reached through interface endpoints",
				e.group.id, e.group.subnetList()))
		}
		return fs
	}
	return c
}
