// Package macroevent builds the event CloudFormation sends the
// QuiltPrivateEndpoints macro from a template and the stack's parameter
// values, doing what CloudFormation does before it calls a macro: the
// macro's own entry leaves the Transform section, its Parameters become the
// event's params (a Ref to a template parameter resolved), and the stack's
// parameter values are given by their declared Type. It is the counterpart
// of macro.ParseEvent, and how `qpe render` and `qpe review` run the engine
// on what the macro would get.
package macroevent

import (
	"fmt"
	"maps"
	"slices"

	"github.com/quiltdata/quilt-private-endpoints/internal/macro"
	"github.com/quiltdata/quilt-private-endpoints/internal/template"
	"github.com/quiltdata/quilt-private-endpoints/internal/transform"
)

// MacroName is the name the macro is registered under
// (AWS::CloudFormation::Macro) and that templates list in Transform.
const MacroName = "QuiltPrivateEndpoints"

// Invocation is one call of the macro, as CloudFormation would make it.
type Invocation struct {
	// Event is what the macro receives: Fragment is the template without
	// the macro's Transform entry, Params the settings,
	// TemplateParameterValues the stack's values (nil when none are given).
	Event macro.Event
	// OtherTransforms is what is left of the template's Transform section,
	// which CloudFormation runs after the macro: nil when none is left, a
	// single entry when the section was one entry, else a list.
	OtherTransforms any
}

// ParameterError is a stack parameter value that the template cannot take:
// a mistake in how the command was called, not in the template.
type ParameterError struct{ Err error }

func (e *ParameterError) Error() string { return e.Err.Error() }
func (e *ParameterError) Unwrap() error { return e.Err }

// Build makes the invocation for doc, which it changes (the Transform
// section is removed). settings are Transform parameters given from
// outside (qpe's --set): they win over the template's own entry. values
// are the stack's parameter values by name, as strings; every name must be
// a parameter the template declares (a *ParameterError otherwise). The
// messages name qpe's flags (--parameter, --set), where these come from.
func Build(doc map[string]any, settings map[string]any, values map[string]string) (*Invocation, error) {
	tv, err := parameterValues(doc, values)
	if err != nil {
		return nil, &ParameterError{Err: err}
	}
	rest, fromTemplate, err := splitTransform(doc, tv)
	if err != nil {
		return nil, err
	}
	params := make(map[string]any, len(settings)+len(fromTemplate))
	for k, v := range fromTemplate {
		params[k] = v
	}
	for k, v := range settings {
		params[k] = v
	}
	return &Invocation{
		Event:           macro.Event{Fragment: doc, Params: params, TemplateParameterValues: tv},
		OtherTransforms: rest,
	}, nil
}

// Request is the engine's request for the invocation, as the macro's
// handler makes it from the event.
func (inv *Invocation) Request() transform.Request {
	frag, _ := inv.Event.Fragment.(map[string]any)
	return transform.Request{
		Fragment:                frag,
		Params:                  inv.Event.Params,
		TemplateParameterValues: inv.Event.TemplateParameterValues,
		Region:                  inv.Event.Region,
		AccountID:               inv.Event.AccountID,
	}
}

// parameterValues turns the stack's parameter values into the resolved
// values CloudFormation gives a macro: List and CommaDelimitedList
// parameters become lists. Every name must be a parameter the template
// declares, as CloudFormation requires.
func parameterValues(doc map[string]any, raw map[string]string) (map[string]any, error) {
	if len(raw) == 0 {
		return nil, nil
	}
	declared := template.Section(doc, "Parameters")
	values := make(map[string]any, len(raw))
	for _, name := range slices.Sorted(maps.Keys(raw)) {
		p, ok := declared[name].(map[string]any)
		if !ok {
			return nil, fmt.Errorf("--parameter %s: the template declares no parameter %s (CloudFormation refuses values for undeclared parameters). Fix: declare it, or give the value as a Transform parameter with --set", name, name)
		}
		value := raw[name]
		if typ, _ := p["Type"].(string); template.IsListType(typ) {
			list := template.ListValue(value)
			if list == nil {
				list = []any{""} // an empty value is a list of one empty item here
			}
			values[name] = list
			continue
		}
		values[name] = value
	}
	return values, nil
}

// splitTransform removes the macro from the template's Transform section,
// as CloudFormation does before it calls the macro. It returns the other
// transforms (nil when none are left) and the macro entry's Parameters. A
// Ref to a template parameter takes the parameter's value as CloudFormation
// resolves it: the stack's value when given (values), else its Default.
func splitTransform(doc map[string]any, values map[string]any) (rest any, params map[string]any, err error) {
	params = map[string]any{}
	tr, ok := doc["Transform"]
	if !ok {
		return nil, params, nil
	}
	delete(doc, "Transform")
	entries, kept := macroEntries(tr)
	for _, e := range entries {
		p, err := transformParams(doc, e, values)
		if err != nil {
			return nil, nil, err
		}
		for k, v := range p {
			params[k] = v
		}
	}
	switch {
	case len(kept) == 0:
		return nil, params, nil
	case len(kept) == 1:
		if _, isList := tr.([]any); !isList {
			return kept[0], params, nil
		}
	}
	return kept, params, nil
}

// notAParameterError is the error for a Transform parameter that Refs a
// name the template does not declare as a parameter: CloudFormation
// resolves only template parameters in a macro's Parameters (a resource
// does not exist yet when the macro runs).
func notAParameterError(doc map[string]any, setting, name string) error {
	what := "no template parameter"
	if _, isResource := template.Section(doc, "Resources")[name]; isResource {
		what = "a resource, not a template parameter"
	}
	//lint:ignore ST1005 "Transform" is the template section the message names
	return fmt.Errorf("Transform: %s parameter %s is !Ref %s, which is %s; a Transform parameter can only Ref a template parameter (CloudFormation resolves only parameters there, before any resource exists). Fix: give %s a literal value, or declare a template parameter and Ref it (or give the value with --set %s=VALUE)", MacroName, setting, name, what, setting, setting)
}

// macroEntries splits a Transform section's value into the Parameters of
// the macro's entries (as written, nil for an entry by name only) and the
// other entries, in their order.
func macroEntries(tr any) (params []any, rest []any) {
	for _, e := range transformEntries(tr) {
		if !isEntry(e) {
			rest = append(rest, e)
			continue
		}
		if m, isMap := e.(map[string]any); isMap {
			params = append(params, m["Parameters"])
			continue
		}
		params = append(params, nil)
	}
	return params, rest
}

// WithEntry returns a copy of doc with the macro's entry in its Transform
// section, as `qpe enable` submits it: where the template has it already
// (among the other transforms, which keep their order), else first; an
// entry of the macro already there gives its Parameters (a mapping;
// anything else is dropped), and settings win over them.
func WithEntry(doc map[string]any, settings map[string]string) map[string]any {
	out, _ := template.Clone(doc).(map[string]any)
	_, at, _ := Entry(out)
	entries, rest := macroEntries(out["Transform"])
	params := map[string]any{}
	for _, e := range entries {
		p, _ := e.(map[string]any)
		for k, v := range p {
			params[k] = v
		}
	}
	for k, v := range settings {
		params[k] = v
	}
	entry := map[string]any{"Name": MacroName}
	if len(params) > 0 {
		entry["Parameters"] = params
	}
	out["Transform"] = slices.Insert(slices.Clone(rest), at, any(entry))
	return out
}

func transformParams(doc map[string]any, v any, values map[string]any) (map[string]any, error) {
	if v == nil {
		return map[string]any{}, nil
	}
	m, ok := v.(map[string]any)
	if !ok {
		//lint:ignore ST1005 "Transform" is the template section the message names
		return nil, fmt.Errorf("Transform: the Parameters of %s are a %s, not a mapping. Fix: write Parameters: {Name: Value, ...}", MacroName, template.KindOf(v))
	}
	out := make(map[string]any, len(m))
	for k, pv := range m {
		name, isRef := template.Ref(pv)
		if !isRef {
			out[k] = pv
			continue
		}
		if given, ok := values[name]; ok {
			out[k] = given
			continue
		}
		decl, isParam := template.Section(doc, "Parameters")[name].(map[string]any)
		if !isParam {
			return nil, notAParameterError(doc, k, name)
		}
		def, hasDefault := decl["Default"]
		if !hasDefault {
			//lint:ignore ST1005 "Transform" is the template section the message names
			return nil, fmt.Errorf("Transform: %s parameter %s refers to template parameter %s, which has no Default. Fix: give the value with --set %s=VALUE or --parameter %s=VALUE", MacroName, k, name, k, name)
		}
		out[k] = def
	}
	return out, nil
}
