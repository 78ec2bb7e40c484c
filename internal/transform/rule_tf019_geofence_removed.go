package transform

import "github.com/quiltdata/quilt-private-endpoints/internal/finding"

// tfGeofenceRemoved: geo-match rules dropped from the web ACL of a load
// balancer made internal.
var tfGeofenceRemoved = finding.Rule{
	ID:       "QPE-TF-019",
	Severity: finding.Warning,
	Title:    "geofence removed from an internal load balancer's web ACL",
	Meaning: "With LoadBalancerScheme=internal the load balancer's web ACL loses its geo-match Block rules (such as Quilt's GeofenceRule): " +
		"WAF finds no country for private (RFC 1918) client addresses, so a block-unless-country rule would block every private client.",
	Remedy: "Nothing, if the network (VPN, security groups) now limits who reaches the catalog; to restrict clients further, add an IP set rule " +
		"with their CIDRs, or a geo match on ForwardedIPConfig behind a proxy that sets the client's public address.",
	Source: "update-path.md section 5; https://docs.aws.amazon.com/waf/latest/developerguide/logging-fields.html",
}
