package preflight

import (
	"github.com/quiltdata/quilt-private-endpoints/internal/finding"
)

// checkAWSAccess reports each inventory item that could not be read, with
// the checks it blocked (and, per bucket, QPE-S3-002 reports a bucket whose
// Region could not be read with this rule).
func checkAWSAccess() finding.Check[*inventory] {
	c := finding.Check[*inventory]{Rule: finding.Rule{
		ID:       "QPE-AWS-001",
		Severity: finding.Error,
		Title:    "AWS access",
		Meaning:  "An AWS call kept failing after the SDK's retries (permission denied, throttling, server errors, timeout, unreadable answer): the checks that needed its answer could not run. The message says which.",
		Remedy:   "Grant the Describe permission named in the message, check network access to the AWS endpoints, or give the check more time (qpe check: --timeout; the custom resource: retry the stack operation, its function's Timeout bounds the check).",
	}}
	c.Run = func(inv *inventory) []finding.Finding {
		return inv.accessFindings(c.Rule, inv.blockedTitles(Catalogue()))
	}
	return c
}
