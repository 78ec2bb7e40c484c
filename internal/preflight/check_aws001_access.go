package preflight

import (
	"github.com/quiltdata/quilt-private-endpoints/internal/finding"
)

// checkAWSAccess is the catalogue entry of the findings Run makes when an
// AWS call keeps failing; they are built by inventory.accessFindings (and
// per bucket by QPE-S3-002), not by a run function.
func checkAWSAccess() Check {
	return Check{
		ID:       "QPE-AWS-001",
		Severity: finding.Error,
		Title:    "AWS access",
		Meaning:  "An AWS call kept failing after the SDK's retries (permission denied, throttling, server errors, timeout, unreadable answer): the checks that needed its answer could not run. The message says which.",
		Remedy:   "Grant the Describe permission named in the message, check network access to the AWS endpoints, or run again with a longer --timeout.",
	}
}
