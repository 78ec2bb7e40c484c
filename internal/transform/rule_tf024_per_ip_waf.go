package transform

import "github.com/quiltdata/quilt-private-endpoints/internal/finding"

// tfPerIPRule: a per-IP WAF rule on the internal load balancer's web ACL.
var tfPerIPRule = finding.Rule{
	ID:       "QPE-TF-024",
	Severity: finding.Warning,
	Title:    "per-IP WAF rule behind an internal load balancer",
	Meaning: "A rule of the internal load balancer's web ACL counts requests per source IP (a rate-based statement aggregated by IP, or the " +
		"account-takeover managed group AWSManagedRulesATPRuleSet). Users on a VPN reach the internal load balancer from the VPN's NAT addresses " +
		"(AWS Client VPN translates every client's address), so a whole company shares one limit and one user's failed logins lock out the others.",
	Remedy: "Aggregate by the client's own address: AggregateKeyType FORWARDED_IP (or CUSTOM_KEYS with a header) behind a proxy that sets it; " +
		"or raise the limit to what all users together send; or remove the rule from the internal load balancer's web ACL.",
	Source: "cutover-and-trust.md section 2",
}
