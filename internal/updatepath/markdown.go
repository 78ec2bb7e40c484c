package updatepath

import (
	"fmt"
	"io"
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
	fmt.Fprintf(&b, "%s %s; %d waves, then cleanup of %d.\n\n",
		Verdict(&p.Rollout), p.Counts.Text(), len(p.Rollout.Waves), len(p.Rollout.Cleanup))
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
		fmt.Fprintf(b, "%s# %s\n\n| ID | Resource | What happens | Recovery |\n|---|---|---|---|\n", level, sec.name)
		for _, x := range sec.list {
			fmt.Fprintf(b, "| %s | `%s` | %s | %s |\n", x.ID, x.Resource, cell(x.Detail), cell(x.Recovery))
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
		}
	}
	if len(impossible) > 0 {
		b.WriteString("\nRollback steps that cannot succeed:\n\n" + strings.Join(impossible, "\n") + "\n")
	}
}

func cell(s string) string {
	return strings.ReplaceAll(strings.ReplaceAll(s, "|", `\|`), "\n", " ")
}
