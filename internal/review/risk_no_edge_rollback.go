package review

import "github.com/quiltdata/quilt-private-endpoints/internal/finding"

// RiskNoEdgeRollback: a REST API made PRIVATE cannot go back to EDGE.
const RiskNoEdgeRollback = "no-edge-rollback"

var ruleNoEdgeRollback = finding.Rule{
	ID:       "QPE-RV-002",
	Severity: finding.Warning,
	Title:    "Turning the feature off later: a PRIVATE API can go back to REGIONAL, not to EDGE",
	Meaning: "API Gateway changes an endpoint type in place from EDGE or REGIONAL to PRIVATE, and from PRIVATE to REGIONAL, " +
		"but not from PRIVATE to EDGE. Removing Private Endpoints later leaves these APIs REGIONAL; getting EDGE back means a new API " +
		"(a new id and default hostname).",
	Remedy: "Keep a record of each API's previous endpoint type (listed here); to turn the feature off, plan for REGIONAL (GovCloud already uses REGIONAL).",
}

// checkPrivateAPIs reports the REST APIs the change makes PRIVATE, in
// place, added, or under a new logical id (the Quilt rewrite's ApiPrivate
// takes over Api), with their endpoint type before (for the rules that need only the ids, the
// notes are dropped by the caller's rule).
func checkPrivateAPIs(c *riskInput) []finding.Finding {
	var fs []finding.Finding
	for _, res := range c.r.Resources {
		if res.Action != ActionModify && res.Action != ActionAdd && res.Action != ActionRename {
			continue // a renamed API (ApiPrivate for Api) is made private too
		}
		if before, ok := becamePrivate(res, c.after); ok {
			text := ""
			if before != "" {
				text = res.LogicalID + ": endpoint type was " + before
			}
			fs = append(fs, note(ruleNoEdgeRollback, res.LogicalID, text))
		}
	}
	return fs
}
