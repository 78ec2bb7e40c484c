package preflight

import (
	"fmt"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"

	"github.com/quiltdata/quilt-private-endpoints/internal/finding"
)

func checkAPIEndpointIngressBySG() finding.Check[*inventory] {
	c := finding.Check[*inventory]{Rule: finding.Rule{
		ID:       "QPE-EP-009",
		Severity: finding.Warning,
		Title:    "the execute-api endpoint's security group references",
		Meaning:  "The endpoint's security groups let TCP 443 in from a private subnet only through security group references (which cannot be proven before the stack's Lambdas exist) or managed prefix lists (whose entries are not read).",
		Remedy:   "Make the stack's Lambdas use a referenced security group, make sure the prefix list holds the private subnets' CIDRs, or allow TCP 443 from the private subnets' CIDRs.",
	}, Needs: names(itemAPIEndpoint, itemGroups, itemSubnets)}
	c.Run = func(inv *inventory) []finding.Finding {
		e := inv.apiEndpointInVPC()
		if e == nil {
			return nil
		}
		var subnets, cidrs []string
		for _, s := range inv.privateSubnets() {
			if inv.ingressFor(e, s) == accessByGroup {
				subnets = append(subnets, aws.ToString(s.SubnetId))
				cidrs = append(cidrs, aws.ToString(s.CidrBlock))
			}
		}
		if len(subnets) == 0 {
			return nil
		}
		groups := groupIDs(e)
		return []finding.Finding{c.New(strings.Join(groups, ", "),
			fmt.Sprintf("make sure the stack's Lambdas use a security group that %s allows (or that the prefix list holds their subnets' CIDRs), or allow TCP 443 from %s in %s", strings.Join(groups, ", "), strings.Join(cidrs, ", "), groups[0]),
			"the security groups of %s allow TCP 443 from %s only through references that cannot be proven here (%s)", inv.in.APIEndpointID, strings.Join(subnets, ", "), strings.Join(inv.ingressRefs(e), ", "))}
	}
	return c
}
