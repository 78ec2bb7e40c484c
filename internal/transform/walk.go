package transform

import (
	"reflect"
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

// subVars calls fn for each ${name} in a Fn::Sub string (not ${!literal})
// and replaces the whole ${...} with what fn returns when it says so.
func subVars(s string, fn func(name string) (string, bool)) (string, bool) {
	if !strings.Contains(s, "${") {
		return s, false
	}
	var b strings.Builder
	changed := false
	done := 0 // s[:done] is in b (once changed)
	for pos := 0; ; {
		i := strings.Index(s[pos:], "${")
		if i < 0 {
			break
		}
		i += pos
		j := strings.IndexByte(s[i:], '}')
		if j < 0 {
			break
		}
		name, end := s[i+2:i+j], i+j+1
		if !strings.HasPrefix(name, "!") {
			if repl, ok := fn(strings.TrimSpace(name)); ok {
				b.WriteString(s[done:i])
				b.WriteString(repl)
				changed, done = true, end
			}
		}
		pos = end
	}
	if !changed {
		return s, false
	}
	b.WriteString(s[done:])
	return b.String(), true
}

// referenced returns the logical ids a value refers to (Ref, Fn::GetAtt,
// ${X} and ${X.Attr} in Fn::Sub), in no particular order.
func referenced(v any) []string {
	return appendReferenced(nil, v)
}

// appendReferenced appends to out the logical ids v refers to, as
// referenced returns them. An object of one key is looked at through its
// one member (no lookup by name), since Ref, Fn::GetAtt and Fn::Sub are
// objects of one key.
func appendReferenced(out []string, v any) []string {
	switch t := v.(type) {
	case map[string]any:
		if len(t) == 1 {
			for k, e := range t {
				switch k {
				case "Ref":
					if r, ok := e.(string); ok {
						return append(out, r)
					}
				case "Fn::GetAtt":
					if r, _, ok := template.GetAtt(t); ok {
						return append(out, r)
					}
				case "Fn::Sub":
					str, vars := subParts(e)
					subVars(str, func(name string) (string, bool) {
						base, _, _ := strings.Cut(name, ".")
						if !vars[base] {
							out = append(out, base)
						}
						return "", false
					})
					if l, ok := e.([]any); ok && len(l) == 2 {
						out = appendReferenced(out, l[1])
					}
					return out
				}
				return appendReferenced(out, e)
			}
		}
		for _, e := range t {
			out = appendReferenced(out, e)
		}
	case []any:
		for _, e := range t {
			out = appendReferenced(out, e)
		}
	}
	return out
}

// subParts returns the string of a Fn::Sub argument and its variable names.
func subParts(arg any) (string, map[string]bool) {
	switch t := arg.(type) {
	case string:
		return t, nil
	case []any:
		if len(t) == 0 {
			return "", nil
		}
		s, _ := t[0].(string)
		vars := map[string]bool{}
		if len(t) > 1 {
			if m, ok := t[1].(map[string]any); ok {
				for k := range m {
					vars[k] = true
				}
			}
		}
		return s, vars
	}
	return "", nil
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

// equal is deep equality of generic values.
func equal(a, b any) bool { return reflect.DeepEqual(a, b) }

// containsValue reports whether list holds a value deep-equal to v.
func containsValue(list []any, v any) bool {
	for _, e := range list {
		if equal(e, v) {
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

// mergeDependsOn adds ids to a resource's DependsOn without duplicates,
// keeping a single string a string when nothing is added.
func mergeDependsOn(r map[string]any, ids ...string) bool {
	var cur []any
	switch t := r["DependsOn"].(type) {
	case string:
		cur = []any{t}
	case []any:
		cur = t
	}
	out := append([]any(nil), cur...)
	for _, id := range ids {
		if !containsValue(out, id) {
			out = append(out, id)
		}
	}
	if len(out) == len(cur) {
		return false
	}
	r["DependsOn"] = out
	return true
}
