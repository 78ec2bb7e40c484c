package macroevent

import "github.com/quiltdata/quilt-private-endpoints/internal/template"

// HasEntry reports whether the template's Transform section names the
// macro (by name, or as {Name: QuiltPrivateEndpoints, Parameters: ...}).
func HasEntry(doc map[string]any) bool {
	params, _ := macroEntries(doc["Transform"])
	return len(params) > 0
}

// Entry reads the macro's entry of the template's Transform section: its
// Parameters as written (Refs unresolved; nil for an entry by name only or
// with Parameters that are not a mapping), and its position among the
// section's entries counting only the other transforms before it (where
// WithEntry puts it back). ok is false when the section does not name the
// macro.
func Entry(doc map[string]any) (params map[string]any, before int, ok bool) {
	for _, e := range transformEntries(doc["Transform"]) {
		if !isEntry(e) {
			before++
			continue
		}
		if m, isMap := e.(map[string]any); isMap {
			params, _ = m["Parameters"].(map[string]any)
		}
		return params, before, true
	}
	return nil, 0, false
}

// isEntry reports whether one entry of a Transform section is the macro's.
func isEntry(e any) bool {
	switch t := e.(type) {
	case string:
		return t == MacroName
	case map[string]any:
		return t["Name"] == MacroName
	}
	return false
}

// transformEntries is a Transform section's value as a list of entries.
func transformEntries(tr any) []any {
	switch t := tr.(type) {
	case nil:
		return nil
	case []any:
		return t
	default:
		return []any{t}
	}
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
