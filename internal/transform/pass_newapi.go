package transform

// passNewAPI gives each REST API whose endpoint type this run changes to
// PRIVATE a new logical id, <old id>Private. API Gateway refuses to turn a
// PRIVATE API back into an EDGE one, so the in-place change could not be
// rolled back: a failure anywhere later in the update would leave the stack
// in UPDATE_ROLLBACK_FAILED. A new API is created PRIVATE; a rollback
// deletes it, and the old API serves until the cleanup deletes it after a
// successful update. Every reference follows the new id, so the API's
// resources, methods, deployment, stage and permissions (whose RestApiId,
// ParentId or SourceArn are create-only) are replaced along with it. Its
// stages, models and request validators get new ids too (<old id>Private):
// their names are the old ones', unique within an API, and as new
// resources (rather than replacements keeping a name) nothing can mistake
// them for a name clash.
func passNewAPI(st *state) error {
	ids := resNewAPIs.of(st).Sorted()
	renames := map[string]string{}
	for _, id := range ids {
		renames[id] = st.freeID(id, "Private", renames)
	}
	children := map[string]string{}
	for _, c := range st.of(namedAPIChildren...) {
		for _, api := range ids {
			if refersTo(st.props(c)["RestApiId"], api) {
				children[c] = st.freeID(c, "Private", mergeRenames(renames, children))
			}
		}
	}
	st.renameResources("newapi", renames,
		"new private REST API replacing %s: a rollback deletes it (an in-place change to PRIVATE could not be rolled back from EDGE), and the old API serves until the cleanup deletes it")
	st.renameResources("newapi", children, "renamed from %s with its new private REST API (the old one goes with the old API in the cleanup)")
	return nil
}

// namedAPIChildren are the API Gateway types that belong to one REST API
// and carry a name unique within it.
var namedAPIChildren = []string{"AWS::ApiGateway::Stage", "AWS::ApiGateway::Model", "AWS::ApiGateway::RequestValidator"}

func mergeRenames(a, b map[string]string) map[string]string {
	out := make(map[string]string, len(a)+len(b))
	for k, v := range a {
		out[k] = v
	}
	for k, v := range b {
		out[k] = v
	}
	return out
}
