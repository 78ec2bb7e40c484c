package finding

import (
	"fmt"
	"regexp"
	"slices"
	"strings"
)

// Rule is one entry of a catalogue: the stable id a user looks up in the
// README, the severity of its findings, what it is about and the generic
// remedy. Every kind of rule in the project (preflight checks, verify
// checks, review risks, update-path constraints, transform warnings) is a
// Rule; the findings it reports carry a precise remedy.
type Rule struct {
	ID       string
	Severity Severity
	// Title names what is checked ("the S3 gateway endpoint routes").
	Title string
	// Meaning says what a finding of this rule means (for docs).
	Meaning string
	// Remedy says what to create or change (for docs, and the fallback for
	// a finding without a remedy of its own).
	Remedy string
	// Source names where the fact behind the rule comes from (a document
	// URL or a section of the reference), when there is one.
	Source string
}

// New builds a finding of this rule with its severity. An empty remedy
// falls back to the rule's.
func (r Rule) New(resource, remedy, format string, args ...any) Finding {
	return r.NewSeverity(r.Severity, resource, remedy, format, args...)
}

// NewSeverity builds a finding of this rule with another severity (a
// milder one for a transient state, say).
func (r Rule) NewSeverity(sev Severity, resource, remedy, format string, args ...any) Finding {
	if remedy == "" {
		remedy = r.Remedy
	}
	msg := format
	if len(args) > 0 {
		msg = fmt.Sprintf(format, args...)
	}
	return Finding{ID: r.ID, Severity: sev, Resource: resource, Message: msg, Remedy: remedy}
}

// Check is a rule with the code that evaluates it on a typed input In.
type Check[In any] struct {
	Rule
	// Needs names the parts of the input the check reads (inventory items,
	// say); a runner skips or blocks the check when one is missing. Nil
	// when the check reads only what is always there.
	Needs []string
	// Run reports the check's findings on in.
	Run func(in In) []Finding
}

// Catalogue is a sorted list of checks with unique ids.
type Catalogue[In any] []Check[In]

// NewCatalogue sorts the checks by id. Duplicate ids are a programming
// error caught by findingtest.Catalogue.
func NewCatalogue[In any](cs ...Check[In]) Catalogue[In] {
	out := slices.Clone(cs)
	slices.SortFunc(out, func(a, b Check[In]) int { return strings.Compare(a.ID, b.ID) })
	return out
}

// Rules lists the catalogue's rules, in id order.
func (c Catalogue[In]) Rules() []Rule {
	rs := make([]Rule, len(c))
	for i, ch := range c {
		rs[i] = ch.Rule
	}
	return rs
}

// Run evaluates every check for which gate returns true (all of them when
// gate is nil), in id order.
func (c Catalogue[In]) Run(in In, gate func(Check[In]) bool) []Finding {
	var fs []Finding
	for _, ch := range c {
		if ch.Run == nil || (gate != nil && !gate(ch)) {
			continue
		}
		fs = append(fs, ch.Run(in)...)
	}
	return fs
}

// Lookup returns the rule with the id, if the list has it.
func Lookup(rules []Rule, id string) (Rule, bool) {
	i := slices.IndexFunc(rules, func(r Rule) bool { return r.ID == id })
	if i < 0 {
		return Rule{}, false
	}
	return rules[i], true
}

// IDPattern is the form of every rule id: QPE-<AREA>-<nnn>.
var IDPattern = regexp.MustCompile(`^QPE-[A-Z0-9]{2,4}-\d{3}$`)

// RulesMarkdown renders rules as the README's catalogue table.
func RulesMarkdown(rules []Rule) string {
	var b strings.Builder
	b.WriteString("| ID | Severity | What it means | Remedy |\n|---|---|---|---|\n")
	for _, r := range rules {
		b.WriteString("| " + r.ID + " | " + string(r.Severity) + " | " + mdCell(r.Meaning) + " | " + mdCell(r.Remedy) + " |\n")
	}
	return b.String()
}

func mdCell(s string) string {
	return strings.ReplaceAll(strings.ReplaceAll(s, "|", `\|`), "\n", " ")
}
