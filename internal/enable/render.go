package enable

import (
	"context"
	"errors"
	"fmt"
	"slices"

	"github.com/quiltdata/quilt-private-endpoints/internal/macroevent"
	"github.com/quiltdata/quilt-private-endpoints/internal/review"
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
	// Body is Submitted as the JSON enable sends.
	Body []byte
}

// render adds the transform entry to the deployed template and renders it.
func (r *Result) render(ctx context.Context, sg *Stage) (*rendering, bool) {
	if sg.Name == StageLeave { // qpe disable's final update: no Transform
		return r.renderLeave(ctx, sg)
	}
	st := r.stack
	base := r.baseTemplate()
	declared := template.Section(base, "Parameters")
	params := map[string]string{}
	for k, v := range st.Parameters {
		if _, ok := declared[k]; ok {
			params[k] = v
		}
	}
	for k, v := range r.input.Parameters {
		params[k] = v
	}
	submitted := macroevent.WithEntry(base, sg.Settings)
	body, err := template.EncodeJSON(submitted, false)
	if err != nil {
		return nil, r.stopped(OutcomeRenderFailed, 1, "encoding the template: "+err.Error())
	}
	if len(body) > MaxTemplateBody && r.input.S3Bucket == "" {
		return nil, r.stopped(OutcomeRenderFailed, 2, fmt.Sprintf("the template is %d bytes, over the %d CloudFormation takes inline: pass --s3-bucket BUCKET (a bucket in %s you can write to) and enable uploads it there", len(body), MaxTemplateBody, st.Region))
	}
	// What CloudFormation hands the macro: the entry out, its Parameters
	// resolved, the stack's values typed.
	doc, _ := template.Clone(submitted).(map[string]any)
	inv, err := macroevent.Build(doc, nil, params)
	var pe *macroevent.ParameterError
	switch {
	case errors.As(err, &pe): // a --parameter the template does not declare
		return nil, r.stopped(OutcomeRenderFailed, 2, err.Error())
	case err != nil:
		return nil, r.stopped(OutcomeRenderFailed, 1, err.Error())
	}
	if inv.OtherTransforms != nil {
		return nil, r.stopped(OutcomeRenderFailed, 1, fmt.Sprintf("the stack's template also uses the transform(s) %s: qpe enable plans only templates whose one transform is %s. Use qpe render, qpe review and the manual steps of the README",
			review.Short(inv.OtherTransforms), macroevent.MacroName))
	}
	req := inv.Request()
	req.Region, req.AccountID = st.Region, st.AccountID
	res, err := transform.Transform(ctx, req)
	if err != nil {
		return nil, r.stopped(OutcomeRenderFailed, 1, "the macro refuses the stack's template: "+err.Error())
	}
	settings := inv.Event.Params
	r.step("rendered the template with %s (%d changes by the macro)", macroevent.MacroName, len(res.Changes))
	return &rendering{Submitted: submitted, Processed: res.Fragment, Result: res, Params: params, Settings: settings, Body: body}, false
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
