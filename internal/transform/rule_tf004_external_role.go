package transform

import "github.com/quiltdata/quilt-private-endpoints/internal/finding"

// tfExternalRole: execution role defined outside the template.
var tfExternalRole = finding.Rule{
	ID:       "QPE-TF-004",
	Severity: finding.Warning,
	Title:    "execution role defined outside the template",
	Meaning:  "A function moved into the VPC runs with a role the template does not define, so the macro cannot give it the network-interface permissions.",
	Remedy:   "Attach the managed policy AWSLambdaVPCAccessExecutionRole (or ec2:CreateNetworkInterface, ec2:DescribeNetworkInterfaces, ec2:DeleteNetworkInterface) to that role yourself.",
}
