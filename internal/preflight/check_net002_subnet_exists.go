package preflight

import (
	"github.com/quiltdata/quilt-private-endpoints/internal/finding"
)

func checkSubnetExists() finding.Check[*inventory] {
	c := finding.Check[*inventory]{Rule: finding.Rule{
		ID:       "QPE-NET-002",
		Severity: finding.Error,
		Title:    "that the private subnets exist",
		Meaning:  "A private subnet does not exist in this account and Region.",
		Remedy:   "Pass the ids of existing private subnets of the VPC.",
	}, Needs: names(itemSubnets)}
	c.Run = func(inv *inventory) []finding.Finding {
		var fs []finding.Finding
		for _, id := range validSubnetIDs(inv.in.SubnetIDs) {
			if _, ok := inv.subnets[id]; !ok {
				fs = append(fs, c.New(id, "pass the id of an existing private subnet of "+inv.in.VpcID+" (aws ec2 describe-subnets --filters Name=vpc-id,Values="+inv.in.VpcID+")",
					"subnet %s does not exist in %s (InvalidSubnetID.NotFound)", id, inv.in.Region))
			}
		}
		return fs
	}
	return c
}
