package transform

import "github.com/quiltdata/quilt-private-endpoints/internal/finding"

// tfSourceVpceWhitelist: literal endpoint ids in SourceVpceWhitelist.
var tfSourceVpceWhitelist = finding.Rule{
	ID:       "QPE-TF-016",
	Severity: finding.Warning,
	Title:    "literal endpoint ids in SourceVpceWhitelist",
	Meaning:  "A SAM API's Auth.ResourcePolicy.SourceVpceWhitelist lists literal endpoint ids; the macro cannot tell whether the stack's endpoint is one of them.",
	Remedy:   "Make sure the stack's execute-api endpoint is in that list, or list it by Ref.",
}
