package verify

import (
	"github.com/quiltdata/quilt-private-endpoints/internal/finding"
)

func checkFunctionSecurityGroups() finding.Check[*state] {
	c := finding.Check[*state]{Rule: finding.Rule{
		ID:       "QPE-VF-012",
		Severity: finding.Error,
		Title:    "each Lambda function uses the security groups the template asked for",
		Meaning: "The function's live security groups differ from the ones its VpcConfig in the processed template " +
			"names (parameters and the stack's own security groups resolved to their ids). Functions in a VPC with " +
			"no security group are reported too.",
		Remedy: "Update the stack so the function's VpcConfig.SecurityGroupIds are the template's (e.g. the outbound " +
			"security group allowing 443 and 53); do not change them by hand.",
	}}
	c.Run = func(st *state) []finding.Finding {
		var out []finding.Finding
		for _, f := range st.functions {
			if len(f.liveSubnets()) == 0 {
				continue
			}
			live := f.cfg.VpcConfig.SecurityGroupIds
			if len(live) == 0 {
				out = append(out, c.New(f.name(), "",
					"Lambda function %s is in a VPC with no security group", f.name()))
				continue
			}
			if f.wantGroups == nil {
				continue
			}
			extra, missing := setDiff(live, f.wantGroups)
			if len(extra) == 0 && len(missing) == 0 {
				continue
			}
			out = append(out, c.New(f.name(), "",
				"Lambda function %s has security groups %s; the processed template asks for %s (unexpected: %s; missing: %s)",
				f.name(), list(live), list(f.wantGroups), list(extra), list(missing)))
		}
		return out
	}
	return c
}
