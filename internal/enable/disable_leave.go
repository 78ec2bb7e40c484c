package enable

import (
	"context"
	"fmt"
	"reflect"
	"slices"
	"strings"

	"github.com/quiltdata/quilt-private-endpoints/internal/macroevent"
	"github.com/quiltdata/quilt-private-endpoints/internal/review"
	"github.com/quiltdata/quilt-private-endpoints/internal/template"
	"github.com/quiltdata/quilt-private-endpoints/internal/transform"
)

// passDisable names qpe disable's explanations of the final update's
// changes (the change set's annotations).
const passDisable = "disable"

// renderLeave is the final update's template: the deployed original
// template without the QuiltPrivateEndpoints Transform entry (other
// entries would be kept; a template with others is refused, since nothing
// here can expand them to plan the update), every parameter it declares
// keeping its value, the parameters only the macro added dropped, plus the
// DependsOn that order the update safely (transform.LeaveOrder, listed in the
// stage's Order). Without a transform CloudFormation deploys it as it is,
// so it is its own processed template.
func (r *Result) renderLeave(_ context.Context, sg *Stage) (*rendering, bool) {
	st := r.stack
	submitted, others := macroevent.WithoutEntry(st.Original)
	if len(others) > 0 {
		return nil, r.stopped(OutcomeRenderFailed, 1, fmt.Sprintf("the stack's template also uses the transform(s) %s: qpe disable plans only templates whose one transform is %s (it cannot expand the others to plan the update). Remove the %s entry by hand, plan the update with qpe plan, and update the stack yourself",
			review.Short(others), macroevent.MacroName, macroevent.MacroName))
	}
	params := declaredValues(submitted, st.Parameters)
	var dropped []string
	for k := range st.Parameters {
		if _, ok := params[k]; !ok {
			dropped = append(dropped, k)
		}
	}
	slices.Sort(dropped)
	original := submitted
	submitted, order := transform.LeaveOrder(original, st.Processed)
	for i := range order {
		order[i].Pass = passDisable
	}
	body, err := template.EncodeJSON(submitted, false)
	if err != nil {
		return nil, r.stopped(OutcomeRenderFailed, 1, "encoding the template: "+err.Error())
	}
	if len(body) > MaxTemplateBody && r.input.S3Bucket == "" {
		return nil, r.stopped(OutcomeRenderFailed, 2, fmt.Sprintf("the template is %d bytes, over the %d CloudFormation takes inline: pass --s3-bucket BUCKET (a bucket in %s you can write to) and disable uploads it there", len(body), MaxTemplateBody, st.Region))
	}
	msg := fmt.Sprintf("the final update: the stack's original template without the %s Transform, %d parameter(s) keeping their values", macroevent.MacroName, len(params))
	if len(dropped) > 0 {
		msg += "; the parameter(s) the macro added go: " + strings.Join(dropped, ", ")
	}
	r.step("%s", msg)
	if len(order) > 0 {
		r.step("the final update orders itself as the macro ordered the way in: %d DependsOn added to the original template (nothing else differs from it):", len(order))
		for _, c := range order {
			r.step("  %s: %s", c.Resource, c.Detail)
		}
	}
	sg.Order = order
	res := &transform.Result{Fragment: submitted, Changes: append(leaveChanges(st.Processed, original), order...)}
	return &rendering{Submitted: submitted, Processed: submitted, Result: res, Params: params, Body: body}, false
}

// leaveChanges explain each resource the final update changes, in the
// words of the change set's annotations: what the macro made goes, what it
// changed comes back as the original template has it.
func leaveChanges(deployed, original map[string]any) []transform.Change {
	before, after := template.Resources(deployed), template.Resources(original)
	var out []transform.Change
	for _, id := range template.SortedKeys(before) {
		now, kept := after[id]
		switch {
		case !kept:
			out = append(out, transform.Change{Pass: passDisable, Resource: id, Detail: "made by " + macroevent.MacroName + ": removed with the Transform"})
		case !reflect.DeepEqual(before[id], now):
			out = append(out, transform.Change{Pass: passDisable, Resource: id, Detail: "back to the original template's definition (the macro had changed it)"})
		}
	}
	for _, id := range template.SortedKeys(after) {
		if _, had := before[id]; !had {
			out = append(out, transform.Change{Pass: passDisable, Resource: id, Detail: "the original template's resource, back (the macro had replaced or removed it)"})
		}
	}
	return out
}
