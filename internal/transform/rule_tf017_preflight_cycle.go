package transform

import "github.com/quiltdata/quilt-private-endpoints/internal/finding"

// tfPreflightCycle: resource created before the network check.
var tfPreflightCycle = finding.Rule{
	ID:       "QPE-TF-017",
	Severity: finding.Warning,
	Title:    "resource created before the network check",
	Meaning:  "The preflight resource depends on this resource (DependsOn or a reference), so it cannot also wait for the preflight without a circular dependency: it is created before the network is checked.",
	Remedy:   "Nothing, or make the preflight not depend on the resource.",
}
