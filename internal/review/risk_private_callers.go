package review

import "github.com/quiltdata/quilt-private-endpoints/internal/finding"

// RiskPrivateCallers: a private API answers only through the endpoint.
const RiskPrivateCallers = "private-api-callers"

var rulePrivateCallers = finding.Rule{
	ID:       "QPE-RV-003",
	Severity: finding.Warning,
	Title:    "Once private, the REST API answers only through the execute-api endpoint",
	Meaning: "The specification calls the endpoint change an update without interruption, but from the new deployment on, callers that do not " +
		"come through the listed execute-api endpoint get 403 Forbidden. " +
		"The web catalog calls the API from the user's browser: users must reach the endpoint (VPN, Direct Connect or a network routed to the VPC).",
	Remedy: "Make sure users' networks route to the execute-api endpoint and its security group allows TCP 443 from them before executing.",
}

// checkPrivateCallers: the APIs made private, without notes.
func checkPrivateCallers(c *riskInput) []finding.Finding {
	var fs []finding.Finding
	for _, f := range checkPrivateAPIs(c) {
		fs = append(fs, note(rulePrivateCallers, f.Resource, ""))
	}
	return fs
}
