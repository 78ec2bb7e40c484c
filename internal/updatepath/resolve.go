package updatepath

import (
	"encoding/json"
	"maps"
	"sort"
	"strconv"
	"strings"

	"github.com/quiltdata/quilt-private-endpoints/internal/template"
)

// noValue stands for AWS::NoValue while a value is resolved: the key or
// list item holding it is dropped.
type noValueT struct{}

var noValue = noValueT{}

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
	conds      *template.Conditions
	resources  map[string]any
}

func newEvaluator(doc map[string]any, values map[string]string, pseudo map[string]string) *evaluator {
	e := &evaluator{
		params:     map[string]any{},
		pseudo:     pseudo,
		mappings:   template.Section(doc, "Mappings"),
		conditions: template.Section(doc, "Conditions"),
		resources:  template.Resources(doc),
	}
	e.conds = template.NewConditions(e.conditions, func(v any) (any, bool) {
		r := e.resolve(v)
		_, known := template.ScalarString(r)
		return r, known
	})
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

// scalarString turns a parameter's Default into the string
// CloudFormation gives the parameter.
func scalarString(v any) string {
	if s, ok := template.ScalarString(v); ok {
		return s
	}
	if v == nil {
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

// present reports whether a resource or output with this Condition exists
// (an unknown condition counts as present).
func (e *evaluator) present(entry map[string]any) bool {
	c, ok := entry["Condition"].(string)
	return !ok || e.condition(c) != template.False
}

// condition evaluates a named condition (Unknown when it compares a value
// known only at deploy time, or when CloudFormation would refuse it).
func (e *evaluator) condition(name string) template.Truth {
	t, _ := e.conds.Eval(name)
	return t
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
		return ok && template.SameObject(x, y)
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

func (e *evaluator) intrinsic(name string, arg any, orig map[string]any) any {
	r := e.intrinsicValue(name, arg, orig)
	if m, ok := r.(map[string]any); ok && !template.SameObject(m, orig) && template.Equal(m, orig) {
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
		case template.True:
			return e.resolve(args[1])
		case template.False:
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
						s, ok := template.ScalarString(it)
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
			d, ok1 := template.ScalarString(args[0])
			s, ok2 := template.ScalarString(args[1])
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
	s, _ := template.ScalarString(v)
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
	left := map[string]any{}
	symbolic := template.SubHasLiteral(s)
	out, _ := template.ScanSub(s, func(name string) (string, bool) {
		if v, ok := vars[name]; ok {
			if vs, ok := template.ScalarString(v); ok {
				return vs, true
			}
			left[name] = v
		} else if p, ok := e.pseudo[name]; ok {
			return p, true
		} else if p, ok := e.params[name].(string); ok {
			return p, true
		}
		symbolic = true
		return "", false
	})
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
// the property path each sits in (path prefixed; sorted by the caller).
func (e *evaluator) refs(v any, path string, out *[]ref) {
	template.WalkReferences(v, func(segs []string, r template.Reference) {
		if !r.IsResourceRef() || !e.isResource(r.Name) {
			return
		}
		attr := r.Attr
		if attr == "" {
			attr = "Ref"
		}
		*out = append(*out, ref{r.Name, attr, joinSegs(path, segs)})
	})
}

// joinSegs is a property path: path, then the keys (after a dot) and
// "[i]" indexes of segs.
func joinSegs(path string, segs []string) string {
	var b strings.Builder
	b.WriteString(path)
	for _, sg := range segs {
		if b.Len() > 0 && !strings.HasPrefix(sg, "[") {
			b.WriteByte('.')
		}
		b.WriteString(sg)
	}
	return b.String()
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
