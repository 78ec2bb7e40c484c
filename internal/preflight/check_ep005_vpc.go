package preflight

import (
	"github.com/aws/aws-sdk-go-v2/aws"

	"github.com/quiltdata/quilt-private-endpoints/internal/awsid"
	"github.com/quiltdata/quilt-private-endpoints/internal/finding"
)

func checkAPIEndpointVPC() finding.Check[*inventory] {
	c := finding.Check[*inventory]{Rule: finding.Rule{
		ID:       "QPE-EP-005",
		Severity: finding.Error,
		Title:    "the execute-api endpoint's VPC",
		Meaning:  "The endpoint is in another VPC than the stack's: the stack's Lambdas cannot reach the private API through it.",
		Remedy:   "Create the execute-api interface endpoint in the stack's VPC, or run the stack in the endpoint's VPC.",
	}, Needs: names(itemAPIEndpoint)}
	c.Run = func(inv *inventory) []finding.Finding {
		e := inv.apiEndpoint
		if e == nil || !awsid.Valid(inv.in.VpcID, "vpc") || aws.ToString(e.VpcId) == inv.in.VpcID {
			return nil
		}
		return []finding.Finding{c.New(inv.in.APIEndpointID,
			"create an execute-api interface endpoint in "+inv.in.VpcID+" and pass its id, or pass --vpc "+aws.ToString(e.VpcId)+" and subnets of that VPC",
			"VPC endpoint %s is in %s, not in the stack's VPC %s", inv.in.APIEndpointID, aws.ToString(e.VpcId), inv.in.VpcID)}
	}
	return c
}
