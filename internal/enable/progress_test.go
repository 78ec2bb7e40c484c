package enable

import (
	"bytes"
	"strings"
	"testing"
	"time"
)

func TestProgressLine(t *testing.T) {
	for _, c := range []struct {
		p    Progress
		want string
	}{
		{Progress{}, "-  0/? resources done  00:00"},
		{Progress{Phase: "UPDATE_IN_PROGRESS", Done: 3, Total: 9, InProgress: []string{"Api", "Stage"}, Elapsed: 75 * time.Second},
			"UPDATE_IN_PROGRESS  3/9 resources done  2 in progress: Api, Stage  01:15"},
		{Progress{Phase: "UPDATE_IN_PROGRESS", Done: 1, Total: 9, InProgress: []string{"A", "B", "C", "D", "E"}, Elapsed: time.Hour},
			"UPDATE_IN_PROGRESS  1/9 resources done  5 in progress: A, B, C +2  60:00"},
	} {
		if got := ProgressLine(c.p); got != c.want {
			t.Errorf("got  %q\nwant %q", got, c.want)
		}
	}
}

func TestWriterLiveAndLog(t *testing.T) {
	evs := []Event{
		{LogicalID: "quilt", Type: stackType, Status: "UPDATE_IN_PROGRESS", Reason: "User Initiated"},
		{LogicalID: "Api", Type: "AWS::ApiGateway::RestApi", Status: "UPDATE_IN_PROGRESS"},
		{LogicalID: "Api", Type: "AWS::ApiGateway::RestApi", Status: "UPDATE_FAILED", Reason: "boom"},
		{LogicalID: "quilt", Type: stackType, Status: "UPDATE_ROLLBACK_IN_PROGRESS"},
	}
	var live, log bytes.Buffer
	lw, ow := &Writer{W: &live, Live: true, Width: 60}, &Writer{W: &log}
	for _, e := range evs {
		p := Progress{Phase: "UPDATE_IN_PROGRESS", Total: 4}
		lw.Event(e, p)
		ow.Event(e, p)
	}
	lw.Step("done")
	if n := strings.Count(log.String(), "\n"); n != len(evs) {
		t.Errorf("log: %d lines for %d events:\n%s", n, len(evs), log.String())
	}
	// Live: only the failure and the stack's own changes become lines; the
	// rest redraws the progress line in place, cleared before a step.
	l := live.String()
	if !strings.Contains(l, "UPDATE_FAILED") || !strings.Contains(l, "boom") || strings.Contains(l, "RestApi\n") ||
		!strings.Contains(l, "\r\x1b[KUPDATE_IN_PROGRESS  0/4 resources done") || !strings.HasSuffix(l, "\r\x1b[Kqpe enable: done\n") {
		t.Errorf("live:\n%q", l)
	}
	for _, line := range strings.Split(l, "\r\x1b[K") {
		if len([]rune(strings.TrimSuffix(line, "\n"))) > 60 && !strings.Contains(line, "\n") {
			t.Errorf("progress line over the width: %q", line)
		}
	}
}
