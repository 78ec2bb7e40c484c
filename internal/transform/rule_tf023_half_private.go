package transform

import "github.com/quiltdata/quilt-private-endpoints/internal/finding"

// tfHalfPrivate: LoadBalancerScheme=unchanged in front of a catalog whose
// API becomes private.
var tfHalfPrivate = finding.Rule{
	ID:       "QPE-TF-023",
	Severity: finding.Warning,
	Title:    "half-private stack: a public catalog whose API is private",
	Meaning: "With LoadBalancerScheme=unchanged the load balancer stays internet-facing while the REST API the catalog calls becomes private: " +
		"users off the private network (VPC, VPN, Direct Connect) still load the catalog, but its API calls (previews, thumbnails, transcodes) " +
		"go to the private API's address, which they cannot reach, and hang.",
	Remedy: "Set LoadBalancerScheme=internal with PublicLoadBalancer=keep (then retire once DNS points at the internal load balancer), " +
		"or tell every user of the catalog to connect to the private network first.",
	Source: "cutover-and-trust.md section 2",
}
