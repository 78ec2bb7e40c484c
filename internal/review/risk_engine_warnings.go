package review

import (
	"sort"

	"github.com/quiltdata/quilt-private-endpoints/internal/finding"
)

// RiskEngineWarnings: the engine's own warnings.
const RiskEngineWarnings = "engine-warnings"

var ruleEngineWarnings = finding.Rule{
	ID:       "QPE-RV-009",
	Severity: finding.Warning,
	Title:    "The engine reported warnings",
	Meaning:  "Things the macro left alone or could not decide; each one needs a look.",
	Remedy:   "Read each warning listed with this risk (its notes): each names the resource or setting and what to do.",
}

func checkEngineWarnings(c *riskInput) []finding.Finding {
	ws := append([]string{}, c.in.Warnings...)
	sort.Strings(ws)
	var fs []finding.Finding
	for _, w := range ws {
		fs = append(fs, note(ruleEngineWarnings, "", w))
	}
	return fs
}
