package updatepath

import (
	"slices"

	"github.com/quiltdata/quilt-private-endpoints/internal/finding"
)

// typeCanary is the Synthetics canary type the canary rules read.
const typeCanary = "AWS::Synthetics::Canary"

// ruleCanaryInFlight: a Synthetics canary updated in a wave where other
// resources update too.
var ruleCanaryInFlight = finding.Rule{
	ID:       "QPE-UP-009",
	Severity: finding.Error,
	Title:    "a Synthetics canary updated while other resources can still fail",
	Meaning: "The update modifies a Synthetics canary in the same wave as other resources. If one of them fails (or the " +
		"update is cancelled) while the canary is still UPDATING, CloudFormation rolls the canary back at once and the " +
		"Synthetics handler refuses it (\"Canary is already updating.\", ResourceConflict): the stack can end " +
		"UPDATE_ROLLBACK_FAILED. Once the canary's own update has finished, a later failure rolls it back cleanly.",
	Remedy: "Update the canaries last and one at a time: make each canary DependsOn every other resource the update " +
		"changes, and chain the canaries (the second DependsOn the first), so each updates alone in its own final wave. " +
		"If a rollback is refused, wait until the canary is READY or RUNNING and run continue-update-rollback (no skips).",
	Source: "cutover-and-trust.md section 3: aws-cloudformation-resource-providers-synthetics UpdateHandler.java",
}

func checkCanaryInFlight(m *model) []finding.Finding {
	var fs []finding.Finding
	for _, id := range m.updatedIDs() {
		if why, bad := canaryInFlight(m, id); bad {
			fs = append(fs, ruleCanaryInFlight.New(id, "", "%s: %s", id, why))
		}
	}
	return fs
}

// canaryInFlight: the rollback of a canary modified in a wave with other
// changed resources is refused when one of them fails while it updates.
func canaryInFlight(m *model, id string) (string, bool) {
	r := m.res[id]
	if r == nil || r.Type != typeCanary || r.Action != Modify || !r.updated() || r.Wave < 0 || r.Wave >= len(m.waves) {
		return "", false
	}
	others := slices.DeleteFunc(slices.Clone(m.waves[r.Wave]), func(x string) bool { return x == id })
	if len(others) == 0 {
		return "", false
	}
	return "it updates in wave " + itoa(r.Wave) + " beside " + joinComma(others) +
		": if one of them fails while the canary is UPDATING, its rollback is refused (\"Canary is already updating.\")", true
}
