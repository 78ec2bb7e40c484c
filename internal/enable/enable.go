// Package enable takes a live Quilt stack private in one command (`qpe
// enable`): it reads the stack (step 1, read.go), adds the
// QuiltPrivateEndpoints transform entry keeping every parameter as deployed
// (transform.go), checks the stack's network from the laptop (step 2,
// preflight.go), plans the update and refuses one that cannot roll back
// (step 3, plan.go), creates and annotates the change set (step 4,
// changeset.go), asks (step 5, confirm.go), executes it and follows the stack
// events (step 6, follow.go), explains a failure and the way out of a jammed
// rollback (step 7, failure.go), and verifies the result (step 8,
// verify.go). A stack with an internet-facing load balancer going internal
// is walked (walk.go) through two updates with the DNS step between them:
// side by side (PublicLoadBalancer=keep), the records to change printed,
// changed in Route 53 on request (route53.go) and checked from here
// (dns.go, dnscheck.go, records.go, hosts.go), then retire; a re-run
// resumes where the stack stands. LoadBalancerScheme is asked, never
// defaulted (scheme.go). Output goes to an Observer (progress.go writes it
// for a terminal or a log); the logic prints nothing itself.
package enable

import (
	"context"
	"fmt"
	"net"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudformation"
	elbv2 "github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2"
	"github.com/aws/aws-sdk-go-v2/service/route53"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/quiltdata/quilt-private-endpoints/internal/awsclient"
	"github.com/quiltdata/quilt-private-endpoints/internal/finding"
	"github.com/quiltdata/quilt-private-endpoints/internal/livestack"
	"github.com/quiltdata/quilt-private-endpoints/internal/preflight"
	"github.com/quiltdata/quilt-private-endpoints/internal/transform"
	"github.com/quiltdata/quilt-private-endpoints/internal/verify"
)

// Defaults of Input.
const (
	DefaultPoll             = 5 * time.Second
	DefaultChangeSetTimeout = 5 * time.Minute
)

// CloudFormationAPI is the part of *cloudformation.Client enable uses.
type CloudFormationAPI interface {
	livestack.API // the one reader of the live stack
	CreateChangeSet(ctx context.Context, in *cloudformation.CreateChangeSetInput, optFns ...func(*cloudformation.Options)) (*cloudformation.CreateChangeSetOutput, error)
	DescribeChangeSet(ctx context.Context, in *cloudformation.DescribeChangeSetInput, optFns ...func(*cloudformation.Options)) (*cloudformation.DescribeChangeSetOutput, error)
	DeleteChangeSet(ctx context.Context, in *cloudformation.DeleteChangeSetInput, optFns ...func(*cloudformation.Options)) (*cloudformation.DeleteChangeSetOutput, error)
	ExecuteChangeSet(ctx context.Context, in *cloudformation.ExecuteChangeSetInput, optFns ...func(*cloudformation.Options)) (*cloudformation.ExecuteChangeSetOutput, error)
	DescribeStackEvents(ctx context.Context, in *cloudformation.DescribeStackEventsInput, optFns ...func(*cloudformation.Options)) (*cloudformation.DescribeStackEventsOutput, error)
	// GetStackPolicy and SetStackPolicy keep the private stack policy
	// (stackpolicy_set.go).
	GetStackPolicy(ctx context.Context, in *cloudformation.GetStackPolicyInput, optFns ...func(*cloudformation.Options)) (*cloudformation.GetStackPolicyOutput, error)
	SetStackPolicy(ctx context.Context, in *cloudformation.SetStackPolicyInput, optFns ...func(*cloudformation.Options)) (*cloudformation.SetStackPolicyOutput, error)
	// UpdateStack runs an update the policy must be lifted for
	// (stackpolicy_lift.go).
	UpdateStack(ctx context.Context, in *cloudformation.UpdateStackInput, optFns ...func(*cloudformation.Options)) (*cloudformation.UpdateStackOutput, error)
}

// S3API uploads a template too large to pass inline, and reads the new
// template of an upgrade given as an S3 URL (--template).
type S3API interface {
	PutObject(ctx context.Context, in *s3.PutObjectInput, optFns ...func(*s3.Options)) (*s3.PutObjectOutput, error)
	GetObject(ctx context.Context, in *s3.GetObjectInput, optFns ...func(*s3.Options)) (*s3.GetObjectOutput, error)
}

// Clients are the AWS clients enable uses.
type Clients struct {
	CloudFormation CloudFormationAPI
	S3             S3API
	// LoadBalancing reads the internal load balancer when the stack's
	// outputs do not name it; Route53 changes the host names' records
	// (--hosted-zone-id).
	LoadBalancing verify.LoadBalancingAPI
	Route53       Route53API
	Network       preflight.Clients
	Verify        verify.Clients
}

// NewClients builds the SDK clients from cfg.
func NewClients(cfg aws.Config) Clients {
	return Clients{
		CloudFormation: cloudformation.NewFromConfig(cfg),
		S3:             s3.NewFromConfig(cfg, awsclient.S3Options),
		LoadBalancing:  elbv2.NewFromConfig(cfg),
		Route53:        route53.NewFromConfig(cfg),
		Network:        preflight.NewClients(cfg),
		Verify:         verify.NewClients(cfg),
	}
}

// Input is one `qpe enable`.
type Input struct {
	// Stack is the stack name or id. Required.
	Stack string
	// Region is the stack's Region (for the preflight and the commands
	// enable prints).
	Region string
	// Settings are the Transform's parameters (--set Name=Value).
	Settings map[string]string
	// Parameters give new values to the stack's own parameters
	// (--parameter); every other parameter keeps its deployed value.
	Parameters map[string]string
	// S3Bucket receives a template over 51,200 bytes (--s3-bucket).
	S3Bucket string
	// Yes executes without asking (--yes).
	Yes bool
	// AcceptUnsafe goes on with a plan whose rollback can fail
	// (--accept-unsafe).
	AcceptUnsafe bool
	// AcceptDowntime goes on with a plan in which users on the private
	// network lose an entry point (--accept-downtime).
	AcceptDowntime bool
	// Finish resumes a stack left side by side: checks DNS, then retires
	// the public load balancer (--finish).
	Finish bool
	// HostedZoneID is the Route 53 hosted zone (in the stack's account)
	// whose records enable offers to move (--hosted-zone-id).
	HostedZoneID string
	// Resolver checks the host names from this machine (default
	// net.DefaultResolver).
	Resolver Resolver
	// DNSTimeout bounds the wait for a record change to be INSYNC and
	// seen from here (default DefaultDNSTimeout).
	DNSTimeout time.Duration
	// Choose asks for a setting without a default (LoadBalancerScheme);
	// nil means there is nobody to ask: the setting must come with --set.
	Choose Chooser
	// Template is the new template of an upgrade (--template NEW): a file
	// name (its bytes in TemplateBody, read by the caller) or an S3 URL
	// (read here with GetObject, the bucket's owner pinned to the stack's
	// account). Empty: the deployed template gets the entry (upgrade.go).
	Template string
	// TemplateBody is the file's content when Template is a file.
	TemplateBody []byte
	// MaxTemplateBytes bounds a template read from S3 (default
	// DefaultMaxTemplateBytes).
	MaxTemplateBytes int64
	// AcceptMacroReplacement goes on with a plan that replaces or removes
	// resources the macro made (--accept-macro-replacement).
	AcceptMacroReplacement bool
	// FollowOnly follows the stack's current (or last) update and verifies,
	// without creating anything (--follow).
	FollowOnly bool
	// ChangeSetName names the change set (default qpe-enable-<time>).
	ChangeSetName string
	// Confirm asks the user; nil means there is nobody to ask (no terminal).
	Confirm func(ctx context.Context, question string) (bool, error)
	// Observer receives the progress; nil prints nothing.
	Observer Observer
	// Poll is the interval between two reads of the stack events and of
	// the change set (default DefaultPoll).
	Poll time.Duration
	// ChangeSetTimeout bounds the wait for the change set.
	ChangeSetTimeout time.Duration
	// VerifyTimeout bounds verify (default verify.DefaultTimeout).
	VerifyTimeout time.Duration
	// Now is the clock of the plan (Lambda runtime dates) and of verify's
	// canary freshness (default time.Now).
	Now func() time.Time
}

// Outcomes of a run and of a stage.
const (
	OutcomeEnabled          = "enabled"
	OutcomeNothingToDo      = "nothing-to-do"
	OutcomeNotStable        = "stack-not-stable"
	OutcomePreflightFailed  = "preflight-failed"
	OutcomeRenderFailed     = "render-failed"
	OutcomeRefused          = "unsafe-plan-refused"
	OutcomeChangeSetFailed  = "change-set-failed"
	OutcomeAwaiting         = "awaiting-execution"
	OutcomeDeclined         = "declined"
	OutcomeUpdateFailed     = "update-failed"
	OutcomeRollbackFailed   = "rollback-failed"
	OutcomeFollowingStopped = "following-stopped"
	OutcomeVerifyFailed     = "verify-failed"
	OutcomeUpdated          = "updated"
)

// Result is what enable did. Its JSON form is `--format json`.
type Result struct {
	Stack   string `json:"stack"`
	StackID string `json:"stackId"`
	// ChangeSetID is the last change set created.
	ChangeSetID string          `json:"changeSetId"`
	Stages      []*Stage        `json:"stages"`
	Verify      *finding.Report `json:"verify,omitempty"`
	// Public is qpe disable's check that the stack is public again.
	Public  *PublicReport `json:"public,omitempty"`
	Outcome string        `json:"outcome"`
	Message string        `json:"message,omitempty"`
	Exit    int           `json:"exit"`

	// Upgrade is what an upgrade to a new template read and decided
	// (upgrade.go); nil without --template.
	Upgrade *Upgrade `json:"upgrade,omitempty"`

	stack    *deployedStack
	observer Observer
	clients  Clients
	input    Input
	stageNow *Stage
	// dnsMoved: the DNS stage found every host name on the internal load
	// balancer (the retire plan takes DNS as moved).
	dnsMoved bool
	// disable: the run is qpe disable (disable.go), the way back; ours
	// are the load balancers the macro made, which must be gone after it.
	disable bool
	ours    []string
}

// Stage is one stage of the run: an update (its checks, plan, change set
// and outcome) or the DNS step between the side-by-side and the retire
// updates (walk.go).
type Stage struct {
	Name      string            `json:"name"`
	Settings  map[string]string `json:"settings"`
	Preflight *finding.Report   `json:"preflight,omitempty"`
	Plan      *PlanSummary      `json:"plan,omitempty"`
	ChangeSet *ChangeSetInfo    `json:"changeSet,omitempty"`
	Update    *UpdateOutcome    `json:"update,omitempty"`
	// DNS is the DNS stage's records and checks.
	DNS *DNSStep `json:"dns,omitempty"`
	// StackPolicy is the private stack policy set after the update
	// (stackpolicy_set.go).
	StackPolicy *PolicyStep `json:"stackPolicy,omitempty"`
	// Order is what qpe disable's final update adds to the original
	// template: the DependsOn that order it safely, each with why
	// (transform.LeaveOrder).
	Order   []transform.Change `json:"order,omitempty"`
	Outcome string             `json:"outcome"`
}

// UsageError is an error that is the caller's (exit 2): a missing stack,
// an unreadable stack, a bad flag value.
type UsageError struct{ Err error }

func (e *UsageError) Error() string { return e.Err.Error() }
func (e *UsageError) Unwrap() error { return e.Err }

func usagef(format string, args ...any) error {
	return &UsageError{Err: fmt.Errorf(format, args...)}
}

// open is how Run and Disable start: the input's defaults, the stack read,
// and the two ends before any plan: --follow (done is the followed
// update's result) and a stack not in a stable state (done says why).
func open(ctx context.Context, c Clients, in Input, disable bool) (r *Result, done *Result, err error) {
	in = defaults(in)
	r = &Result{Stack: in.Stack, observer: in.Observer, clients: c, input: in, Stages: []*Stage{}, disable: disable}
	st, err := readStack(ctx, c.CloudFormation, in.Stack)
	if err != nil {
		return nil, nil, err
	}
	r.stack, r.StackID = st, st.ID
	if in.FollowOnly {
		return r, r.followOnly(ctx), nil
	}
	if reason := unstable(st.Status, st.StatusReason, in.Stack, r.command()); reason != "" {
		return r, r.stop(OutcomeNotStable, 1, reason), nil
	}
	return r, nil, nil
}

// Run enables Private Endpoints on the stack. It returns an error (a
// *UsageError) only when it cannot start: no such stack, an unreadable
// stack, bad input; everything else is in the Result, with its exit status.
func Run(ctx context.Context, c Clients, in Input) (*Result, error) {
	if in.Stack == "" {
		return nil, usagef("the stack name is required (--stack NAME)")
	}
	r, done, err := open(ctx, c, in, false)
	if done != nil || err != nil {
		return done, err
	}
	in, st := r.input, r.stack
	r.step("stack %s is %s, deployed with %s; its %d parameters keep their values, the change set asks CAPABILITY_IAM, CAPABILITY_NAMED_IAM and CAPABILITY_AUTO_EXPAND",
		st.Name, st.Status, orNone(strings.Join(st.Capabilities, ", ")), len(st.Parameters))
	if in.Template != "" {
		if err := r.prepareUpgrade(ctx); err != nil {
			return nil, err
		}
	}
	// A stack with an internet-facing load balancer going internal takes
	// two updates with the DNS step between them (walk.go); any other,
	// one. Each update rolls back at every point (the plan, step 3,
	// refuses one that would not).
	pos := positionOf(st)
	if in.Finish {
		if err := r.finishable(pos); err != nil {
			return nil, err
		}
	}
	if stop := r.chooseScheme(ctx, pos); stop {
		return r, nil
	}
	rt, err := r.route(pos)
	if err != nil {
		return nil, err
	}
	if done := r.walk(ctx, rt); done {
		return r, nil
	}
	return r.verifyStack(ctx), nil
}

func defaults(in Input) Input {
	if in.Poll <= 0 {
		in.Poll = DefaultPoll
	}
	if in.ChangeSetTimeout <= 0 {
		in.ChangeSetTimeout = DefaultChangeSetTimeout
	}
	if in.Now == nil {
		in.Now = time.Now
	}
	if in.Observer == nil {
		in.Observer = nopObserver{}
	}
	if in.DNSTimeout <= 0 {
		in.DNSTimeout = DefaultDNSTimeout
	}
	if in.Resolver == nil {
		in.Resolver = net.DefaultResolver
	}
	if in.ChangeSetName == "" {
		in.ChangeSetName = "qpe-enable-" + time.Now().UTC().Format("20060102-150405")
	}
	return in
}

// runStage runs steps 2 to 7 of one stage; done means the run ends here.
func (r *Result) runStage(ctx context.Context, sg *Stage) (done bool) {
	rd, stop := r.render(ctx, sg)
	if stop {
		return true
	}
	if stop := r.preflight(ctx, sg, rd); stop {
		return true
	}
	if stop := r.plan(ctx, sg, rd); stop {
		return true
	}
	cs, stop := r.changeSet(ctx, sg, rd)
	if stop {
		return true
	}
	if cs == nil { // nothing to do in this stage
		return false
	}
	if stop := r.confirm(ctx, sg, cs); stop {
		return true
	}
	return r.execute(ctx, sg, cs)
}

// stop ends the run with an outcome, an exit status and a message.
func (r *Result) stop(outcome string, exit int, msg string) *Result {
	r.Outcome, r.Exit, r.Message = outcome, exit, msg
	if r.stageNow != nil && r.stageNow.Outcome == "" {
		r.stageNow.Outcome = outcome
	}
	return r
}

func (r *Result) step(format string, args ...any) {
	r.observer.Step(fmt.Sprintf(format, args...))
}
