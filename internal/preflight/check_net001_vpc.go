package preflight

import (
	"github.com/quiltdata/quilt-private-endpoints/internal/finding"
)

func checkVPCExists() Check {
	c := Check{
		ID:       "QPE-NET-001",
		Severity: finding.Error,
		Title:    "that the VPC exists",
		Meaning:  "The VPC does not exist in this account and Region.",
		Remedy:   "Pass the id of an existing VPC, and check the account (profile) and --region.",
		needs:    []item{itemVPC},
	}
	c.run = func(inv *inventory) []finding.Finding {
		if inv.vpc != nil {
			return nil
		}
		return []finding.Finding{c.f(inv.in.VpcID,
			"pass the id of an existing VPC, and check the account (AWS profile) and the Region "+inv.in.Region,
			"VPC %s does not exist in %s (InvalidVpcID.NotFound)", inv.in.VpcID, inv.in.Region)}
	}
	return c
}
