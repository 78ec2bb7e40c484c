package verify

import (
	"slices"

	apigwtypes "github.com/aws/aws-sdk-go-v2/service/apigateway/types"

	"github.com/quiltdata/quilt-private-endpoints/internal/finding"
)

func (a *apiState) types() []apigwtypes.EndpointType {
	if a.api == nil || a.api.EndpointConfiguration == nil {
		return nil
	}
	return a.api.EndpointConfiguration.Types
}

func (a *apiState) private() bool {
	return slices.Contains(a.types(), apigwtypes.EndpointTypePrivate)
}

func checkAPIPrivate() finding.Check[*state] {
	c := finding.Check[*state]{Rule: finding.Rule{
		ID:       "QPE-VF-020",
		Severity: finding.Error,
		Title:    "each REST API is PRIVATE",
		Meaning:  "The REST API's endpoint type is not PRIVATE (EDGE or REGIONAL): it is reachable from the internet.",
		Remedy: "Set EndpointConfiguration Types: [PRIVATE] with VpcEndpointIds: [the execute-api endpoint] (the Private " +
			"Endpoints macro does it) and update the stack; the change takes effect with a new deployment.",
	}}
	c.Run = func(st *state) []finding.Finding {
		var out []finding.Finding
		for _, a := range st.apis {
			if a.api == nil || a.private() {
				continue
			}
			var names []string
			for _, t := range a.types() {
				names = append(names, string(t))
			}
			out = append(out, c.New(a.name(), "",
				"REST API %s has endpoint type %s, not PRIVATE: it is reachable from the internet", a.name(), list(names)))
		}
		return out
	}
	return c
}
