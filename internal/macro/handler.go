package macro

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"runtime/debug"
	"sort"
	"time"

	"github.com/quiltdata/quilt-private-endpoints/internal/template"
	"github.com/quiltdata/quilt-private-endpoints/internal/transform"
)

// TransformFunc is the engine the handler runs (transform.Transform).
type TransformFunc func(context.Context, transform.Request) (*transform.Result, error)

// Handler answers CloudFormation macro events. It never returns a Go error
// and never panics out: every problem becomes a failure response whose
// errorMessage names the resource or setting and the fix, because
// CloudFormation shows a Lambda error only as "Received malformed response
// from transform".
type Handler struct {
	// Logger receives one JSON line per invocation.
	Logger *slog.Logger
	// Transform is the engine; nil means transform.Transform.
	Transform TransformFunc
}

// NewHandler returns a Handler running the real engine and logging to
// logger (nil: no logs).
func NewHandler(logger *slog.Logger) *Handler {
	if logger == nil {
		logger = slog.New(slog.NewJSONHandler(io.Discard, nil))
	}
	return &Handler{Logger: logger, Transform: transform.Transform}
}

// Invoke implements the aws-lambda-go lambda.Handler interface: it answers
// every payload with an encoded Response and a nil error.
func (h *Handler) Invoke(ctx context.Context, payload []byte) ([]byte, error) {
	resp := h.Handle(ctx, payload)
	out, err := template.EncodeJSON(resp, false)
	if err != nil {
		// The engine produced a value JSON cannot carry: report it, without
		// the fragment (no partial output).
		out, _ = template.EncodeJSON(Response{
			RequestID: resp.RequestID,
			Status:    StatusFailure,
			ErrorMessage: fmt.Sprintf("the rewritten template cannot be encoded as JSON (%v). Fix: this is a bug in "+
				"QuiltPrivateEndpoints; run `qpe render` on the template to reproduce it and report it with request id %q", err, resp.RequestID),
		}, false)
	}
	return out, nil
}

// Handle answers one macro event. The response echoes the request id; on
// failure it carries an errorMessage and no fragment.
func (h *Handler) Handle(ctx context.Context, raw json.RawMessage) (resp Response) {
	start := time.Now()
	var ev Event
	var res *transform.Result
	var stack string
	defer func() {
		if r := recover(); r != nil {
			stack = string(debug.Stack())
			res = nil
			resp = Response{
				RequestID: ev.RequestID,
				Status:    StatusFailure,
				ErrorMessage: fmt.Sprintf("internal error in the QuiltPrivateEndpoints macro (request id %q): %v. Fix: this is a bug; "+
					"run `qpe render` on the template to reproduce it and report it with the request id", ev.RequestID, r),
			}
		}
		h.log(ctx, ev, resp, res, stack, time.Since(start))
	}()

	ev, err := ParseEvent(raw)
	if err != nil {
		return failure(ev.RequestID, err)
	}
	frag, ok := ev.Fragment.(map[string]any)
	if !ok {
		return failure(ev.RequestID, &FieldError{
			Field:   "fragment",
			Message: fmt.Sprintf("the template fragment is a JSON %s, not an object", template.KindOf(ev.Fragment)),
			Fix:     "use QuiltPrivateEndpoints as a template-level Transform (`Transform: QuiltPrivateEndpoints` at the top of the template), not inside Fn::Transform",
		})
	}
	engine := h.Transform
	if engine == nil {
		engine = transform.Transform
	}
	res, err = engine(ctx, transform.Request{
		Fragment:                frag,
		Params:                  ev.Params,
		TemplateParameterValues: ev.TemplateParameterValues,
		Region:                  ev.Region,
		AccountID:               ev.AccountID,
	})
	if err != nil {
		res = nil
		return failure(ev.RequestID, err)
	}
	if res == nil || res.Fragment == nil {
		res = nil
		return failure(ev.RequestID, errors.New("the engine returned no template. Fix: this is a bug in QuiltPrivateEndpoints; "+
			"run `qpe render` on the template to reproduce it and report it"))
	}
	return Response{RequestID: ev.RequestID, Status: StatusSuccess, Fragment: res.Fragment}
}

func failure(requestID string, err error) Response {
	return Response{RequestID: requestID, Status: StatusFailure, ErrorMessage: err.Error()}
}

// log writes the one JSON line that summarises an invocation. It never logs
// the template or the template's parameter values (they may hold secrets).
func (h *Handler) log(ctx context.Context, ev Event, resp Response, res *transform.Result, stack string, took time.Duration) {
	logger := h.Logger
	if logger == nil {
		return
	}
	attrs := []slog.Attr{
		slog.String("requestId", resp.RequestID),
		slog.String("transformId", ev.TransformID),
		slog.String("region", ev.Region),
		slog.String("accountId", ev.AccountID),
		slog.String("status", resp.Status),
		slog.Int64("durationMs", took.Milliseconds()),
		slog.Any("settings", template.SortedKeys(ev.Params)),
	}
	level := slog.LevelInfo
	msg := "transform succeeded"
	if res != nil {
		passes := map[string]int{}
		changed := map[string]bool{}
		for _, c := range res.Changes {
			passes[c.Pass]++
			if c.Resource != "" {
				changed[c.Resource] = true
			}
		}
		ids := make([]string, 0, len(changed))
		for id := range changed {
			ids = append(ids, id)
		}
		sort.Strings(ids)
		warnings := res.WarningTexts()
		if warnings == nil {
			warnings = []string{}
		}
		attrs = append(attrs,
			slog.Int("changes", len(res.Changes)),
			slog.Any("passes", passes),
			slog.Any("changed", ids),
			slog.Any("warnings", warnings),
		)
		if len(res.Warnings) > 0 {
			level = slog.LevelWarn
		}
	}
	if resp.Status != StatusSuccess {
		level = slog.LevelError
		msg = "transform failed"
		attrs = append(attrs, slog.String("error", resp.ErrorMessage))
	}
	if stack != "" {
		attrs = append(attrs, slog.String("stack", stack))
	}
	logger.LogAttrs(ctx, level, msg, attrs...)
}
