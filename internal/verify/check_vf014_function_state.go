package verify

import (
	"fmt"

	lambdatypes "github.com/aws/aws-sdk-go-v2/service/lambda/types"

	"github.com/quiltdata/quilt-private-endpoints/internal/finding"
)

// eniRemedy says what to do for the reason codes Lambda gives when it
// cannot create or keep a function's network interfaces.
func eniRemedy(code string, f *functionState) string {
	switch code {
	case "InsufficientRolePermissions":
		return "attach arn:aws:iam::aws:policy/service-role/AWSLambdaVPCAccessExecutionRole (ec2:CreateNetworkInterface, DescribeNetworkInterfaces, DeleteNetworkInterface, AssignPrivateIpAddresses, UnassignPrivateIpAddresses) to the execution role of " + f.logical + "; check that no SCP or permissions boundary denies these actions; then update the stack"
	case "SubnetOutOfIPAddresses":
		return "free IP addresses in the function's subnets or give the Subnets parameter larger subnets, then update the stack"
	case "EniLimitExceeded":
		return "raise the 'Network interfaces per Region' quota (Service Quotas, Amazon VPC) or delete unused ENIs, then update the stack"
	case "InvalidSubnet", "InvalidSecurityGroup":
		return "fix the subnet and security group ids of the function's VpcConfig (Subnets parameter and the template's security groups), then update the stack"
	case "VcpuLimitExceeded", "InternalError", "":
		return "update the stack again; if it persists, open an AWS support case with the function name and the reason"
	default:
		return "fix the cause named by the reason, then update the stack"
	}
}

func reason(code, why string) string {
	switch {
	case code != "" && why != "":
		return fmt.Sprintf("%s: %s", code, why)
	case code != "":
		return code
	case why != "":
		return why
	}
	return "no reason given"
}

func checkFunctionState() finding.Check[*state] {
	c := finding.Check[*state]{Rule: finding.Rule{
		ID:       "QPE-VF-014",
		Severity: finding.Error,
		Title:    "each Lambda function is Active",
		Meaning: "The function is Failed (Lambda could not create its network interfaces in the VPC: the reason is " +
			"named, e.g. InsufficientRolePermissions, SubnetOutOfIPAddresses, EniLimitExceeded) or Inactive for a " +
			"reason other than being idle (error); or still Pending while its interfaces are created (warning); " +
			"Inactive because idle is information only.",
		Remedy: "Fix the reason named in the finding (role permissions, free IPs, ENI quota, subnet or security group ids) and update the stack; for Pending, run qpe verify again in a few minutes.",
	}}
	c.Run = func(st *state) []finding.Finding {
		var out []finding.Finding
		for _, f := range st.functions {
			if f.cfg == nil {
				continue
			}
			code, why := string(f.cfg.StateReasonCode), deref(f.cfg.StateReason)
			switch f.cfg.State {
			case lambdatypes.StateActive, "":
			case lambdatypes.StatePending:
				out = append(out, c.NewSeverity(finding.Warning, f.name(),
					"wait a few minutes for Lambda to create the function's network interfaces, then run qpe verify again",
					"Lambda function %s is Pending (%s)", f.name(), reason(code, why)))
			case lambdatypes.StateInactive:
				if code == string(lambdatypes.StateReasonCodeIdle) || code == "" {
					out = append(out, c.NewSeverity(finding.Info, f.name(), "none: Lambda reactivates the function on its next invocation",
						"Lambda function %s is Inactive because it was idle (%s)", f.name(), reason(code, why)))
					continue
				}
				out = append(out, c.New(f.name(), eniRemedy(code, f),
					"Lambda function %s is Inactive and cannot be reactivated: %s", f.name(), reason(code, why)))
			default:
				out = append(out, c.New(f.name(), eniRemedy(code, f),
					"Lambda function %s is %s: %s", f.name(), f.cfg.State, reason(code, why)))
			}
		}
		return out
	}
	return c
}

func deref(p *string) string {
	if p == nil {
		return ""
	}
	return *p
}
