package enable

// qpe disable: the way back, the reverse of the walk (walk.go). A stack
// whose public load balancer was retired first gets it back beside the
// internal one (an update of the same template with PublicLoadBalancer=keep:
// adds only); the host names' records then move back to the public load
// balancer (the DNS step of enable, reversed: shown, checked through the
// resolver, changed in Route 53 with --hosted-zone-id); last, the stack's
// original template without the QuiltPrivateEndpoints Transform entry
// (disable_leave.go), its parameters kept and those the macro added
// dropped, executed with the stack policy lifted for that update only
// (enable's stackpolicy_lift.go); then a check that the stack is public again
// (disable_verify.go). Each update is planned, shown, confirmed and
// followed as enable's; a re-run continues where the stack stands.

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/quiltdata/quilt-private-endpoints/internal/macroevent"
	"github.com/quiltdata/quilt-private-endpoints/internal/template"
	"github.com/quiltdata/quilt-private-endpoints/internal/transform"
)

// Stage names of qpe disable (with StageDNS between them).
const (
	// StagePublicSideBySide brings the public load balancer back beside
	// the internal one (PublicLoadBalancer retire -> keep).
	StagePublicSideBySide = "public-side-by-side"
	// StageLeave is the final update: the original template without the
	// QuiltPrivateEndpoints Transform.
	StageLeave = "leave"
)

// Outcomes of qpe disable.
const (
	// OutcomeDisabled: the stack is back on its original template and
	// checked public.
	OutcomeDisabled = "disabled"
	// OutcomeNotEnabled: the stack has no Private Endpoints to remove.
	OutcomeNotEnabled = "not-enabled"
	// OutcomeNotPublic: the final update completed but the check found
	// something still private.
	OutcomeNotPublic = "not-public"
)

// Disable takes Private Endpoints off the stack (`qpe disable`). Settings,
// Parameters and Finish of in are not used. Like Run, it returns an error
// (a *UsageError) only when it cannot start.
func Disable(ctx context.Context, c Clients, in Input) (*Result, error) {
	if in.Stack == "" {
		return nil, usagef("the stack name is required (--stack NAME)")
	}
	if len(in.Settings) > 0 || len(in.Parameters) > 0 || in.Finish {
		return nil, usagef("qpe disable takes no settings, parameters or --finish: it returns the stack to its original template, parameters as deployed")
	}
	if in.ChangeSetName == "" {
		in.ChangeSetName = "qpe-disable-" + time.Now().UTC().Format("20060102-150405")
	}
	r, done, err := open(ctx, c, in, true)
	if done != nil || err != nil {
		return done, err
	}
	st := r.stack
	if why := notEnabled(st); why != "" {
		return r.stop(OutcomeNotEnabled, 1, why), nil
	}
	r.ours = r.ourLoadBalancers()
	rt := r.disableRoute()
	var names []string
	for _, sg := range rt.stages {
		names = append(names, sg.Name)
	}
	r.step("stack %s is %s; leaving Private Endpoints in %d step(s): %s", st.Name, st.Status, len(rt.stages), strings.Join(names, ", "))
	if done := r.walk(ctx, rt); done {
		return r, nil
	}
	return r.verifyPublic(ctx), nil
}

// notEnabled says why the stack has no Private Endpoints to remove ("" when
// it has): neither the Transform entry in its original template nor the
// render's Metadata in its processed one; or a render deployed as a plain
// template, whose original qpe disable cannot know.
func notEnabled(st *deployedStack) string {
	entry := macroevent.HasEntry(st.Original)
	_, found := template.Section(st.Processed, "Metadata")[transform.MetadataKey]
	switch {
	case entry:
		return ""
	case found:
		return fmt.Sprintf("stack %s runs a render of %s deployed as a plain template (its processed template has Metadata.%s, its original template no %s Transform): qpe disable removes the Transform entry from the original template, and this stack has none. Update it with the Quilt template the render was made from (check the update with qpe plan first)",
			st.Name, macroevent.MacroName, transform.MetadataKey, macroevent.MacroName)
	default:
		return fmt.Sprintf("stack %s is not enabled: its template has no %s Transform and its processed template no Metadata.%s. Nothing to disable (qpe verify --stack %s reports what is private)",
			st.Name, macroevent.MacroName, transform.MetadataKey, st.Name)
	}
}

// disableRoute is the way back from where the stack stands, read from its
// deployed templates: internal load balancers the macro made (not in the
// original template) and whether the original's internet-facing ones are
// still deployed.
func (r *Result) disableRoute() route {
	st := r.stack
	original, _ := macroevent.WithoutEntry(st.Original)
	leave := &Stage{Name: StageLeave, Settings: map[string]string{}}
	origPublic := transform.PublicLoadBalancers(original, nil)
	if len(origPublic) == 0 || len(r.ours) == 0 {
		// LoadBalancerScheme=unchanged, or no load balancer: one update.
		return route{stages: []*Stage{leave}}
	}
	dns := &Stage{Name: StageDNS, Settings: map[string]string{}}
	deployed := transform.PublicLoadBalancers(st.Processed, nil)
	if slices.ContainsFunc(origPublic, func(id string) bool { return slices.Contains(deployed, id) }) {
		// Side by side (keep): the public side serves; DNS goes back first.
		return route{stages: []*Stage{dns, leave}}
	}
	keep := &Stage{Name: StagePublicSideBySide, Settings: map[string]string{transform.SetPublicLoadBalancer: transform.PublicKeep}}
	return route{stages: []*Stage{keep, dns, leave}}
}

// ourLoadBalancers are the load balancers of the deployed template that
// its original template does not have: the internal side the macro made.
func (r *Result) ourLoadBalancers() []string {
	original := template.Resources(r.stack.Original)
	var out []string
	res := template.Resources(r.stack.Processed)
	for _, id := range template.SortedKeys(res) {
		m, _ := res[id].(map[string]any)
		if _, had := original[id]; !had && m["Type"] == "AWS::ElasticLoadBalancingV2::LoadBalancer" {
			out = append(out, id)
		}
	}
	return out
}

// command is the command the run is, for the commands it prints.
func (r *Result) command() string {
	if r.disable {
		return "disable"
	}
	return "enable"
}

// toward is the side the DNS step moves the records to.
func (r *Result) toward() string {
	if r.disable {
		return "public"
	}
	return "internal"
}

// dnsTarget is the load balancer the DNS step points the records at.
func (r *Result) dnsTarget(ctx context.Context) (*InternalLB, error) {
	if r.disable {
		return r.publicLB(ctx)
	}
	return r.internalLB(ctx)
}

func orDefault(s, def string) string {
	if s == "" {
		return def
	}
	return s
}

// followedDisable ends `qpe disable --follow` after the followed update
// completed: a stack that left Private Endpoints is checked public; one
// still enabled (an earlier step of the way back) goes on with a re-run.
func (r *Result) followedDisable(ctx context.Context) *Result {
	if err := r.reread(ctx); err != nil {
		return r.stop(OutcomeUpdateFailed, 1, fmt.Sprintf("the update completed, but reading the stack again failed: %v; run qpe disable again", err))
	}
	if notEnabled(r.stack) == "" {
		return r.stop(OutcomeUpdated, 1, fmt.Sprintf("the update completed; the stack still runs Private Endpoints: run `qpe disable --stack %s%s` to go on", r.stack.Name, r.regionFlag()))
	}
	return r.verifyPublic(ctx)
}
