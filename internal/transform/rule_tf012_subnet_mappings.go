package transform

import "github.com/quiltdata/quilt-private-endpoints/internal/finding"

// tfSubnetMappings: Elastic IPs removed from a load balancer.
var tfSubnetMappings = finding.Rule{
	ID:       "QPE-TF-012",
	Severity: finding.Warning,
	Title:    "Elastic IPs not copied to the internal load balancer",
	Meaning:  "With LoadBalancerScheme=internal the internal load balancer the macro builds beside an internet-facing one does not take its SubnetMappings (Elastic IPs): an internal load balancer takes Subnets only.",
	Remedy:   "Nothing, unless something relies on those Elastic IPs: release them once the public load balancer is retired (PublicLoadBalancer=retire).",
}
