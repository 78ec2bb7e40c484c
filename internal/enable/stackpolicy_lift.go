package enable

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudformation"
)

// The stack policy qpe enable sets guards the private resources against
// updates made outside qpe (a template without the Transform given in the
// console). An update qpe itself planned, showed and was told to run may
// remove or replace them by design: qpe disable's final update, an upgrade
// accepted with --accept-macro-replacement. Such an update is run with
// qpe's statements lifted for that update only: a change set cannot carry
// a policy, so the reviewed change set is deleted and the same template,
// parameters and capabilities go through UpdateStack with
// StackPolicyDuringUpdateBody = the stack's policy without qpe's
// statements (WithoutPrivateStatements: the customer's own statements stay
// in force). The stack's policy itself is not changed; after the update,
// protect sets it for what is deployed then (none of qpe's statements once
// the Transform is gone).

// guardedChanges are the protected resources (ids) that the change set
// removes or replaces: the actions qpe's Deny statements refuse
// (Update:Delete; Update:Replace for Replacement True, and Conditional
// when conditional). Sorted.
func guardedChanges(cs *ChangeSetInfo, ids []string, conditional bool) []string {
	var out []string
	for _, c := range cs.changes {
		rc := c.ResourceChange
		if rc == nil || !slices.Contains(ids, rc.LogicalResourceID) {
			continue
		}
		if rc.Action == "Remove" || rc.Action == "Modify" && (rc.Replacement == "True" || conditional && rc.Replacement == "Conditional") {
			out = append(out, rc.LogicalResourceID)
		}
	}
	slices.Sort(out)
	return slices.Compact(out)
}

// liftedPolicy says whether the change set needs qpe's statements lifted,
// and the policy to use during its update: the stack's policy without
// qpe's statements, when that policy has them and the change set removes
// or replaces one of the resources they name (a removal or a certain
// replacement is one the plan refused unless accepted; a possible,
// Conditional, one is lifted for only when the user accepted replacing
// the macro's resources, or leaves with qpe disable: otherwise the policy
// stays the guard). guarded are those resources.
func (r *Result) liftedPolicy(ctx context.Context, cs *ChangeSetInfo) (during string, guarded []string, err error) {
	ids := r.protectedNow()
	guarded = guardedChanges(cs, ids, r.input.AcceptMacroReplacement || r.disable)
	if len(guarded) == 0 || cs.input == nil {
		return "", nil, nil
	}
	out, err := r.clients.CloudFormation.GetStackPolicy(ctx, &cloudformation.GetStackPolicyInput{StackName: aws.String(r.stack.ID)})
	if err != nil {
		return "", nil, fmt.Errorf("reading the stack policy (cloudformation:GetStackPolicy): %w", err)
	}
	body, changed, err := WithoutPrivateStatements(aws.ToString(out.StackPolicyBody), ids)
	if err != nil || !changed { // no policy, or none of qpe's statements
		return "", nil, err
	}
	return string(body), guarded, nil
}

// executeLifted is step 6 for a change set qpe's stack policy statements
// would refuse: the same update through UpdateStack with the policy
// during, followed by its events as ExecuteChangeSet's.
func (r *Result) executeLifted(ctx context.Context, sg *Stage, cs *ChangeSetInfo, during string, guarded []string) (done bool) {
	in := cs.input
	token := clientToken(cs.Name)
	r.step("this update removes or replaces %s, which the stack policy set by qpe enable protects (docs/stackpolicy.md): you accepted it, so it runs with qpe's statements lifted for this update only. A change set cannot carry a policy: change set %s is deleted and the same template, parameters and capabilities go through cloudformation:UpdateStack with a during-update policy (your own statements stay in force)",
		strings.Join(guarded, ", "), cs.Name)
	if _, err := r.clients.CloudFormation.DeleteChangeSet(ctx, &cloudformation.DeleteChangeSetInput{ChangeSetName: aws.String(cs.ID), StackName: aws.String(r.stack.ID)}); err != nil {
		return r.stopped(OutcomeUpdateFailed, 1, fmt.Sprintf("deleting change set %s before the update (cloudformation:DeleteChangeSet): %v; nothing was executed", cs.Name, err))
	}
	_, err := r.clients.CloudFormation.UpdateStack(ctx, &cloudformation.UpdateStackInput{
		StackName: aws.String(r.stack.ID), TemplateBody: in.TemplateBody, TemplateURL: in.TemplateURL,
		Parameters: in.Parameters, Capabilities: in.Capabilities,
		StackPolicyDuringUpdateBody: aws.String(during), ClientRequestToken: aws.String(token),
	})
	if err != nil {
		return r.stopped(OutcomeUpdateFailed, 1, fmt.Sprintf("updating the stack with qpe's stack policy statements lifted for this update (cloudformation:UpdateStack): %v; nothing was executed", err))
	}
	if sg.StackPolicy == nil {
		sg.StackPolicy = &PolicyStep{}
	}
	sg.StackPolicy.LiftedFor = guarded
	r.step("updating the stack (cloudformation:UpdateStack, the reviewed change set's template and parameters): following the stack events (Ctrl-C stops following, never the update)")
	return r.followUpdate(ctx, sg, newFollower(r.clients.CloudFormation, r.stack.ID, token, cs.Changes))
}
