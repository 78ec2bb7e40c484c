package template

import "strings"

// Ref returns the target of a {"Ref": name} value.
func Ref(v any) (string, bool) {
	m, ok := v.(map[string]any)
	if !ok || len(m) != 1 {
		return "", false
	}
	s, ok := m["Ref"].(string)
	return s, ok
}

// GetAtt returns the resource and attribute of a {"Fn::GetAtt": ...} value,
// in either the list form ["A", "B"] or the string form "A.B".
func GetAtt(v any) (resource, attribute string, ok bool) {
	m, isMap := v.(map[string]any)
	if !isMap || len(m) != 1 {
		return "", "", false
	}
	switch t := m["Fn::GetAtt"].(type) {
	case []any:
		if len(t) != 2 {
			return "", "", false
		}
		r, ok1 := t[0].(string)
		a, ok2 := t[1].(string)
		return r, a, ok1 && ok2
	case string:
		r, a, found := strings.Cut(t, ".")
		return r, a, found
	}
	return "", "", false
}

// Intrinsic returns the function name and argument of a one-key object whose
// key is "Ref", "Condition" or starts with "Fn::".
func Intrinsic(v any) (name string, arg any, ok bool) {
	m, isMap := v.(map[string]any)
	if !isMap || len(m) != 1 {
		return "", nil, false
	}
	for k, a := range m {
		if k == "Ref" || k == "Condition" || strings.HasPrefix(k, "Fn::") {
			return k, a, true
		}
	}
	return "", nil, false
}

// IsNoValue reports whether v is {"Ref": "AWS::NoValue"}.
func IsNoValue(v any) bool {
	r, ok := Ref(v)
	return ok && r == "AWS::NoValue"
}

// Resources returns the template's Resources section, or nil.
func Resources(doc map[string]any) map[string]any {
	r, _ := doc["Resources"].(map[string]any)
	return r
}

// Section returns a top-level section as an object, or nil.
func Section(doc map[string]any, name string) map[string]any {
	r, _ := doc[name].(map[string]any)
	return r
}

// NamedItems returns the Name of every item of l, in order, when l is a
// non-empty list of objects each with a distinct string Name without "["
// or "]" (container definitions, environment variables): such lists are
// matched item by Name, written "[Name=...]" in a property path.
func NamedItems(l []any) ([]string, bool) {
	if len(l) == 0 {
		return nil, false
	}
	seen := map[string]bool{}
	out := make([]string, 0, len(l))
	for _, e := range l {
		m, ok := e.(map[string]any)
		if !ok {
			return nil, false
		}
		n, ok := m["Name"].(string)
		if !ok || seen[n] || strings.ContainsAny(n, "[]") {
			return nil, false
		}
		seen[n] = true
		out = append(out, n)
	}
	return out, true
}
