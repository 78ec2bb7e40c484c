package preflight

import (
	"github.com/aws/aws-sdk-go-v2/aws"

	"github.com/quiltdata/quilt-private-endpoints/internal/awsid"
	"github.com/quiltdata/quilt-private-endpoints/internal/finding"
)

func checkSubnetInVPC() finding.Check[*inventory] {
	c := finding.Check[*inventory]{Rule: finding.Rule{
		ID:       "QPE-NET-003",
		Severity: finding.Error,
		Title:    "that the private subnets are in the VPC",
		Meaning:  "A private subnet belongs to another VPC than the one given.",
		Remedy:   "Use subnets of the stack's VPC, or pass the VPC the subnets belong to.",
	}, Needs: names(itemSubnets)}
	c.Run = func(inv *inventory) []finding.Finding {
		if !awsid.Valid(inv.in.VpcID, "vpc") {
			return nil
		}
		var fs []finding.Finding
		for _, id := range inv.in.SubnetIDs {
			s, ok := inv.subnets[id]
			if ok && aws.ToString(s.VpcId) != inv.in.VpcID {
				fs = append(fs, c.New(id, "use private subnets of "+inv.in.VpcID+", or pass --vpc "+aws.ToString(s.VpcId)+" if that is the stack's VPC",
					"subnet %s is in %s, not in %s", id, aws.ToString(s.VpcId), inv.in.VpcID))
			}
		}
		return fs
	}
	return c
}
