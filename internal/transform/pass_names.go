package transform

import (
	"fmt"

	"github.com/quiltdata/quilt-private-endpoints/internal/template"
)

// passNames refuses a rewrite whose added names collide with the
// template's own, which would otherwise be overwritten or make
// CloudFormation refuse the template: parameters and resources share one
// namespace of logical ids (cfn-lint E3007), so a resource the macro adds
// may not have the name of a template parameter; a condition the macro adds
// may not replace a different condition of the same name. (A parameter the
// macro adds that has a resource's name is refused by passParameters, which
// knows which setting names it.) It runs last and compares the output with
// the input, so it covers every name any pass adds.
func passNames(st *state) error {
	in := st.req.Fragment
	inParams := template.Section(in, "Parameters")
	inRes := template.Resources(in)
	for _, id := range st.ids {
		if _, existed := inRes[id]; existed {
			continue
		}
		if _, clash := inParams[id]; clash {
			return &Error{Resource: "Parameters." + id,
				Message: fmt.Sprintf("the macro adds a resource %s (%s), and the template declares a parameter with that name; parameters and resources share one namespace of logical ids",
					id, st.typeOf(id)),
				Remedy: "rename the template's parameter " + id + " (and its Refs)" + addedResourceRemedy(id)}
		}
	}
	inConds := template.Section(in, "Conditions")
	outConds := template.Section(st.doc, "Conditions")
	for _, name := range template.SortedKeys(outConds) {
		cur, existed := inConds[name]
		if !existed || template.Equal(cur, outConds[name]) {
			continue
		}
		return &Error{Resource: "Conditions." + name,
			Message: "the template has a condition with this name, which the macro needs for a condition of its own",
			Remedy:  "rename the template's condition " + name + " (and the Fn::If and Condition entries that use it)" + addedConditionRemedy(name)}
	}
	return nil
}

// addedResourceRemedy is the other way out of a clash with a resource the
// macro adds: the setting that avoids adding it.
func addedResourceRemedy(id string) string {
	switch id {
	case PreflightLogicalID:
		return ", or set " + SetPreflightMode + " to none"
	case SecurityGroupLogicalID:
		return ", or give the " + SetSecurityGroupIds + " setting so the macro adds no security group"
	}
	return ""
}

func addedConditionRemedy(name string) string {
	if name == CreateEndpointCondition {
		return ", or set " + SetPreflightMode + " to validate and give the endpoint id"
	}
	return ""
}
