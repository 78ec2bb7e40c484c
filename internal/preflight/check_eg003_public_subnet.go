package preflight

import (
	"strings"

	"github.com/quiltdata/quilt-private-endpoints/internal/finding"
)

func checkEgressPublicSubnet() finding.Check[*inventory] {
	c := finding.Check[*inventory]{Rule: finding.Rule{
		ID:       "QPE-EG-003",
		Severity: finding.Error,
		Title:    "that the subnets are private",
		Meaning:  "A subnet's route table sends 0.0.0.0/0 to an internet gateway: it is a public subnet, and Lambdas in public subnets get no internet access.",
		Remedy:   "Use private subnets whose route table sends 0.0.0.0/0 to a NAT gateway.",
	}, Needs: names(egressNeeds()...)}
	c.Run = func(inv *inventory) []finding.Finding {
		var fs []finding.Finding
		for _, e := range inv.egresses() {
			if !e.active() || !strings.HasPrefix(e.target, "igw-") {
				continue
			}
			fs = append(fs, c.New(e.group.resource(),
				"pass private subnets instead (their route table sends 0.0.0.0/0 to a NAT gateway that sits in a public subnet), or give "+e.group.subnetList()+" their own route table with 0.0.0.0/0 to a NAT gateway",
				"route table %s sends 0.0.0.0/0 to internet gateway %s, so %s %s: Lambdas there get no internet access",
				e.group.id, e.target, e.group.subnetList(), plural(len(e.group.subnets), "is a public subnet", "are public subnets")))
		}
		return fs
	}
	return c
}
