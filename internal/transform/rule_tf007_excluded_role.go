package transform

import "github.com/quiltdata/quilt-private-endpoints/internal/finding"

// tfExcludedRole: excluded role of a function in the VPC.
var tfExcludedRole = finding.Rule{
	ID:       "QPE-TF-007",
	Severity: finding.Warning,
	Title:    "excluded role of a function in the VPC",
	Meaning:  "The Exclude setting names the execution role of functions that now run in the VPC, so the macro does not add the VPC permissions to it.",
	Remedy:   "Grant AWSLambdaVPCAccessExecutionRole to that role yourself, or remove it from the Exclude setting.",
}
