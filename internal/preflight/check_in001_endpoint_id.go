package preflight

import (
	"fmt"

	"github.com/quiltdata/quilt-private-endpoints/internal/awsid"
	"github.com/quiltdata/quilt-private-endpoints/internal/finding"
)

func checkEndpointIDFormat() finding.Check[*inventory] {
	c := finding.Check[*inventory]{Rule: finding.Rule{
		ID:       "QPE-IN-001",
		Severity: finding.Error,
		Title:    "the execute-api endpoint id",
		Meaning:  "The execute-api endpoint id is missing or not a VPC endpoint id (vpce- then 8 or 17 lowercase hex characters). Checked before any AWS call; the endpoint checks are skipped.",
		Remedy:   "Pass the id of the execute-api interface endpoint, e.g. vpce-0123456789abcdef0.",
	}}
	c.Run = func(inv *inventory) []finding.Finding {
		id := inv.in.APIEndpointID
		if awsid.Valid(id, "vpce") || (id == "" && inv.in.EndpointOptional) {
			return nil
		}
		remedy := fmt.Sprintf("pass the id of the execute-api interface endpoint, e.g. vpce-0123456789abcdef0 "+
			"(list them: aws ec2 describe-vpc-endpoints --region %s --filters Name=service-name,Values=com.amazonaws.%s.execute-api --query 'VpcEndpoints[].VpcEndpointId')",
			inv.in.Region, inv.in.Region)
		if id == "" {
			return []finding.Finding{c.New("ApiGatewayVPCEndpointId", remedy, "no execute-api VPC endpoint id was given")}
		}
		return []finding.Finding{c.New(id, remedy, "%q is not a VPC endpoint id: expected vpce- followed by 8 or 17 lowercase hexadecimal characters", id)}
	}
	return c
}
