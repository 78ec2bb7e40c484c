package transform

import "github.com/quiltdata/quilt-private-endpoints/internal/finding"

// tfExecuteAPIDisabled: execute-api endpoint disabled on a private API.
var tfExecuteAPIDisabled = finding.Rule{
	ID:       "QPE-TF-010",
	Severity: finding.Warning,
	Title:    "execute-api endpoint disabled on a private API",
	Meaning:  "A private API with DisableExecuteApiEndpoint answers only on a private custom domain name, not through the endpoint alias.",
	Remedy:   "Remove DisableExecuteApiEndpoint, or give the API an AWS::ApiGateway::DomainNameV2 with an access association for the endpoint.",
}
