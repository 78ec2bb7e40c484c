package transform

import "github.com/quiltdata/quilt-private-endpoints/internal/finding"

// tfExternalWebACL: an internal load balancer's web ACL the macro cannot see.
var tfExternalWebACL = finding.Rule{
	ID:       "QPE-TF-020",
	Severity: finding.Warning,
	Title:    "web ACL from outside the template on an internal load balancer",
	Meaning: "An internet-facing load balancer is associated with a web ACL the template does not define; the internal load balancer the macro builds beside it " +
		"gets the same web ACL, which the macro cannot check for geo-match Block rules (they would block every private client: private addresses have no country) " +
		"or per-IP rules (a VPN's users share its NAT addresses).",
	Remedy: "Remove any geo-match Block rule from that web ACL before the update, or associate the internal load balancer with a web ACL without one.",
	Source: "update-path.md section 5",
}
