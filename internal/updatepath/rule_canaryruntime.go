package updatepath

import (
	"github.com/quiltdata/quilt-private-endpoints/internal/finding"
)

// ruleCanaryRuntime: a Synthetics canary the update touches whose runtime
// version is deprecated, or runs on a deprecated Lambda runtime.
var ruleCanaryRuntime = finding.Rule{
	ID:       "QPE-UP-010",
	Severity: finding.Error,
	Title:    "a Synthetics canary on a deprecated runtime version",
	Meaning: "The update creates or modifies a Synthetics canary whose RuntimeVersion is deprecated. Synthetics " +
		"creates no canary on a deprecated runtime and updates an existing one only to a supported runtime, so the " +
		"update fails; if the deployed runtime is deprecated, the rollback to it fails and the stack ends " +
		"UPDATE_ROLLBACK_FAILED. A warning when the runtime has no deprecation date yet but runs on a Lambda runtime " +
		"Lambda has deprecated (syn-nodejs-puppeteer-10.0 runs on Node.js 20): Synthetics deprecates a runtime when a " +
		"component is no longer supported.",
	Remedy: "Move the canary to a supported runtime version in an update of its own first (the RuntimeVersion change " +
		"alone), then apply this one. Dates: " + canaryRuntimeSource + ".",
	Source: canaryRuntimeSource,
}

func checkCanaryRuntime(m *model) []finding.Finding {
	var fs []finding.Finding
	for _, id := range m.updatedIDs() {
		rt, ok := canaryRuntime(m.new, id)
		if !ok {
			continue
		}
		if d, bad := canaryDeprecatedOn(rt, m.today); bad {
			what := "updates it (Synthetics updates a canary on a deprecated runtime only to a supported one)"
			if m.res[id].Action != Modify {
				what = "creates it (Synthetics creates no canary on a deprecated runtime)"
			}
			fs = append(fs, ruleCanaryRuntime.New(id, "",
				"%s has RuntimeVersion %s, deprecated on %s: Synthetics refuses the update that %s", id, rt, d, what))
			continue
		}
		if why, bad := canaryRuntimeRollback(m, id); bad {
			fs = append(fs, ruleCanaryRuntime.New(id, "", "%s: %s", id, why))
			continue
		}
		if lambda, d, bad := canaryComponentDeprecated(rt, m.today); bad {
			fs = append(fs, ruleCanaryRuntime.NewSeverity(finding.Warning, id, "",
				"%s has RuntimeVersion %s, which runs on Lambda %s, deprecated by Lambda on %s: expect Synthetics to deprecate it; "+
					"from then on this canary can be updated only to a supported runtime", id, rt, lambda, d))
		}
	}
	return fs
}

// canaryRuntimeRollback: the rollback Update of a canary back to a
// deprecated runtime version.
func canaryRuntimeRollback(m *model, id string) (string, bool) {
	if m.res[id].Action != Modify {
		return "", false
	}
	rt, ok := canaryRuntime(m.old, id)
	if !ok {
		return "", false
	}
	d, bad := canaryDeprecatedOn(rt, m.today)
	if !bad {
		return "", false
	}
	return "the rollback sends the deployed RuntimeVersion " + rt + ", deprecated on " + d + ": Synthetics refuses it", true
}

// canaryRuntime is a canary's resolved RuntimeVersion.
func canaryRuntime(s *side, id string) (string, bool) {
	r := s.resources[id]
	if r == nil || r.Type != typeCanary {
		return "", false
	}
	rt, ok := r.Props["RuntimeVersion"].(string)
	return rt, ok
}
