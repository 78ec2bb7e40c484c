package enable

import (
	"context"
	"errors"
	"fmt"
	"slices"

	"github.com/quiltdata/quilt-private-endpoints/internal/cfnspec"
	"github.com/quiltdata/quilt-private-endpoints/internal/review"
	"github.com/quiltdata/quilt-private-endpoints/internal/updatepath"
)

// AcceptUnsafeFlag is the flag that accepts a plan whose rollback can fail.
const AcceptUnsafeFlag = "--accept-unsafe"

// PlanSummary is step 3's result: the review's summary and risks, what is
// replaced, and the rollout with its rollback verdict.
type PlanSummary struct {
	// Verdict is the review's (the update path's, with the steps outside
	// the stack its risks call for): printed first.
	Verdict  updatepath.Decision `json:"verdict"`
	Summary  review.Summary      `json:"summary"`
	Risks    []review.Risk       `json:"risks"`
	Replaced []string            `json:"replaced"`
	Rollout  updatepath.Rollout  `json:"rollout"`
	Warnings []string            `json:"warnings,omitempty"`

	report *review.Report
}

// plan is step 3: the update-path model on deployed -> rendered, and the
// review of the same change. An unsafe rollout stops here unless accepted.
func (r *Result) plan(ctx context.Context, sg *Stage, rd *rendering) bool {
	st := r.stack
	if err := st.ImportsErr; err != nil {
		return r.stopped(OutcomeRefused, 1, "reading who imports the stack's exports (cloudformation:ListImports): "+err.Error())
	}
	imports := st.Imports
	var baseline *updatepath.Baseline
	if up := r.Upgrade; up != nil && sg.Name != StageLeave {
		// The same upgrade without the macro tells Quilt's own blockers
		// (Blocker.Inherent) from those the macro adds.
		baseline = &updatepath.Baseline{Deployed: st.Original, New: up.given}
	}
	p, err := updatepath.Compute(ctx, updatepath.Input{
		Deployed: st.Processed, New: rd.Processed,
		DeployedParams: st.Parameters, NewParams: rd.Params,
		Partition: st.Partition, Region: st.Region, AccountID: st.AccountID, StackName: st.Name,
		ImportedExports: imports, Today: r.input.Now(), Renamed: rd.Result.Renamed,
		// After the DNS stage found every host on the internal load
		// balancer, the retire update is planned with DNS moved.
		DNSMoved: r.dnsMoved,
		// qpe disable's final update drops the Transform on purpose.
		Leaving:  sg.Name == StageLeave,
		Baseline: baseline,
	})
	if err != nil {
		return r.stopped(OutcomeRefused, 1, "planning the update: "+err.Error())
	}
	in := review.Input{Name: st.Name, Before: st.Processed, After: rd.Processed, Warnings: warningTexts(rd), Settings: stringSettings(rd.Settings),
		Renamed: rd.Result.Renamed, Moved: rd.Result.Moved, Plan: p}
	for _, c := range rd.Result.Changes {
		in.Changes = append(in.Changes, review.EngineChange{Pass: c.Pass, Resource: c.Resource, Detail: c.Detail})
	}
	rep := review.Build(in, cfnspec.New())
	ps := &PlanSummary{Verdict: rep.Verdict, Summary: rep.Summary, Risks: rep.Risks, Rollout: p.Rollout, Warnings: in.Warnings, report: rep}
	for _, res := range p.Resources {
		if res.Action == updatepath.Replace {
			ps.Replaced = append(ps.Replaced, res.LogicalID)
		}
	}
	slices.Sort(ps.Replaced)
	sg.Plan = ps
	r.observer.Plan(sg)
	if stop := r.refuseMacroReplacement(p); stop {
		return true
	}
	blockers := otherBlockers(p) // QPE-UP-012's answered just above (upgrade_guard.go)
	if p.Rollout.RollbackSafe && len(blockers) == 0 {
		return r.refuseDowntime(p)
	}
	if !r.input.AcceptUnsafe {
		return r.stopped(OutcomeRefused, 1, r.unsafeMessage(p, blockers))
	}
	r.step("%s given: going on with an update that cannot be rolled back safely", AcceptUnsafeFlag)
	return r.refuseDowntime(p)
}

// AcceptDowntimeFlag is the flag that accepts private-network downtime.
const AcceptDowntimeFlag = "--accept-downtime"

// OutcomeDowntimeRefused: the plan takes an entry point away from users on
// the private network, and --accept-downtime was not given.
const OutcomeDowntimeRefused = "downtime-refused"

// refuseDowntime stops a plan in which users on the private network lose
// an entry point (updatepath's rule, shared with qpe plan), unless
// --accept-downtime.
func (r *Result) refuseDowntime(p *updatepath.Plan) bool {
	err := p.RefuseDowntime(r.input.AcceptDowntime)
	if err == nil {
		if p.Rollout.Availability.PrivateNetworkDowntime {
			r.step("%s given: going on with an update in which users on the private network lose the catalog for a while", AcceptDowntimeFlag)
		}
		return false
	}
	// The error names the way round (side by side, then retire) and the
	// flag; qpe enable without --set PublicLoadBalancer takes that way.
	var de *updatepath.DowntimeError
	if r.disable && errors.As(err, &de) {
		// qpe disable already goes the way round (public side by side, DNS
		// back, then the final update): what is left is the update's own.
		return r.stopped(OutcomeDowntimeRefused, 1, fmt.Sprintf("the %s update takes entry points away from users on the private network, with DNS already on the public load balancer: %s (the plan above says why, e.g. the catalog's API URL while the original REST API, created again, has no stage yet). Run it in a maintenance window with %s. Nothing was changed",
			r.stageNow.Name, de.LostText(), AcceptDowntimeFlag))
	}
	return r.stopped(OutcomeDowntimeRefused, 1, fmt.Sprintf("%v. Nothing was changed", err))
}

func stringSettings(m map[string]any) map[string]string {
	if len(m) == 0 {
		return nil
	}
	out := map[string]string{}
	for k, v := range m {
		if s, ok := v.(string); ok {
			out[k] = s
			continue
		}
		out[k] = review.Short(v)
	}
	return out
}
