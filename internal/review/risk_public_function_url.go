package review

import (
	"strings"

	"github.com/quiltdata/quilt-private-endpoints/internal/finding"
	"github.com/quiltdata/quilt-private-endpoints/internal/template"
)

// RiskPublicFunctionURL: Lambda function URLs anyone can invoke.
const RiskPublicFunctionURL = "public-function-url"

var rulePublicFunctionURL = finding.Rule{
	ID:       "QPE-RV-010",
	Severity: finding.Warning,
	Title:    "Lambda function URLs stay open to the internet",
	Meaning: "These function URLs have AuthType NONE: anyone on the internet can invoke the function, whatever the VPC. The macro " +
		"refuses them unless excluded (QPE-TF-026); these were excluded and stay public.",
	Remedy: "Set AuthType: AWS_IAM, or remove the URL and call the function through the private REST API.",
}

func checkPublicFunctionURL(c *riskInput) []finding.Finding {
	var fs []finding.Finding
	none := func(v any) bool { s, _ := v.(string); return strings.EqualFold(s, "NONE") }
	for _, id := range template.SortedKeys(c.after) {
		m, _ := c.after[id].(map[string]any)
		p, _ := m["Properties"].(map[string]any)
		switch m["Type"] {
		case "AWS::Lambda::Url":
			if none(p["AuthType"]) {
				fs = append(fs, note(rulePublicFunctionURL, id, ""))
			}
		case "AWS::Serverless::Function":
			if cfg, _ := p["FunctionUrlConfig"].(map[string]any); none(cfg["AuthType"]) {
				fs = append(fs, note(rulePublicFunctionURL, id, ""))
			}
		}
	}
	return fs
}
