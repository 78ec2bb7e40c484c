package review

import "github.com/quiltdata/quilt-private-endpoints/internal/finding"

// RiskExternalRole: functions moved into the VPC whose role is not the template's.
const RiskExternalRole = "external-role"

var ruleExternalRole = finding.Rule{
	ID:       "QPE-RV-001",
	Severity: finding.Warning,
	Title:    "Execution roles from outside the template need the ENI permissions",
	Meaning: "These functions move into the VPC but their execution role is not a role of this template, so the macro cannot attach " +
		vpcAccessPolicyName + ". Lambda needs ec2:CreateNetworkInterface, ec2:DescribeNetworkInterfaces, ec2:DeleteNetworkInterface, " +
		"ec2:AssignPrivateIpAddresses, ec2:UnassignPrivateIpAddresses and ec2:DescribeSubnets; without them the update fails with " +
		"\"The provided execution role does not have permissions to call CreateNetworkInterface on EC2\".",
	Remedy: "Attach the managed policy service-role/" + vpcAccessPolicyName + " (arn:aws:iam::aws:policy/service-role/" + vpcAccessPolicyName + ", or the same under your partition) to each role below before executing the changeset.",
}

func checkExternalRole(c *riskInput) []finding.Finding {
	var fs []finding.Finding
	for _, id := range c.moved {
		m, _ := c.after[id].(map[string]any)
		props, _ := m["Properties"].(map[string]any)
		if role, external := roleRef(props["Role"], c.after); external {
			fs = append(fs, note(ruleExternalRole, id, id+": role "+role))
		}
	}
	return fs
}
