package transform

import "github.com/quiltdata/quilt-private-endpoints/internal/finding"

// tfPublicInstance: EC2 instance with a public IP.
var tfPublicInstance = finding.Rule{
	ID:       "QPE-TF-014",
	Severity: finding.Warning,
	Title:    "EC2 instance with a public IP",
	Meaning:  "An EC2 instance or launch template asks for a public IP address (AssociatePublicIpAddress); the macro leaves EC2 instances alone.",
	Remedy:   "Set AssociatePublicIpAddress to false and use the private subnets.",
}
