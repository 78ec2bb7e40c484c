package updatepath

import (
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
		if w, ok := nu.params[k]; !ok || !template.Equal(v, w) {
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
			if old.condition(k) != nu.condition(k) || !template.Equal(old.conditions[k], nu.conditions[k]) {
				d.conditions[k] = true
			}
		}
	}
	for _, mp := range []map[string]any{old.mappings, nu.mappings} {
		for k := range mp {
			if !template.Equal(old.mappings[k], nu.mappings[k]) {
				d.mappings[k] = true
			}
		}
	}
	return d
}

// reads reports whether a raw value reads a name that resolves differently
// (or one this check cannot follow, such as a computed mapping name).
func (d *differences) reads(v any) bool {
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
