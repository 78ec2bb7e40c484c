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
			"check the Region first: pass the Region the VPC is in (--region, AWS_REGION) and the account it is in (AWS profile); else pass the id of an existing VPC",
			"Region %s: VPC %s does not exist in this Region (InvalidVpcID.NotFound); the findings after this one follow from it", inv.in.Region, inv.in.VpcID)}
	}
	return c
}
