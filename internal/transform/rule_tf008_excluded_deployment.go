package transform

import "github.com/quiltdata/quilt-private-endpoints/internal/finding"

// tfExcludedDeployment: excluded deployment of a changed API.
var tfExcludedDeployment = finding.Rule{
	ID:       "QPE-TF-008",
	Severity: finding.Warning,
	Title:    "excluded deployment of a changed API",
	Meaning:  "The Exclude setting names a deployment of a REST API the macro made private, so it keeps its logical id and the change is not deployed.",
	Remedy:   "Deploy the API's stage again after the update, or remove the deployment from the Exclude setting.",
}
