package preflight

import (
	"github.com/aws/aws-sdk-go-v2/aws"

	"github.com/quiltdata/quilt-private-endpoints/internal/finding"
)

func checkAPIEndpointService() finding.Check[*inventory] {
	c := finding.Check[*inventory]{Rule: finding.Rule{
		ID:       "QPE-EP-003",
		Severity: finding.Error,
		Title:    "the execute-api endpoint's service",
		Meaning:  "The endpoint is for another service (or Region) than com.amazonaws.<region>.execute-api.",
		Remedy:   "Pass the id of the execute-api endpoint of the stack's Region, or create one.",
	}, Needs: names(itemAPIEndpoint)}
	c.Run = func(inv *inventory) []finding.Finding {
		e := inv.apiEndpoint
		want := inv.service("execute-api")
		if e == nil || aws.ToString(e.ServiceName) == want {
			return nil
		}
		return []finding.Finding{c.New(inv.in.APIEndpointID,
			"pass the id of an interface endpoint for "+want+" (create one if there is none)",
			"VPC endpoint %s is for service %s, not %s", inv.in.APIEndpointID, aws.ToString(e.ServiceName), want)}
	}
	return c
}
