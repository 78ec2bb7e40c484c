package enable

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudformation"
)

// PolicyStep is what enable did with the stack policy once an update
// completed (or found nothing to do): the resources the macro made that
// the policy protects from Update:Delete and Update:Replace, whether it
// was set, and how many statements of the stack's own policy it kept.
type PolicyStep struct {
	Protected []string `json:"protected"`
	// Set is true when enable called SetStackPolicy; false when the stack's
	// policy already was the merged one (a re-run adds nothing).
	Set bool `json:"set"`
	// HadPolicy: the stack had a policy before (its statements kept).
	HadPolicy bool `json:"hadPolicy"`
	// KeptStatements is how many statements of the stack's own policy
	// (not qpe's) the policy keeps.
	KeptStatements int `json:"keptStatements"`
	// Error says why the policy could not be read or set; the update
	// itself completed.
	Error string `json:"error,omitempty"`
	// LiftedFor are the protected resources this update removed or
	// replaced, run with qpe's statements lifted for it
	// (stackpolicy_lift.go).
	LiftedFor []string `json:"liftedFor,omitempty"`
}

// protectedNow are the protected resources of the stack as deployed now
// (before a stage's update: the ids an earlier policy may name).
func (r *Result) protectedNow() []string {
	return DeployedProtectedResources(r.stack.Original, r.stack.Processed)
}

// protect sets the private stack policy on the stack as deployed now,
// merged with the stack's own policy (WithPrivateStatements); before are
// the protected ids before the stage's update. A failure is reported on
// the stage and in the output, and does not undo the update.
func (r *Result) protect(ctx context.Context, sg *Stage, before []string) {
	ids := r.protectedNow()
	if len(ids) == 0 && len(before) == 0 {
		return
	}
	ps := &PolicyStep{Protected: ids}
	if sg.StackPolicy != nil {
		ps.LiftedFor = sg.StackPolicy.LiftedFor
	}
	sg.StackPolicy = ps
	// fail reports a policy not read or set; body is the policy to set
	// when it is known (the fix then is one command).
	fail := func(what string, err error, body []byte) {
		ps.Error = fmt.Sprintf("%s: %v", what, err)
		state := fmt.Sprintf("the stack policy that stops an update from replacing or removing the %d private resources qpe made is not set", len(ids))
		if len(ids) == 0 {
			state = "the stack policy still has qpe's statements on resources the update removed"
		}
		fix := fmt.Sprintf("allow cloudformation:GetStackPolicy and cloudformation:SetStackPolicy, then run qpe enable --stack %s%s again (it sets the policy on a stack already private)", r.stack.Name, r.regionFlag())
		switch {
		case body != nil:
			fix = fmt.Sprintf("aws cloudformation set-stack-policy --stack-name %s%s --stack-policy-body '%s'", r.stack.Name, r.regionFlag(), compactPolicy(body))
		case len(ids) == 0:
			fix = fmt.Sprintf("read it (aws cloudformation get-stack-policy --stack-name %s%s) and set it again without the Deny of Update:Delete and Update:Replace on %s", r.stack.Name, r.regionFlag(), strings.Join(before, ", "))
		}
		r.step("WARNING: the update completed, but %s (%s). Fix: %s; see docs/stackpolicy.md", state, ps.Error, fix)
	}
	out, err := r.clients.CloudFormation.GetStackPolicy(ctx, &cloudformation.GetStackPolicyInput{StackName: aws.String(r.stack.ID)})
	if err != nil {
		fail("reading the stack policy (cloudformation:GetStackPolicy)", err, nil)
		return
	}
	existing := aws.ToString(out.StackPolicyBody)
	ps.HadPolicy = existing != ""
	body, changed, err := WithPrivateStatements(existing, ids, before...)
	if err != nil {
		fail("merging qpe's statements into the stack's policy", err, nil)
		return
	}
	if ps.HadPolicy {
		ps.KeptStatements = customerStatements(existing, append(before, ids...))
	}
	if !changed && len(ids) == 0 {
		return // none of qpe's statements, nothing to protect
	}
	if !changed {
		r.step("stack policy: already protects the %d resources qpe made from Update:Delete and Update:Replace (unchanged)", len(ids))
		return
	}
	if _, err := r.clients.CloudFormation.SetStackPolicy(ctx, &cloudformation.SetStackPolicyInput{StackName: aws.String(r.stack.ID), StackPolicyBody: aws.String(string(body))}); err != nil {
		fail("setting the stack policy (cloudformation:SetStackPolicy)", err, body)
		return
	}
	ps.Set = true
	if len(ids) == 0 {
		r.step("stack policy: qpe's statements removed (nothing of the macro's is deployed any more); %d statement(s) of the stack's own kept", ps.KeptStatements)
		return
	}
	kept := "the stack had no policy: every other update stays allowed"
	if ps.HadPolicy {
		kept = fmt.Sprintf("merged with the stack's own policy, its %d statement(s) kept", ps.KeptStatements)
	}
	r.step("stack policy set: an update that would replace or remove one of the %d resources qpe made now fails and rolls back (%s; docs/stackpolicy.md)", len(ids), kept)
}

// customerStatements counts the statements of a policy that are not
// qpe's (isPrivateStatement for ids); 0 for a policy that cannot be read.
func customerStatements(policy string, ids []string) int {
	d, err := readPolicy(policy)
	if err != nil {
		return 0
	}
	n := 0
	for _, st := range d.statements {
		if !isPrivateStatement(st, ids) {
			n++
		}
	}
	return n
}

// compactPolicy is a policy on one line, for a shell command.
func compactPolicy(body []byte) string {
	var b bytes.Buffer
	if json.Compact(&b, body) != nil {
		return string(body)
	}
	return b.String()
}
