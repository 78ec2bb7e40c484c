// Package preflightresource is the Custom::QuiltPrivateEndpoints handler:
// at deploy time it validates the VPC with the checks of `qpe check`
// (Mode validate) or creates the missing endpoints and then validates
// (Mode create), and answers CloudFormation through cfnresponse, so the
// stack fails in seconds with the exact fix and never waits for an hour.
package preflightresource

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"strings"
	"sync/atomic"
	"time"

	"github.com/aws/aws-lambda-go/cfn"
	"github.com/aws/aws-lambda-go/lambdacontext"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/service/cloudformation"
	"github.com/aws/aws-sdk-go-v2/service/ec2"

	"github.com/quiltdata/quilt-private-endpoints/internal/awsid"
	"github.com/quiltdata/quilt-private-endpoints/internal/cfnresponse"
	"github.com/quiltdata/quilt-private-endpoints/internal/finding"
	"github.com/quiltdata/quilt-private-endpoints/internal/preflight"
	contract "github.com/quiltdata/quilt-private-endpoints/internal/preflightcontract"
	"github.com/quiltdata/quilt-private-endpoints/internal/provision"
)

// PhysicalIDPrefix starts every physical id this function issues.
const PhysicalIDPrefix = "qpe-preflight"

// maxSummary bounds the one-line summary in Data.
const maxSummary = 600

// Clients are the AWS clients for one Region.
type Clients struct {
	Region    string
	Preflight preflight.Clients
	EC2       provision.EC2API
	// Stacks reads the event's stack status (nil: the rollback detection
	// is off).
	Stacks StackAPI
}

// LoadClients builds the clients from config.LoadDefaultConfig (the
// Lambda's role, AWS_REGION, and the SDK's AWS_ENDPOINT_URL variables).
func LoadClients(ctx context.Context) (Clients, error) {
	cfg, err := config.LoadDefaultConfig(ctx)
	if err != nil {
		return Clients{}, err
	}
	if cfg.Region == "" {
		return Clients{}, errors.New("no AWS Region: set AWS_REGION")
	}
	return Clients{Region: cfg.Region, Preflight: preflight.NewClients(cfg), EC2: ec2.NewFromConfig(cfg), Stacks: cloudformation.NewFromConfig(cfg)}, nil
}

// Handler handles custom resource events.
type Handler struct {
	Logger *slog.Logger
	// Clients returns the AWS clients; it is called only when AWS is needed
	// (a Delete in validate mode makes no call).
	Clients func(ctx context.Context) (Clients, error)
	// Check runs the checks (default preflight.Inspect).
	Check func(ctx context.Context, c preflight.Clients, in preflight.Input) preflight.Result
	// Sender delivers the response (default: 5 attempts, 10 s each).
	Sender *cfnresponse.Sender
	// Margin is kept before the deadline to answer (default: see cfnresponse.Runner).
	Margin time.Duration
	// PollInterval is the first wait between endpoint state polls (default 500 ms).
	PollInterval time.Duration
	// Region is the function's own Region (AWS_REGION): a ResponseURL must
	// be CloudFormation's response bucket of this Region.
	Region string
	// ResponseOrigins are extra trusted ResponseURL origins
	// (cfnresponse.OriginsEnv; tests and other partitions).
	ResponseOrigins []cfnresponse.Origin
}

// PhysicalID is the deterministic physical id of the resource for a mode
// and VPC: qpe-preflight:<mode>:<vpc>:<hash of stack id and logical id>.
// It changes (replacement) when the VPC changes, or from validate to create
// (the old validate resource's Delete touches nothing); from create to
// validate in the same VPC the create id is kept.
func PhysicalID(mode, vpcID, stackID, logicalID string) string {
	return fmt.Sprintf("%s:%s:%s:%s", PhysicalIDPrefix, mode, vpcID, ownerHash(stackID, logicalID))
}

func ownerHash(stackID, logicalID string) string {
	sum := sha256.Sum256([]byte(stackID + "\x00" + logicalID))
	return hex.EncodeToString(sum[:8])
}

// parsedID is a physical id this function issued for this resource.
type parsedID struct {
	mode, vpc string
	// rec is what a create-mode resource recorded (nil: an id without a
	// record, from validate mode or an earlier version).
	rec *provision.Record
}

// parsePhysicalID recognises an id issued for this stack and logical id:
// PhysicalID, or in create mode recordedID.
func parsePhysicalID(id, stackID, logicalID string) (parsedID, bool) {
	parts := strings.Split(id, ":")
	if (len(parts) != 4 && len(parts) != 6) || parts[0] != PhysicalIDPrefix || parts[3] != ownerHash(stackID, logicalID) {
		return parsedID{}, false
	}
	rec, ok := parseRecord(parts[4:])
	if !ok {
		return parsedID{}, false
	}
	return parsedID{mode: parts[1], vpc: parts[2], rec: rec}, true
}

// request is one event parsed once: its properties (or why they are
// invalid) and the physical ids. Every step after parseRequest reads it.
type request struct {
	ev cfn.Event
	// eventErr names the event's fields that could not be decoded (nil
	// for a well-formed event).
	eventErr *cfnresponse.EventError
	props    Properties
	// propErr is the parse error of the properties (a *PropertyError, or
	// nil when they are valid).
	propErr error
	// id is the physical id for the new properties (the old one when an
	// Update from create to validate stays in the same VPC).
	id string
	// oldID is the physical id CloudFormation sent (empty on Create).
	oldID string
	// failID is the id answered when the work fails or is cut off: the old
	// id on Update and Delete; on Create the resource's own id, so that the
	// Delete after a failed Create removes what was created before the cut.
	failID string
	// replacing is an Update that changes the physical id (another VPC, or
	// from validate to create): CloudFormation deletes the old id afterwards.
	replacing bool
	// cleanup is a replacement in create mode: when it fails, what it
	// created in the new VPC is removed.
	cleanup bool
	// recorded is what the resource recorded in the VPC it keeps (an
	// Update in create mode in the same VPC), for provision.Spec.Recorded.
	recorded *provision.Record
	// progress is the create-mode id recording what exists so far (set as
	// provisioning goes): the answer when the work fails or is cut off.
	progress *atomic.Pointer[string]
	// record is what provisioning recorded so far.
	record *atomic.Pointer[provision.Record]
}

// idNow is the id recording what was created so far, or fallback.
func (r request) idNow(fallback string) string {
	if p := r.progress.Load(); p != nil {
		return *p
	}
	return fallback
}

func parseRequest(ev cfn.Event, eventErr *cfnresponse.EventError) request {
	r := request{ev: ev, eventErr: eventErr, progress: &atomic.Pointer[string]{}, record: &atomic.Pointer[provision.Record]{}}
	if ev.RequestType != cfn.RequestCreate {
		r.oldID = ev.PhysicalResourceID
	}
	r.props, r.propErr = ParseProperties(ev.ResourceProperties)
	if r.propErr == nil {
		r.id = PhysicalID(r.props.Mode, r.props.VpcID, ev.StackID, ev.LogicalResourceID)
	} else {
		r.id = PhysicalID("invalid", "none", ev.StackID, ev.LogicalResourceID)
	}
	if old, ok := parsePhysicalID(r.oldID, ev.StackID, ev.LogicalResourceID); ok && r.propErr == nil && ev.RequestType == cfn.RequestUpdate &&
		old.mode == contract.ModeCreate && r.props.Mode == contract.ModeValidate && old.vpc == r.props.VpcID {
		// From create to validate in the same VPC: keep the id. A new one
		// would make CloudFormation delete the old resource, and with it the
		// endpoints this stack created and may still use; they go when the
		// stack (this resource) is deleted.
		r.id = r.oldID
	}
	if old, ok := parsePhysicalID(r.oldID, ev.StackID, ev.LogicalResourceID); ok && r.propErr == nil && ev.RequestType == cfn.RequestUpdate &&
		old.mode == contract.ModeCreate && r.props.Mode == contract.ModeCreate && old.vpc == r.props.VpcID {
		r.recorded = old.rec
	}
	r.replacing = ev.RequestType == cfn.RequestUpdate && r.propErr == nil && r.oldID != "" && baseOf(r.oldID) != baseOf(r.id)
	r.cleanup = r.replacing && r.props.Mode == contract.ModeCreate
	switch {
	case r.cleanup:
		// A replacement in create mode that fails may leave what it created
		// in the new VPC: answering the new id makes CloudFormation's
		// rollback replace it back, and so send a Delete for it, which
		// removes them. (When the cleanup below removed everything, the old
		// id is answered instead.)
		r.failID = r.id
	case r.oldID != "":
		r.failID = r.oldID
	default:
		r.failID = r.id
	}
	return r
}

// HandleJSON decodes the event itself (cfnresponse.DecodeEvent), so that a
// malformed one is still answered FAILED at its ResponseURL, then handles
// it like Handle. It is the Lambda's entry point.
func (h *Handler) HandleJSON(ctx context.Context, payload json.RawMessage) error {
	ev, err := cfnresponse.DecodeEvent(payload)
	var ee *cfnresponse.EventError
	if err != nil && !errors.As(err, &ee) {
		ee = &cfnresponse.EventError{Problems: []string{err.Error()}, Fields: []string{"RequestType"}}
	}
	if ee != nil && ev.ResponseURL == "" {
		// Nowhere to answer: say so in the log, never a part of the payload.
		h.logger(ctx, ev).Error("custom resource event without a ResponseURL: nothing can be answered", "problems", ee.Problems)
		return ee
	}
	return h.handle(ctx, ev, ee)
}

// Handle answers one event; it returns an error only when the response
// could not be delivered (so the invocation shows as failed in the logs).
func (h *Handler) Handle(ctx context.Context, ev cfn.Event) error { return h.handle(ctx, ev, nil) }

func (h *Handler) handle(ctx context.Context, ev cfn.Event, eventErr *cfnresponse.EventError) error {
	log := h.logger(ctx, ev)
	if err := cfnresponse.CheckResponseURL(ev.ResponseURL, h.Region, h.ResponseOrigins); err != nil {
		// Not CloudFormation's: no AWS call, and no PUT (the URL may be anyone's).
		log.Error("request refused: its ResponseURL is not CloudFormation's", "why", err.Error(), "response_url", cfnresponse.Redact(ev.ResponseURL))
		return fmt.Errorf("request refused: %w", err)
	}
	log.Info("custom resource request", "response_url", cfnresponse.Redact(ev.ResponseURL))
	sender := h.Sender
	if sender == nil {
		sender = &cfnresponse.Sender{}
	}
	s := *sender
	s.Logger = log
	// The properties are parsed inside the deadline guard; until they are,
	// a cut answers with the event's id (or an invalid-properties one).
	var parsed atomic.Pointer[request]
	fallback := func() string {
		if r := parsed.Load(); r != nil {
			return r.idNow(r.failID)
		}
		return ""
	}
	runner := &cfnresponse.Runner{Sender: &s, Logger: log, Margin: h.Margin, FallbackID: fallback}
	_, err := runner.Run(ctx, ev, PhysicalID("invalid", "none", ev.StackID, ev.LogicalResourceID), func(ctx context.Context) (cfnresponse.Result, error) {
		r := parseRequest(ev, eventErr)
		parsed.Store(&r)
		log.Info("parsed", "mode", r.props.Mode)
		return h.work(ctx, log, r)
	})
	return err
}

func (h *Handler) logger(ctx context.Context, ev cfn.Event) *slog.Logger {
	log := h.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	reqID := ""
	if lc, ok := lambdacontext.FromContext(ctx); ok {
		reqID = lc.AwsRequestID
	}
	return log.With("request_id", reqID, "cfn_request_id", ev.RequestID, "stack", ev.StackID,
		"logical_id", ev.LogicalResourceID, "request_type", string(ev.RequestType))
}

func (h *Handler) work(ctx context.Context, log *slog.Logger, r request) (cfnresponse.Result, error) {
	ev := r.ev
	if e := r.eventErr; e != nil && (ev.RequestType != cfn.RequestDelete || e.Bad("RequestType", "PhysicalResourceId", "StackId", "LogicalResourceId")) {
		// A Delete reads only its ids: it goes on when they could be read.
		return cfnresponse.Result{PhysicalID: r.failID}, &cfnresponse.Failure{
			Summary: "Malformed event for " + contract.Type + " " + ev.LogicalResourceID + ":",
			Items:   e.Problems, Noun: "problems",
		}
	}
	switch ev.RequestType {
	case cfn.RequestDelete:
		return h.delete(ctx, log, r)
	case cfn.RequestCreate, cfn.RequestUpdate:
	default:
		return cfnresponse.Result{}, fmt.Errorf("unknown RequestType %q (expected Create, Update or Delete)", ev.RequestType)
	}
	fail := cfnresponse.Result{PhysicalID: r.failID}
	var propFailure error
	if r.propErr != nil {
		propFailure = r.propErr
		var pe *PropertyError
		if errors.As(r.propErr, &pe) {
			propFailure = &cfnresponse.Failure{
				Summary: "Invalid properties of " + contract.Type + " " + ev.LogicalResourceID + ":",
				Items:   pe.Problems, Noun: "problems",
			}
		}
		if ev.RequestType != cfn.RequestUpdate {
			return fail, propFailure
		}
	}
	if r.replacing {
		log.Info("replacement: the mode or the VPC changed", "old_physical_id", r.oldID, "new_physical_id", r.id)
	}
	c, err := h.clients(ctx)
	if err != nil {
		if propFailure != nil {
			return fail, propFailure
		}
		return fail, err
	}
	if _, err := h.confirm(ctx, log, ev, c); err != nil {
		// Nothing is read or changed for a request CloudFormation did not send.
		return fail, err
	}
	if why, rollingBack := h.rollback(ctx, log, r, c); why != "" {
		if propFailure != nil {
			return notFailing(log, why, rollingBack, fail, propFailure), nil
		}
		res, err := h.apply(ctx, log, r, c)
		if err != nil {
			res.PhysicalID = r.idNow(r.id)
		}
		return notFailing(log, why, rollingBack, res, err), nil
	}
	if propFailure != nil {
		return fail, propFailure
	}
	applyCtx := ctx
	if dl, ok := ctx.Deadline(); ok && r.cleanup {
		// Keep a share of the time for the cleanup of a failed replacement.
		var cancel context.CancelFunc
		applyCtx, cancel = context.WithDeadline(ctx, dl.Add(-time.Until(dl)/cleanupShare))
		defer cancel()
	}
	res, err := h.apply(applyCtx, log, r, c)
	if err == nil {
		return res, nil
	}
	res.PhysicalID = r.idNow(r.failID)
	if r.cleanup {
		left, cerr := h.cleanupReplacement(ctx, log, c, r)
		if cerr == nil && left.Empty() {
			res.PhysicalID = r.oldID // nothing left in the new VPC: the resource stays what it was
			err = withNote(err, fmt.Sprintf("What this replacement created in %s was removed again; the resource keeps its physical id %s.", r.props.VpcID, r.oldID))
		} else {
			err = withNote(err, fmt.Sprintf("The failed replacement left in %s: %s; CloudFormation's rollback sends a Delete for %s, which removes them (or delete them by hand: they carry this stack's tags).",
				r.props.VpcID, leftover(left, cerr), r.id))
		}
	}
	return res, err
}

// cleanupShare: a replacement in create mode keeps 1/cleanupShare of the
// time left to remove what it created when it fails.
const cleanupShare = 3

// withNote adds a sentence to a failure: in the Summary of a
// *cfnresponse.Failure (kept whole when its items are cut), else after the
// error.
func withNote(err error, note string) error {
	var f *cfnresponse.Failure
	if errors.As(err, &f) {
		cp := *f
		cp.Summary = note + " " + cp.Summary
		return &cp
	}
	return fmt.Errorf("%w. %s", err, note)
}

func leftover(left provision.Owned, err error) string {
	switch {
	case err != nil && left.Empty():
		return "resources it could not list (" + err.Error() + ")"
	case err != nil:
		return left.String() + " (" + err.Error() + ")"
	}
	return left.String()
}

func (h *Handler) clients(ctx context.Context) (Clients, error) {
	if h.Clients == nil {
		return Clients{}, errors.New("no AWS clients configured")
	}
	c, err := h.Clients(ctx)
	if err != nil {
		return c, fmt.Errorf("AWS configuration: %w", err)
	}
	return c, nil
}

func (h *Handler) apply(ctx context.Context, log *slog.Logger, r request, c Clients) (cfnresponse.Result, error) {
	ev, p := r.ev, r.props
	res := cfnresponse.Result{PhysicalID: r.id}
	apiID := p.APIEndpointID
	s3ID := ""
	var notes []string
	step := func(format string, args ...any) { cfnresponse.Step(ctx, format, args...) }

	if p.Mode == contract.ModeCreate && awsid.Valid(p.VpcID, "vpc") && allWellFormed(p.SubnetIDs, "subnet") &&
		(apiID == "" || awsid.Valid(apiID, "vpce")) {
		base := baseOf(r.id)
		pr, err := provision.Ensure(ctx, c.EC2, provision.Spec{
			Region: c.Region, VpcID: p.VpcID, SubnetIDs: p.SubnetIDs, APIEndpointID: apiID, PrivateDNS: p.EndpointPrivateDNS,
			Owner:        provision.Owner{StackID: ev.StackID, LogicalID: ev.LogicalResourceID},
			PollInterval: h.PollInterval, Step: step,
			Recorded: r.recorded,
			OnRecord: func(rec provision.Record) {
				id := recordedID(base, rec)
				r.progress.Store(&id)
				r.record.Store(&rec)
			},
		})
		// The physical id records what the resource owns and shares.
		res.PhysicalID = recordedID(base, pr.Record)
		for _, n := range pr.Notes {
			log.Info("provision note", "note", n)
		}
		if len(pr.Created) > 0 {
			log.Info("created", "ids", pr.Created)
		}
		var pe *provision.PreconditionError
		var notIn *provision.NotOptedInError
		switch {
		case errors.As(err, &notIn):
			// Refused before anything is read of the VPC but its tags.
			return res, err
		case errors.As(err, &pe):
			// The checks below name the problem and its fix.
			log.Warn("nothing created", "reason", pe.Msg)
		case err != nil:
			res.Data = data(pr.APIEndpointID, pr.S3GatewayEndpointID, "")
			if fix := provision.Remedy(err, p.VpcID); fix != "" {
				return res, fmt.Errorf("creating the endpoints in %s: %w. Fix: %s", p.VpcID, err, fix)
			}
			return res, fmt.Errorf("creating the endpoints in %s: %w", p.VpcID, err)
		default:
			apiID, s3ID, notes = pr.APIEndpointID, pr.S3GatewayEndpointID, pr.Notes
		}
	}

	step("checking %s", p.VpcID)
	// The one mapping of properties to checks (Properties.Input); in
	// create mode nothing could be created when apiID is still empty (the
	// checks say why): "no endpoint id given" is not the customer's problem.
	in := p.Input(c.Region, accountOf(ev.StackID))
	in.APIEndpointID = apiID
	in.Lambda = true // remedies fit the Lambda: its role and Timeout, no qpe check flags
	if dl, ok := ctx.Deadline(); ok {
		// The checks end a little before the work's deadline, so that a
		// hung call is reported by name (QPE-AWS-001) rather than by the
		// generic timeout, and within a minute, as for qpe check: a stack
		// with a 300 s function does not wait minutes for a hung API.
		in.Timeout = min(preflight.DefaultTimeout, time.Until(dl)*9/10)
	}
	check := h.Check
	if check == nil {
		check = preflight.Inspect
	}
	rep := check(ctx, c.Preflight, in)
	var errs, warnings []finding.Finding
	for _, f := range rep.Findings {
		log.Log(ctx, level(f.Severity), "finding", "id", f.ID, "severity", string(f.Severity), "resource", f.Resource, "message", f.Message, "remedy", f.Remedy)
		switch f.Severity {
		case finding.Error:
			errs = append(errs, f)
		case finding.Warning:
			warnings = append(warnings, f)
		}
	}
	if n := len(errs); n > 0 {
		var items []string
		for _, f := range append(distinctFirst(errs), distinctFirst(warnings)...) {
			items = append(items, describe(f))
		}
		for _, w := range p.Warnings {
			items = append(items, "[macro warning] "+w)
		}
		var failure error = &cfnresponse.Failure{
			Summary: fmt.Sprintf("Quilt private endpoints preflight (%s mode) found %d error(s) in %s:", p.Mode, n, p.VpcID),
			Items:   items,
			Hint:    "run `qpe check` with the same VPC, subnets and endpoint for the full list (the function's log has every finding)",
		}
		if p.Mode == contract.ModeValidate {
			res.Data = data(apiID, "", "")
			failure = onlyNamedError(p, apiID, failure)
		} else {
			res.Data = data(apiID, s3ID, "")
		}
		return res, failure
	}
	if p.Mode == contract.ModeValidate {
		// Validate mode names only what the request named: not the gateway
		// it found, nor other ids of the VPC (the log has them).
		res.Data = data(apiID, "", onlyNamed(p, apiID, summary(p, apiID, "", warnings, notes)))
		return res, nil
	}
	if s3ID == "" && len(rep.S3GatewayEndpointIDs) > 0 {
		s3ID = rep.S3GatewayEndpointIDs[0]
	}
	res.Data = data(apiID, s3ID, summary(p, apiID, s3ID, warnings, notes))
	return res, nil
}

// data is the Data of an answer. A failed apply returns it too, with what
// it knew, for a rollback's SUCCESS.
func data(apiID, s3ID, summary string) map[string]any {
	return map[string]any{
		contract.AttrAPIEndpointID: apiID,
		contract.AttrS3GatewayID:   s3ID,
		contract.AttrSummary:       summary,
	}
}

// accountOf is the account of a stack ARN (arn:aws:cloudformation:<region>:<account>:stack/...), or "".
func accountOf(stackID string) string {
	if parts := strings.SplitN(stackID, ":", 6); len(parts) == 6 && awsid.Account(parts[4]) {
		return parts[4]
	}
	return ""
}

func allWellFormed(ids []string, prefix string) bool {
	for _, id := range ids {
		if !awsid.Valid(id, prefix) {
			return false
		}
	}
	return len(ids) > 0
}

func level(s finding.Severity) slog.Level {
	switch s {
	case finding.Error:
		return slog.LevelError
	case finding.Warning:
		return slog.LevelWarn
	}
	return slog.LevelInfo
}

// distinctFirst reorders findings (already most important first) so that
// the first finding of each check comes before the repeats: a Reason cut to
// 4 KB then shows every kind of problem before the 50th instance of one.
func distinctFirst(fs []finding.Finding) []finding.Finding {
	seen := map[string]bool{}
	var first, rest []finding.Finding
	for _, f := range fs {
		if seen[f.ID] {
			rest = append(rest, f)
		} else {
			seen[f.ID] = true
			first = append(first, f)
		}
	}
	return append(first, rest...)
}

// describe renders a finding for the Reason, on one line (a message that
// lists services one per line has its lines joined with "; ").
func describe(f finding.Finding) string {
	s := fmt.Sprintf("[%s %s] %s: %s", f.Severity, f.ID, f.Resource, f.Message)
	if f.Remedy != "" {
		s += " Fix: " + f.Remedy
	}
	return strings.Join(strings.FieldsFunc(s, func(r rune) bool { return r == '\n' || r == '\r' }), "; ")
}

// summary is the one-line Data.Summary.
func summary(p Properties, apiID, s3ID string, warnings []finding.Finding, notes []string) string {
	var b strings.Builder
	fmt.Fprintf(&b, "OK (%s): %s, %d subnets, execute-api endpoint %s", p.Mode, p.VpcID, len(p.SubnetIDs), apiID)
	if p.Mode != contract.ModeValidate {
		fmt.Fprintf(&b, ", S3 gateway endpoint %s", orNone(s3ID))
	}
	if len(warnings) > 0 {
		ids := make([]string, 0, len(warnings))
		for _, w := range warnings {
			if !slices.Contains(ids, w.ID) {
				ids = append(ids, w.ID)
			}
		}
		fmt.Fprintf(&b, "; %d warning(s): %s (see the function's log)", len(warnings), strings.Join(ids, ", "))
	}
	for _, n := range notes {
		b.WriteString("; " + n)
	}
	if len(p.Warnings) > 0 {
		fmt.Fprintf(&b, "; %d macro warning(s): %s", len(p.Warnings), strings.Join(p.Warnings, " | "))
	}
	return cut(b.String(), maxSummary)
}

// cut makes s one line of at most n bytes, marking a cut with "...".
func cut(s string, n int) string {
	s = strings.ReplaceAll(s, "\n", " ")
	if len(s) > n {
		s = strings.ToValidUTF8(s[:n-3], "") + "..."
	}
	return s
}

func orNone(s string) string {
	if s == "" {
		return "(none found)"
	}
	return s
}

// delete removes what this resource recorded in create mode (its physical
// id), once CloudFormation confirms the Delete; in validate mode, for ids
// this function never issued, and for ids without a record, it makes no
// AWS call. A Delete that cannot be confirmed deletes nothing and answers
// SUCCESS naming what it left: a stack is never jammed.
func (h *Handler) delete(ctx context.Context, log *slog.Logger, r request) (cfnresponse.Result, error) {
	ev := r.ev
	res := cfnresponse.Result{PhysicalID: r.failID}
	pid, ok := parsePhysicalID(r.oldID, ev.StackID, ev.LogicalResourceID)
	switch {
	case !ok || pid.mode != contract.ModeCreate || !awsid.Valid(pid.vpc, "vpc"):
		log.Info("delete: nothing to remove", "physical_id", r.oldID, "issued_here", ok)
		return res, nil
	case pid.rec == nil:
		res.Reason = fmt.Sprintf("Nothing deleted: %s was created by an earlier version that did not record the ids it created; "+
			"endpoints and security groups tagged %s=%s in %s are left (delete them by hand)", r.oldID, provision.TagStackID, ev.StackID, pid.vpc)
		log.Warn("delete: no record in the physical id, nothing deleted", "physical_id", r.oldID)
		return res, nil
	case pid.rec.Empty():
		log.Info("delete: nothing recorded", "physical_id", r.oldID)
		return res, nil
	}
	c, err := h.clients(ctx)
	if err != nil {
		return res, err
	}
	rec := *pid.rec
	conf, err := h.confirm(ctx, log, ev, c)
	if err != nil {
		res.Reason = cut(fmt.Sprintf("Nothing deleted (%v); left in %s: %s", err, pid.vpc, rec), 1000)
		log.Warn("delete: not confirmed, nothing deleted", "left", rec.String())
		return res, nil
	}
	if conf.cleanup {
		// The replaced id's Delete keeps what the current id records.
		if cur, ok := parsePhysicalID(conf.current, ev.StackID, ev.LogicalResourceID); ok && cur.vpc == pid.vpc && cur.rec != nil {
			rec = rec.Minus(*cur.rec)
		}
	}
	removed, err := provision.Remove(ctx, c.EC2, pid.vpc, provision.Owner{StackID: ev.StackID, LogicalID: ev.LogicalResourceID}, rec, h.PollInterval,
		func(format string, args ...any) { cfnresponse.Step(ctx, format, args...) })
	log.Info("delete", "endpoints", removed.Endpoints, "security_groups", removed.SecurityGroups, "unshared", removed.Unshared, "kept", removed.Kept)
	if err != nil {
		return res, fmt.Errorf("deleting the endpoints this stack created in %s: %w", pid.vpc, err)
	}
	if len(removed.Kept) > 0 {
		res.Reason = cut("Kept in "+pid.vpc+": "+strings.Join(removed.Kept, "; "), 1000)
	}
	return res, nil
}

// cleanupReplacement removes what a failed replacement created in the new
// VPC (what it recorded), on a context of its own (the work's may be over:
// the failure may be its deadline) that ends at the work's deadline, and
// returns what is left.
func (h *Handler) cleanupReplacement(ctx context.Context, log *slog.Logger, c Clients, r request) (provision.Owned, error) {
	rec := r.record.Load()
	if !awsid.Valid(r.props.VpcID, "vpc") || rec == nil || rec.Empty() {
		return provision.Owned{}, nil
	}
	dl, ok := ctx.Deadline()
	if !ok {
		dl = time.Now().Add(2 * time.Minute)
	}
	cctx, cancel := context.WithDeadline(context.WithoutCancel(ctx), dl)
	defer cancel()
	cfnresponse.Step(ctx, "removing what the failed replacement created in %s", r.props.VpcID)
	removed, err := provision.Remove(cctx, c.EC2, r.props.VpcID, provision.Owner{StackID: r.ev.StackID, LogicalID: r.ev.LogicalResourceID}, *rec, h.PollInterval, nil)
	log.Info("cleanup after a failed replacement", "endpoints", removed.Endpoints, "security_groups", removed.SecurityGroups,
		"left", removed.Left.String(), "error", fmt.Sprint(err))
	return removed.Left, err
}
