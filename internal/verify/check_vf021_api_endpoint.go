package verify

import (
	"slices"

	"github.com/quiltdata/quilt-private-endpoints/internal/finding"
)

func (a *apiState) endpoints() []string {
	if a.api == nil || a.api.EndpointConfiguration == nil {
		return nil
	}
	return a.api.EndpointConfiguration.VpcEndpointIds
}

func checkAPIEndpoint() finding.Check[*state] {
	c := finding.Check[*state]{Rule: finding.Rule{
		ID:       "QPE-VF-021",
		Severity: finding.Error,
		Title:    "each private REST API is associated with the expected VPC endpoint",
		Meaning: "The private REST API's VpcEndpointIds do not include the execute-api endpoint the stack names: " +
			"the catalog's https://{api-id}-{vpce-id}.execute-api... address does not resolve, so the catalog cannot call the API.",
		Remedy: "Set EndpointConfiguration VpcEndpointIds to [the stack's ApiGatewayVPCEndpoint parameter] and update the stack.",
	}}
	c.Run = func(st *state) []finding.Finding {
		var out []finding.Finding
		for _, a := range st.apis {
			if !a.private() || a.wantEndpoint == "" || slices.Contains(a.endpoints(), a.wantEndpoint) {
				continue
			}
			out = append(out, c.New(a.name(), "",
				"private REST API %s is associated with VPC endpoints %s, not with %s (from %s)", a.name(), list(a.endpoints()), a.wantEndpoint, a.wantFrom))
		}
		return out
	}
	return c
}
