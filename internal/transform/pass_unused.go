package transform

import (
	"github.com/quiltdata/quilt-private-endpoints/internal/template"
)

// passUnused removes the mappings and conditions that the rewrite left
// unused: used in the input, used nowhere in the output (e.g. the
// Fn::FindInMap of a REST API's endpoint type, replaced by PRIVATE), so the
// rendered template has no definition that cfn-lint reports as unused
// (W7001, W8001). What the input already left unused stays: nothing the
// user wrote is lost. Parameters are never removed, even when unused: the
// stack's callers pass their values, and CloudFormation refuses a value for
// a parameter the template no longer declares.
func passUnused(st *state) error {
	in, out := usesOf(st.req.Fragment), usesOf(st.doc)
	var dead []string
	for _, name := range template.SortedKeys(template.Section(st.doc, "Conditions")) {
		if in.conditions[name] && !out.conditions[name] {
			dead = append(dead, name)
		}
	}
	removeEntries(st, "Conditions", dead, "removed: the rewrite replaced every use of the condition")
	if in.dynamic || out.dynamic {
		return nil // a mapping chosen by an intrinsic: any of them may be in use
	}
	dead = nil
	for _, name := range template.SortedKeys(template.Section(st.doc, "Mappings")) {
		if in.mappings[name] && !out.mappings[name] {
			dead = append(dead, name)
		}
	}
	removeEntries(st, "Mappings", dead, "removed: the rewrite replaced every Fn::FindInMap of the mapping")
	return nil
}

// removeEntries deletes names from a top-level section, and the section
// when nothing is left in it.
func removeEntries(st *state, section string, names []string, detail string) {
	if len(names) == 0 {
		return
	}
	sec := st.section(section)
	for _, name := range names {
		delete(sec, name)
		st.change("unused", section+"."+name, "%s", detail)
	}
	if len(sec) == 0 {
		delete(st.doc, section)
	}
}

// uses is what a template uses of its Conditions and Mappings sections
// (usesOf).
type uses struct {
	// conditions are named by an Fn::If or a Condition (attribute or
	// intrinsic) outside the Conditions section, or by a live condition.
	// Any "Condition" key with a string value counts, so a property of that
	// name keeps a condition alive (never the reverse).
	conditions map[string]bool
	// mappings are named by an Fn::FindInMap outside the Mappings section
	// (in Conditions, only in live ones).
	mappings map[string]bool
	// dynamic: some Fn::FindInMap names its mapping with an intrinsic.
	dynamic bool
}

// usesOf finds the live conditions and used mappings of a template in one
// walk of each section.
func usesOf(doc map[string]any) uses {
	conds := template.Section(doc, "Conditions")
	u := uses{conditions: map[string]bool{}, mappings: map[string]bool{}}
	var queue []string
	walk := func(v any, findInMap bool) {
		template.WalkReferences(v, func(_ []string, r template.Reference) {
			switch {
			case r.Kind == template.ByCondition && r.Name != "":
				u.markCondition(conds, r.Name, &queue)
			case r.Kind == template.ByFindInMap && findInMap && r.Name == "":
				u.dynamic = true
			case r.Kind == template.ByFindInMap && findInMap:
				u.mappings[r.Name] = true
			}
		})
	}
	for _, sec := range template.SortedKeys(doc) {
		if sec != "Conditions" {
			walk(doc[sec], sec != "Mappings")
		}
	}
	for len(queue) > 0 {
		name := queue[0]
		queue = queue[1:]
		walk(conds[name], true)
	}
	return u
}

// markCondition records a use of a declared condition, and queues it for
// the walk of its own definition.
func (u *uses) markCondition(conds map[string]any, name string, queue *[]string) {
	if _, declared := conds[name]; declared && !u.conditions[name] {
		u.conditions[name] = true
		*queue = append(*queue, name)
	}
}
