package template

import (
	"maps"
	"slices"
	"strconv"
	"strings"
)

// RefKind is how a value names something of the template.
type RefKind int

// The ways a value names a resource, parameter, condition or mapping.
const (
	// ByRef is {"Ref": Name}.
	ByRef RefKind = iota
	// ByGetAtt is {"Fn::GetAtt": [Name, Attr]} or {"Fn::GetAtt": "Name.Attr"}.
	ByGetAtt
	// BySub is ${Name} or ${Name.Attr} in a Fn::Sub string that is not one
	// of the Fn::Sub's own variables.
	BySub
	// ByCondition is a condition name: Fn::If's first argument, or a
	// "Condition" member holding a string ({"Condition": Name} in a
	// condition, a resource's or output's Condition).
	ByCondition
	// ByFindInMap is Fn::FindInMap's mapping name.
	ByFindInMap
	// ByDependsOn is a DependsOn entry (ResourceReferences only).
	ByDependsOn
)

// Reference is one name a value uses.
type Reference struct {
	Kind RefKind
	// Name is the logical id, parameter, pseudo parameter, condition or
	// mapping; "" when it is computed (not a literal string), which a
	// reader cannot follow.
	Name string
	// Attr is the attribute of a Fn::GetAtt or ${Name.Attr} ("" otherwise).
	Attr string
}

// IsResourceRef reports whether r can name a resource: a Ref, a Fn::GetAtt
// or a Fn::Sub variable.
func (r Reference) IsResourceRef() bool {
	return r.Kind == ByRef || r.Kind == ByGetAtt || r.Kind == BySub
}

// WalkReferences is the one reference walker: it calls visit for every
// reference in v, depth first, object members in key order. path holds the
// keys and "[i]" indexes from v to the value holding the reference, without
// intrinsic function names; it is valid only during the call. The
// variables of a Fn::Sub's own map are not references (${Name} naming one
// is the map's value, which is walked).
func WalkReferences(v any, visit func(path []string, r Reference)) {
	w := refWalker{visit: visit}
	w.walk(v)
}

// ResourceReferences walks a resource object: its DependsOn entries
// (ByDependsOn), its Condition, and the references in every other member
// (Properties, Metadata, policies), with paths starting at the member name.
func ResourceReferences(res map[string]any, visit func(path []string, r Reference)) {
	deps, _ := DependsOn(res)
	for _, d := range deps {
		visit([]string{"DependsOn"}, Reference{Kind: ByDependsOn, Name: d})
	}
	w := refWalker{visit: visit}
	for _, k := range sortedKeys(res) {
		switch k {
		case "DependsOn", "Type":
			continue
		case "Condition":
			if c, ok := res[k].(string); ok {
				visit([]string{k}, Reference{Kind: ByCondition, Name: c})
			}
			continue
		}
		w.path = append(w.path[:0], k)
		w.walk(res[k])
	}
}

// ReferencedIDs lists the names v refers to through Ref, Fn::GetAtt and
// Fn::Sub variables (resources, parameters and pseudo parameters alike:
// callers keep the ones they look for), in walk order, with repeats.
func ReferencedIDs(v any) []string {
	var out []string
	WalkReferences(v, func(_ []string, r Reference) {
		if r.IsResourceRef() && r.Name != "" {
			out = append(out, r.Name)
		}
	})
	return out
}

type refWalker struct {
	visit func([]string, Reference)
	path  []string
}

func (w *refWalker) emit(r Reference) { w.visit(w.path, r) }

func (w *refWalker) walk(v any) {
	switch t := v.(type) {
	case map[string]any:
		if len(t) == 1 {
			for k, arg := range t {
				if w.intrinsic(k, arg, t) {
					return
				}
			}
		}
		if c, ok := t["Condition"].(string); ok && len(t) > 1 {
			w.emit(Reference{Kind: ByCondition, Name: c})
		}
		n := len(w.path)
		for _, k := range sortedKeys(t) {
			if !isContainer(t[k]) {
				continue
			}
			w.path = append(w.path[:n], k)
			w.walk(t[k])
		}
		w.path = w.path[:n]
	case []any:
		n := len(w.path)
		for i, e := range t {
			if !isContainer(e) {
				continue
			}
			w.path = append(w.path[:n], Index(i))
			w.walk(e)
		}
		w.path = w.path[:n]
	}
}

// intrinsic handles a one-member object; false when it is not a function
// the walker reads specially.
func (w *refWalker) intrinsic(k string, arg any, m map[string]any) bool {
	switch k {
	case "Ref", "Condition":
		if s, ok := arg.(string); ok {
			w.emit(Reference{Kind: pickKind(k == "Ref", ByRef, ByCondition), Name: s})
			return true
		}
		w.walk(arg)
		return true
	case "Fn::GetAtt":
		if r, a, ok := GetAtt(m); ok {
			w.emit(Reference{Kind: ByGetAtt, Name: r, Attr: a})
			return true
		}
		w.walk(arg)
		return true
	case "Fn::If", "Fn::FindInMap":
		// The first argument names a condition, or a mapping; the rest
		// (and a computed name) are walked.
		if l, _ := arg.([]any); len(l) > 0 {
			name, _ := l[0].(string)
			w.emit(Reference{Kind: pickKind(k == "Fn::If", ByCondition, ByFindInMap), Name: name})
		}
		w.walk(arg)
		return true
	case "Fn::Sub":
		s, own, _ := SubArgs(arg)
		switch t := arg.(type) {
		case string:
		case []any:
			for _, e := range t[min(1, len(t)):] {
				w.walk(e)
			}
		default:
			w.walk(arg)
			return true
		}
		ScanSub(s, func(name string) (string, bool) {
			if IsSubVariable(own, name) {
				return "", false
			}
			base, attr, _ := strings.Cut(name, ".")
			w.emit(Reference{Kind: BySub, Name: base, Attr: attr})
			return "", false
		})
		return true
	}
	if _, _, ok := Intrinsic(m); ok {
		w.walk(arg)
		return true
	}
	return false
}

// pickKind is a when cond holds, else b.
func pickKind(cond bool, a, b RefKind) RefKind {
	if cond {
		return a
	}
	return b
}

// isContainer reports whether v is an object or a list.
func isContainer(v any) bool {
	switch v.(type) {
	case map[string]any, []any:
		return true
	}
	return false
}

func sortedKeys(m map[string]any) []string {
	if len(m) == 1 {
		for k := range m {
			return []string{k}
		}
	}
	return slices.Sorted(maps.Keys(m))
}

var indexes = func() []string {
	out := make([]string, 64)
	for i := range out {
		out[i] = "[" + strconv.Itoa(i) + "]"
	}
	return out
}()

// Index is the path segment of list item i: "[i]".
func Index(i int) string {
	if i < len(indexes) {
		return indexes[i]
	}
	return "[" + strconv.Itoa(i) + "]"
}
