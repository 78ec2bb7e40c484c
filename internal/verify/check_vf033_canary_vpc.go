package verify

import (
	"github.com/quiltdata/quilt-private-endpoints/internal/finding"
)

func checkCanaryVPC() finding.Check[*state] {
	c := finding.Check[*state]{Rule: finding.Rule{
		ID:       "QPE-VF-033",
		Severity: finding.Error,
		Title:    "each Synthetics canary is attached to the VPC the template asks for",
		Meaning: "The processed template gives the canary a VPCConfig (the Private Endpoints macro does, so that it " +
			"can reach the internal catalog and the private API) but the live canary runs outside the VPC or in " +
			"other subnets: its runs fail or test the wrong path.",
		Remedy: "Update the stack so the canary's VPCConfig (SubnetIds: !Ref Subnets, SecurityGroupIds) applies; " +
			"the canary's role needs the same ENI permissions as a Lambda function in a VPC.",
	}}
	c.Run = func(st *state) []finding.Finding {
		var out []finding.Finding
		for _, cn := range st.canaries {
			if cn.canary == nil || cn.wantSubnets == nil {
				continue
			}
			var live []string
			if cn.canary.VpcConfig != nil {
				live = cn.canary.VpcConfig.SubnetIds
			}
			if len(live) == 0 {
				out = append(out, c.New(cn.name(), "",
					"canary %s runs outside the VPC although the processed template attaches it to subnets %s", cn.name(), list(cn.wantSubnets)))
				continue
			}
			if extra, missing := setDiff(live, cn.wantSubnets); len(extra)+len(missing) > 0 {
				out = append(out, c.New(cn.name(), "",
					"canary %s runs in subnets %s; the processed template asks for %s (unexpected: %s; missing: %s)",
					cn.name(), list(live), list(cn.wantSubnets), list(extra), list(missing)))
			}
		}
		return out
	}
	return c
}
