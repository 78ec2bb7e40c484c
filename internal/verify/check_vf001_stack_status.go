package verify

import (
	"strings"

	"github.com/quiltdata/quilt-private-endpoints/internal/finding"
)

func checkStackStatus() finding.Check[*state] {
	c := finding.Check[*state]{Rule: finding.Rule{
		ID:       "QPE-VF-001",
		Severity: finding.Error,
		Title:    "the stack's last operation",
		Meaning: "The stack's last create or update failed or was rolled back, so the stack runs its previous " +
			"configuration (error); or an operation is still in progress, so what is read may change (warning).",
		Remedy: "Read the stack events (aws cloudformation describe-stack-events), fix the first failure and deploy again; " +
			"for an operation in progress, run qpe verify again when it completes.",
	}}
	c.Run = func(st *state) []finding.Finding {
		s := st.stackStatus
		why := ""
		if st.statusWhy != "" {
			why = ": " + st.statusWhy
		}
		switch {
		case strings.HasSuffix(s, "_FAILED") || strings.Contains(s, "ROLLBACK"):
			return []finding.Finding{c.New(st.stackName, "",
				"stack %s is %s%s: the last change did not apply, the stack runs its previous configuration", st.stackName, s, why)}
		case strings.HasSuffix(s, "_IN_PROGRESS"):
			return []finding.Finding{c.NewSeverity(finding.Warning, st.stackName,
				"wait for the operation to complete (aws cloudformation wait stack-update-complete --stack-name "+st.stackName+"), then run qpe verify again",
				"stack %s is %s: resources may still change", st.stackName, s)}
		}
		return nil
	}
	return c
}
