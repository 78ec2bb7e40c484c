package verify

import (
	"strings"

	"github.com/quiltdata/quilt-private-endpoints/internal/finding"
)

func checkExpectations() finding.Check[*state] {
	c := finding.Check[*state]{Rule: finding.Rule{
		ID:       "QPE-VF-002",
		Severity: finding.Warning,
		Title:    "the stack's network parameters",
		Meaning: "The stack has no VPC or Subnets parameter, or no execute-api endpoint (ApiGatewayVPCEndpointId or " +
			"ApiGatewayVPCEndpoint parameter, a literal in the processed template, or --api-endpoint): the checks that " +
			"compare against them are skipped.",
		Remedy: "Verify a stack deployed with Private Endpoints (its template declares VPC, Subnets and the endpoint " +
			"parameter), or give the endpoint with --api-endpoint vpce-...",
	}}
	c.Run = func(st *state) []finding.Finding {
		var missing []string
		if st.vpcID == "" {
			missing = append(missing, st.vpcParam)
		}
		if len(st.subnets) == 0 {
			missing = append(missing, st.subnetsParam)
		}
		var out []finding.Finding
		if len(missing) > 0 {
			out = append(out, c.New(st.stackName, "",
				"stack %s has no %s parameter value: the network preflight is skipped and function subnets are compared with the template only",
				st.stackName, strings.Join(missing, " or ")))
		}
		if st.endpointID == "" && len(st.apis) > 0 {
			known := false
			for _, a := range st.apis {
				known = known || a.wantEndpoint != ""
			}
			if !known {
				out = append(out, c.New(st.stackName, "",
					"stack %s names no execute-api VPC endpoint (no %s parameter, none in the template): the REST API's endpoint and policy are checked against the endpoints attached to it",
					st.stackName, strings.Join(endpointParams(), " or ")))
			}
		}
		return out
	}
	return c
}
