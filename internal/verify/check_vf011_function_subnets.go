package verify

import (
	"github.com/quiltdata/quilt-private-endpoints/internal/finding"
)

func checkFunctionSubnets() finding.Check[*state] {
	c := finding.Check[*state]{Rule: finding.Rule{
		ID:       "QPE-VF-011",
		Severity: finding.Error,
		Title:    "each Lambda function uses the subnets the stack asked for",
		Meaning: "The function is in a VPC but its subnets differ from what the processed template asks (or, when the " +
			"template's value cannot be resolved, from the stack's Subnets parameter): it runs where the stack's " +
			"routes, endpoints and security groups were not checked.",
		Remedy: "Update the stack so the function's VpcConfig.SubnetIds are the private subnets (Subnets parameter); " +
			"if the function was changed by hand, the next stack update puts it back.",
	}}
	c.Run = func(st *state) []finding.Finding {
		var out []finding.Finding
		for _, f := range st.functions {
			live := f.liveSubnets()
			if len(live) == 0 || f.wantSubnets == nil {
				continue
			}
			extra, missing := setDiff(live, f.wantSubnets)
			if len(extra) == 0 && len(missing) == 0 {
				continue
			}
			out = append(out, c.New(f.name(), "",
				"Lambda function %s runs in subnets %s; %s asks for %s (unexpected: %s; missing: %s)",
				f.name(), list(live), f.subnetsFrom, list(f.wantSubnets), list(extra), list(missing)))
		}
		return out
	}
	return c
}
