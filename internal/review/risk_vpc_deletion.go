package review

import "github.com/quiltdata/quilt-private-endpoints/internal/finding"

// RiskVPCDeletion: deleting functions in a VPC is slow.
const RiskVPCDeletion = "vpc-function-deletion"

var ruleVPCDeletion = finding.Rule{
	ID:       "QPE-RV-005",
	Severity: finding.Warning,
	Title:    "Deleting VPC-attached functions can take 20-45 minutes",
	Meaning: "Once these functions are in the VPC, deleting them (stack deletion, a rollback, turning the feature off) waits for Lambda to " +
		"release their network interfaces: 20-45 minutes, with the stack showing DELETE_IN_PROGRESS.",
	Remedy: "Allow for it in maintenance windows and rollbacks; do not cancel or retry the stack operation meanwhile.",
}

func checkVPCDeletion(c *riskInput) []finding.Finding {
	var fs []finding.Finding
	for _, id := range c.moved {
		fs = append(fs, note(ruleVPCDeletion, id, ""))
	}
	return fs
}
