package review

import (
	"sort"

	"github.com/quiltdata/quilt-private-endpoints/internal/finding"
)

// RiskNATPerimeter: calls through the NAT and a data perimeter.
const RiskNATPerimeter = "nat-perimeter"

var ruleNATPerimeter = finding.Rule{
	ID:       "QPE-RV-006",
	Severity: finding.Warning,
	Title:    "A data perimeter that does not list the NAT's public IPs denies calls that leave through the NAT",
	Meaning: "These now run on private IPs and reach AWS services through the NAT gateway unless a VPC endpoint serves them. Calls " +
		"through the NAT carry the NAT's Elastic IP as aws:SourceIp and no aws:SourceVpc: an SCP or bucket policy that allows only " +
		"corporate CIDRs or listed VPCs denies them. A perimeter wider than S3 also denies Lambda's own ENI management " +
		"(ec2:CreateNetworkInterface with the execution role, made by the Lambda service from AWS's network) unless the role is exempt.",
	Remedy: "List the NAT gateways' Elastic IPs in the perimeter's aws:SourceIp, or serve the calls through VPC endpoints and list the VPC in aws:SourceVpc (qpe check, qpe perimeter).",
}

func checkNATPerimeter(c *riskInput) []finding.Finding {
	natty := append([]string{}, c.moved...)
	for _, res := range c.r.Resources {
		if res.Action != ActionModify {
			continue
		}
		switch res.Type {
		case "AWS::ECS::Service":
			if touches(res, "NetworkConfiguration") {
				natty = append(natty, res.LogicalID)
			}
		case "AWS::Synthetics::Canary":
			if touches(res, "VPCConfig") {
				natty = append(natty, res.LogicalID)
			}
		}
	}
	sort.Strings(natty)
	var fs []finding.Finding
	for _, id := range natty {
		fs = append(fs, note(ruleNATPerimeter, id, ""))
	}
	return fs
}
