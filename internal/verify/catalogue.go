package verify

import (
	"fmt"
	"slices"
	"strings"

	"github.com/quiltdata/quilt-private-endpoints/internal/finding"
)

// Check is one entry of the catalogue: a stable id, the severity of its
// findings (a few checks report a milder one for a transient state, said
// in Meaning), what a finding means and the generic remedy (findings carry
// a precise one).
type Check struct {
	ID       string
	Severity finding.Severity
	// Title names what is checked.
	Title string
	// Meaning says what a finding of this check means (for docs).
	Meaning string
	// Remedy says what to change (for docs).
	Remedy string

	run func(st *state) []finding.Finding
}

// Catalogue lists every check, in id order. Run evaluates all of them.
func Catalogue() []Check {
	cs := []Check{
		checkStackStatus(),
		checkExpectations(),
		checkFunctionInVPC(),
		checkFunctionSubnets(),
		checkFunctionSecurityGroups(),
		checkFunctionVPC(),
		checkFunctionState(),
		checkFunctionLastUpdate(),
		checkAPIPrivate(),
		checkAPIEndpoint(),
		checkAPIPolicy(),
		checkAPIDeployed(),
		checkAPIReachable(),
		checkCanaryLastRun(),
		checkCanaryFresh(),
		checkCanaryState(),
		checkCanaryVPC(),
		checkCouldNotCheck(),
	}
	slices.SortFunc(cs, func(a, b Check) int { return strings.Compare(a.ID, b.ID) })
	return cs
}

// f builds a finding of this check with its severity.
func (c Check) f(resource, remedy, format string, args ...any) finding.Finding {
	return c.fs(c.Severity, resource, remedy, format, args...)
}

// fs builds a finding of this check with another severity.
func (c Check) fs(sev finding.Severity, resource, remedy, format string, args ...any) finding.Finding {
	if remedy == "" {
		remedy = c.Remedy
	}
	return finding.Finding{ID: c.ID, Severity: sev, Resource: resource, Message: fmt.Sprintf(format, args...), Remedy: remedy}
}
