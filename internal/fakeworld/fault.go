package fakeworld

import (
	"context"
	"sync"
	"time"
)

// FaultKind is a kind of injected failure, answered by each double in its
// own protocol's words.
type FaultKind string

// Fault kinds.
const (
	// Throttle answers a throttling error (EC2: 503 RequestLimitExceeded,
	// S3: SlowDown, STS: Throttling; REST-JSON services: 429).
	Throttle FaultKind = "throttle"
	// ServerError answers 500 InternalError.
	ServerError FaultKind = "server-error"
	// Hang blocks until the client gives up (its context ends).
	Hang FaultKind = "hang"
	// Malformed answers 200 with a truncated body.
	Malformed FaultKind = "malformed"
	// Denied answers 403 (EC2: UnauthorizedOperation, elsewhere
	// AccessDenied).
	Denied FaultKind = "denied"
	// ErrorCode answers 400 with the fault's Code (an error the double
	// never makes by itself, e.g. InvalidRoute.NotFound).
	ErrorCode FaultKind = "error-code"
)

// Fault makes matching calls fail or slow down. A fault with neither Kind
// nor Status only adds its Latency to every matching call.
type Fault struct {
	// Service restricts the fault to one service (ec2, sts, s3,
	// cloudformation, lambda, apigateway, synthetics, elasticloadbalancing,
	// ecs, route53); empty matches all.
	Service string `yaml:"service" json:"service"`
	// Operation is the action or operation ("DescribeSubnets",
	// "GetFunctionConfiguration", "s3:HeadBucket"); empty matches all.
	Operation string `yaml:"operation" json:"operation"`
	// Target restricts the fault to one resource (function name, API id,
	// canary name, stack name, load balancer ARN or name); empty matches all.
	Target string `yaml:"target" json:"target"`
	// Kind is the failure, answered as the protocol does; or
	Kind FaultKind `yaml:"kind" json:"kind"`
	// Status is the HTTP status to answer (e.g. 429, 500, 403) with Code
	// and Message.
	Status  int    `yaml:"status" json:"status"`
	Code    string `yaml:"code" json:"code"`
	Message string `yaml:"message" json:"message"`
	// Times is how many matching calls fail; 0 means every call.
	Times int `yaml:"times" json:"times"`
	// Latency is added before answering, e.g. "50ms".
	Latency time.Duration `yaml:"latency" json:"latency"`
}

// Answers tells whether the fault answers the call (not only delays it).
func (f Fault) Answers() bool { return f.Kind != "" || f.Status != 0 }

// Matches tells whether the fault applies to a call.
func (f Fault) Matches(service, operation, target string) bool {
	return (f.Service == "" || f.Service == service) &&
		(f.Operation == "" || f.Operation == operation) &&
		(f.Target == "" || f.Target == target)
}

// Injector picks the fault that answers each call. It is safe for
// concurrent use.
type Injector struct {
	mu     sync.Mutex
	faults []Fault
	used   []int // per fault: calls it answered so far
}

// NewInjector returns an injector for faults, in order: the first matching
// fault with calls left answers.
func NewInjector(faults []Fault) *Injector {
	return &Injector{faults: faults, used: make([]int, len(faults))}
}

// Pick returns the fault answering the call (nil: answer normally) and the
// latency to add before answering: the sum of the matching latency-only
// faults' and the answering fault's. It counts the answering fault.
func (in *Injector) Pick(service, operation, target string) (*Fault, time.Duration) {
	if in == nil {
		return nil, 0
	}
	in.mu.Lock()
	defer in.mu.Unlock()
	var latency time.Duration
	for i := range in.faults {
		f := &in.faults[i]
		if !f.Matches(service, operation, target) {
			continue
		}
		if !f.Answers() {
			latency += f.Latency
			continue
		}
		if f.Times > 0 && in.used[i] >= f.Times {
			continue
		}
		in.used[i]++
		return f, latency + f.Latency
	}
	return nil, latency
}

// Sleep waits d or until ctx ends; it reports whether d passed.
func Sleep(ctx context.Context, d time.Duration) bool {
	if d <= 0 {
		return true
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-ctx.Done():
		return false
	}
}
