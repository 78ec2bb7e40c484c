package enable

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"

	"github.com/quiltdata/quilt-private-endpoints/internal/review"
	"github.com/quiltdata/quilt-private-endpoints/internal/updatepath"
)

// WritePlan prints step 3: what changes, what is replaced, the risks and
// the rollback verdict with its blockers.
func WritePlan(w io.Writer, sg *Stage) {
	p := sg.Plan
	s := p.Summary
	fmt.Fprintf(w, "Verdict of the %s:\n", sg.Name)
	for _, l := range p.Verdict.VerdictLines() {
		fmt.Fprintf(w, "  %s\n", strings.ReplaceAll(strings.TrimPrefix(l, "- "), "**", ""))
	}
	fmt.Fprintf(w, "Plan of the %s: %s; %d with some interruption\n", sg.Name, s.Counts.Text(), s.SomeInterruption)
	if len(p.Replaced) > 0 {
		fmt.Fprintf(w, "  replaced: %s\n", strings.Join(p.Replaced, ", "))
	}
	for _, r := range p.Risks {
		writeRisk(w, r)
	}
	for _, wn := range p.Warnings {
		fmt.Fprintf(w, "  warning: %s\n", wn)
	}
	verdict := "the update can roll back at every point"
	if !p.Rollout.RollbackSafe {
		verdict = fmt.Sprintf("NOT rollback-safe (%d blocker(s))", len(p.Rollout.Blockers))
		if bs := p.Rollout.Baseline; bs != nil {
			verdict = fmt.Sprintf("NOT rollback-safe (%d blocker(s): %d Quilt's own, %d added by Private Endpoints)", len(p.Rollout.Blockers), bs.InherentBlockers, bs.MacroBlockers)
		}
	}
	fmt.Fprintf(w, "  rollout: %d wave(s); %s\n", len(p.Rollout.Waves), verdict)
	writeAvailability(w, p.Rollout.Availability)
	for _, b := range p.Rollout.Blockers {
		fmt.Fprintf(w, "    %s %s: %s\n", b.ID, b.Resource, b.Detail)
		if b.Recovery != "" {
			fmt.Fprintf(w, "      recovery: %s\n", b.Recovery)
		}
		if b.Inherent {
			fmt.Fprintf(w, "      %s\n", updatepath.InherentText)
		}
	}
}

// writeAvailability says who loses what during the update: each entry
// point's gaps on the private network (the one that must stay served) and
// on the internet.
func writeAvailability(w io.Writer, av updatepath.Availability) {
	if len(av.Entries) == 0 {
		return
	}
	if av.PrivateNetworkDowntime {
		fmt.Fprintln(w, "  availability: users on the private network LOSE entry points during this update:")
	} else {
		fmt.Fprintln(w, "  availability: no downtime for users on the private network")
	}
	for _, e := range av.Entries {
		for _, g := range e.Lost {
			kind := ""
			if g.Inherent {
				kind = " (the service's own deployment configuration, on every update)"
			}
			fmt.Fprintf(w, "    %s (%s) lost on the %s network from %s until %s: %s%s\n", e.Host, e.Entry, e.Network, g.From, g.Until, g.Why, kind)
		}
	}
}

// writeRisk prints a review risk in full: its catalogue id and title, the
// resources, each note on its own line, and what to do.
func writeRisk(w io.Writer, r review.Risk) {
	fmt.Fprintf(w, "  risk %s (%s): %s\n", r.ID, r.Severity, r.Title)
	if len(r.Resources) > 0 {
		fmt.Fprintf(w, "    applies to: %s\n", strings.Join(r.Resources, ", "))
	}
	for _, n := range r.Notes {
		fmt.Fprintf(w, "    - %s\n", n)
	}
	if r.Action != "" {
		fmt.Fprintf(w, "    what to do: %s\n", r.Action)
	}
}

// WriteChangeSet prints step 4: the change set, each change annotated
// with why the macro made it.
func WriteChangeSet(w io.Writer, sg *Stage) {
	cs := sg.ChangeSet
	if sg.Outcome == OutcomeNothingToDo {
		fmt.Fprintf(w, "Change set %s: no change (%s)\n", cs.Name, cs.StatusReason)
		return
	}
	fmt.Fprintf(w, "Change set %s: %d changes, %d replacements\n", cs.Name, cs.Changes, cs.Replacements)
	if cs.Review == nil {
		return
	}
	for _, e := range cs.Review.Entries {
		repl := ""
		if e.Replacement == "True" || e.Replacement == "Conditional" {
			repl = " replacement=" + e.Replacement
		}
		why := strings.Join(e.Why, "; ")
		if why == "" {
			why = e.Origin
		}
		fmt.Fprintf(w, "  %-7s %-36s %s%s  %s\n", e.Action, e.LogicalID, e.Type, repl, why)
		for _, n := range e.Notes {
			fmt.Fprintf(w, "          note: %s\n", n)
		}
	}
	if len(cs.Review.Missing) > 0 {
		fmt.Fprintf(w, "  expected but not in the change set: %s\n", strings.Join(cs.Review.Missing, ", "))
	}
	if cs.Review.NotFromMacro > 0 {
		fmt.Fprintf(w, "  %d change(s) are not from Private Endpoints: review them before executing\n", cs.Review.NotFromMacro)
	}
}

// WriteUpdate prints how an update ended (step 7 on failure).
func WriteUpdate(w io.Writer, u *UpdateOutcome) {
	fmt.Fprintf(w, "Update: %s after %s (%d events)\n", orDash(u.Status), u.Elapsed, u.Events)
	if f := u.FirstFailure; f != nil {
		fmt.Fprintf(w, "  first failure: %s (%s) %s: %s\n", f.Resource, f.Type, f.Status, f.Reason)
	}
	if d := u.PolicyDenial; d != nil {
		fmt.Fprintf(w, "  stack policy: %s\n", d.Message)
		for _, f := range d.Fix {
			fmt.Fprintf(w, "  fix: %s\n", f)
		}
	}
	if len(u.RolledBack) > 0 {
		fmt.Fprintf(w, "  rolled back to their old configuration: %s\n", strings.Join(u.RolledBack, ", "))
	}
	if len(u.Deleted) > 0 {
		fmt.Fprintf(w, "  created by the update and deleted by the rollback: %s\n", strings.Join(u.Deleted, ", "))
	}
	for _, f := range u.RollbackFailed {
		fmt.Fprintf(w, "  rollback failed: %s (%s): %s\n", f.Resource, f.Type, f.Reason)
	}
	if u.Recovery != "" {
		fmt.Fprintf(w, "  recovery:\n    %s\n", u.Recovery)
		for _, a := range u.AfterRecovery {
			fmt.Fprintf(w, "  then: %s\n", a)
		}
	}
	if u.Resume != "" {
		fmt.Fprintf(w, "  follow again: %s\n", u.Resume)
	}
}

// WriteDNS prints the DNS stage: the internal load balancer, each record
// to change and what it resolves to from here.
func WriteDNS(w io.Writer, d *DNSStep) {
	lb := d.LoadBalancer
	fmt.Fprintf(w, "DNS: point these records at the %s load balancer %s (%s):\n", orDefault(d.Toward, "internal"), lb.LogicalID, lb.DNSName)
	for _, rec := range d.Records {
		state := "not yet: resolves to " + strings.Join(rec.Resolves, " -> ")
		switch {
		case rec.Moved:
			state = "done: " + strings.Join(rec.Resolves, " -> ")
		case rec.Problem != "":
			state = "not yet: " + rec.Problem
		}
		fmt.Fprintf(w, "  %-40s %-5s %s   [%s]\n", rec.Host, rec.Type, rec.Value, state)
	}
	if lb.CanonicalHostedZoneID != "" {
		fmt.Fprintf(w, "  (an alias A record instead of a CNAME: target %s, hosted zone %s)\n", lb.DNSName, lb.CanonicalHostedZoneID)
	}
}

// WriteRecordChange prints the Route 53 change batch.
func WriteRecordChange(w io.Writer, c *RecordChange) {
	fmt.Fprintf(w, "Route 53 change batch for hosted zone %s (%s):\n", c.HostedZoneID, c.ZoneName)
	for _, ch := range c.Changes {
		fmt.Fprintf(w, "  %s\n", ch)
	}
	if len(c.Changes) == 0 {
		fmt.Fprintln(w, "  (nothing to change in this zone)")
	}
	if len(c.OutsideZone) > 0 {
		fmt.Fprintf(w, "  not in this zone, change them where they are: %s\n", strings.Join(c.OutsideZone, ", "))
	}
}

// WriteJSON prints the result as one JSON object.
func WriteJSON(w io.Writer, r *Result) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(r)
}
