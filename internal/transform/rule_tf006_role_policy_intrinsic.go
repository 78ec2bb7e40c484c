package transform

import "github.com/quiltdata/quilt-private-endpoints/internal/finding"

// tfRolePolicyIntrinsic: managed policies built by an intrinsic.
var tfRolePolicyIntrinsic = finding.Rule{
	ID:       "QPE-TF-006",
	Severity: finding.Warning,
	Title:    "managed policies built by an intrinsic",
	Meaning:  "The ManagedPolicyArns of a role whose functions moved into the VPC is built by an intrinsic function the macro cannot extend.",
	Remedy:   "Add arn:${AWS::Partition}:iam::aws:policy/service-role/AWSLambdaVPCAccessExecutionRole to that list yourself.",
}
