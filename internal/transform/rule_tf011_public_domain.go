package transform

import "github.com/quiltdata/quilt-private-endpoints/internal/finding"

// tfPublicDomain: public custom domain of a private API.
var tfPublicDomain = finding.Rule{
	ID:       "QPE-TF-011",
	Severity: finding.Warning,
	Title:    "public custom domain of a private API",
	Meaning:  "A BasePathMapping maps a public (edge or regional) custom domain to an API that is now private; a public custom domain cannot serve a private API.",
	Remedy:   "Use a private custom domain (AWS::ApiGateway::DomainNameV2) or the endpoint alias hostname.",
}
