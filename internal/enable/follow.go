package enable

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudformation"
)

// Event is one stack event.
type Event struct {
	ID         string    `json:"-"`
	Time       time.Time `json:"time"`
	LogicalID  string    `json:"logicalId"`
	PhysicalID string    `json:"physicalId,omitempty"`
	Type       string    `json:"type"`
	Status     string    `json:"status"`
	Reason     string    `json:"reason,omitempty"`
	token      string
}

const stackType = "AWS::CloudFormation::Stack"

// Stack reports whether the event is the stack's own.
func (e Event) Stack() bool { return e.Type == stackType }

// Progress is where a followed update stands.
type Progress struct {
	// Phase is the stack's status.
	Phase string
	// Done resources reached a *_COMPLETE or *_FAILED state; Total is the
	// change set's resource changes (0 when unknown).
	Done, Total int
	// InProgress are the resources in a *_IN_PROGRESS state, sorted.
	InProgress []string
	Elapsed    time.Duration
	Events     int
}

// maxEventPages bounds one read of the events (100 per page).
const maxEventPages = 20

// follower reads the events of one stack operation as they come.
type follower struct {
	cfn     CloudFormationAPI
	stackID string
	// token is the operation's ClientRequestToken; "" follows the last
	// operation started by a user ("User Initiated").
	token    string
	anchored bool // the operation's first event was read
	total    int
	started  time.Time
	seen     map[string]bool
	events   []Event
	last     map[string]string // logical id -> status
}

func newFollower(cfn CloudFormationAPI, stackID, token string, total int) *follower {
	return &follower{cfn: cfn, stackID: stackID, token: token, anchored: token != "", total: total, started: time.Now(),
		seen: map[string]bool{}, last: map[string]string{}}
}

// run polls until the stack settles. It returns the final stack event, or
// ctx's error when the caller stopped following (the update goes on).
func (f *follower) run(ctx context.Context, poll time.Duration, obs Observer) (Event, error) {
	failures := 0
	for {
		fresh, err := f.read(ctx)
		switch {
		case ctx.Err() != nil:
			return Event{}, ctx.Err()
		case err != nil:
			if failures++; failures >= 5 {
				return Event{}, fmt.Errorf("reading the stack events (cloudformation:DescribeStackEvents) failed %d times: %w", failures, err)
			}
		default:
			failures = 0
		}
		for _, e := range fresh {
			f.events = append(f.events, e)
			if !e.Stack() {
				f.last[e.LogicalID] = e.Status
			}
			obs.Event(e, f.progress())
		}
		if e, ok := f.settled(); ok {
			return e, nil
		}
		obs.Tick(f.progress())
		if err := sleep(ctx, poll); err != nil {
			return Event{}, err
		}
	}
}

// read returns the events not seen yet, oldest first.
func (f *follower) read(ctx context.Context) ([]Event, error) {
	var fresh []Event
	var token *string
	for page := 0; page < maxEventPages; page++ {
		out, err := f.cfn.DescribeStackEvents(ctx, &cloudformation.DescribeStackEventsInput{StackName: aws.String(f.stackID), NextToken: token})
		if err != nil {
			return nil, err
		}
		for _, se := range out.StackEvents {
			e := Event{ID: aws.ToString(se.EventId), Time: aws.ToTime(se.Timestamp), LogicalID: aws.ToString(se.LogicalResourceId),
				PhysicalID: aws.ToString(se.PhysicalResourceId), Type: aws.ToString(se.ResourceType), Status: string(se.ResourceStatus),
				Reason: aws.ToString(se.ResourceStatusReason), token: aws.ToString(se.ClientRequestToken)}
			if f.seen[e.ID] || (f.token != "" && e.token != f.token) {
				slices.Reverse(fresh)
				return fresh, nil
			}
			f.seen[e.ID] = true
			fresh = append(fresh, e)
			if !f.anchored && e.Stack() && e.Reason == "User Initiated" {
				f.anchored = true // the operation's start: nothing older is ours
				slices.Reverse(fresh)
				return fresh, nil
			}
		}
		if token = out.NextToken; aws.ToString(token) == "" {
			break
		}
	}
	slices.Reverse(fresh)
	return fresh, nil
}

// settled reports the stack event that ends the operation, if any.
func (f *follower) settled() (Event, bool) {
	for _, e := range slices.Backward(f.events) {
		if e.Stack() {
			return e, !strings.HasSuffix(e.Status, "_IN_PROGRESS")
		}
	}
	return Event{}, false
}

func (f *follower) progress() Progress {
	p := Progress{Total: f.total, Elapsed: time.Since(f.started).Round(time.Second), Events: len(f.events)}
	for _, e := range slices.Backward(f.events) {
		if e.Stack() {
			p.Phase = e.Status
			break
		}
	}
	for id, st := range f.last {
		switch {
		case strings.HasSuffix(st, "_IN_PROGRESS"):
			p.InProgress = append(p.InProgress, id)
		default:
			p.Done++
		}
	}
	slices.Sort(p.InProgress)
	p.Total = max(p.Total, len(f.last))
	return p
}

// errStopped says following stopped on the user's request.
func stoppedFollowing(err error) bool {
	return errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded)
}
