package updatepath

import (
	"encoding/json"
	"maps"
	"reflect"
	"sort"
	"strconv"
	"strings"

	"github.com/quiltdata/quilt-private-endpoints/internal/template"
)

// noValue stands for AWS::NoValue while a value is resolved: the key or
// list item holding it is dropped.
type noValueT struct{}

var noValue = noValueT{}

// tri is a condition's value: true, false or unknown (a parameter without
// a value).
type tri int

const (
	triUnknown tri = iota
	triTrue
	triFalse
)

// evaluator resolves one template's values against its parameter values:
// parameters, pseudo parameters, Fn::FindInMap, conditions (Fn::If),
// Fn::Sub/Join/Select/Split over known values. References to resources stay
// symbolic ({"Ref": Id}, {"Fn::GetAtt": [Id, Attr]}, "${Id.Attr}" in a
// Fn::Sub), so two templates can be compared property by property.
type evaluator struct {
	params     map[string]any // string, or []any of strings for list types
	pseudo     map[string]string
	mappings   map[string]any
	conditions map[string]any
	condMemo   map[string]tri
	resources  map[string]any
}

func newEvaluator(doc map[string]any, values map[string]string, pseudo map[string]string) *evaluator {
	e := &evaluator{
		params:     map[string]any{},
		pseudo:     pseudo,
		mappings:   template.Section(doc, "Mappings"),
		conditions: template.Section(doc, "Conditions"),
		condMemo:   map[string]tri{},
		resources:  template.Resources(doc),
	}
	for name, p := range template.Section(doc, "Parameters") {
		pm, _ := p.(map[string]any)
		v, ok := values[name]
		if !ok {
			d, has := pm["Default"]
			if !has {
				continue // unknown: Refs stay symbolic
			}
			v = scalarString(d)
		}
		typ, _ := pm["Type"].(string)
		if template.IsListType(typ) {
			e.params[name] = template.ListValue(v)
		} else {
			e.params[name] = v
		}
	}
	return e
}

// scalarString turns a JSON scalar into the string CloudFormation compares.
func scalarString(v any) string {
	switch t := v.(type) {
	case string:
		return t
	case json.Number:
		return t.String()
	case bool:
		return strconv.FormatBool(t)
	case float64:
		return strconv.FormatFloat(t, 'f', -1, 64)
	case int:
		return strconv.Itoa(t)
	case nil:
		return ""
	}
	b, _ := json.Marshal(v)
	return string(b)
}

// isResource reports whether id is a resource of the template.
func (e *evaluator) isResource(id string) bool {
	_, ok := e.resources[id]
	return ok
}

// condition evaluates a named condition.
func (e *evaluator) condition(name string) tri {
	if v, ok := e.condMemo[name]; ok {
		return v
	}
	e.condMemo[name] = triUnknown // a cycle evaluates to unknown
	c, ok := e.conditions[name]
	if !ok {
		return triUnknown
	}
	v := e.condExpr(c)
	e.condMemo[name] = v
	return v
}

func (e *evaluator) condExpr(v any) tri {
	name, arg, ok := template.Intrinsic(v)
	if !ok {
		if b, isBool := v.(bool); isBool {
			return boolTri(b)
		}
		return triUnknown
	}
	args, _ := arg.([]any)
	switch name {
	case "Condition":
		s, _ := arg.(string)
		return e.condition(s)
	case "Fn::Equals":
		if len(args) != 2 {
			return triUnknown
		}
		a, aok := asString(e.resolve(args[0]))
		b, bok := asString(e.resolve(args[1]))
		if !aok || !bok {
			return triUnknown
		}
		return boolTri(a == b)
	case "Fn::Not":
		if len(args) != 1 {
			return triUnknown
		}
		switch e.condExpr(args[0]) {
		case triTrue:
			return triFalse
		case triFalse:
			return triTrue
		}
		return triUnknown
	case "Fn::And", "Fn::Or":
		and := name == "Fn::And"
		out := boolTri(and)
		for _, a := range args {
			switch e.condExpr(a) {
			case triUnknown:
				out = triUnknown
			case triFalse:
				if and {
					return triFalse
				}
			case triTrue:
				if !and {
					return triTrue
				}
			}
		}
		return out
	}
	return triUnknown
}

func boolTri(b bool) tri {
	if b {
		return triTrue
	}
	return triFalse
}

// present reports whether a resource or output with this Condition exists
// (an unknown condition counts as present).
func (e *evaluator) present(entry map[string]any) bool {
	c, ok := entry["Condition"].(string)
	return !ok || e.condition(c) != triFalse
}

// resolve returns v with everything resolvable resolved; AWS::NoValue
// drops its key. Copy on write: a value with nothing to resolve is
// returned as is (the engine's output shares what it did not change, and
// so do the resolutions). Scalars stay as decoded; equal compares them as
// CloudFormation does, by their string form.
func (e *evaluator) resolve(v any) any {
	switch t := v.(type) {
	case map[string]any:
		if name, arg, ok := template.Intrinsic(t); ok {
			return e.intrinsic(name, arg, t)
		}
		var out map[string]any
		for k, x := range t {
			r := e.resolve(x)
			if identical(r, x) {
				continue
			}
			if out == nil {
				out = maps.Clone(t)
			}
			if r == noValue {
				delete(out, k)
			} else {
				out[k] = r
			}
		}
		if out == nil {
			return t
		}
		return out
	case []any:
		var out []any
		for i, x := range t {
			r := e.resolve(x)
			if out == nil && identical(r, x) {
				continue
			}
			if out == nil {
				out = append(make([]any, 0, len(t)), t[:i]...)
			}
			if r != noValue {
				out = append(out, r)
			}
		}
		if out == nil {
			return t
		}
		return out
	}
	return v
}

// identical reports whether a resolution returned its input unchanged:
// the same object, list or scalar.
func identical(a, b any) bool {
	switch x := a.(type) {
	case map[string]any:
		y, ok := b.(map[string]any)
		return ok && sameObject(x, y)
	case []any:
		y, ok := b.([]any)
		return ok && len(x) == len(y) && (len(x) == 0 || &x[0] == &y[0])
	case noValueT:
		return false
	}
	switch b.(type) {
	case map[string]any, []any, noValueT:
		return false
	}
	return a == b
}

// asString is a scalar's string form (numbers and booleans as written).
func asString(v any) (string, bool) {
	switch t := v.(type) {
	case string:
		return t, true
	case json.Number, bool, float64, int:
		return scalarString(t), true
	}
	return "", false
}

// equal compares resolved values as CloudFormation does: scalars by their
// string form, objects and lists deeply.
func equal(a, b any) bool {
	switch x := a.(type) {
	case map[string]any:
		y, ok := b.(map[string]any)
		if !ok || len(x) != len(y) {
			return false
		}
		if sameObject(x, y) {
			return true
		}
		for k, v := range x {
			w, ok := y[k]
			if !ok || !equal(v, w) {
				return false
			}
		}
		return true
	case []any:
		y, ok := b.([]any)
		if !ok || len(x) != len(y) {
			return false
		}
		for i := range x {
			if !equal(x[i], y[i]) {
				return false
			}
		}
		return true
	case nil:
		return b == nil
	}
	as, aok := asString(a)
	bs, bok := asString(b)
	if aok && bok {
		return as == bs
	}
	return reflect.DeepEqual(a, b)
}

func (e *evaluator) intrinsic(name string, arg any, orig map[string]any) any {
	r := e.intrinsicValue(name, arg, orig)
	if m, ok := r.(map[string]any); ok && !sameObject(m, orig) && equal(m, orig) {
		return orig // left as it was: keep sharing
	}
	return r
}

func (e *evaluator) intrinsicValue(name string, arg any, orig map[string]any) any {
	switch name {
	case "Ref":
		s, ok := arg.(string)
		if !ok {
			return map[string]any{"Ref": e.resolve(arg)}
		}
		if s == "AWS::NoValue" {
			return noValue
		}
		if p, ok := e.pseudo[s]; ok {
			return p
		}
		if p, ok := e.params[s]; ok {
			return p
		}
		return orig
	case "Fn::GetAtt":
		if _, isList := arg.([]any); isList {
			return orig
		}
		if r, a, ok := template.GetAtt(orig); ok {
			return map[string]any{"Fn::GetAtt": []any{r, a}}
		}
		return orig
	case "Fn::If":
		args, _ := arg.([]any)
		c, _ := args0(args).(string)
		if len(args) != 3 || c == "" {
			return map[string]any{name: e.resolve(arg)}
		}
		switch e.condition(c) {
		case triTrue:
			return e.resolve(args[1])
		case triFalse:
			return e.resolve(args[2])
		}
		return map[string]any{name: []any{c, e.resolve(args[1]), e.resolve(args[2])}}
	case "Fn::FindInMap":
		args, _ := e.resolve(arg).([]any)
		if len(args) >= 3 {
			m, k1, k2 := str(args[0]), str(args[1]), str(args[2])
			if m != "" && k1 != "" && k2 != "" {
				if top, ok := e.mappings[m].(map[string]any); ok {
					if second, ok := top[k1].(map[string]any); ok {
						if val, ok := second[k2]; ok {
							return e.resolve(val)
						}
					}
				}
			}
		}
		return map[string]any{name: args}
	case "Fn::Sub":
		if !e.substitutes(arg) {
			return orig
		}
		return e.sub(arg)
	case "Fn::Join":
		args, _ := e.resolve(arg).([]any)
		if len(args) == 2 {
			if d, ok := args[0].(string); ok {
				if items, ok := args[1].([]any); ok {
					parts := make([]string, 0, len(items))
					for _, it := range items {
						s, ok := asString(it)
						if !ok {
							return map[string]any{name: args}
						}
						parts = append(parts, s)
					}
					return strings.Join(parts, d)
				}
			}
		}
		return map[string]any{name: args}
	case "Fn::Select":
		args, _ := e.resolve(arg).([]any)
		if len(args) == 2 {
			if i, err := strconv.Atoi(str(args[0])); err == nil {
				if items, ok := args[1].([]any); ok && i >= 0 && i < len(items) {
					return items[i]
				}
			}
		}
		return map[string]any{name: args}
	case "Fn::Split":
		args, _ := e.resolve(arg).([]any)
		if len(args) == 2 {
			d, ok1 := asString(args[0])
			s, ok2 := asString(args[1])
			if ok1 && ok2 && d != "" {
				var out []any
				for _, p := range strings.Split(s, d) {
					out = append(out, p)
				}
				return out
			}
		}
		return map[string]any{name: args}
	}
	if r := e.resolve(arg); !identical(r, arg) {
		return map[string]any{name: r}
	}
	return orig
}

func args0(a []any) any {
	if len(a) == 0 {
		return nil
	}
	return a[0]
}

func str(v any) string {
	s, _ := asString(v)
	return s
}

// substitutes reports whether a Fn::Sub has anything to resolve: a
// variable map, or a ${name} naming a pseudo or string parameter.
func (e *evaluator) substitutes(arg any) bool {
	s, ok := arg.(string)
	if !ok {
		return true
	}
	for _, name := range template.SubVariables(s) {
		if _, ok := e.pseudo[name]; ok {
			return true
		}
		if _, ok := e.params[name].(string); ok {
			return true
		}
	}
	return false
}

// sub resolves a Fn::Sub: known parameters, pseudo parameters and
// variables are substituted; ${Resource} and ${Resource.Attr} stay. A
// string left without variables is returned plain.
func (e *evaluator) sub(arg any) any {
	var s string
	vars := map[string]any{}
	switch t := arg.(type) {
	case string:
		s = t
	case []any:
		if len(t) != 2 {
			return map[string]any{"Fn::Sub": e.resolve(arg)}
		}
		s, _ = t[0].(string)
		vm, _ := t[1].(map[string]any)
		for k, v := range vm {
			vars[k] = e.resolve(v)
		}
	default:
		return map[string]any{"Fn::Sub": e.resolve(arg)}
	}
	var b strings.Builder
	left := map[string]any{}
	symbolic := false
	for {
		i := strings.Index(s, "${")
		if i < 0 {
			b.WriteString(s)
			break
		}
		b.WriteString(s[:i])
		if strings.HasPrefix(s[i:], "${!") {
			b.WriteString("${!")
			s = s[i+3:]
			symbolic = true
			continue
		}
		j := strings.IndexByte(s[i:], '}')
		if j < 0 {
			b.WriteString(s[i:])
			break
		}
		name := s[i+2 : i+j]
		s = s[i+j+1:]
		if v, ok := vars[name]; ok {
			if vs, ok := asString(v); ok {
				b.WriteString(vs)
				continue
			}
			left[name] = v
		} else if p, ok := e.pseudo[name]; ok {
			b.WriteString(p)
			continue
		} else if p, ok := e.params[name].(string); ok {
			b.WriteString(p)
			continue
		}
		b.WriteString("${" + name + "}")
		symbolic = true
	}
	out := b.String()
	if len(left) > 0 {
		return map[string]any{"Fn::Sub": []any{out, left}}
	}
	if symbolic {
		return map[string]any{"Fn::Sub": out}
	}
	return out
}

// ref is one reference from a value to a resource: the property path it
// sits in and the attribute ("Ref" for a Ref).
type ref struct {
	Target, Attr, Path string
}

// refs lists the references to resources inside a resolved value, with
// the property path each sits in (sorted by the caller).
func (e *evaluator) refs(v any, path string, out *[]ref) {
	var segs []string
	if path != "" {
		segs = []string{path}
	}
	e.walkRefs(v, segs, out)
}

// walkRefs builds a path only where a reference is found.
func (e *evaluator) walkRefs(v any, segs []string, out *[]ref) {
	at := func() string {
		var b strings.Builder
		for i, sg := range segs {
			if i > 0 && !strings.HasPrefix(sg, "[") {
				b.WriteByte('.')
			}
			b.WriteString(sg)
		}
		return b.String()
	}
	switch t := v.(type) {
	case map[string]any:
		if len(t) == 1 {
			if r, ok := template.Ref(t); ok {
				if e.isResource(r) {
					*out = append(*out, ref{r, "Ref", at()})
				}
				return
			}
			if r, a, ok := template.GetAtt(t); ok {
				if e.isResource(r) {
					*out = append(*out, ref{r, a, at()})
				}
				return
			}
			if s, ok := t["Fn::Sub"]; ok {
				str := ""
				switch x := s.(type) {
				case string:
					str = x
				case []any:
					if len(x) == 2 {
						str, _ = x[0].(string)
						e.walkRefs(x[1], segs, out)
					}
				}
				for _, name := range template.SubVariables(str) {
					id, attr, found := strings.Cut(name, ".")
					if !found {
						attr = "Ref"
					}
					if e.isResource(id) {
						*out = append(*out, ref{id, attr, at()})
					}
				}
				return
			}
		}
		_, _, intrinsic := template.Intrinsic(t)
		for k, x := range t { // any order: the caller sorts the references
			if intrinsic {
				e.walkRefs(x, segs, out)
				continue
			}
			e.walkRefs(x, append(segs, k), out)
		}
	case []any:
		for i, x := range t {
			e.walkRefs(x, append(segs, index(i)), out)
		}
	}
}

// sortRefs orders references deterministically.
func sortRefs(rs []ref) {
	sort.Slice(rs, func(i, j int) bool {
		a, b := rs[i], rs[j]
		if a.Path != b.Path {
			return a.Path < b.Path
		}
		if a.Target != b.Target {
			return a.Target < b.Target
		}
		return a.Attr < b.Attr
	})
}

// joinPath appends a property name to a path.
func joinPath(path, k string) string {
	if path == "" {
		return k
	}
	return path + "." + k
}

var indexes = func() []string {
	out := make([]string, 64)
	for i := range out {
		out[i] = "[" + strconv.Itoa(i) + "]"
	}
	return out
}()

// index is "[i]".
func index(i int) string {
	if i < len(indexes) {
		return indexes[i]
	}
	return "[" + strconv.Itoa(i) + "]"
}
