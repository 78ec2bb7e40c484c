package enable

import (
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/quiltdata/quilt-private-endpoints/internal/finding"
)

// Observer receives what enable does, as it happens. The pipeline calls it
// from one goroutine.
type Observer interface {
	// Step is one line about the step under way.
	Step(msg string)
	// Preflight, Plan and ChangeSet show a stage's results before the
	// confirmation; Settled shows how its update ended.
	Preflight(sg *Stage)
	Plan(sg *Stage)
	ChangeSet(sg *Stage)
	Settled(sg *Stage)
	// Event is a new stack event; Tick comes after every read of them.
	Event(e Event, p Progress)
	Tick(p Progress)
	// DNS shows the DNS stage's records and what they resolve to;
	// RecordChange the Route 53 change batch before it is applied.
	DNS(sg *Stage)
	RecordChange(sg *Stage)
	// Verified shows verify's report.
	Verified(r *Result)
}

type nopObserver struct{}

func (nopObserver) Step(string)           {}
func (nopObserver) Preflight(*Stage)      {}
func (nopObserver) Plan(*Stage)           {}
func (nopObserver) ChangeSet(*Stage)      {}
func (nopObserver) Settled(*Stage)        {}
func (nopObserver) Event(Event, Progress) {}
func (nopObserver) Tick(Progress)         {}
func (nopObserver) Verified(*Result)      {}
func (nopObserver) DNS(*Stage)            {}
func (nopObserver) RecordChange(*Stage)   {}

// Writer is the text Observer. On a terminal (Live) the stack events are
// one progress line redrawn in place (resources done of total, the ones in
// progress, elapsed time), failures printed above it; otherwise each event
// is one line, for logs and CI. Brief leaves out the plan, change set and
// reports (the JSON output carries them).
type Writer struct {
	W     io.Writer
	Live  bool
	Brief bool
	// Command names the command in each step line (default "enable").
	Command string
	// Width bounds the progress line (default 100).
	Width int

	drawn bool
}

// Step prints "qpe enable: msg" (or the Command's name).
func (w *Writer) Step(msg string) {
	w.clear()
	fmt.Fprintf(w.W, "qpe %s: %s\n", orDefault(w.Command, "enable"), msg)
}

// Preflight prints the network findings.
func (w *Writer) Preflight(sg *Stage) {
	if w.Brief || sg.Preflight == nil {
		return
	}
	w.clear()
	if len(sg.Preflight.Findings) == 0 {
		fmt.Fprintln(w.W, "Network check: no finding.")
		return
	}
	fmt.Fprintln(w.W, "Network check:")
	_ = finding.WriteText(w.W, *sg.Preflight, false)
}

// Plan prints the review summary and the rollback verdict.
func (w *Writer) Plan(sg *Stage) {
	if w.Brief || sg.Plan == nil {
		return
	}
	w.clear()
	WritePlan(w.W, sg)
}

// ChangeSet prints the annotated change set.
func (w *Writer) ChangeSet(sg *Stage) {
	if w.Brief || sg.ChangeSet == nil {
		return
	}
	w.clear()
	WriteChangeSet(w.W, sg)
}

// Event prints the event (a line, or the progress line).
func (w *Writer) Event(e Event, p Progress) {
	if !w.Live {
		fmt.Fprintln(w.W, EventLine(e))
		return
	}
	if strings.HasSuffix(e.Status, "_FAILED") || (e.Stack() && e.Status != "UPDATE_IN_PROGRESS") {
		w.clear()
		fmt.Fprintln(w.W, EventLine(e))
	}
	w.draw(p)
}

// Tick redraws the progress line (elapsed time).
func (w *Writer) Tick(p Progress) {
	if w.Live {
		w.draw(p)
	}
}

// Settled prints how the update ended.
func (w *Writer) Settled(sg *Stage) {
	w.clear()
	if sg.Update != nil {
		WriteUpdate(w.W, sg.Update)
	}
}

// DNS prints the records to change and what each resolves to now. It
// prints in Brief mode too: the records are what the user acts on.
func (w *Writer) DNS(sg *Stage) {
	if sg.DNS == nil {
		return
	}
	w.clear()
	WriteDNS(w.W, sg.DNS)
}

// RecordChange prints the Route 53 change batch.
func (w *Writer) RecordChange(sg *Stage) {
	if sg.DNS == nil || sg.DNS.Change == nil {
		return
	}
	w.clear()
	WriteRecordChange(w.W, sg.DNS.Change)
}

// Verified prints verify's report (qpe disable: the check that the stack
// is public again).
func (w *Writer) Verified(r *Result) {
	if w.Brief {
		return
	}
	if r.Public != nil {
		w.clear()
		WritePublic(w.W, r.Public)
	}
	if r.Verify == nil {
		return
	}
	w.clear()
	fmt.Fprintln(w.W, "Verify:")
	_ = finding.WriteText(w.W, *r.Verify, false)
}

func (w *Writer) draw(p Progress) {
	line := ProgressLine(p)
	width := w.Width
	if width <= 0 {
		width = 100
	}
	if r := []rune(line); len(r) > width {
		line = string(r[:width-1]) + "…"
	}
	fmt.Fprintf(w.W, "\r\x1b[K%s", line)
	w.drawn = true
}

func (w *Writer) clear() {
	if w.drawn {
		fmt.Fprint(w.W, "\r\x1b[K")
		w.drawn = false
	}
}

// ProgressLine is the live line: phase, done of total, in progress, elapsed.
func ProgressLine(p Progress) string {
	total := "?"
	if p.Total > 0 {
		total = fmt.Sprint(p.Total)
	}
	s := fmt.Sprintf("%s  %d/%s resources done", orDash(p.Phase), p.Done, total)
	if n := len(p.InProgress); n > 0 {
		shown := p.InProgress[:min(n, 3)]
		s += fmt.Sprintf("  %d in progress: %s", n, strings.Join(shown, ", "))
		if n > 3 {
			s += fmt.Sprintf(" +%d", n-3)
		}
	}
	return s + "  " + clock(p.Elapsed)
}

// EventLine is one event as a log line.
func EventLine(e Event) string {
	s := fmt.Sprintf("%s  %-44s %-32s %s", e.Time.UTC().Format("15:04:05"), e.Status, e.LogicalID, e.Type)
	if e.Reason != "" {
		s += "  " + e.Reason
	}
	return strings.TrimRight(s, " ")
}

func clock(d time.Duration) string {
	d = d.Round(time.Second)
	return fmt.Sprintf("%02d:%02d", int(d.Minutes()), int(d.Seconds())%60)
}

func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}
