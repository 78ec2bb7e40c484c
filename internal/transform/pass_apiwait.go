package transform

import (
	"slices"
	"strings"

	"github.com/quiltdata/quilt-private-endpoints/internal/template"
)

// passAPIWait makes each ECS task definition whose container environment
// names a REST API this run made private (the catalog's API_GATEWAY, moved to the private
// API and its vpce alias) wait for that API's stages. Otherwise the service
// starts tasks that hand browsers the new API's URL before the API has a
// stage, and every preview fails until the stage exists (the availability
// model of updatepath reports it as private-network downtime).
func passAPIWait(st *state) error {
	stages := map[string][]string{} // private API -> its unconditional stages
	for _, id := range st.ofType("AWS::ApiGateway::Stage") {
		if st.resource(id)["Condition"] != nil {
			continue
		}
		if api, ok := template.Ref(st.props(id)["RestApiId"]); ok && isPrivateAPI(st, api) {
			stages[api] = append(stages[api], id)
		}
	}
	if len(stages) == 0 {
		return nil
	}
	g := template.NewGraph(st.ids, depsOf(st))
	for _, id := range st.of("AWS::ECS::TaskDefinition") {
		var apis []string
		cds, _ := st.props(id)["ContainerDefinitions"].([]any)
		for _, cd := range cds {
			c, _ := cd.(map[string]any)
			envs, _ := c["Environment"].([]any)
			for _, e := range envs {
				em, _ := e.(map[string]any)
				for _, ref := range template.ReferencedIDs(em["Value"]) {
					if len(stages[ref]) > 0 && !slices.Contains(apis, ref) {
						apis = append(apis, ref)
					}
				}
			}
		}
		up := g.Upstream(id)
		var add []string
		for _, api := range apis {
			for _, s := range stages[api] {
				if !up[s] && !g.Upstream(s)[id] {
					add = append(add, s)
				}
			}
		}
		if len(add) > 0 && template.AddDependsOn(st.edit(id), add...) {
			st.change("apiwait", id, "DependsOn += %s (its tasks call the private API: they start once it has a stage)", strings.Join(add, ", "))
		}
	}
	return nil
}

// isPrivateAPI reports whether this run made a REST API private (under
// its new logical id): an API that was private already has its stage.
func isPrivateAPI(st *state, id string) bool {
	if st.typeOf(id) != "AWS::ApiGateway::RestApi" {
		return false
	}
	if resNewAPIs.of(st).Has(id) {
		return true
	}
	renamed := resRenamed.of(st)
	for _, old := range renamed.Olds() {
		if nu, _ := renamed.Get(old); nu == id && resNewAPIs.of(st).Has(old) {
			return true
		}
	}
	return false
}
