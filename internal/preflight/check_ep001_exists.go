package preflight

import (
	"cmp"
	"fmt"

	"github.com/quiltdata/quilt-private-endpoints/internal/finding"
)

func checkAPIEndpointExists() finding.Check[*inventory] {
	c := finding.Check[*inventory]{Rule: finding.Rule{
		ID:       "QPE-EP-001",
		Severity: finding.Error,
		Title:    "that the execute-api endpoint exists",
		Meaning:  "The execute-api VPC endpoint id does not exist in this account and Region (InvalidVpcEndpointId.NotFound).",
		Remedy:   "Create an interface endpoint for com.amazonaws.<region>.execute-api in the VPC, or pass the id of the existing one.",
	}, Needs: names(itemAPIEndpoint)}
	c.Run = func(inv *inventory) []finding.Finding {
		if inv.apiEndpoint != nil {
			return nil
		}
		r := inv.in.Region
		from := cmp.Or(inv.vpcCIDRs(), "the private subnets")
		return []finding.Finding{c.New(inv.in.APIEndpointID,
			fmt.Sprintf("create an interface endpoint: aws ec2 create-vpc-endpoint --region %s --vpc-id %s --vpc-endpoint-type Interface --service-name com.amazonaws.%s.execute-api --no-private-dns-enabled --subnet-ids %s --security-group-ids <sg allowing TCP 443 from %s> (the catalog calls the API by its {api}-{vpce} alias; private DNS would make calls from the VPC to public API Gateway APIs fail with 403), or pass the id of the existing one",
				r, inv.in.VpcID, r, inv.subnetArgs(), from),
			"VPC endpoint %s does not exist in %s (InvalidVpcEndpointId.NotFound)", inv.in.APIEndpointID, r)}
	}
	return c
}
