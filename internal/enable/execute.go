package enable

import (
	"context"
	"fmt"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudformation"
)

// execute is step 6: execute the change set and follow its events until
// the stack settles; then step 7 explains a failure. done means the run
// ends here.
func (r *Result) execute(ctx context.Context, sg *Stage, cs *ChangeSetInfo) (done bool) {
	during, guarded, err := r.liftedPolicy(ctx, cs) // stackpolicy_lift.go
	if err != nil {
		return r.stopped(OutcomeUpdateFailed, 1, fmt.Sprintf("change set %s removes or replaces resources the stack policy set by qpe enable protects, and %v; nothing was executed", cs.Name, err))
	}
	if during != "" {
		return r.executeLifted(ctx, sg, cs, during, guarded)
	}
	token := clientToken(cs.Name)
	_, err = r.clients.CloudFormation.ExecuteChangeSet(ctx, &cloudformation.ExecuteChangeSetInput{
		ChangeSetName: aws.String(cs.ID), StackName: aws.String(r.stack.ID), ClientRequestToken: aws.String(token),
	})
	if err != nil {
		return r.stopped(OutcomeUpdateFailed, 1, fmt.Sprintf("executing change set %s (cloudformation:ExecuteChangeSet): %v", cs.Name, err))
	}
	r.step("executing change set %s: following the stack events (Ctrl-C stops following, never the update)", cs.Name)
	return r.followUpdate(ctx, sg, newFollower(r.clients.CloudFormation, r.stack.ID, token, cs.Changes))
}

// followUpdate follows an operation to its end and records the outcome.
func (r *Result) followUpdate(ctx context.Context, sg *Stage, f *follower) (done bool) {
	final, err := f.run(ctx, r.input.Poll, r.observer)
	u := outcomeOf(f.events, final)
	sg.Update = u
	u.Elapsed = f.progress().Elapsed.String()
	if err != nil {
		r.observer.Settled(sg)
		if stoppedFollowing(err) {
			u.Resume = r.resumeCommand()
			return r.stopped(OutcomeFollowingStopped, 1, fmt.Sprintf("stopped following; the update goes on in CloudFormation. Follow it again with `%s` (or `aws cloudformation describe-stack-events --stack-name %s%s`)",
				u.Resume, r.stack.Name, r.regionFlag()))
		}
		return r.stopped(OutcomeUpdateFailed, 1, err.Error())
	}
	r.explain(ctx, sg, u)
	r.observer.Settled(sg)
	switch u.Status {
	case "UPDATE_COMPLETE", "CREATE_COMPLETE", "IMPORT_COMPLETE": // --follow may find a creation or an import
		sg.Outcome = OutcomeUpdated
		return false
	case "UPDATE_ROLLBACK_FAILED":
		return r.stopped(OutcomeRollbackFailed, 1, fmt.Sprintf("the update failed and so did its rollback: the stack is UPDATE_ROLLBACK_FAILED and cannot be updated. Recover with `%s`", u.Recovery))
	default:
		msg := "the update failed and was rolled back: the stack is " + u.Status
		if u.FirstFailure != nil {
			msg = fmt.Sprintf("the update failed at %s (%s): %s; the rollback ended %s", u.FirstFailure.Resource, u.FirstFailure.Type, u.FirstFailure.Reason, u.Status)
		}
		if u.PolicyDenial != nil { // failure.go
			msg = u.PolicyDenial.Message
		}
		return r.stopped(OutcomeUpdateFailed, 1, msg)
	}
}

// followOnly is --follow: follow the stack's current or last operation,
// then explain it, and verify a completed update.
func (r *Result) followOnly(ctx context.Context) *Result {
	sg := &Stage{Name: "following " + r.stack.Name}
	r.Stages = append(r.Stages, sg)
	r.stageNow = sg
	r.step("following the last operation of stack %s (now %s)", r.stack.Name, r.stack.Status)
	if done := r.followUpdate(ctx, sg, newFollower(r.clients.CloudFormation, r.stack.ID, "", 0)); done {
		return r
	}
	// The stack policy for what the followed update deployed, as after an
	// update of this run (stackpolicy_set.go).
	if before := r.protectedNow(); r.reread(ctx) == nil {
		r.protect(ctx, sg, before)
	}
	if r.disable {
		return r.followedDisable(ctx)
	}
	return r.verifyStack(ctx)
}

// clientToken is the ExecuteChangeSet token: the events of the update
// carry it ([a-zA-Z0-9-], at most 128 characters).
func clientToken(name string) string {
	var b strings.Builder
	b.WriteString("qpe-")
	for _, c := range name {
		if c == '-' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' {
			b.WriteRune(c)
		}
	}
	s := b.String()
	return s[:min(len(s), 128)]
}
