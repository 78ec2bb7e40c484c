package updatepath

import (
	"errors"
	"fmt"
	"strings"

	"github.com/quiltdata/quilt-private-endpoints/internal/template"
)

// TemplateError is a template the model cannot plan because CloudFormation
// refuses it: a resource that is not an object or has no Type, a DependsOn
// on an unknown resource, a dependency cycle.
type TemplateError struct {
	// Template is "deployed" or "new".
	Template string
	// Resource is the logical id the problem is in ("" for the template).
	Resource string
	Problem  string
	Fix      string
}

func (e *TemplateError) Error() string {
	s := "the " + e.Template + " template"
	if e.Resource != "" {
		s += ": resource " + e.Resource
	}
	return s + ": " + e.Problem + ". Fix: " + e.Fix
}

// validate checks the shape the model reads in one template's raw form.
func validate(name string, doc map[string]any) error {
	rs := template.Resources(doc)
	if rs == nil {
		return &TemplateError{Template: name, Problem: "there is no Resources section (or it is not an object)",
			Fix: "pass a CloudFormation template with a Resources object of logical id to resource"}
	}
	for _, id := range template.SortedKeys(rs) {
		m, ok := rs[id].(map[string]any)
		if !ok {
			return &TemplateError{Template: name, Resource: id, Problem: "the resource is " + template.AKindOf(rs[id]) + ", not an object",
				Fix: "make it an object with a Type and Properties, e.g. {Type: AWS::SNS::Topic}"}
		}
		if t, _ := m["Type"].(string); t == "" {
			return &TemplateError{Template: name, Resource: id, Problem: "the resource has no Type (or it is not a type name)",
				Fix: "set Type to a resource type name, e.g. Type: AWS::Lambda::Function"}
		}
		if p, ok := m["Properties"]; ok && p != nil {
			if _, ok := p.(map[string]any); !ok {
				return &TemplateError{Template: name, Resource: id, Problem: "Properties is " + template.AKindOf(p) + ", not an object",
					Fix: "make Properties an object of property name to value"}
			}
		}
		deps, err := template.DependsOn(m)
		if err != nil {
			var de *template.DependsOnError
			errors.As(err, &de)
			return &TemplateError{Template: name, Resource: id, Problem: de.Problem, Fix: de.Fix}
		}
		for _, s := range deps {
			if s == id {
				return &TemplateError{Template: name, Resource: id, Problem: "DependsOn names the resource itself",
					Fix: "remove " + id + " from its own DependsOn"}
			}
			if _, ok := rs[s]; !ok {
				return &TemplateError{Template: name, Resource: id, Problem: fmt.Sprintf("DependsOn names %s, which is not a resource of the template", s),
					Fix: "name an existing resource's logical id in DependsOn, or remove the entry"}
			}
		}
	}
	return nil
}

// acyclic reports a dependency cycle (DependsOn, Ref, Fn::GetAtt, Fn::Sub)
// among one side's resources, which CloudFormation refuses ("Circular
// dependency between resources").
func acyclic(name string, s *side) error {
	ids := sortedKeys(s.resources)
	cycle := template.NewGraph(ids, func(id string) []string { return s.resources[id].Deps }).Cycle()
	if cycle == nil {
		return nil
	}
	return &TemplateError{Template: name, Resource: cycle[0],
		Problem: "the resources depend on each other in a cycle (" + strings.Join(cycle, " -> ") + ", through DependsOn, Ref, Fn::GetAtt or Fn::Sub)",
		Fix:     "remove one dependency of the cycle (a DependsOn entry or a reference) so that the resources can be ordered"}
}
