package updatepath

import (
	"reflect"
	"strings"

	"github.com/quiltdata/quilt-private-endpoints/internal/template"
)

// differences are the names that resolve differently in the two
// templates: parameters (value, or declared on one side only), conditions,
// mappings, and ids that are resources on one side only.
type differences struct {
	names, conditions, mappings map[string]bool
}

func newDifferences(old, nu *evaluator) *differences {
	d := &differences{names: map[string]bool{}, conditions: map[string]bool{}, mappings: map[string]bool{}}
	for k, v := range old.params {
		if w, ok := nu.params[k]; !ok || !equal(v, w) {
			d.names[k] = true
		}
	}
	for k := range nu.params {
		if _, ok := old.params[k]; !ok {
			d.names[k] = true
		}
	}
	for k := range old.resources {
		if _, ok := nu.resources[k]; !ok {
			d.names[k] = true
		}
	}
	for k := range nu.resources {
		if _, ok := old.resources[k]; !ok {
			d.names[k] = true
		}
	}
	for _, c := range []map[string]any{old.conditions, nu.conditions} {
		for k := range c {
			if old.condition(k) != nu.condition(k) || !equal(old.conditions[k], nu.conditions[k]) {
				d.conditions[k] = true
			}
		}
	}
	for _, mp := range []map[string]any{old.mappings, nu.mappings} {
		for k := range mp {
			if !equal(old.mappings[k], nu.mappings[k]) {
				d.mappings[k] = true
			}
		}
	}
	return d
}

// reads reports whether a raw value reads a name that resolves differently
// (or one this check cannot follow, such as a computed mapping name).
func (d *differences) reads(v any) bool {
	switch t := v.(type) {
	case map[string]any:
		if c, ok := t["Condition"].(string); ok && d.conditions[c] {
			return true
		}
		if name, arg, ok := template.Intrinsic(t); ok {
			switch name {
			case "Ref":
				if s, ok := arg.(string); ok && d.names[s] {
					return true
				}
			case "Fn::GetAtt":
				if r, _, ok := template.GetAtt(t); ok && d.names[r] {
					return true
				}
			case "Fn::If":
				if l, ok := arg.([]any); ok && len(l) > 0 {
					if c, ok := l[0].(string); !ok || d.conditions[c] {
						return true
					}
				}
			case "Fn::FindInMap":
				if l, ok := arg.([]any); ok && len(l) > 0 {
					if mp, ok := l[0].(string); !ok || d.mappings[mp] {
						return true
					}
				}
			case "Fn::Sub":
				s, _ := arg.(string)
				if l, ok := arg.([]any); ok && len(l) > 0 {
					s, _ = l[0].(string)
				}
				for _, n := range template.SubVariables(s) {
					id, _, _ := strings.Cut(n, ".")
					if d.names[id] || d.names[n] {
						return true
					}
				}
			}
		}
		for _, x := range t {
			if d.reads(x) {
				return true
			}
		}
	case []any:
		for _, x := range t {
			if d.reads(x) {
				return true
			}
		}
	}
	return false
}

// newReads is reads through template.WalkReferences.
func (d *differences) newReads(v any) bool {
	found := false
	template.WalkReferences(v, func(_ []string, r template.Reference) {
		switch r.Kind {
		case template.ByRef, template.ByGetAtt, template.BySub:
			found = found || d.names[r.Name]
		case template.ByCondition:
			found = found || r.Name == "" || d.conditions[r.Name]
		case template.ByFindInMap:
			found = found || r.Name == "" || d.mappings[r.Name]
		}
	})
	return found
}

// sameObject reports whether two resource objects are the same map (not
// merely equal).
func sameObject(a, b map[string]any) bool {
	return a != nil && b != nil && reflect.ValueOf(a).UnsafePointer() == reflect.ValueOf(b).UnsafePointer()
}
