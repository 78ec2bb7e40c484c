package review

import (
	"github.com/quiltdata/quilt-private-endpoints/internal/finding"
	"github.com/quiltdata/quilt-private-endpoints/internal/template"
)

// RiskHTTPAPIPublic: HTTP and WebSocket APIs stay public.
const RiskHTTPAPIPublic = "http-api-public"

var ruleHTTPAPIPublic = finding.Rule{
	ID:       "QPE-RV-007",
	Severity: finding.Warning,
	Title:    "HTTP and WebSocket APIs are left public",
	Meaning:  "API Gateway HTTP and WebSocket APIs cannot be private. These were excluded from the rewrite and stay reachable from the internet.",
	Remedy:   "Make sure each one has an authorizer, or move its routes to a REST API that can be private.",
}

func checkHTTPAPIPublic(c *riskInput) []finding.Finding {
	var fs []finding.Finding
	for _, id := range template.SortedKeys(c.after) {
		m, _ := c.after[id].(map[string]any)
		if typ, _ := m["Type"].(string); typ == "AWS::ApiGatewayV2::Api" || typ == "AWS::Serverless::HttpApi" {
			fs = append(fs, note(ruleHTTPAPIPublic, id, ""))
		}
	}
	return fs
}
