package preflight

import (
	"github.com/quiltdata/quilt-private-endpoints/internal/awsid"
	"github.com/quiltdata/quilt-private-endpoints/internal/finding"
)

func checkNetworkIDFormat() finding.Check[*inventory] {
	c := finding.Check[*inventory]{Rule: finding.Rule{
		ID:       "QPE-IN-002",
		Severity: finding.Error,
		Title:    "the Region, VPC and subnet ids",
		Meaning:  "The Region is missing or not of a Region's form (e.g. eu-west-1; then no AWS call is made), or the VPC id or a subnet id is missing or malformed (vpc-/subnet- then 8 or 17 lowercase hex characters). Checks that need it are skipped.",
		Remedy:   "Pass the stack's Region, the VPC id (vpc-...) and the ids of the private subnets (subnet-...) the stack's Lambdas will use.",
	}}
	c.Run = func(inv *inventory) []finding.Finding {
		var fs []finding.Finding
		switch r := inv.in.Region; {
		case r == "":
			fs = append(fs, c.New("Region", "pass the stack's Region, e.g. us-east-1", "no Region was given"))
		case !validRegion(r):
			fs = append(fs, c.New("Region", "pass the stack's Region, such as us-east-1 or eu-west-1 (aws ec2 describe-regions lists them)",
				"%q is not a Region name (expected the form eu-west-1, us-gov-west-1): nothing was checked, no AWS call was made", r))
		}
		switch id := inv.in.VpcID; {
		case id == "":
			fs = append(fs, c.New("VPC", "pass the id of the VPC the stack runs in, e.g. vpc-0123456789abcdef0", "no VPC id was given"))
		case !awsid.Valid(id, "vpc"):
			fs = append(fs, c.New(id, "pass the id of the VPC the stack runs in, e.g. vpc-0123456789abcdef0",
				"%q is not a VPC id: expected vpc- followed by 8 or 17 lowercase hexadecimal characters", id))
		}
		if len(inv.in.SubnetIDs) == 0 {
			fs = append(fs, c.New("Subnets", "pass the private subnets the stack's Lambdas use, at least two in different Availability Zones",
				"no private subnet was given"))
		}
		for _, id := range inv.in.SubnetIDs {
			if !awsid.Valid(id, "subnet") {
				fs = append(fs, c.New(id, "pass subnet ids such as subnet-0123456789abcdef0",
					"%q is not a subnet id: expected subnet- followed by 8 or 17 lowercase hexadecimal characters", id))
			}
		}
		return fs
	}
	return c
}
