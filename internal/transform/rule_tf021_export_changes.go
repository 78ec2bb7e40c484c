package transform

import "github.com/quiltdata/quilt-private-endpoints/internal/finding"

// tfExportChanges: an exported output whose value the rewrite changes.
var tfExportChanges = finding.Rule{
	ID:       "QPE-TF-021",
	Severity: finding.Warning,
	Title:    "exported value that the update changes",
	Meaning: "An exported output follows a resource the rewrite replaces (the load balancer made internal, a REST API made private), " +
		"so its value changes. If another stack imports it, CloudFormation fails the update at its end and rolls everything back.",
	Remedy: "Before the update, list the importers (aws cloudformation list-imports --export-name <name>) and update them to stop importing it; " +
		"qpe review --stack checks this against the live stack.",
	Source: "update-path.md section 4",
}
