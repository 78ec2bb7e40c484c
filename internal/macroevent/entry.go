package macroevent

import "github.com/quiltdata/quilt-private-endpoints/internal/template"

// HasEntry reports whether the template's Transform section names the
// macro (by name, or as {Name: QuiltPrivateEndpoints, Parameters: ...}).
func HasEntry(doc map[string]any) bool {
	params, _ := macroEntries(doc["Transform"])
	return len(params) > 0
}

// WithoutEntry returns a copy of doc without the macro's entries in its
// Transform section, as `qpe disable` submits it, and the other transforms
// kept in their order (the section goes when none is left; a single entry
// written as a scalar stays one).
func WithoutEntry(doc map[string]any) (out map[string]any, others []any) {
	out, _ = template.Clone(doc).(map[string]any)
	tr, ok := out["Transform"]
	if !ok {
		return out, nil
	}
	_, rest := macroEntries(tr)
	_, isList := tr.([]any)
	switch {
	case len(rest) == 0:
		delete(out, "Transform")
	case len(rest) == 1 && !isList:
		out["Transform"] = rest[0]
	default:
		out["Transform"] = rest
	}
	return out, rest
}
