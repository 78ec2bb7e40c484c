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
	in := st.req.Fragment
	inLive, outLive := liveConditions(in), liveConditions(st.doc)
	var dead []string
	for _, name := range template.SortedKeys(template.Section(st.doc, "Conditions")) {
		if inLive[name] && !outLive[name] {
			dead = append(dead, name)
		}
	}
	removeEntries(st, "Conditions", dead, "removed: the rewrite replaced every use of the condition")
	inMaps, inDynamic := usedMappings(in, inLive)
	outMaps, outDynamic := usedMappings(st.doc, outLive)
	if inDynamic || outDynamic {
		return nil // a mapping chosen by an intrinsic: any of them may be in use
	}
	dead = nil
	for _, name := range template.SortedKeys(template.Section(st.doc, "Mappings")) {
		if inMaps[name] && !outMaps[name] {
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

// liveConditions returns the conditions a template uses: named by an
// Fn::If or a Condition (attribute or intrinsic) outside the Conditions
// section, or by a live condition. Any "Condition" key with a string value
// counts, so a property of that name keeps a condition alive (never the
// reverse).
func liveConditions(doc map[string]any) map[string]bool {
	conds := template.Section(doc, "Conditions")
	live := map[string]bool{}
	var queue []string
	mark := func(name string) {
		if _, declared := conds[name]; declared && !live[name] {
			live[name] = true
			queue = append(queue, name)
		}
	}
	for _, sec := range template.SortedKeys(doc) {
		if sec != "Conditions" {
			conditionRefs(doc[sec], mark)
		}
	}
	for len(queue) > 0 {
		name := queue[0]
		queue = queue[1:]
		conditionRefs(conds[name], mark)
	}
	return live
}

// conditionRefs calls mark for each condition name v refers to.
func conditionRefs(v any, mark func(string)) {
	switch t := v.(type) {
	case map[string]any:
		for k, e := range t {
			switch k {
			case "Condition":
				if s, ok := e.(string); ok {
					mark(s)
				}
			case "Fn::If":
				if l, ok := e.([]any); ok && len(l) > 0 {
					if s, ok := l[0].(string); ok {
						mark(s)
					}
				}
			}
			conditionRefs(e, mark)
		}
	case []any:
		for _, e := range t {
			conditionRefs(e, mark)
		}
	}
}

// usedMappings returns the mappings named by an Fn::FindInMap outside the
// Mappings section (in Conditions, only in live ones), and whether some
// Fn::FindInMap names its mapping with an intrinsic.
func usedMappings(doc map[string]any, live map[string]bool) (map[string]bool, bool) {
	used := map[string]bool{}
	dynamic := false
	var walk func(any)
	walk = func(v any) {
		switch t := v.(type) {
		case map[string]any:
			for k, e := range t {
				if k == "Fn::FindInMap" {
					if l, ok := e.([]any); ok && len(l) > 0 {
						if s, ok := l[0].(string); ok {
							used[s] = true
						} else {
							dynamic = true
						}
					}
				}
				walk(e)
			}
		case []any:
			for _, e := range t {
				walk(e)
			}
		}
	}
	for _, sec := range template.SortedKeys(doc) {
		switch sec {
		case "Mappings":
		case "Conditions":
			conds := template.Section(doc, "Conditions")
			for _, name := range template.SortedKeys(conds) {
				if live[name] {
					walk(conds[name])
				}
			}
		default:
			walk(doc[sec])
		}
	}
	return used, dynamic
}
