package preflight

import (
	"github.com/aws/aws-sdk-go-v2/aws"

	"github.com/quiltdata/quilt-private-endpoints/internal/finding"
)

func checkSubnetAZs() finding.Check[*inventory] {
	c := finding.Check[*inventory]{Rule: finding.Rule{
		ID:       "QPE-NET-004",
		Severity: finding.Warning,
		Title:    "the private subnets' Availability Zones",
		Meaning:  "All private subnets are in one Availability Zone: the stack goes down with that zone.",
		Remedy:   "Add a private subnet in a second Availability Zone.",
	}, Needs: names(itemSubnets)}
	c.Run = func(inv *inventory) []finding.Finding {
		subnets := inv.privateSubnets()
		azs := map[string]bool{}
		for _, s := range subnets {
			azs[aws.ToString(s.AvailabilityZone)] = true
		}
		if len(subnets) == 0 || len(azs) >= 2 {
			return nil
		}
		az := aws.ToString(subnets[0].AvailabilityZone)
		return []finding.Finding{c.New(inv.in.VpcID,
			"add a private subnet of "+inv.in.VpcID+" in another Availability Zone than "+az+" (with the same egress and S3 routes) and pass it too",
			"all private subnets are in one Availability Zone (%s): the stack has no zone redundancy", az)}
	}
	return c
}
