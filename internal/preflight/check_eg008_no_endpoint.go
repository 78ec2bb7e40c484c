package preflight

import (
	"strings"

	"github.com/quiltdata/quilt-private-endpoints/internal/finding"
)

func checkEgressNoEndpoint() finding.Check[*inventory] {
	c := finding.Check[*inventory]{Rule: finding.Rule{
		ID:       "QPE-EG-008",
		Severity: finding.Error,
		Title:    "services that only a NAT route reaches",
		Meaning:  "Private subnets have no working NAT route, and the stack calls AWS services that no VPC endpoint serves in the Region (IAM outside us-east-1, pulls from ECR Public, AWS Marketplace metering, ...): the VPC endpoints there are not enough, those calls fail.",
		Remedy:   "Give the private subnets a 0.0.0.0/0 route to an available public NAT gateway (or an equivalent network path to the internet).",
		Source:   "awsservices (reference sheet section 7; the AWS pages named in each service's reason)",
	}, Needs: names(egressNeeds()...)}
	c.Run = func(inv *inventory) []finding.Finding {
		var fs []finding.Finding
		for _, e := range inv.egresses() {
			// With endpoints missing too, QPE-EG-001/002/004 report the table
			// and their remedy says the NAT route is required.
			if len(e.noEndpoint) == 0 || !e.endpointsComplete() || inv.workingRoute(e) {
				continue
			}
			fs = append(fs, c.New(e.group.resource(), inv.natRemedy(e, e.route != nil),
				"route table %s (used by %s) has no working NAT route, and no VPC endpoint serves %d of the services the stack calls, so a NAT route is required: %s",
				e.group.id, e.group.subnetList(), len(e.noEndpoint), strings.Join(e.noEndpoint, "; ")))
		}
		return fs
	}
	return c
}
