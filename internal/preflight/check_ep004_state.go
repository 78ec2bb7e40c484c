package preflight

import (
	"strings"

	"github.com/quiltdata/quilt-private-endpoints/internal/finding"
	"github.com/quiltdata/quilt-private-endpoints/internal/vpcrules"
)

func checkAPIEndpointState() finding.Check[*inventory] {
	c := finding.Check[*inventory]{Rule: finding.Rule{
		ID:       "QPE-EP-004",
		Severity: finding.Error,
		Title:    "the execute-api endpoint's state",
		Meaning:  "The endpoint is not available (pending, pendingAcceptance, failed, rejected, deleting, deleted, expired or partial).",
		Remedy:   "Wait for a pending endpoint, accept a pendingAcceptance one, or recreate a failed, rejected or deleted one.",
	}, Needs: names(itemAPIEndpoint)}
	c.Run = func(inv *inventory) []finding.Finding {
		e := inv.apiEndpoint
		if e == nil || vpcrules.Is(e.State, "available") {
			return nil
		}
		var remedy string
		switch strings.ToLower(string(e.State)) {
		case "pending":
			remedy = "wait until the endpoint is available (a few minutes), then run the check again"
		case "pendingacceptance":
			remedy = "accept the endpoint connection (aws ec2 accept-vpc-endpoint-connections), or create an endpoint for the AWS-owned execute-api service"
		default:
			remedy = "delete the endpoint and create a new interface endpoint for com.amazonaws." + inv.in.Region + ".execute-api, then pass its id"
		}
		return []finding.Finding{c.New(inv.in.APIEndpointID, remedy,
			"VPC endpoint %s is in state %q, not available", inv.in.APIEndpointID, e.State)}
	}
	return c
}
