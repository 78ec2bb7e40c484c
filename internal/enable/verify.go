package enable

import (
	"context"
	"fmt"

	"github.com/quiltdata/quilt-private-endpoints/internal/finding"
	"github.com/quiltdata/quilt-private-endpoints/internal/verify"
)

// verifyStack is step 8: `qpe verify` on the updated stack. A stack the
// update did not change is "nothing to do".
func (r *Result) verifyStack(ctx context.Context) *Result {
	updated := false
	for _, sg := range r.Stages {
		updated = updated || sg.Outcome == OutcomeUpdated
	}
	if !updated {
		return r.stop(OutcomeNothingToDo, 0, "nothing to do: CloudFormation found no change")
	}
	r.step("verifying the stack (qpe verify)")
	rep, err := verify.Run(ctx, r.clients.Verify, verify.Input{Stack: r.stack.ID, Region: r.stack.Region, Timeout: r.input.VerifyTimeout,
		Now: r.input.Now, Progress: r.observer.Step})
	if err != nil {
		return r.stop(OutcomeVerifyFailed, 1, "the update completed, but verify could not read the stack: "+err.Error())
	}
	r.Verify = &rep
	r.observer.Verified(r)
	if !rep.OK {
		n := rep.Count(finding.Error)
		return r.stop(OutcomeVerifyFailed, 1, fmt.Sprintf("the update completed, but verify found %d error(s): the stack is not (yet) private as it should be; each finding says what to fix", n))
	}
	msg := fmt.Sprintf("Private Endpoints enabled on %s and verified", r.stack.Name)
	if r.Upgrade != nil {
		msg = fmt.Sprintf("upgraded to %s; %s", r.Upgrade.To, msg)
	}
	for _, sg := range r.Stages {
		if sg.DNS != nil && sg.DNS.Moved {
			msg += fmt.Sprintf("; the catalog is served by the internal load balancer %s (%s)", sg.DNS.LoadBalancer.LogicalID, sg.DNS.LoadBalancer.DNSName)
		}
	}
	return r.stop(OutcomeEnabled, 0, msg)
}
