package updatepath

import "time"

// runtimePhase is a Lambda runtime's deprecation calendar.
type runtimePhase struct {
	Deprecated, BlockCreate, BlockUpdate string // YYYY-MM-DD
}

// runtimeSource names where the dates come from.
const runtimeSource = "update-path.md section 6: cfn-lint LmbdRuntimeLifecycle.json, synced from " +
	"https://docs.aws.amazon.com/lambda/latest/dg/lambda-runtimes.html in cfn-lint PR #4532 (2026-06-02); " +
	"the live AWS table is the authority"

// runtimePhases are the dates of the runtimes the facts list. A runtime
// missing here has no known block date.
var runtimePhases = map[string]runtimePhase{
	"python3.8":  {"2024-10-14", "2027-02-01", "2027-03-03"},
	"python3.9":  {"2025-12-15", "2027-02-01", "2027-03-03"},
	"python3.10": {"2026-10-31", "2027-02-01", "2027-03-03"},
	"python3.11": {"2027-06-30", "2027-07-31", "2027-08-31"},
	"nodejs18.x": {"2025-09-01", "2027-02-01", "2027-03-03"},
	"nodejs20.x": {"2026-04-30", "2027-02-01", "2027-03-03"},
}

// blocked reports whether the runtime's date (BlockCreate or BlockUpdate)
// is on or before today.
func blocked(runtime string, today time.Time, create bool) (string, bool) {
	p, ok := runtimePhases[runtime]
	if !ok {
		return "", false
	}
	d := p.BlockUpdate
	if create {
		d = p.BlockCreate
	}
	t, err := time.Parse(time.DateOnly, d)
	if err != nil {
		return "", false
	}
	return d, !today.Before(t)
}
