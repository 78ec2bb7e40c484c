package updatepath

import (
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/quiltdata/quilt-private-endpoints/internal/template"
)

// Safe reports whether the update has no blocker and rolls back cleanly
// from any failure.
func (p *Plan) Safe() bool { return p.Rollout.RollbackSafe && len(p.Rollout.Blockers) == 0 }

// WriteJSON writes the plan as indented JSON.
func WriteJSON(w io.Writer, p *Plan) error {
	b, err := template.EncodeJSON(p, true)
	if err != nil {
		return fmt.Errorf("updatepath: %w", err)
	}
	_, err = w.Write(b)
	return err
}

// WriteMarkdown writes the plan as a Markdown section; level is the
// heading level of its title ("##" for a section of a larger report).
func WriteMarkdown(w io.Writer, p *Plan, title, level string) error {
	var b strings.Builder
	fmt.Fprintf(&b, "%s %s\n\n", level, title)
	if err := WriteVerdictMarkdown(&b, &p.Verdict, level+"#"); err != nil {
		return err
	}
	fmt.Fprintf(&b, "Resources: %s; %d waves, then cleanup of %d.\n\n",
		p.Counts.Text(), len(p.Rollout.Waves), len(p.Rollout.Cleanup))
	fmt.Fprintf(&b, "<details><summary><b>Rollout picture: the waves and the availability timeline</b></summary>\n\n")
	WriteMermaid(&b, p)
	b.WriteString("</details>\n\n")
	writeFindings(&b, p.Rollout, level)
	fmt.Fprintf(&b, "%s# Resources\n\n| Resource | Type | Action | Behavior | Replaced because | Wave |\n|---|---|---|---|---|---|\n", level)
	for _, r := range p.Resources {
		wave := "cleanup"
		if r.Action != Remove {
			wave = "-"
			if r.Wave >= 0 {
				wave = fmt.Sprint(r.Wave)
			}
		}
		fmt.Fprintf(&b, "| `%s` | %s | %s | %s | %s | %s |\n", r.LogicalID, r.Type, r.Action, r.Behavior,
			cell(strings.Join(r.ReplacedBecause, ", ")), wave)
	}
	b.WriteString("\n")
	writeRollout(&b, p.Rollout, p.Outputs, level)
	_, err := io.WriteString(w, b.String())
	return err
}

// WriteRolloutMarkdown writes the rollout part of a plan (verdict,
// blockers, outputs, order, rollback) for a report that lists the
// resources itself.
func WriteRolloutMarkdown(w io.Writer, ro *Rollout, outputs []Output, title, level string) error {
	var b strings.Builder
	fmt.Fprintf(&b, "%s %s\n\n%s %d waves, then cleanup of %d.\n\n", level, title, Verdict(ro), len(ro.Waves), len(ro.Cleanup))
	writeFindings(&b, *ro, level)
	writeRollout(&b, *ro, outputs, level)
	_, err := io.WriteString(w, b.String())
	return err
}

// Text is the counts in one line: "2 added (1 renamed), 8 modified, 3
// replaced, 7 removed; 90 wait for the preflight (no update)".
func (c Counts) Text() string {
	added := fmt.Sprintf("%d added", c.Added)
	if c.Renamed > 0 {
		added += fmt.Sprintf(" (%d under a new logical id)", c.Renamed)
	}
	s := fmt.Sprintf("%s, %d modified, %d replaced, %d removed", added, c.Modified, c.Replaced, c.Removed)
	if c.WaitsForPreflight > 0 {
		s += fmt.Sprintf("; %d wait for the preflight (a new DependsOn: no update)", c.WaitsForPreflight)
	}
	if n := c.NoUpdate - c.WaitsForPreflight; n > 0 {
		s += fmt.Sprintf("; %d with only an attribute change (DependsOn or a policy: no update)", n)
	}
	return s
}

// Verdict is the plan's one-line verdict.
func Verdict(ro *Rollout) string {
	switch {
	case !ro.RollbackSafe:
		return "**Not rollback-safe**: a failure during the update leaves the stack in UPDATE_ROLLBACK_FAILED."
	case len(ro.Blockers) > 0:
		return "**Blocked**: the update fails (it rolls back cleanly)."
	}
	return "**Safe**: no blocker, and a failure at any point rolls back cleanly."
}

func writeFindings(b *strings.Builder, ro Rollout, level string) {
	for _, sec := range []struct {
		name string
		list []Blocker
	}{{"Blockers", ro.Blockers}, {"Warnings", ro.Warnings}} {
		if len(sec.list) == 0 {
			continue
		}
		fmt.Fprintf(b, "%s# %s\n\n", level, sec.name)
		if bs := ro.Baseline; bs != nil && sec.name == "Blockers" {
			fmt.Fprintf(b, "The same update without Private Endpoints (the deployed original without the macro's Transform entry -> the new template as given) has %d of these %d blocker(s); the macro adds %d.\n\n",
				bs.InherentBlockers, len(sec.list), bs.MacroBlockers)
		}
		b.WriteString("| ID | Resource | What happens | Recovery |\n|---|---|---|---|\n")
		for _, x := range sec.list {
			detail := x.Detail
			if x.Inherent {
				detail = strings.TrimSuffix(detail, ".") + ". *" + InherentText + ".*"
			}
			fmt.Fprintf(b, "| %s | `%s` | %s | %s |\n", x.ID, x.Resource, cell(detail), cell(x.Recovery))
		}
		b.WriteString("\n")
	}
}

func writeRollout(b *strings.Builder, ro Rollout, outputs []Output, level string) {
	if len(outputs) > 0 {
		fmt.Fprintf(b, "%s# Outputs\n\n| Output | Export | Change | Follows |\n|---|---|---|---|\n", level)
		for _, o := range outputs {
			fmt.Fprintf(b, "| %s | %s | %s | %s |\n", o.Name, cell(o.Export), o.Change, strings.Join(o.Because, ", "))
		}
		b.WriteString("\n")
	}
	fmt.Fprintf(b, "%s# Order\n\n", level)
	for i, wv := range ro.Waves {
		fmt.Fprintf(b, "%d. %s\n", i, strings.Join(wv, ", "))
	}
	if len(ro.Cleanup) > 0 {
		fmt.Fprintf(b, "\nCleanup (after success): %s.\n", strings.Join(ro.Cleanup, ", "))
	}
	b.WriteString("\n")
	fmt.Fprintf(b, "%s# Rollback\n\n| Failure at | Rolled back | Stuck |\n|---|---|---|\n", level)
	for _, f := range ro.Failures {
		stuck := "none"
		if len(f.Stuck) > 0 {
			stuck = strings.Join(f.Stuck, ", ")
		}
		fmt.Fprintf(b, "| %s | %d | %s |\n", f.At, f.RolledBack, stuck)
	}
	var impossible []string
	for _, s := range ro.Rollback {
		if !s.Possible {
			impossible = append(impossible, fmt.Sprintf("- `%s`: %s: impossible (%s: %s)", s.Resource, s.Step, s.Rule, s.Why))
		} else if s.RefusedInFlight != "" {
			impossible = append(impossible, fmt.Sprintf("- `%s`: %s: refused when a sibling of its wave fails (%s: %s)", s.Resource, s.Step, s.Rule, s.RefusedInFlight))
		}
	}
	if len(impossible) > 0 {
		b.WriteString("\nRollback steps that cannot succeed:\n\n" + strings.Join(impossible, "\n") + "\n")
	}
	writeAvailability(b, &ro.Availability, level)
}

// writeAvailability writes the availability section: the verdict for the
// private network and one row per gap.
func writeAvailability(b *strings.Builder, av *Availability, level string) {
	if len(av.Entries) == 0 {
		return
	}
	fmt.Fprintf(b, "\n%s# Availability\n\n", level)
	if av.DNS != "" {
		fmt.Fprintf(b, "Host names resolve to %s during the update. ", av.DNS)
	}
	if av.PrivateNetworkDowntime {
		b.WriteString("**Private-network downtime**: users on the private network lose the entry points below (`qpe plan` exits 1 unless `--accept-downtime`).\n\n")
	} else {
		b.WriteString("No private-network downtime.\n\n")
	}
	// One row per entry point: the stretches lost on each network, then
	// each distinct reason once.
	type row struct{ entry, host, private, internet string }
	var rows []row
	index := map[string]int{}
	var whys []string
	for _, e := range av.Entries {
		k := e.Entry + "\x00" + e.Host
		i, ok := index[k]
		if !ok {
			i = len(rows)
			index[k] = i
			rows = append(rows, row{entry: e.Entry, host: e.Host})
		}
		spans := spans(e.Lost)
		if e.Network == NetworkPrivate {
			rows[i].private = spans
		} else {
			rows[i].internet = spans
		}
		for _, g := range e.Lost {
			w := g.Why
			if g.Inherent {
				w = "inherent: " + w
			}
			if !slices.Contains(whys, w) {
				whys = append(whys, w)
			}
		}
	}
	if len(whys) == 0 {
		fmt.Fprintf(b, "Every entry point (%d) stays served on both networks.\n", len(rows))
		return
	}
	b.WriteString("| Entry | Host | Private network | Internet |\n|---|---|---|---|\n")
	for _, r := range rows {
		fmt.Fprintf(b, "| %s | %s | %s | %s |\n", cell(r.entry), cell(r.host), r.private, r.internet)
	}
	b.WriteString("\nWhy:\n\n")
	for _, w := range whys {
		fmt.Fprintf(b, "- %s\n", w)
	}
}

// spans is the stretches of a list of gaps, adjacent ones joined:
// "served", or "wave 4 to after", "wave 2 (inherent)".
func spans(gaps []Gap) string {
	if len(gaps) == 0 {
		return "served"
	}
	var out []string
	for i := 0; i < len(gaps); {
		j := i
		for j+1 < len(gaps) && gaps[j+1].Inherent == gaps[i].Inherent && adjacent(gaps[j].Until, gaps[j+1].From) {
			j++
		}
		s := gaps[i].From
		if gaps[j].Until != s {
			s += " to " + gaps[j].Until
		}
		if gaps[i].Inherent {
			s += " (inherent)"
		}
		out = append(out, s)
		i = j + 1
	}
	return strings.Join(out, ", ")
}

// adjacent reports whether point b follows point a ("wave N" names).
func adjacent(a, b string) bool {
	var x, y int
	switch {
	case b == "after":
		return a == "cleanup"
	case b == "cleanup":
		return strings.HasPrefix(a, "wave ") // the last wave, as gaps are built in order
	}
	if _, err := fmt.Sscanf(a, "wave %d", &x); err != nil {
		return false
	}
	if _, err := fmt.Sscanf(b, "wave %d", &y); err != nil {
		return false
	}
	return y == x+1
}

// DowntimeError is the refusal of an update that takes an entry point
// away from users on the private network.
type DowntimeError struct {
	Lost []EntryAvailability
}

func (e *DowntimeError) Error() string {
	return "the update takes entry points away from users on the private network: " + e.LostText() +
		". Go side by side first (LoadBalancerScheme=internal, PublicLoadBalancer=keep), move DNS to the internal load balancer, " +
		"then retire the public one; or accept the downtime (--accept-downtime)"
}

// LostText names each entry point lost and from when: "host (entry) from
// wave n; ...".
func (e *DowntimeError) LostText() string {
	var parts []string
	for _, x := range e.Lost {
		for _, g := range x.Lost {
			if !g.Inherent {
				parts = append(parts, fmt.Sprintf("%s (%s) from %s", x.Host, x.Entry, g.From))
				break
			}
		}
	}
	return strings.Join(parts, "; ")
}

// RefuseDowntime is the decision qpe plan and qpe enable share: nil when
// the update keeps every entry point served on the private network, or
// when accept is set; else a *DowntimeError naming what is lost.
func (p *Plan) RefuseDowntime(accept bool) error {
	av := &p.Rollout.Availability
	if accept || !av.PrivateNetworkDowntime {
		return nil
	}
	e := &DowntimeError{}
	for _, x := range av.Entries {
		if x.Network != NetworkPrivate {
			continue
		}
		if slices.ContainsFunc(x.Lost, func(g Gap) bool { return !g.Inherent }) {
			e.Lost = append(e.Lost, x)
		}
	}
	return e
}

func cell(s string) string {
	return strings.ReplaceAll(strings.ReplaceAll(s, "|", `\|`), "\n", " ")
}
