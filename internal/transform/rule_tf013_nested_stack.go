package transform

import "github.com/quiltdata/quilt-private-endpoints/internal/finding"

// tfNestedStack: nested stack not rewritten.
var tfNestedStack = finding.Rule{
	ID:       "QPE-TF-013",
	Severity: finding.Warning,
	Title:    "nested stack not rewritten",
	Meaning:  "The macro sees only this template: the functions and APIs of a nested stack stay as they are.",
	Remedy:   "Add the QuiltPrivateEndpoints transform to the nested template too, with the same settings.",
}
