package transform

import "github.com/quiltdata/quilt-private-endpoints/internal/finding"

// tfConditionalVPC: VPC configuration chosen by a condition.
var tfConditionalVPC = finding.Rule{
	ID:       "QPE-TF-003",
	Severity: finding.Warning,
	Title:    "VPC configuration chosen by a condition",
	Meaning:  "A function's VpcConfig or a canary's VPCConfig is an Fn::If with a branch that puts it in no VPC; the macro keeps it as it is.",
	Remedy:   "Make sure the condition selects the branch with subnets in a private stack, or give both branches subnets.",
}
