package transform

import "github.com/quiltdata/quilt-private-endpoints/internal/finding"

// tfSAMPolicyRedeploy: SAM API policy changed without a redeploy.
var tfSAMPolicyRedeploy = finding.Rule{
	ID:       "QPE-TF-015",
	Severity: finding.Warning,
	Title:    "SAM API policy changed without a redeploy",
	Meaning:  "The macro changed a SAM API's Policy property, but SAM deploys the API again only when its OpenAPI definition changes, so the old policy can stay in effect.",
	Remedy:   "Set AlwaysDeploy: true on the API, or deploy its stage again after the update.",
}
