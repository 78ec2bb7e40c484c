package transform

import (
	"fmt"
	"strings"

	"github.com/quiltdata/quilt-private-endpoints/internal/template"
)

// passHTTPAPI refuses HTTP and WebSocket APIs, which cannot be private,
// unless they are excluded. SAM functions with HttpApi events (which create
// an implicit HTTP API) are refused too.
func passHTTPAPI(st *state) error {
	var bad []string
	bad = append(bad, st.of("AWS::ApiGatewayV2::Api", "AWS::Serverless::HttpApi")...)
	for _, id := range st.of("AWS::Serverless::Function") {
		events, _ := st.props(id)["Events"].(map[string]any)
		for _, name := range template.SortedKeys(events) {
			ev, _ := events[name].(map[string]any)
			if t, _ := ev["Type"].(string); t == "HttpApi" {
				if p, _ := ev["Properties"].(map[string]any); p == nil || p["ApiId"] == nil {
					bad = append(bad, fmt.Sprintf("%s (event %s)", id, name))
				}
			}
		}
	}
	if len(bad) == 0 {
		return nil
	}
	return &Error{
		Resource: strings.Join(bad, ", "),
		Message:  "HTTP and WebSocket APIs (API Gateway v2) cannot be private",
		Remedy:   "replace them with a REST API (AWS::ApiGateway::RestApi), or list them in the Exclude setting to leave them public",
	}
}
