package macroevent

// HasEntry reports whether the template's Transform section names the
// macro (by name, or as {Name: QuiltPrivateEndpoints, Parameters: ...}).
func HasEntry(doc map[string]any) bool {
	params, _ := macroEntries(doc["Transform"])
	return len(params) > 0
}
