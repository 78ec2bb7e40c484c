package preflight

import (
	"fmt"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2/types"

	"github.com/quiltdata/quilt-private-endpoints/internal/awsid"
	"github.com/quiltdata/quilt-private-endpoints/internal/finding"
	"github.com/quiltdata/quilt-private-endpoints/internal/vpcrules"
)

func checkUserSubnets() finding.Check[*inventory] {
	c := finding.Check[*inventory]{Rule: finding.Rule{
		ID:       "QPE-NET-005",
		Severity: finding.Error,
		Title:    "the user subnets of the internal load balancer",
		Meaning:  "A subnet given for the internal load balancer (UserSubnets) is malformed, does not exist or is in another VPC, or the user subnets are all in one Availability Zone: an Application Load Balancer needs subnets in at least two zones of the stack's VPC, so its creation fails.",
		Remedy:   "Pass as UserSubnets subnets of the stack's VPC in at least two Availability Zones, reachable from the users' networks (VPN, office).",
	}, Needs: names(itemUserSubnets)}
	c.Run = func(inv *inventory) []finding.Finding {
		var fs []finding.Finding
		fix := "pass subnets of " + inv.in.VpcID + " in at least two Availability Zones as UserSubnets"
		var inVPC []types.Subnet
		for _, id := range inv.in.UserSubnets {
			s, ok := inv.userSubnets[id]
			switch {
			case !awsid.Valid(id, "subnet"):
				fs = append(fs, c.New(id, fix, "user subnet %q is not a subnet id: expected subnet- followed by 8 or 17 lowercase hexadecimal characters", id))
			case !ok:
				fs = append(fs, c.New(id, fix, "user subnet %s does not exist in %s", id, inv.in.Region))
			case aws.ToString(s.VpcId) != inv.in.VpcID:
				fs = append(fs, c.New(id, fix, "user subnet %s is in %s, not in the stack's VPC %s", id, aws.ToString(s.VpcId), inv.in.VpcID))
			default:
				inVPC = append(inVPC, s)
			}
		}
		if zones := vpcrules.Zones(inVPC); len(inVPC) > 0 && len(zones) < 2 {
			ids := make([]string, len(inVPC))
			for i, s := range inVPC {
				ids[i] = aws.ToString(s.SubnetId)
			}
			where := plural(len(ids), "the only user subnet "+ids[0]+" is in "+zones[0], "the user subnets "+strings.Join(ids, ", ")+" are all in "+zones[0])
			fs = append(fs, c.New(strings.Join(ids, ", "),
				fmt.Sprintf("add a subnet of %s in another Availability Zone than %s to UserSubnets", inv.in.VpcID, zones[0]),
				"%s: an internal load balancer needs subnets in at least two Availability Zones", where))
		}
		return fs
	}
	return c
}
