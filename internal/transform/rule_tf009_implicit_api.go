package transform

import "github.com/quiltdata/quilt-private-endpoints/internal/finding"

// tfImplicitAPI: SAM implicit REST API.
var tfImplicitAPI = finding.Rule{
	ID:       "QPE-TF-009",
	Severity: finding.Warning,
	Title:    "SAM implicit REST API",
	Meaning:  "A SAM function's Api event without RestApiId creates SAM's implicit ServerlessRestApi, which the macro does not see and cannot make private.",
	Remedy:   "Declare an AWS::Serverless::Api and set the event's RestApiId to it.",
}
