package enable

import (
	"fmt"
	"slices"
	"strings"
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
func (r *Result) explain(sg *Stage, u *UpdateOutcome) {
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
