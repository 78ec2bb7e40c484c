package updatepath

import (
	"github.com/quiltdata/quilt-private-endpoints/internal/finding"
)

// ruleRuntime: a Lambda function the update touches whose runtime Lambda
// no longer accepts.
var ruleRuntime = finding.Rule{
	ID:       "QPE-UP-006",
	Severity: finding.Error,
	Title:    "a Lambda function whose runtime is past its block date",
	Meaning: "The update modifies a Lambda function whose runtime is past Lambda's block-update date (or creates " +
		"one past block-create). CloudFormation sends Runtime with every update, so the update fails " +
		"(InvalidParameterValueException); if the deployed runtime is past it, the rollback to it fails and the " +
		"stack ends UPDATE_ROLLBACK_FAILED.",
	Remedy: "Move the function to a supported runtime in an update of its own first (the runtime change alone), " +
		"then apply this one. Dates: " + runtimeSource + ".",
	Source: runtimeSource,
}

func checkRuntime(m *model) []finding.Finding {
	var fs []finding.Finding
	for _, id := range m.updatedIDs() {
		r := m.res[id]
		rt, ok := lambdaRuntime(m.new, id)
		if !ok {
			continue
		}
		create := r.Action != Modify
		if d, bad := blocked(rt, m.today, create); bad {
			what := "updates"
			if create {
				what = "creates"
			}
			fs = append(fs, ruleRuntime.New(id, "",
				"%s has runtime %s, whose block date (%s) has passed: Lambda refuses the update that %s it", id, rt, d, what))
			continue
		}
		if why, bad := runtimeRollback(m, id); bad {
			fs = append(fs, ruleRuntime.New(id, "", "%s: %s", id, why))
		}
	}
	return fs
}

// runtimeRollback: the rollback Update of a function back to a runtime
// past block-update.
func runtimeRollback(m *model, id string) (string, bool) {
	if m.res[id].Action != Modify {
		return "", false
	}
	rt, ok := lambdaRuntime(m.old, id)
	if !ok {
		return "", false
	}
	d, bad := blocked(rt, m.today, false)
	if !bad {
		return "", false
	}
	return "the rollback sends the deployed runtime " + rt + ", past its block-update date " + d + ": Lambda refuses it", true
}

// lambdaRuntime is a function's resolved Runtime.
func lambdaRuntime(s *side, id string) (string, bool) {
	r := s.resources[id]
	if r == nil || (r.Type != "AWS::Lambda::Function" && r.Type != "AWS::Serverless::Function") {
		return "", false
	}
	rt, ok := r.Props["Runtime"].(string)
	return rt, ok
}
