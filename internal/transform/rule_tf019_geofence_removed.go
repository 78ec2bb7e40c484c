package transform

import "github.com/quiltdata/quilt-private-endpoints/internal/finding"

// tfGeofenceRemoved: geo-match rules dropped from the web ACL of a load
// balancer made internal.
var tfGeofenceRemoved = finding.Rule{
	ID:       "QPE-TF-019",
	Severity: finding.Warning,
	Title:    "geofence left out of the internal load balancer's web ACL",
	Meaning: "With LoadBalancerScheme=internal the internal load balancer's web ACL, a copy of the public one's, leaves out the Block rules made only of geo matches " +
		"that would block every request of a client without a country (such as Quilt's GeofenceRule): WAF finds no country for private (RFC 1918) client addresses. " +
		"The public load balancer's web ACL is unchanged.",
	Remedy: "Nothing, if the network (VPN, security groups) now limits who reaches the catalog; to restrict clients further, add an IP set rule " +
		"with their CIDRs, or a geo match on ForwardedIPConfig behind a proxy that sets the client's public address.",
	Source: "update-path.md section 5; https://docs.aws.amazon.com/waf/latest/developerguide/logging-fields.html",
}
