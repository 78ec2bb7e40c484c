package transform

import "github.com/quiltdata/quilt-private-endpoints/internal/finding"

// tfSecurityGroupLimit: a function's own security groups leave no room for
// the macro's.
var tfSecurityGroupLimit = finding.Rule{
	ID:       "QPE-TF-022",
	Severity: finding.Warning,
	Title:    "no room for the macro's security groups",
	Meaning: "A function moved into the VPC already has so many security groups that adding the macro's would exceed Lambda's limit of 5, " +
		"so only the function's own are kept.",
	Remedy: "Make sure the function's security groups allow egress on TCP 443 and DNS (TCP and UDP 53), or give it fewer.",
}
