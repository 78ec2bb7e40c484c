package transform

import "github.com/quiltdata/quilt-private-endpoints/internal/finding"

// tfGeoCompound: a WAF rule mixing a geo match with other conditions,
// kept on the internal load balancer's web ACL.
var tfGeoCompound = finding.Rule{
	ID:       "QPE-TF-025",
	Severity: finding.Warning,
	Title:    "WAF rule mixing a geo match with other conditions, kept",
	Meaning: "A Block rule of the internal load balancer's web ACL combines a geo match with other conditions (an IP set, a login throttle). " +
		"The macro judges it statement by statement: for private clients (no country) the geo match never matches and the rule does not block " +
		"every request, so it is kept whole; its other conditions alone decide for private clients, which may differ from what a client in an allowed country gets.",
	Remedy: "Check that the rule does what you want for private clients; to exempt them from it, add a ForwardedIPConfig to its geo match " +
		"or an IP set statement with their CIDRs.",
	Source: "update-path.md section 5",
}
