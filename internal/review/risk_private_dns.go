package review

import "github.com/quiltdata/quilt-private-endpoints/internal/finding"

// RiskPrivateDNS: private DNS on the execute-api endpoint.
const RiskPrivateDNS = "private-dns"

var rulePrivateDNS = finding.Rule{
	ID:       "QPE-RV-004",
	Severity: finding.Warning,
	Title:    "Private DNS on the execute-api endpoint breaks calls from that VPC to public APIs",
	Meaning: "With private DNS enabled on the execute-api interface endpoint, every call from that VPC to a public API's default hostname " +
		"({api-id}.execute-api.{region}.amazonaws.com), any team's, fails with 403. The rewritten references use the endpoint alias " +
		"{api-id}-{vpce-id}.execute-api.{region}.amazonaws.com, which works without private DNS.",
	Remedy: "Agree with the VPC's owner before enabling private DNS on the endpoint; public APIs called from the VPC then need a custom domain name.",
}

// checkPrivateDNS: the APIs made private, without notes.
func checkPrivateDNS(c *riskInput) []finding.Finding {
	var fs []finding.Finding
	for _, f := range checkPrivateAPIs(c) {
		fs = append(fs, note(rulePrivateDNS, f.Resource, ""))
	}
	return fs
}
