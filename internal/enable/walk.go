package enable

import (
	"context"
	"fmt"
	"maps"

	"github.com/quiltdata/quilt-private-endpoints/internal/macroevent"
	"github.com/quiltdata/quilt-private-endpoints/internal/template"
	"github.com/quiltdata/quilt-private-endpoints/internal/transform"
)

// Stage names of the JSON's "stages".
const (
	// StageUpdate is the one update of a stack without an internet-facing
	// load balancer to retire (or with LoadBalancerScheme=unchanged).
	StageUpdate = "update"
	// StageSideBySide adds the internal load balancer beside the public
	// one (PublicLoadBalancer=keep).
	StageSideBySide = "side-by-side"
	// StageDNS moves (or checks) the host names' records.
	StageDNS = "dns"
	// StageRetire removes the public load balancer
	// (PublicLoadBalancer=retire).
	StageRetire = "retire"
)

// OutcomeDeployedBefore is a stage an earlier run completed: a re-run
// resumes after it.
const OutcomeDeployedBefore = "deployed-before"

// position is where the stack stands on the way to an internal load
// balancer: the settings of its deployed Transform entry, and whether its
// deployed template still has an internet-facing load balancer.
type position struct {
	Deployed map[string]string
	// Public are the internet-facing application load balancers of the
	// deployed (processed) template.
	Public []string
}

// positionOf reads the stack's position.
func positionOf(st *deployedStack) position {
	return position{Deployed: entrySettings(st), Public: transform.PublicLoadBalancers(st.Processed, nil)}
}

// entrySettings are the Parameters of the deployed template's
// QuiltPrivateEndpoints entry, resolved as CloudFormation hands them to the
// macro ("" values left out); none when the stack has no entry.
func entrySettings(st *deployedStack) map[string]string {
	out := map[string]string{}
	if _, ok := st.Original["Transform"]; !ok {
		return out
	}
	doc, _ := template.Clone(st.Original).(map[string]any)
	inv, err := macroevent.Build(doc, nil, declaredValues(st.Original, st.Parameters))
	if err != nil {
		return out
	}
	for k, v := range inv.Event.Params {
		if s, ok := v.(string); ok && s != "" {
			out[k] = s
		}
	}
	return out
}

// declaredValues are the parameter values the template declares.
func declaredValues(doc map[string]any, values map[string]string) map[string]string {
	declared := template.Section(doc, "Parameters")
	out := map[string]string{}
	for k, v := range values {
		if _, ok := declared[k]; ok {
			out[k] = v
		}
	}
	return out
}

// route is the stages a run goes through, each update's settings.
type route struct {
	stages []*Stage
	// done is the side-by-side stage when an earlier run deployed it
	// (listed with OutcomeDeployedBefore).
	done *Stage
}

// plan the route: which updates, in which order, from the position and
// the settings (deployed entry, then --set). A stack on the way (side by
// side deployed) resumes where it stands.
func (r *Result) route(pos position) (route, error) {
	in := r.input
	eff := maps.Clone(pos.Deployed)
	maps.Copy(eff, in.Settings)
	with := func(name, public string) *Stage {
		s := maps.Clone(in.Settings)
		if s == nil {
			s = map[string]string{}
		}
		if public != "" {
			s[transform.SetPublicLoadBalancer] = public
		}
		return &Stage{Name: name, Settings: s}
	}
	deployedPublic := pos.Deployed[transform.SetPublicLoadBalancer]
	asked := in.Settings[transform.SetPublicLoadBalancer]
	sideBySide := deployedPublic == transform.PublicKeep
	if in.Finish {
		if err := r.finishable(pos); err != nil {
			return route{}, err
		}
		return route{stages: []*Stage{with(StageDNS, ""), with(StageRetire, transform.PublicRetire)},
			done: with(StageSideBySide, transform.PublicKeep)}, nil
	}
	if eff[transform.SetLoadBalancerScheme] != transform.SchemeInternal || (len(pos.Public) == 0 && !sideBySide) {
		return route{stages: []*Stage{with(StageUpdate, asked)}}, nil
	}
	switch {
	case asked == transform.PublicKeep:
		// Side by side only: the DNS step, no retire.
		return route{stages: []*Stage{with(StageSideBySide, transform.PublicKeep), with(StageDNS, "")}}, nil
	case sideBySide:
		// Resume: the side-by-side update is deployed; the DNS step and
		// the retire update remain.
		return route{stages: []*Stage{with(StageDNS, ""), with(StageRetire, transform.PublicRetire)},
			done: with(StageSideBySide, transform.PublicKeep)}, nil
	case asked == transform.PublicRetire:
		// Straight to the end state: the plan reports the downtime.
		return route{stages: []*Stage{with(StageRetire, transform.PublicRetire)}}, nil
	default:
		return route{stages: []*Stage{with(StageSideBySide, transform.PublicKeep), with(StageDNS, ""), with(StageRetire, transform.PublicRetire)}}, nil
	}
}

// finishable says why --finish cannot go on (nil when it can): only a
// stack left side by side has a public load balancer to retire.
func (r *Result) finishable(pos position) error {
	deployed := pos.Deployed[transform.SetPublicLoadBalancer]
	if deployed != transform.PublicKeep || pos.Deployed[transform.SetLoadBalancerScheme] != transform.SchemeInternal {
		return usagef("--finish: stack %s is not side by side (its deployed %s is %q, %s %q): there is no public load balancer to retire. Run qpe enable without --finish",
			r.stack.Name, transform.SetPublicLoadBalancer, deployed, transform.SetLoadBalancerScheme, pos.Deployed[transform.SetLoadBalancerScheme])
	}
	if r.input.Settings[transform.SetPublicLoadBalancer] == transform.PublicKeep || r.input.Settings[transform.SetLoadBalancerScheme] == transform.SchemeUnchanged {
		return usagef("--finish retires the public load balancer: it cannot go with --set %s=%s or %s=%s",
			transform.SetPublicLoadBalancer, transform.PublicKeep, transform.SetLoadBalancerScheme, transform.SchemeUnchanged)
	}
	return nil
}

// walk runs the route's stages in order. done means the run ended (its
// outcome set); otherwise verify follows.
func (r *Result) walk(ctx context.Context, rt route) (done bool) {
	if rt.done != nil {
		rt.done.Outcome = OutcomeDeployedBefore
		r.Stages = append(r.Stages, rt.done)
		r.step("side by side: deployed before (the stack's %s is %s): going on with the DNS step", transform.SetPublicLoadBalancer, transform.PublicKeep)
	}
	for i, sg := range rt.stages {
		r.Stages = append(r.Stages, sg)
		r.stageNow = sg
		if sg.Name == StageDNS {
			if stop := r.dnsStage(ctx, sg, i == len(rt.stages)-1); stop {
				return true
			}
			continue
		}
		before := r.protectedNow()
		if done := r.runStage(ctx, sg); done {
			return true
		}
		if sg.Outcome == OutcomeUpdated {
			if err := r.reread(ctx); err != nil {
				return r.stopped(OutcomeUpdateFailed, 1, fmt.Sprintf("the %s update completed, but reading the stack again failed: %v; run qpe %s again", sg.Name, err, r.command()))
			}
		}
		if sg.Outcome == OutcomeUpdated || sg.Outcome == OutcomeNothingToDo {
			r.protect(ctx, sg, before) // stackpolicy_set.go
		}
	}
	return false
}

// reread reads the stack after an update: the next stage starts from what
// is deployed now (its template, settings and outputs).
func (r *Result) reread(ctx context.Context) error {
	st, err := readStack(ctx, r.clients.CloudFormation, r.stack.ID)
	if err != nil {
		return err
	}
	r.stack = st
	return nil
}
