package preflight

import (
	"github.com/quiltdata/quilt-private-endpoints/internal/finding"
)

func checkVPCExists() finding.Check[*inventory] {
	c := finding.Check[*inventory]{Rule: finding.Rule{
		ID:       "QPE-NET-001",
		Severity: finding.Error,
		Title:    "that the VPC exists",
		Meaning:  "The VPC does not exist in this account and Region.",
		Remedy:   "Pass the id of an existing VPC, and check the account (profile) and --region.",
	}, Needs: names(itemVPC)}
	c.Run = func(inv *inventory) []finding.Finding {
		if inv.vpc != nil {
			return nil
		}
		return []finding.Finding{c.New(inv.in.VpcID,
			"pass the id of an existing VPC, and check the account (AWS profile) and the Region "+inv.in.Region,
			"VPC %s does not exist in %s (InvalidVpcID.NotFound)", inv.in.VpcID, inv.in.Region)}
	}
	return c
}
