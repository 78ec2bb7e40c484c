package transform

import "github.com/quiltdata/quilt-private-endpoints/internal/finding"

// tfSubnetMappings: Elastic IPs removed from a load balancer.
var tfSubnetMappings = finding.Rule{
	ID:       "QPE-TF-012",
	Severity: finding.Warning,
	Title:    "Elastic IPs removed from a load balancer",
	Meaning:  "With LoadBalancerScheme=internal the macro removes the load balancer's SubnetMappings (Elastic IPs): an internal load balancer takes Subnets only.",
	Remedy:   "Nothing, unless something relies on those Elastic IPs: release them after the update.",
}
