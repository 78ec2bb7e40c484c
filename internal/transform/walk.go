package transform

import (
	"strings"

	"github.com/quiltdata/quilt-private-endpoints/internal/template"
)

// rewrite applies fn to every object in v (v included), top down, and then
// to the objects below its result, copying only the maps and lists on the
// path to a change. fn must not modify its argument; it returns a
// replacement and whether it replaced.
func rewrite(v any, fn func(map[string]any) (any, bool)) (any, bool) {
	nv, changed := v, false
	if m, ok := v.(map[string]any); ok {
		if r, ch := fn(m); ch {
			nv, changed = r, true
		}
	}
	switch t := nv.(type) {
	case map[string]any:
		var out map[string]any
		for k, e := range t {
			ne, ch := rewrite(e, fn)
			if ch {
				if out == nil {
					out = make(map[string]any, len(t))
					for k2, e2 := range t {
						out[k2] = e2
					}
				}
				out[k] = ne
			}
		}
		if out != nil {
			return out, true
		}
	case []any:
		var out []any
		for i, e := range t {
			ne, ch := rewrite(e, fn)
			if ch {
				if out == nil {
					out = append([]any(nil), t...)
				}
				out[i] = ne
			}
		}
		if out != nil {
			return out, true
		}
	}
	return nv, changed
}

// mentions reports whether any string in v contains sub (case-insensitive).
func mentions(v any, sub string) bool {
	sub = strings.ToLower(sub)
	found := false
	collectStrings(v, func(s string) { found = found || strings.Contains(strings.ToLower(s), sub) })
	return found
}

// collectStrings calls fn for every string in v.
func collectStrings(v any, fn func(string)) {
	switch t := v.(type) {
	case string:
		fn(t)
	case map[string]any:
		for _, e := range t {
			collectStrings(e, fn)
		}
	case []any:
		for _, e := range t {
			collectStrings(e, fn)
		}
	}
}

// containsValue reports whether list holds a value deep-equal to v.
func containsValue(list []any, v any) bool {
	for _, e := range list {
		if template.Equal(e, v) {
			return true
		}
	}
	return false
}

// asList returns v as a list: a list as is, a single value as a one-item
// list, nil as nil.
func asList(v any) []any {
	switch t := v.(type) {
	case nil:
		return nil
	case []any:
		return t
	default:
		return []any{v}
	}
}

// isAbsent reports whether a property value means "not set": missing,
// null, AWS::NoValue or an empty object.
func isAbsent(v any) bool {
	if v == nil || template.IsNoValue(v) {
		return true
	}
	if m, ok := v.(map[string]any); ok && len(m) == 0 {
		return true
	}
	return false
}

// noSubnets reports whether a VpcConfig/VPCConfig value puts nothing in a
// VPC: absent, or an object whose SubnetIds is missing or an empty list.
func noSubnets(v any) bool {
	if isAbsent(v) {
		return true
	}
	m, ok := v.(map[string]any)
	if !ok {
		return false
	}
	if _, _, isIntr := template.Intrinsic(m); isIntr {
		return false
	}
	sn, has := m["SubnetIds"]
	if !has || sn == nil || template.IsNoValue(sn) {
		return true
	}
	l, isList := sn.([]any)
	return isList && len(l) == 0
}

// ifBranches returns the two value branches of a Fn::If.
func ifBranches(v any) (cond string, yes, no any, ok bool) {
	m, isMap := v.(map[string]any)
	if !isMap || len(m) != 1 {
		return "", nil, nil, false
	}
	l, isList := m["Fn::If"].([]any)
	if !isList || len(l) != 3 {
		return "", nil, nil, false
	}
	c, _ := l[0].(string)
	return c, l[1], l[2], true
}
