package transform

import "github.com/quiltdata/quilt-private-endpoints/internal/template"

// passAPIWait makes each ECS task definition whose container environment
// names a REST API this run made private (the catalog's API_GATEWAY, moved to the private
// API and its vpce alias) wait for that API's stages. Otherwise the service
// starts tasks that hand browsers the new API's URL before the API has a
// stage, and every preview fails until the stage exists (the availability
// model of updatepath reports it as private-network downtime).
func passAPIWait(st *state) error {
	stages := apiStages(st.view(), func(api string) bool { return isPrivateAPI(st, api) })
	if len(stages) == 0 {
		return nil
	}
	tds := st.of("AWS::ECS::TaskDefinition")
	waits := stageWaits(st.view(), tds, stages)
	for i, id := range tds {
		if add := waits[i]; len(add) > 0 && template.AddDependsOn(st.edit(id), add...) {
			st.change("apiwait", id, "%s", waitDetail(add, whyAPIWait))
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
