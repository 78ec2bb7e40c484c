package enable

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/quiltdata/quilt-private-endpoints/internal/template"
	"github.com/quiltdata/quilt-private-endpoints/internal/transform"
)

// rendering is the new template of a stage: what enable submits, and what
// the macro will make of it (rendered here, as `qpe render` does, to plan
// and check before CloudFormation sees it).
type rendering struct {
	// Submitted is the stack's original template with the transform entry.
	Submitted map[string]any
	// Processed is the macro's output for it, with the stack's values.
	Processed map[string]any
	Result    *transform.Result
	// Params are the stack's parameter values after the update.
	Params map[string]string
	// Settings are the transform entry's parameters.
	Settings map[string]any
}

// render adds the transform entry to the deployed template and renders it.
func (r *Result) render(ctx context.Context, sg *Stage) (*rendering, bool) {
	st := r.stack
	declared := template.Section(st.Original, "Parameters")
	for _, k := range sortedKeys(r.input.Parameters) {
		if _, ok := declared[k]; !ok {
			return nil, r.stopped(OutcomeRenderFailed, 2, fmt.Sprintf("--parameter %s: the stack's template declares no parameter %s (CloudFormation refuses values for undeclared parameters). Fix: give the value as a Transform setting with --set", k, k))
		}
	}
	params := map[string]string{}
	for k, v := range st.Parameters {
		if _, ok := declared[k]; ok {
			params[k] = v
		}
	}
	for k, v := range r.input.Parameters {
		params[k] = v
	}
	submitted, settings, others, err := withTransform(st.Original, sg.Settings, params)
	if err != nil {
		return nil, r.stopped(OutcomeRenderFailed, 1, err.Error())
	}
	if len(others) > 0 {
		return nil, r.stopped(OutcomeRenderFailed, 1, fmt.Sprintf("the stack's template also uses the transform(s) %s: qpe enable plans only templates whose one transform is %s. Use qpe render, qpe review and the manual steps of the README",
			strings.Join(others, ", "), MacroName))
	}
	fragment, _ := template.Clone(submitted).(map[string]any)
	delete(fragment, "Transform")
	values := map[string]any{}
	for k, v := range params {
		decl, _ := declared[k].(map[string]any)
		if typ, _ := decl["Type"].(string); strings.HasPrefix(typ, "List<") || typ == "CommaDelimitedList" {
			var list []any
			for _, e := range strings.Split(v, ",") {
				list = append(list, strings.TrimSpace(e))
			}
			values[k] = list
			continue
		}
		values[k] = v
	}
	res, err := transform.Transform(ctx, transform.Request{Fragment: fragment, Params: settings, TemplateParameterValues: values,
		Region: st.Region, AccountID: st.AccountID})
	if err != nil {
		return nil, r.stopped(OutcomeRenderFailed, 1, "the macro refuses the stack's template: "+err.Error())
	}
	r.step("rendered the template with %s (%d changes by the macro)", MacroName, len(res.Changes))
	return &rendering{Submitted: submitted, Processed: res.Fragment, Result: res, Params: params, Settings: settings}, false
}

// withTransform returns the template with the QuiltPrivateEndpoints entry
// first in its Transform section (an entry already there keeps its
// parameters; set wins), the entry's parameters, and the other transforms.
// A parameter of the entry that is a Ref to a template parameter takes that
// parameter's value, as CloudFormation resolves it.
func withTransform(original map[string]any, set map[string]string, params map[string]string) (map[string]any, map[string]any, []string, error) {
	doc, _ := template.Clone(original).(map[string]any)
	var entries []any
	switch t := doc["Transform"].(type) {
	case nil:
	case []any:
		entries = t
	default:
		entries = []any{t}
	}
	settings := map[string]any{}
	var rest []any
	var others []string
	for _, e := range entries {
		switch t := e.(type) {
		case string:
			if t == MacroName {
				continue
			}
			others = append(others, t)
		case map[string]any:
			if t["Name"] == MacroName {
				p, _ := t["Parameters"].(map[string]any)
				for k, v := range p {
					if name, ok := template.Ref(v); ok {
						val, known := params[name]
						if !known {
							return nil, nil, nil, fmt.Errorf("transform %s: parameter %s refers to template parameter %s, which has no value. Fix: give it with --set %s=VALUE", MacroName, k, name, k)
						}
						v = val
					}
					settings[k] = v
				}
				continue
			}
			name, _ := t["Name"].(string)
			others = append(others, name)
		}
		rest = append(rest, e)
	}
	for k, v := range set {
		settings[k] = v
	}
	entry := map[string]any{"Name": MacroName}
	if len(settings) > 0 {
		entry["Parameters"] = settings
	}
	doc["Transform"] = append([]any{entry}, rest...)
	slices.Sort(others)
	return doc, settings, others, nil
}

// stopped is stop for a step that returns (value, stop).
func (r *Result) stopped(outcome string, exit int, msg string) bool {
	r.stop(outcome, exit, msg)
	return true
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

// warningTexts are the macro's warnings as text.
func warningTexts(rd *rendering) []string { return rd.Result.WarningTexts() }
