package transform

import "github.com/quiltdata/quilt-private-endpoints/internal/finding"

// tfRoleUnchecked: execution role missing or not an IAM role.
var tfRoleUnchecked = finding.Rule{
	ID:       "QPE-TF-005",
	Severity: finding.Warning,
	Title:    "execution role missing or not an IAM role",
	Meaning:  "A function or canary moved into the VPC has no execution role, or its role is a resource other than AWS::IAM::Role, so the macro cannot check its VPC permissions.",
	Remedy:   "Give it an AWS::IAM::Role that grants AWSLambdaVPCAccessExecutionRole.",
}
