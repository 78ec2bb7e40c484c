package enable

import (
	"context"
	"fmt"
)

// confirm is step 5: --yes goes on; on a terminal the user answers; with
// nobody to ask, enable stops and names the change set to execute later.
func (r *Result) confirm(ctx context.Context, sg *Stage, cs *ChangeSetInfo) bool {
	later := fmt.Sprintf("execute it with `aws cloudformation execute-change-set --stack-name %s --change-set-name %s%s`, then follow it with `%s`",
		r.stack.Name, cs.Name, r.regionFlag(), r.resumeCommand())
	if r.input.Yes {
		r.step("--yes: executing change set %s", cs.Name)
		return false
	}
	if r.input.Confirm == nil {
		return r.stopped(OutcomeAwaiting, 1, fmt.Sprintf("no terminal to ask and no --yes: change set %s is ready and nothing was executed. Review it, %s; or run qpe %s again with --yes", cs.Name, later, r.command()))
	}
	q := fmt.Sprintf("Execute change set %s on stack %s (%d changes, %d replacements)?", cs.Name, r.stack.Name, cs.Changes, cs.Replacements)
	ok, err := r.input.Confirm(ctx, q)
	if err != nil {
		return r.stopped(OutcomeDeclined, 1, fmt.Sprintf("no answer (%v): change set %s was not executed; %s", err, cs.Name, later))
	}
	if !ok {
		return r.stopped(OutcomeDeclined, 1, fmt.Sprintf("not executed: change set %s stays on the stack; %s, or delete it with `aws cloudformation delete-change-set --stack-name %s --change-set-name %s%s`",
			cs.Name, later, r.stack.Name, cs.Name, r.regionFlag()))
	}
	return false
}

// regionFlag is " --region R" for the commands enable prints.
func (r *Result) regionFlag() string {
	if r.stack == nil || r.stack.Region == "" {
		return ""
	}
	return " --region " + r.stack.Region
}

// resumeCommand follows the stack's update again.
func (r *Result) resumeCommand() string {
	return fmt.Sprintf("qpe %s --stack %s%s --follow", r.command(), r.stack.Name, r.regionFlag())
}
