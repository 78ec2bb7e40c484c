package verify

import (
	"github.com/quiltdata/quilt-private-endpoints/internal/finding"
)

// liveSubnets returns the function's live subnets (nil outside a VPC).
func (f *functionState) liveSubnets() []string {
	if f.cfg == nil || f.cfg.VpcConfig == nil {
		return nil
	}
	return f.cfg.VpcConfig.SubnetIds
}

func checkFunctionInVPC() finding.Check[*state] {
	c := finding.Check[*state]{Rule: finding.Rule{
		ID:       "QPE-VF-010",
		Severity: finding.Error,
		Title:    "each Lambda function is attached to a VPC",
		Meaning: "The function's live configuration has no VpcConfig subnets: it runs outside the VPC, reaches AWS " +
			"and the catalog over the internet, and is not behind the private endpoints. An error when the processed " +
			"template asks for a VpcConfig (or the template could not be read); a warning when the template leaves the " +
			"function out on purpose (the macro's Exclude setting).",
		Remedy: "Give the function VpcConfig (SubnetIds: !Ref Subnets, SecurityGroupIds) in the template, or let the " +
			"Private Endpoints macro add it (remove it from Exclude), and update the stack; its role needs AWSLambdaVPCAccessExecutionRole.",
	}}
	c.Run = func(st *state) []finding.Finding {
		var out []finding.Finding
		for _, f := range st.functions {
			if f.cfg == nil || len(f.liveSubnets()) > 0 {
				continue
			}
			if f.templateVPC {
				out = append(out, c.New(f.name(),
					"the template asks for a VpcConfig that the live function lacks: update the stack again, or look in the stack events for why the update of "+f.logical+" did not apply",
					"Lambda function %s is not attached to a VPC although the processed template gives it a VpcConfig", f.name()))
				continue
			}
			if st.template != nil {
				out = append(out, c.NewSeverity(finding.Warning, f.name(),
					"if the function must stay public, nothing to do; otherwise remove "+f.logical+" from the macro's Exclude setting (or give it a VpcConfig) and update the stack",
					"Lambda function %s is not attached to a VPC, and the processed template leaves it out (Exclude setting or no VpcConfig)", f.name()))
				continue
			}
			out = append(out, c.New(f.name(), "",
				"Lambda function %s is not attached to a VPC (the processed template could not be read to tell whether it is meant to be)", f.name()))
		}
		return out
	}
	return c
}
