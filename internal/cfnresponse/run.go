package cfnresponse

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"runtime/debug"
	"strings"
	"sync/atomic"
	"time"

	"github.com/aws/aws-lambda-go/cfn"
)

// Result is what the work for one request produced.
type Result struct {
	// PhysicalID is the resource's physical id (also used on error when set).
	PhysicalID string
	// Data becomes the response's Data (keep it small).
	Data map[string]any
	// Reason is an optional note sent with SUCCESS.
	Reason string
	// NoEcho masks Data in Fn::GetAtt output.
	NoEcho bool
}

// Runner runs the work for a request and sends exactly one response.
type Runner struct {
	Sender *Sender
	Logger *slog.Logger
	// Margin is the time kept before the Lambda deadline to answer FAILED
	// when the work runs long. Zero means a tenth of the remaining time,
	// at least 1 s and at most 15 s.
	Margin time.Duration
	// FallbackID, when set, gives the physical id to answer when the work
	// returns none or is cut off (it may record what the work did so far);
	// "" falls back to the event's id, then defaultID.
	FallbackID func() string
}

// Outcome says what Run sent.
type Outcome struct {
	Status     cfn.StatusType
	PhysicalID string
	Reason     string
	Bytes      int
	TimedOut   bool
	Panicked   bool
}

type stepKey struct{}

// Step records what the work is doing now; if the deadline cuts the work
// short, the FAILED Reason names the last step.
func Step(ctx context.Context, format string, args ...any) {
	if p, ok := ctx.Value(stepKey{}).(*atomic.Pointer[string]); ok {
		s := fmt.Sprintf(format, args...)
		p.Store(&s)
	}
}

// margin returns the answer margin for a deadline remaining away.
func (rn *Runner) margin(remaining time.Duration) time.Duration {
	if rn.Margin > 0 {
		return rn.Margin
	}
	return min(max(remaining/10, time.Second), 15*time.Second)
}

type outcome struct {
	res      Result
	err      error
	panicked bool
}

// Run calls work with a context that ends a margin before ctx's deadline,
// then sends one response: SUCCESS with the Result, FAILED with the error
// (a *Failure is fitted item by item), FAILED when work panics (recovered)
// or is still running at the margin (work is abandoned; its context is
// cancelled). defaultID is the physical id used when neither the Result nor
// the event carries one. The returned error is non-nil only when the
// response could not be delivered.
func (rn *Runner) Run(ctx context.Context, ev cfn.Event, defaultID string, work func(ctx context.Context) (Result, error)) (Outcome, error) {
	log := rn.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	start := time.Now()
	var workCtx context.Context
	var cancel context.CancelFunc
	if dl, ok := ctx.Deadline(); ok {
		workCtx, cancel = context.WithDeadline(ctx, dl.Add(-rn.margin(time.Until(dl))))
	} else {
		workCtx, cancel = context.WithCancel(ctx)
	}
	defer cancel()
	step := &atomic.Pointer[string]{}
	workCtx = context.WithValue(workCtx, stepKey{}, step)

	done := make(chan outcome, 1)
	go func() {
		defer func() {
			if p := recover(); p != nil {
				log.Error("panic in custom resource handler", "panic", Scrub(fmt.Sprint(p), ev.ResponseURL),
					"stack", Scrub(string(debug.Stack()), ev.ResponseURL))
				done <- outcome{err: fmt.Errorf("internal error (panic): %v", p), panicked: true}
			}
		}()
		res, err := work(workCtx)
		done <- outcome{res: res, err: err}
	}()

	var out outcome
	timedOut := false
	select {
	case out = <-done:
	case <-workCtx.Done():
		// Prefer a result that raced with the deadline.
		select {
		case out = <-done:
		default:
			timedOut = true
			last := ""
			if s := step.Load(); s != nil {
				last = "; last step: " + *s
			}
			cause := "the Lambda deadline is near"
			if !errors.Is(workCtx.Err(), context.DeadlineExceeded) {
				cause = "the invocation was cancelled"
			}
			out.err = fmt.Errorf("gave up after %s because %s%s. Fix: retry the stack operation; if it recurs, check that the function reaches the AWS APIs (NAT or VPC endpoints) and raise its Timeout",
				time.Since(start).Round(100*time.Millisecond), cause, last)
		}
	}
	cancel()

	physical := out.res.PhysicalID
	if physical == "" && rn.FallbackID != nil {
		physical = rn.FallbackID()
	}
	if physical == "" {
		physical = ev.PhysicalResourceID
	}
	physical = PhysicalID(physical, defaultID)

	var resp cfn.Response
	var fail *Failure
	if out.err != nil {
		resp = Response(ev, cfn.StatusFailed, physical, "", nil)
		var f *Failure
		if errors.As(out.err, &f) {
			cp := *f
			cp.Summary = Scrub(cp.Summary, ev.ResponseURL)
			cp.Items = make([]string, len(f.Items))
			for i, it := range f.Items {
				cp.Items[i] = Scrub(it, ev.ResponseURL)
			}
			fail = &cp
		} else {
			resp.Reason = Scrub(out.err.Error(), ev.ResponseURL)
		}
	} else {
		resp = Response(ev, cfn.StatusSuccess, physical, Scrub(out.res.Reason, ev.ResponseURL), out.res.Data)
		resp.NoEcho = out.res.NoEcho
	}
	body, err := Encode(resp, fail)
	if err != nil || len(body) == 0 {
		// Last resort: a bare FAILED, which always fits and is never empty.
		why := "response too large"
		if err != nil {
			why += ": " + err.Error()
		}
		body = Bare(resp, why)
		resp.Status, resp.Reason, fail = cfn.StatusFailed, why, nil
	}
	reason := resp.Reason
	if fail != nil {
		reason = fail.reason(len(fail.Items))
	}
	o := Outcome{Status: resp.Status, PhysicalID: physical, Reason: reason, Bytes: len(body), TimedOut: timedOut, Panicked: out.panicked}

	sendCtx := ctx
	if dl, ok := ctx.Deadline(); ok {
		var c context.CancelFunc
		sendCtx, c = context.WithDeadline(context.WithoutCancel(ctx), dl.Add(-250*time.Millisecond))
		defer c()
	}
	sender := rn.Sender
	if sender == nil {
		sender = &Sender{Logger: log}
	}
	sendErr := sender.Send(sendCtx, ev.ResponseURL, body)
	level := slog.LevelInfo
	if resp.Status == cfn.StatusFailed || sendErr != nil {
		level = slog.LevelWarn
	}
	attrs := []any{
		// The request's ids (request_type among them) are the Logger's: one
		// of each per line.
		"outcome", string(resp.Status),
		"physical_id", physical, "reason", oneLine(reason, 2000), "body_bytes", len(body),
		"timed_out", timedOut, "panicked", out.panicked,
		"duration_ms", time.Since(start).Milliseconds(), "response_url", Redact(ev.ResponseURL),
		"delivered", sendErr == nil,
	}
	if sendErr != nil {
		attrs = append(attrs, "send_error", sendErr.Error())
	}
	log.Log(ctx, level, "custom resource response", attrs...)
	return o, sendErr
}

func oneLine(s string, n int) string {
	s = strings.ReplaceAll(s, "\n", " ")
	if len(s) > n {
		return cutUTF8(s, n) + truncMark
	}
	return s
}
