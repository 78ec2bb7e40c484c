package stackfake

import (
	"slices"
	"strings"

	"github.com/quiltdata/quilt-private-endpoints/internal/cfnspec"
	"github.com/quiltdata/quilt-private-endpoints/internal/review"
	"github.com/quiltdata/quilt-private-endpoints/internal/template"
)

// computeChanges lists the resource changes from the deployed processed
// template to the new one, the way DescribeChangeSet shows them: the diff
// and the update behaviour of each changed property are internal/review's
// (from the resource specification of internal/cfnspec), a renamed resource
// is an Add and a Remove, and a resource that refers to a replaced one gets
// a Dynamic detail caused by it.
func computeChanges(before, after map[string]any, physical map[string]string) []resourceChange {
	spec := cfnspec.New()
	rep := review.Build(review.Input{Name: "changeset", Before: before, After: after}, spec)
	var out []resourceChange
	byID := map[string]int{}
	push := func(rc resourceChange) {
		byID[rc.LogicalID] = len(out)
		out = append(out, rc)
	}
	for _, res := range rep.Resources {
		switch res.Action {
		case review.ActionAdd:
			push(resourceChange{Action: "Add", LogicalID: res.LogicalID, Type: res.Type})
		case review.ActionRemove:
			push(resourceChange{Action: "Remove", LogicalID: res.LogicalID, Type: res.Type, PhysicalID: physical[res.LogicalID]})
		case review.ActionRename:
			push(resourceChange{Action: "Add", LogicalID: res.LogicalID, Type: res.Type})
			push(resourceChange{Action: "Remove", LogicalID: res.RenamedFrom, Type: res.Type, PhysicalID: physical[res.RenamedFrom]})
		case review.ActionModify:
			rc := resourceChange{Action: "Modify", LogicalID: res.LogicalID, Type: res.Type, PhysicalID: physical[res.LogicalID]}
			for _, c := range res.Changes {
				if c.Behavior <= cfnspec.None && c.Attribute != "Properties" {
					continue // DependsOn and the like: no resource update
				}
				d := changeDetail{Attribute: c.Attribute, Evaluation: "Static", ChangeSource: "DirectModification", RequiresRecreation: "Never"}
				if c.Attribute == "Properties" {
					d.Name = topName(c.Path)
					d.RequiresRecreation = recreation(c.Update)
				}
				if c.Attribute == "Type" {
					d.Attribute, d.RequiresRecreation = "Properties", "Always"
				}
				rc.addDetail(d)
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
	ar := template.Resources(after)
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

// topName is the top-level property of a review path ("A.B[0]" -> "A").
func topName(path string) string {
	if i := strings.IndexAny(path, ".["); i >= 0 {
		return path[:i]
	}
	return path
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
