package updatepath

import (
	"github.com/quiltdata/quilt-private-endpoints/internal/finding"
)

// rules is the catalogue of the update-path constraints, one file each
// (rule_*.go).
func rules() finding.Catalogue[*model] {
	return finding.NewCatalogue(
		finding.Check[*model]{Rule: ruleIrreversible, Run: checkIrreversible},
		finding.Check[*model]{Rule: ruleTargetGroup, Run: checkTargetGroup},
		finding.Check[*model]{Rule: ruleExport, Run: checkExport},
		finding.Check[*model]{Rule: ruleFixedName, Run: checkFixedName},
		finding.Check[*model]{Rule: ruleData, Run: checkData},
		finding.Check[*model]{Rule: ruleRuntime, Run: checkRuntime},
		finding.Check[*model]{Rule: ruleGeofence, Run: checkGeofence},
		finding.Check[*model]{Rule: ruleCustomResource, Run: checkCustomResource},
		finding.Check[*model]{Rule: ruleCanaryInFlight, Run: checkCanaryInFlight},
		finding.Check[*model]{Rule: ruleCanaryRuntime, Run: checkCanaryRuntime},
		finding.Check[*model]{Rule: ruleDroppedTransform, Run: checkDroppedTransform},
		finding.Check[*model]{Rule: ruleReplacesOwned, Run: checkReplacesOwned},
	)
}

// Rules lists the update-path constraint rules, in id order (for the
// README and docs/rollout.md).
func Rules() []finding.Rule { return rules().Rules() }

// rollbackConstraint is a rule that can make one resource's rollback step
// impossible; blocks says why.
type rollbackConstraint struct {
	rule   finding.Rule
	blocks func(m *model, id string) (why string, bad bool)
}

// rollbackConstraints are consulted for every changed resource's rollback
// step, in this order.
var rollbackConstraints = []rollbackConstraint{
	{ruleIrreversible, irreversibleRollback},
	{ruleRuntime, runtimeRollback},
	{ruleCustomResource, customResourceRollback},
	{ruleCanaryRuntime, canaryRuntimeRollback},
}

// updatedIDs lists the resources the update changes, sorted.
func (m *model) updatedIDs() []string {
	var out []string
	for _, id := range m.sortedIDs() {
		if r := m.res[id]; r.Action != Remove && r.updated() {
			out = append(out, id)
		}
	}
	return out
}
