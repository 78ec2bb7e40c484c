package updatepath

import (
	"slices"
	"strings"

	"github.com/quiltdata/quilt-private-endpoints/internal/finding"
)

// ruleCustomResource: a custom resource whose rollback Update can fail.
var ruleCustomResource = finding.Rule{
	ID:       "QPE-UP-008",
	Severity: finding.Error,
	Title:    "a custom resource whose rollback Update can fail",
	Meaning: "The update changes a custom resource's properties in place (directly, or through a Ref to a " +
		"replaced resource). On rollback CloudFormation sends it another Update with the old properties; a " +
		"handler that can fail it (re-running a migration, checking a network) leaves the stack " +
		"UPDATE_ROLLBACK_FAILED.",
	Remedy: "Keep the custom resource's properties unchanged in this update, or make its handler answer SUCCESS to " +
		"an Update during UPDATE_ROLLBACK_IN_PROGRESS (as the Private Endpoints preflight does). If a stack is " +
		"stuck: continue-update-rollback --resources-to-skip <Id>.",
	Source: "update-path.md section 1 (custom resources); issue 13",
}

func checkCustomResource(m *model) []finding.Finding {
	var fs []finding.Finding
	for _, id := range m.updatedIDs() {
		if why, bad := customResourceRollback(m, id); bad {
			fs = append(fs, ruleCustomResource.New(id, "", "%s: %s", id, why))
		}
	}
	return fs
}

// customResourceRollback: the rollback Update of a custom resource not
// known to tolerate it.
func customResourceRollback(m *model, id string) (string, bool) {
	r := m.res[id]
	if r.Action != Modify || !isCustom(r.Type) || slices.Contains(m.in.RollbackTolerant, r.Type) {
		return "", false
	}
	return "a rollback sends " + r.Type + " an Update with the old properties (" + changedPaths(r) + " changed), which its handler can fail", true
}

func isCustom(typ string) bool {
	return strings.HasPrefix(typ, "Custom::") || typ == "AWS::CloudFormation::CustomResource"
}

func changedPaths(r *Resource) string {
	var ps []string
	for _, c := range r.Changes {
		p := c.Path
		if c.Cause != "" {
			p += " (" + c.Cause + ")"
		}
		ps = append(ps, p)
	}
	return strings.Join(ps, ", ")
}
