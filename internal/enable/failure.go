package enable

import (
	"context"
	"fmt"
	"regexp"
	"slices"
	"strings"

	"github.com/quiltdata/quilt-private-endpoints/internal/macroevent"
)

// UpdateOutcome is how an update ended, read from its events.
type UpdateOutcome struct {
	Status  string `json:"status"`
	Reason  string `json:"reason,omitempty"`
	Events  int    `json:"events"`
	Elapsed string `json:"elapsed"`
	// FirstFailure is the failure that started the rollback.
	FirstFailure *Failure `json:"firstFailure,omitempty"`
	// RolledBack were updated back to their old configuration; Deleted
	// were created by the update and deleted by the rollback.
	RolledBack []string `json:"rolledBack,omitempty"`
	Deleted    []string `json:"deleted,omitempty"`
	// RollbackFailed could not be rolled back (UPDATE_ROLLBACK_FAILED).
	RollbackFailed []Failure `json:"rollbackFailed,omitempty"`
	// PolicyDenial explains a first failure the stack policy caused.
	PolicyDenial *PolicyDenial `json:"policyDenial,omitempty"`
	// Recovery is the command out of UPDATE_ROLLBACK_FAILED, and
	// AfterRecovery what to fix once it ran.
	Recovery      string   `json:"recovery,omitempty"`
	AfterRecovery []string `json:"afterRecovery,omitempty"`
	// Resume follows the update again after Ctrl-C.
	Resume string `json:"resume,omitempty"`
}

// Failure is a resource that failed, with CloudFormation's reason.
type Failure struct {
	Resource string `json:"resource"`
	Type     string `json:"type"`
	Status   string `json:"status"`
	Reason   string `json:"reason"`
}

// cancelled are the reasons of siblings stopped because another failed.
func cancelled(reason string) bool {
	return strings.Contains(reason, "update cancelled") || strings.Contains(reason, "creation cancelled")
}

// outcomeOf reads the events of one operation (oldest first).
func outcomeOf(events []Event, final Event) *UpdateOutcome {
	u := &UpdateOutcome{Status: final.Status, Reason: final.Reason, Events: len(events)}
	phase := ""
	for _, e := range events {
		if e.Stack() {
			phase = e.Status
			if final.Status == "" { // still running: where it stands
				u.Status = e.Status
			}
			continue
		}
		rollingBack := strings.HasPrefix(phase, "UPDATE_ROLLBACK")
		switch {
		case strings.HasSuffix(e.Status, "_FAILED") && !rollingBack:
			if u.FirstFailure == nil || (cancelled(u.FirstFailure.Reason) && !cancelled(e.Reason)) {
				u.FirstFailure = &Failure{Resource: e.LogicalID, Type: e.Type, Status: e.Status, Reason: e.Reason}
			}
		case e.Status == "UPDATE_FAILED" && rollingBack:
			u.RollbackFailed = slices.DeleteFunc(u.RollbackFailed, func(f Failure) bool { return f.Resource == e.LogicalID })
			u.RollbackFailed = append(u.RollbackFailed, Failure{Resource: e.LogicalID, Type: e.Type, Status: e.Status, Reason: e.Reason})
		case e.Status == "UPDATE_COMPLETE" && rollingBack:
			u.RollbackFailed = slices.DeleteFunc(u.RollbackFailed, func(f Failure) bool { return f.Resource == e.LogicalID })
			if !slices.Contains(u.RolledBack, e.LogicalID) {
				u.RolledBack = append(u.RolledBack, e.LogicalID)
			}
		case e.Status == "DELETE_COMPLETE" && rollingBack:
			if !slices.Contains(u.Deleted, e.LogicalID) {
				u.Deleted = append(u.Deleted, e.LogicalID)
			}
		}
	}
	return u
}

// explain is step 7: for a jammed rollback, the exact recovery and what to
// fix after it (the plan's recovery for the resource when it names one).
func (r *Result) explain(ctx context.Context, sg *Stage, u *UpdateOutcome) {
	u.PolicyDenial = r.policyDenial(ctx, u)
	if u.Status != "UPDATE_ROLLBACK_FAILED" {
		return
	}
	var skip []string
	for _, f := range u.RollbackFailed {
		skip = append(skip, f.Resource)
	}
	u.Recovery = fmt.Sprintf("aws cloudformation continue-update-rollback --stack-name %s%s", r.stack.Name, r.regionFlag())
	if len(skip) > 0 {
		u.Recovery += " --resources-to-skip " + strings.Join(skip, " ")
	}
	for _, f := range u.RollbackFailed {
		fix := fmt.Sprintf("%s (%s) is skipped, not rolled back: CloudFormation marks it UPDATE_COMPLETE while it keeps the state the failed rollback left (%s). Before any other update, make the template match it, or the stack can become unrecoverable",
			f.Resource, f.Type, f.Reason)
		if sg.Plan != nil {
			for _, b := range sg.Plan.Rollout.Blockers {
				if b.Resource == f.Resource && b.Recovery != "" {
					fix += ". The plan's recovery (" + b.ID + "): " + b.Recovery
				}
			}
		}
		u.AfterRecovery = append(u.AfterRecovery, fix)
	}
	u.AfterRecovery = append(u.AfterRecovery, "follow the recovery with `"+r.resumeCommand()+"`")
}

// PolicyDenial is an update the stack policy stopped: CloudFormation's
// resource event UPDATE_FAILED "Action denied by stack policy: Statement
// [#N] does not allow [Update:Replace] for resource [LogicalResourceId/X]"
// (or "Action not allowed by stack policy", when no statement allows it).
type PolicyDenial struct {
	Resource string `json:"resource"`
	Type     string `json:"type"`
	// Action is the update action denied: Update:Delete, Update:Replace or
	// Update:Modify ("" when the reason does not say).
	Action string `json:"action"`
	// Statement is the 1-based index of the statement that denied it (0:
	// none named).
	Statement int `json:"statement,omitempty"`
	// ByQPE: the resource is one the policy qpe enable sets protects (a
	// private resource the macro made).
	ByQPE bool `json:"byQpe"`
	// Message says what happened; Fix what to do.
	Message string   `json:"message"`
	Fix     []string `json:"fix"`
}

var (
	deniedAction    = regexp.MustCompile(`\[(Update:[A-Za-z*]+)\]`)
	deniedStatement = regexp.MustCompile(`Statement \[#(\d+)\]`)
)

// stackPolicyFailure says whether a resource's status reason is a stack
// policy denial.
func stackPolicyFailure(reason string) bool {
	return strings.Contains(reason, "denied by stack policy") || strings.Contains(reason, "not allowed by stack policy")
}

// policyDenial explains a first failure the stack policy caused (nil for
// any other): which resource, which action, whose statement, that the stack
// rolled back unchanged, and the fix.
func (r *Result) policyDenial(ctx context.Context, u *UpdateOutcome) *PolicyDenial {
	f := u.FirstFailure
	if f == nil || !stackPolicyFailure(f.Reason) {
		return nil
	}
	d := &PolicyDenial{Resource: f.Resource, Type: f.Type}
	if m := deniedAction.FindStringSubmatch(f.Reason); m != nil {
		d.Action = m[1]
	}
	if m := deniedStatement.FindStringSubmatch(f.Reason); m != nil {
		_, _ = fmt.Sscanf(m[1], "%d", &d.Statement)
	}
	// The stack as it stands after the rollback (the deployed render, when
	// the update was rolled back) names the resources qpe protects.
	if u.Status == "UPDATE_ROLLBACK_COMPLETE" {
		_ = r.reread(ctx)
	}
	d.ByQPE = slices.Contains(r.protectedNow(), f.Resource)
	verb := map[string]string{"Update:Delete": "removed", "Update:Replace": "replaced", "Update:Modify": "modified"}[d.Action]
	if verb == "" {
		verb = "changed"
	}
	action := d.Action
	if action == "" {
		action = "an update action"
	}
	where := ""
	if d.Statement > 0 {
		where = fmt.Sprintf(", statement #%d", d.Statement)
	}
	state := "the stack is " + u.Status
	if u.Status == "UPDATE_ROLLBACK_COMPLETE" {
		state = "CloudFormation rolled the update back: the stack is UPDATE_ROLLBACK_COMPLETE, unchanged"
	}
	name, region := r.stack.Name, r.regionFlag()
	if d.ByQPE && r.stageNow != nil && r.stageNow.ChangeSet != nil {
		// This run's own update, planned and shown, e.g. a possible
		// (Conditional) replacement CloudFormation made certain.
		d.Message = fmt.Sprintf("the stack policy set by qpe enable stopped this update: it would have %s %s (%s), a private resource qpe made (%s denied%s; qpe lifts its statements only for a removal or replacement you accepted). %s",
			verb, f.Resource, f.Type, action, where, state)
		d.Fix = []string{
			fmt.Sprintf("if replacing it is intended, run the update again with %s: the policy is then lifted for that update only (clients of the private API or load balancer may see a new id or URL)", AcceptMacroReplacementFlag),
			fmt.Sprintf("otherwise find what makes CloudFormation replace it: qpe plan of the deployed template against the new one (aws cloudformation get-template --stack-name %s%s)", name, region),
		}
		return d
	}
	if d.ByQPE {
		d.Message = fmt.Sprintf("the stack policy set by qpe enable stopped an update that would have %s %s (%s), a private resource qpe made (%s denied%s). Most likely the update's template lacks the %s Transform (a new Quilt release given as it is): applied, it would have made the stack public again. %s, still private",
			verb, f.Resource, f.Type, action, where, macroevent.MacroName, state)
		d.Fix = []string{
			fmt.Sprintf("to upgrade to a new Quilt release, give its template to qpe, which adds the Transform with the deployed settings: qpe enable --stack %s%s --template NEW", name, region),
			fmt.Sprintf("to leave Private Endpoints on purpose: qpe disable --stack %s%s", name, region),
		}
		return d
	}
	d.Message = fmt.Sprintf("the stack's policy stopped an update that would have %s %s (%s) (%s denied%s; not a resource qpe protects, so the statement is the stack's own). %s",
		verb, f.Resource, f.Type, action, where, state)
	d.Fix = []string{
		fmt.Sprintf("read the policy: aws cloudformation get-stack-policy --stack-name %s%s; change the update, or lift the policy for one update (update-stack --stack-policy-during-update-body)", name, region),
	}
	return d
}
