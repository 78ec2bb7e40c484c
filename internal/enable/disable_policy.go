package enable

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudformation"
)

// PolicyLift is what qpe disable's final update did with the stack policy
// qpe enable set: the policy in force during that update only (the stack's
// policy with qpe's statements removed, WithoutPrivateStatements), and the
// policy set once it completed (the same: the customer's statements).
type PolicyLift struct {
	// Protected are the resources whose Deny statements were lifted.
	Protected []string `json:"protected"`
	// DuringUpdate is UpdateStack's StackPolicyDuringUpdateBody; empty when
	// the stack had no policy (the change set was executed as reviewed).
	DuringUpdate json.RawMessage `json:"duringUpdate,omitempty"`
	// Set: the stack policy was set to DuringUpdate after the update.
	Set bool `json:"set"`
	// Error says why the policy could not be read or set afterwards.
	Error string `json:"error,omitempty"`
}

// executeLeave executes qpe disable's final update. The stack policy qpe
// enable set denies Update:Delete and Update:Replace on the resources the
// update removes, and ExecuteChangeSet cannot take a policy for one
// update: the reviewed change set is deleted and exactly its template and
// parameters go through UpdateStack with StackPolicyDuringUpdateBody, the
// stack's own statements kept and qpe's removed. Once it completed, the
// stack policy is set to that policy (a stack policy cannot be removed).
// A stack without a policy executes the change set as enable does.
func (r *Result) executeLeave(ctx context.Context, sg *Stage, cs *ChangeSetInfo) (done bool) {
	cfn := r.clients.CloudFormation
	st := r.stack
	out, err := cfn.GetStackPolicy(ctx, &cloudformation.GetStackPolicyInput{StackName: aws.String(st.ID)})
	if err != nil {
		return r.stopped(OutcomeUpdateFailed, 1, fmt.Sprintf("reading the stack policy (cloudformation:GetStackPolicy), to lift qpe's statements for this update: %v; change set %s was not executed", err, cs.Name))
	}
	policy := aws.ToString(out.StackPolicyBody)
	ids := DeployedProtectedResources(st.Original, st.Processed)
	lift := &PolicyLift{Protected: ids}
	sg.PolicyLift = lift
	if policy == "" {
		r.step("the stack has no stack policy: executing change set %s as reviewed", cs.Name)
		token := clientToken(cs.Name)
		if _, err := cfn.ExecuteChangeSet(ctx, &cloudformation.ExecuteChangeSetInput{ChangeSetName: aws.String(cs.ID), StackName: aws.String(st.ID), ClientRequestToken: aws.String(token)}); err != nil {
			return r.stopped(OutcomeUpdateFailed, 1, fmt.Sprintf("executing change set %s (cloudformation:ExecuteChangeSet): %v", cs.Name, err))
		}
		return r.followUpdate(ctx, sg, newFollower(cfn, st.ID, token, cs.Changes))
	}
	during, _, err := WithoutPrivateStatements(policy, ids)
	if err != nil {
		return r.stopped(OutcomeUpdateFailed, 1, fmt.Sprintf("the stack policy cannot be read to lift qpe's statements (%v); change set %s was not executed. Fix the policy (aws cloudformation get-stack-policy --stack-name %s%s), then run qpe disable again", err, cs.Name, st.Name, r.regionFlag()))
	}
	lift.DuringUpdate = json.RawMessage(during)
	rv := cs.reviewed
	if rv == nil {
		return r.stopped(OutcomeUpdateFailed, 1, "internal error: the reviewed change set's input is unknown; nothing was executed")
	}
	if _, err := cfn.DeleteChangeSet(ctx, &cloudformation.DeleteChangeSetInput{ChangeSetName: aws.String(cs.ID), StackName: aws.String(st.ID)}); err != nil {
		return r.stopped(OutcomeUpdateFailed, 1, fmt.Sprintf("deleting the reviewed change set %s (cloudformation:DeleteChangeSet) before the update that lifts the stack policy: %v; nothing was executed", cs.Name, err))
	}
	token := clientToken(cs.Name)
	_, err = cfn.UpdateStack(ctx, &cloudformation.UpdateStackInput{
		StackName: aws.String(st.ID), TemplateBody: rv.TemplateBody, TemplateURL: rv.TemplateURL, Parameters: rv.Parameters,
		Capabilities: rv.Capabilities, StackPolicyDuringUpdateBody: aws.String(string(during)), ClientRequestToken: aws.String(token),
	})
	if err != nil {
		return r.stopped(OutcomeUpdateFailed, 1, fmt.Sprintf("updating the stack (cloudformation:UpdateStack) with the reviewed template and parameters of change set %s and the stack policy lifted for this update: %v; the stack was not changed", cs.Name, err))
	}
	r.step("the reviewed change set %s was deleted; updating the stack with exactly its template and parameters, the stack policy's %d protection(s) by qpe lifted for this update only (StackPolicyDuringUpdateBody): following the stack events (Ctrl-C stops following, never the update)",
		cs.Name, len(ids))
	if done := r.followUpdate(ctx, sg, newFollower(cfn, st.ID, token, cs.Changes)); done {
		return true
	}
	if _, err := cfn.SetStackPolicy(ctx, &cloudformation.SetStackPolicyInput{StackName: aws.String(st.ID), StackPolicyBody: aws.String(string(during))}); err != nil {
		lift.Error = fmt.Sprintf("setting the stack policy (cloudformation:SetStackPolicy): %v", err)
		r.step("WARNING: the stack left Private Endpoints, but its policy still names the resources qpe made (%s). Set it yourself: aws cloudformation set-stack-policy --stack-name %s%s --stack-policy-body '%s'",
			lift.Error, st.Name, r.regionFlag(), compactJSON(during))
		return false
	}
	lift.Set = true
	r.step("stack policy set to the stack's own statements, without qpe's")
	return false
}

// compactJSON is a JSON document on one line (for a shell command).
func compactJSON(b []byte) string {
	var v any
	if json.Unmarshal(b, &v) != nil {
		return string(b)
	}
	out, err := json.Marshal(v)
	if err != nil {
		return string(b)
	}
	return string(out)
}
