package verify

import (
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"

	"github.com/quiltdata/quilt-private-endpoints/internal/finding"
)

// staleAfter is how old a canary's last run may be: three periods of a
// rate() schedule (at least an hour), else a day.
func staleAfter(expr string) time.Duration {
	m := regexp.MustCompile(`^rate\((\d+)\s+(minute|minutes|hour|hours|day|days)\)$`).FindStringSubmatch(expr)
	if m == nil {
		return 24 * time.Hour
	}
	n, _ := strconv.Atoi(m[1])
	unit := time.Minute
	switch m[2] {
	case "hour", "hours":
		unit = time.Hour
	case "day", "days":
		unit = 24 * time.Hour
	}
	if n == 0 {
		return 24 * time.Hour
	}
	return max(3*time.Duration(n)*unit, time.Hour)
}

func freshRemedy(name string) string {
	return "check the canary's state (aws synthetics get-canary --name " + name + "), start it if it is stopped (aws synthetics start-canary --name " + name + "), and run qpe verify again after its next run"
}

func checkCanaryFresh() finding.Check[*state] {
	c := finding.Check[*state]{Rule: finding.Rule{
		ID:       "QPE-VF-031",
		Severity: finding.Warning,
		Title:    "each Synthetics canary ran recently",
		Meaning: "The canary has no completed run, or its last one is older than three periods of its schedule (at " +
			"least an hour; a day for cron schedules): its result says nothing about the stack as deployed now.",
		Remedy: "Start the canary (aws synthetics start-canary --name <name>) and run qpe verify again after its next run.",
	}}
	c.Run = func(st *state) []finding.Finding {
		var out []finding.Finding
		for _, cn := range st.canaries {
			if !cn.runsRead {
				continue // could not be read: QPE-VF-090
			}
			done := cn.completed()
			if len(done) == 0 {
				out = append(out, c.New(cn.name(), freshRemedy(cn.physical),
					"canary %s has no completed run", cn.name()))
				continue
			}
			last := done[0].Timeline
			if last == nil || (last.Started == nil && last.Completed == nil) {
				continue
			}
			at := aws.ToTime(last.Completed)
			if at.IsZero() {
				at = aws.ToTime(last.Started)
			}
			expr := ""
			if cn.canary != nil && cn.canary.Schedule != nil {
				expr = aws.ToString(cn.canary.Schedule.Expression)
			}
			if age := st.now.Sub(at); age > staleAfter(expr) {
				out = append(out, c.New(cn.name(), freshRemedy(cn.physical),
					"the last run of canary %s was at %s, %s ago (schedule %q): it does not show the stack as deployed now",
					cn.name(), ts(at), strings.TrimSuffix(age.Round(time.Minute).String(), "0s"), expr))
			}
		}
		return out
	}
	return c
}
