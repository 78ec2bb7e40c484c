package stackfake

import (
	"fmt"
	"slices"

	"github.com/quiltdata/quilt-private-endpoints/internal/cfnspec"
	"github.com/quiltdata/quilt-private-endpoints/internal/template"
)

// computeChanges lists the resource changes from the deployed processed
// template to the new one, the way DescribeChangeSet shows them, from the
// double's own small model (it imports nothing of review or updatepath,
// the code its change sets are used to test): a resource only in the new
// template is an Add, only in the deployed one a Remove (so a renamed
// resource is both); a resource whose Type, Properties or Metadata differ
// (compared as CloudFormation compares values, template.Equal) is a
// Modify with one detail per changed top-level property, replaced when a
// changed path is create-only in internal/cfnspec; and a resource that
// refers to a replaced one gets a Dynamic detail caused by it.
func computeChanges(before, after map[string]any, physical map[string]string) []resourceChange {
	spec := cfnspec.New()
	var out []resourceChange
	byID := map[string]int{}
	push := func(rc resourceChange) {
		byID[rc.LogicalID] = len(out)
		out = append(out, rc)
	}
	br, ar0 := template.Resources(before), template.Resources(after)
	ids := template.SortedKeys(ar0)
	for _, id := range template.SortedKeys(br) {
		if _, ok := ar0[id]; !ok {
			ids = append(ids, id)
		}
	}
	slices.Sort(ids)
	for _, id := range ids {
		bm, inBefore := br[id].(map[string]any)
		am, inAfter := ar0[id].(map[string]any)
		switch {
		case !inBefore:
			push(resourceChange{Action: "Add", LogicalID: id, Type: typeOf(am)})
		case !inAfter:
			push(resourceChange{Action: "Remove", LogicalID: id, Type: typeOf(bm), PhysicalID: physical[id]})
		default:
			rc := resourceChange{Action: "Modify", LogicalID: id, Type: typeOf(am), PhysicalID: physical[id]}
			if typeOf(am) != typeOf(bm) {
				rc.addDetail(changeDetail{Attribute: "Properties", Evaluation: "Static", ChangeSource: "DirectModification", RequiresRecreation: "Always"})
			} else {
				bp, ap := template.Section(bm, "Properties"), template.Section(am, "Properties")
				for _, k := range unionKeys(bp, ap) {
					if template.Equal(bp[k], ap[k]) {
						continue
					}
					u := cfnspec.Mutable
					for _, path := range changedPaths(k, bp[k], ap[k]) {
						if w := lookup(spec, rc.Type, path); worse(w, u) {
							u = w
						}
					}
					rc.addDetail(changeDetail{Attribute: "Properties", Name: k, Evaluation: "Static", ChangeSource: "DirectModification", RequiresRecreation: recreation(u)})
				}
				if !template.Equal(bm["Metadata"], am["Metadata"]) {
					rc.addDetail(changeDetail{Attribute: "Metadata", Evaluation: "Static", ChangeSource: "DirectModification", RequiresRecreation: "Never"})
				}
			}
			if len(rc.Details) > 0 {
				push(rc)
			}
		}
	}
	replaced := map[string]bool{}
	for _, rc := range out {
		if rc.Replacement == "True" {
			replaced[rc.LogicalID] = true
		}
	}
	// Knock-on: a reference to a replaced resource changes value.
	ar := ar0
	for _, id := range template.SortedKeys(ar) {
		if i, ok := byID[id]; ok && out[i].Action != "Modify" {
			continue
		}
		if _, deployed := template.Resources(before)[id]; !deployed {
			continue
		}
		m, _ := ar[id].(map[string]any)
		typ, _ := m["Type"].(string)
		props := template.Section(m, "Properties")
		var dyn []changeDetail
		for _, k := range template.SortedKeys(props) {
			for _, ref := range references(props[k]) {
				if !replaced[ref.target] || ref.target == id {
					continue
				}
				d := changeDetail{Attribute: "Properties", Name: k, Evaluation: "Dynamic", ChangeSource: "ResourceReference", CausingEntity: ref.target,
					RequiresRecreation: recreation(lookup(spec, typ, k))}
				if ref.attribute != "" {
					d.ChangeSource, d.CausingEntity = "ResourceAttribute", ref.target+"."+ref.attribute
				}
				dyn = append(dyn, d)
			}
		}
		if len(dyn) == 0 {
			continue
		}
		i, ok := byID[id]
		if !ok {
			push(resourceChange{Action: "Modify", LogicalID: id, Type: typ, PhysicalID: physical[id]})
			i = len(out) - 1
		}
		for _, d := range dyn {
			out[i].addDetail(d)
		}
	}
	return out
}

// addDetail records a detail and updates Replacement and Scope.
func (rc *resourceChange) addDetail(d changeDetail) {
	rc.Details = append(rc.Details, d)
	if !slices.Contains(rc.Scope, d.Attribute) {
		rc.Scope = append(rc.Scope, d.Attribute)
	}
	rank := map[string]int{"": 0, "False": 1, "Conditional": 2, "True": 3}
	v := "False"
	switch {
	case d.RequiresRecreation == "Always" && d.Evaluation == "Static":
		v = "True"
	case d.RequiresRecreation == "Always", d.RequiresRecreation == "Conditionally":
		v = "Conditional"
	}
	if rank[v] > rank[rc.Replacement] {
		rc.Replacement = v
	}
}

func lookup(spec *cfnspec.Spec, typ, path string) cfnspec.UpdateType {
	u, _ := spec.Lookup(typ, path)
	return u
}

// recreation is the change set's RequiresRecreation for an update type.
func recreation(u cfnspec.UpdateType) string {
	switch u {
	case cfnspec.Immutable:
		return "Always"
	case cfnspec.Conditional:
		return "Conditionally"
	}
	return "Never"
}

func typeOf(m map[string]any) string {
	t, _ := m["Type"].(string)
	return t
}

func unionKeys(a, b map[string]any) []string {
	keys := template.SortedKeys(a)
	for _, k := range template.SortedKeys(b) {
		if _, ok := a[k]; !ok {
			keys = append(keys, k)
		}
	}
	slices.Sort(keys)
	return keys
}

// worse says whether update type a replaces more than b.
func worse(a, b cfnspec.UpdateType) bool {
	rank := func(u cfnspec.UpdateType) int {
		switch u {
		case cfnspec.Immutable:
			return 2
		case cfnspec.Conditional:
			return 1
		}
		return 0
	}
	return rank(a) > rank(b)
}

// changedPaths lists the paths ("A.B[0]") where two values of property
// path differ: the deepest object keys and list items both sides have; a
// value added, removed or of another shape is changed where it is.
func changedPaths(path string, a, b any) []string {
	if template.Equal(a, b) {
		return nil
	}
	switch x := a.(type) {
	case map[string]any:
		y, ok := b.(map[string]any)
		if _, _, fx := template.Intrinsic(x); !ok || fx {
			break
		}
		if _, _, fy := template.Intrinsic(y); fy {
			break
		}
		var out []string
		for _, k := range unionKeys(x, y) {
			out = append(out, changedPaths(path+"."+k, x[k], y[k])...)
		}
		return out
	case []any:
		y, ok := b.([]any)
		if !ok || len(x) != len(y) {
			break
		}
		var out []string
		for i := range x {
			out = append(out, changedPaths(fmt.Sprintf("%s[%d]", path, i), x[i], y[i])...)
		}
		return out
	}
	return []string{path}
}

// reference is one Ref, Fn::GetAtt or ${X} of Fn::Sub inside a value.
type reference struct{ target, attribute string }

// references lists the resource references in v (Ref, Fn::GetAtt, Fn::Sub
// variables; parameters and pseudo parameters included, callers filter),
// through the one walker of internal/template.
func references(v any) []reference {
	var out []reference
	template.WalkReferences(v, func(_ []string, r template.Reference) {
		if r.IsResourceRef() {
			out = append(out, reference{target: r.Name, attribute: r.Attr})
		}
	})
	return out
}
