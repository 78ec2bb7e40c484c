package transform

import "github.com/quiltdata/quilt-private-endpoints/internal/finding"

// tfEdgeFunction: Lambda@Edge function left outside the VPC.
var tfEdgeFunction = finding.Rule{
	ID:       "QPE-TF-001",
	Severity: finding.Warning,
	Title:    "Lambda@Edge function left outside the VPC",
	Meaning:  "A function that a CloudFront distribution uses as Lambda@Edge cannot run in a VPC, so the macro leaves it outside.",
	Remedy:   "Nothing to do: Lambda@Edge cannot run in a VPC. Check that it reaches only public endpoints.",
}
