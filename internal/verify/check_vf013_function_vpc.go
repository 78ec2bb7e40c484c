package verify

import (
	"github.com/aws/aws-sdk-go-v2/aws"

	"github.com/quiltdata/quilt-private-endpoints/internal/finding"
)

func checkFunctionVPC() finding.Check[*state] {
	c := finding.Check[*state]{Rule: finding.Rule{
		ID:       "QPE-VF-013",
		Severity: finding.Error,
		Title:    "each Lambda function is in the stack's VPC",
		Meaning:  "The function's VpcConfig.VpcId is not the stack's VPC parameter: its subnets belong to another VPC, whose endpoints and routes the stack does not use.",
		Remedy:   "Set the Subnets parameter to subnets of the VPC parameter's VPC (or fix the VPC parameter) and update the stack.",
	}}
	c.Run = func(st *state) []finding.Finding {
		var out []finding.Finding
		for _, f := range st.functions {
			if len(f.liveSubnets()) == 0 || st.vpcID == "" {
				continue
			}
			if got := aws.ToString(f.cfg.VpcConfig.VpcId); got != "" && got != st.vpcID {
				out = append(out, c.New(f.name(), "",
					"Lambda function %s runs in %s, not in the stack's VPC %s", f.name(), got, st.vpcID))
			}
		}
		return out
	}
	return c
}
