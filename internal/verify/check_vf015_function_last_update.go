package verify

import (
	lambdatypes "github.com/aws/aws-sdk-go-v2/service/lambda/types"

	"github.com/quiltdata/quilt-private-endpoints/internal/finding"
)

func checkFunctionLastUpdate() finding.Check[*state] {
	c := finding.Check[*state]{Rule: finding.Rule{
		ID:       "QPE-VF-015",
		Severity: finding.Error,
		Title:    "each Lambda function's last update succeeded",
		Meaning: "The function's last configuration update (such as attaching it to the VPC) failed, with the reason " +
			"named, so it still runs its previous configuration (error); or the update is still in progress (warning).",
		Remedy: "Fix the reason named in the finding and update the stack again; for InProgress, run qpe verify again in a few minutes.",
	}}
	c.Run = func(st *state) []finding.Finding {
		var out []finding.Finding
		for _, f := range st.functions {
			if f.cfg == nil {
				continue
			}
			code, why := string(f.cfg.LastUpdateStatusReasonCode), deref(f.cfg.LastUpdateStatusReason)
			switch f.cfg.LastUpdateStatus {
			case lambdatypes.LastUpdateStatusFailed:
				out = append(out, c.New(f.name(), eniRemedy(code, f),
					"the last update of Lambda function %s failed: %s", f.name(), reason(code, why)))
			case lambdatypes.LastUpdateStatusInProgress:
				out = append(out, c.NewSeverity(finding.Warning, f.name(),
					"wait a few minutes, then run qpe verify again",
					"an update of Lambda function %s is in progress (%s)", f.name(), reason(code, why)))
			}
		}
		return out
	}
	return c
}
