package transform

import "github.com/quiltdata/quilt-private-endpoints/internal/finding"

// tfExternalWebACL: an internal load balancer's web ACL the macro cannot see.
var tfExternalWebACL = finding.Rule{
	ID:       "QPE-TF-020",
	Severity: finding.Warning,
	Title:    "web ACL from outside the template on an internal load balancer",
	Meaning: "A load balancer the rewrite makes internal is associated with a web ACL the template does not define, so the macro cannot " +
		"check it for geo-match Block rules, which would block every private client (private addresses have no country).",
	Remedy: "Remove any geo-match Block rule from that web ACL before the update, or associate a web ACL without one.",
	Source: "update-path.md section 5",
}
