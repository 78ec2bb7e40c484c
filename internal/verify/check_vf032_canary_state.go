package verify

import (
	"github.com/aws/aws-sdk-go-v2/aws"
	syntypes "github.com/aws/aws-sdk-go-v2/service/synthetics/types"

	"github.com/quiltdata/quilt-private-endpoints/internal/finding"
)

func checkCanaryState() finding.Check[*state] {
	c := finding.Check[*state]{Rule: finding.Rule{
		ID:       "QPE-VF-032",
		Severity: finding.Error,
		Title:    "each Synthetics canary is running",
		Meaning: "The canary is in state ERROR (error), or is not RUNNING (STOPPED, READY, CREATING...: warning), so " +
			"its runs do not watch the stack.",
		Remedy: "For ERROR, fix the reason named (often the canary's role or its VPC access) and update the stack; " +
			"otherwise start it: aws synthetics start-canary --name <name>.",
	}}
	c.Run = func(st *state) []finding.Finding {
		var out []finding.Finding
		for _, cn := range st.canaries {
			if cn.canary == nil || cn.canary.Status == nil {
				continue
			}
			state := cn.canary.Status.State
			why := aws.ToString(cn.canary.Status.StateReason)
			switch state {
			case syntypes.CanaryStateRunning:
			case syntypes.CanaryStateError:
				out = append(out, c.New(cn.name(), "",
					"canary %s is in state ERROR: %s", cn.name(), reason(string(cn.canary.Status.StateReasonCode), why)))
			default:
				out = append(out, c.NewSeverity(finding.Warning, cn.name(),
					"start it: aws synthetics start-canary --name "+cn.physical,
					"canary %s is %s, not RUNNING: it does not watch the stack", cn.name(), state))
			}
		}
		return out
	}
	return c
}
