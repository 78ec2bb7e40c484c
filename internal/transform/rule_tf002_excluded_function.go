package transform

import "github.com/quiltdata/quilt-private-endpoints/internal/finding"

// tfExcludedFunction: function left outside the VPC by Exclude.
var tfExcludedFunction = finding.Rule{
	ID:       "QPE-TF-002",
	Severity: finding.Warning,
	Title:    "function left outside the VPC by Exclude",
	Meaning:  "The Exclude setting names this function, so it keeps running outside the VPC, on public AWS endpoints.",
	Remedy:   "Check that this is intended, or remove the function from the Exclude setting.",
}
