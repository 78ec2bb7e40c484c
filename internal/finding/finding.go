// Package finding is the shape every check in the project reports: a stable
// id a user can look up in the README, a severity, the AWS resource it is
// about, a message and a remedy that says exactly what to change.
package finding

import (
	"cmp"
	"slices"
)

// Severity ranks a finding.
type Severity string

// Severities, most serious first.
const (
	Error   Severity = "error"
	Warning Severity = "warning"
	Info    Severity = "info"
)

// Rank orders severities: error 0, warning 1, info 2.
func (s Severity) Rank() int {
	switch s {
	case Error:
		return 0
	case Warning:
		return 1
	default:
		return 2
	}
}

// Finding is one problem or observation.
type Finding struct {
	ID       string   `json:"id"`
	Severity Severity `json:"severity"`
	Resource string   `json:"resource"`
	Message  string   `json:"message"`
	Remedy   string   `json:"remedy"`
}

// Report is the result of a run of checks.
type Report struct {
	OK       bool      `json:"ok"`
	Findings []Finding `json:"findings"`
}

// NewReport sorts the findings (severity, id, resource, message), drops exact
// duplicates, and sets OK when none is an error.
func NewReport(fs []Finding) Report {
	out := slices.Clone(fs)
	slices.SortStableFunc(out, Compare)
	out = slices.Compact(out)
	if out == nil {
		out = []Finding{}
	}
	return Report{OK: !HasErrors(out), Findings: out}
}

// Compare orders findings most important first, deterministically.
func Compare(a, b Finding) int {
	return cmp.Or(
		cmp.Compare(a.Severity.Rank(), b.Severity.Rank()),
		cmp.Compare(a.ID, b.ID),
		cmp.Compare(a.Resource, b.Resource),
		cmp.Compare(a.Message, b.Message),
	)
}

// HasErrors reports whether any finding is an error.
func HasErrors(fs []Finding) bool {
	return slices.ContainsFunc(fs, func(f Finding) bool { return f.Severity == Error })
}

// ExitCode is 0 when the report has no error finding, 1 otherwise.
func (r Report) ExitCode() int {
	if HasErrors(r.Findings) {
		return 1
	}
	return 0
}

// Count returns how many findings have the severity.
func (r Report) Count(s Severity) int {
	n := 0
	for _, f := range r.Findings {
		if f.Severity == s {
			n++
		}
	}
	return n
}
