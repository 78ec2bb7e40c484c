// Package awsfake is a wire-level test double of the AWS APIs the project
// calls: the EC2 Query API (form-encoded POST, XML answers and errors as EC2
// sends them, lowercase states, filters, id lists, nextToken pagination), STS
// GetCallerIdentity, and S3 GetBucketLocation and HeadBucket (path-style).
// aws-sdk-go-v2 talks to it over HTTP: point a client at Server.URL with
// BaseEndpoint (Server.Config does) or with AWS_ENDPOINT_URL.
//
//	srv := awsfake.Start(t, world, awsfake.WithLatency(50*time.Millisecond))
//	cfg := srv.Config()          // aws.Config: Region, static creds, BaseEndpoint
//	... ec2.NewFromConfig(cfg) ...
//	srv.Calls()["DescribeSubnets"]
//
// Faults (throttling, 5xx, hang, malformed XML, access denied) are injected
// per action for the first N calls, or always.
package awsfake

import (
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"maps"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/retry"
	"github.com/aws/aws-sdk-go-v2/credentials"

	"github.com/quiltdata/quilt-private-endpoints/internal/fakeworld"
	"github.com/quiltdata/quilt-private-endpoints/internal/fakeworld/wire"
)

// FaultKind is a kind of injected failure (the doubles' shared model).
type FaultKind = fakeworld.FaultKind

// Fault kinds: see fakeworld. EC2 answers Throttle with 503
// RequestLimitExceeded (S3: SlowDown, STS: Throttling), Denied with 403
// UnauthorizedOperation (S3, STS: AccessDenied), Malformed with truncated XML.
const (
	Throttle    = fakeworld.Throttle
	ServerError = fakeworld.ServerError
	Hang        = fakeworld.Hang
	Malformed   = fakeworld.Malformed
	Denied      = fakeworld.Denied
	ErrorCode   = fakeworld.ErrorCode
)

// Fault injects a failure into matching calls: the doubles' shared
// fault model. Operation is the EC2 or STS action ("DescribeSubnets") or
// "s3:GetBucketLocation" / "s3:HeadBucket"; Service is ec2, sts or s3.
// A Status without a Kind answers that status with Code and Message.
type Fault = fakeworld.Fault

// Option configures a Server.
type Option func(*Server)

// WithFaults adds faults.
func WithFaults(fs ...Fault) Option {
	return func(s *Server) { s.faults = append(s.faults, fs...) }
}

// WithLatency delays every answer by d.
func WithLatency(d time.Duration) Option { return func(s *Server) { s.latency = d } }

// WithPageSize caps every page at n items (default 1000), so that tests
// exercise pagination with small worlds.
func WithPageSize(n int) Option { return func(s *Server) { s.pageSize = n } }

// Call is one request the server received (no credentials: the form and
// the S3 path only).
type Call struct {
	Action string
	Params url.Values
}

// Server is the running double. The embedded httptest.Server gives URL and
// Close.
type Server struct {
	*httptest.Server

	mu       sync.Mutex
	world    *World
	faults   []Fault
	inject   *fakeworld.Injector
	latency  time.Duration
	pageSize int
	calls    []Call
	inFlight int
	maxIn    int
	nextID   int
	ec2      map[string]handler
}

// handler serves one EC2 Query action. It runs with s.mu held and returns a
// struct whose xml-tagged fields become the children of <ActionResponse>
// (after requestId), or an *APIError.
type handler func(q query) (any, error)

// New starts a server for world (which it owns from now on). Close it when
// done, or use Start.
func New(world *World, opts ...Option) *Server {
	if world == nil {
		world = &World{}
	}
	world.withDefaults()
	s := &Server{world: world, pageSize: 1000}
	for _, o := range opts {
		o(s)
	}
	s.inject = fakeworld.NewInjector(s.faults)
	s.ec2 = map[string]handler{
		"DescribeVpcs":           s.describeVpcs,
		"DescribeVpcAttribute":   s.describeVpcAttribute,
		"DescribeSubnets":        s.describeSubnets,
		"DescribeRouteTables":    s.describeRouteTables,
		"DescribeVpcEndpoints":   s.describeVpcEndpoints,
		"DescribeSecurityGroups": s.describeSecurityGroups,
		"DescribeNatGateways":    s.describeNatGateways,
	}
	maps.Copy(s.ec2, s.mutatingHandlers())
	s.Server = httptest.NewServer(http.HandlerFunc(s.serve))
	return s
}

// Start is New plus t.Cleanup(Close).
func Start(t testing.TB, world *World, opts ...Option) *Server {
	t.Helper()
	s := New(world, opts...)
	t.Cleanup(s.Close)
	return s
}

// Config returns an aws.Config for the server: its Region, static
// credentials, BaseEndpoint = URL, and the SDK's standard retryer with short
// backoffs (so fault tests run fast; the retry logic is the SDK's).
func (s *Server) Config() aws.Config {
	s.mu.Lock()
	region := s.world.Region
	s.mu.Unlock()
	return aws.Config{
		Region:       region,
		Credentials:  credentials.NewStaticCredentialsProvider("AKIDAWSFAKE", "awsfake-secret", ""),
		BaseEndpoint: aws.String(s.URL),
		Retryer: func() aws.Retryer {
			return retry.NewStandard(func(o *retry.StandardOptions) {
				o.MaxBackoff = 20 * time.Millisecond
			})
		},
	}
}

// Calls counts the requests received per action (including failed ones).
func (s *Server) Calls() map[string]int {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := map[string]int{}
	for _, c := range s.calls {
		out[c.Action]++
	}
	return out
}

// TotalCalls is the number of requests received.
func (s *Server) TotalCalls() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.calls)
}

// Log returns the requests received, in order.
func (s *Server) Log() []Call {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.calls)
}

// MaxConcurrent is the largest number of requests in flight at once.
func (s *Server) MaxConcurrent() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.maxIn
}

// World returns a deep copy of the current world (for assertions after
// mutating calls).
func (s *Server) World() World {
	s.mu.Lock()
	defer s.mu.Unlock()
	var w World
	if err := deepCopy(s.world, &w); err != nil {
		panic(fmt.Sprintf("awsfake: copy world: %v", err))
	}
	return w
}

// newID returns a new deterministic id with the prefix (17 hex digits).
// Call with s.mu held.
func (s *Server) newID(prefix string) string {
	s.nextID++
	return fmt.Sprintf("%s-%017x", prefix, 0xfa4e000000000+s.nextID)
}

// protocol is the wire protocol of a request.
type protocol int

const (
	protoEC2 protocol = iota
	protoSTS
	protoS3
)

func (s *Server) serve(w http.ResponseWriter, r *http.Request) {
	proto, action, params := classify(r)
	s.mu.Lock()
	s.calls = append(s.calls, Call{Action: action, Params: params})
	s.inFlight++
	s.maxIn = max(s.maxIn, s.inFlight)
	fault, flat := s.inject.Pick(serviceOf(proto), action, "")
	latency := s.latency + flat
	s.mu.Unlock()
	defer func() {
		s.mu.Lock()
		s.inFlight--
		s.mu.Unlock()
	}()

	if !fakeworld.Sleep(r.Context(), latency) {
		return
	}
	if fault == nil {
		s.serveProto(w, r, proto, action, params)
		return
	}
	code := fault.Code
	switch fault.Kind {
	case Hang:
		<-r.Context().Done()
		return
	case Malformed:
		w.Header().Set("Content-Type", "text/xml;charset=UTF-8")
		fmt.Fprintf(w, "<%sResponse xmlns=%q><requestId>%s</requestId><item><unclosed", action, wire.EC2Namespace, requestID())
		return
	case Throttle:
		code := map[protocol]string{protoEC2: "RequestLimitExceeded", protoSTS: "Throttling", protoS3: "SlowDown"}[proto]
		writeError(w, r, proto, &APIError{Status: http.StatusServiceUnavailable, Code: code, Message: "Request limit exceeded."})
		return
	case ServerError:
		writeError(w, r, proto, &APIError{Status: http.StatusInternalServerError, Code: "InternalError", Message: "An internal error has occurred"})
		return
	case ErrorCode:
		writeError(w, r, proto, &APIError{Status: http.StatusBadRequest, Code: code, Message: "injected " + code})
		return
	case Denied:
		code := map[protocol]string{protoEC2: "UnauthorizedOperation", protoSTS: "AccessDenied", protoS3: "AccessDenied"}[proto]
		writeError(w, r, proto, &APIError{Status: http.StatusForbidden, Code: code, Message: "You are not authorized to perform this operation. User: arn:aws:iam::123456789012:user/qpe-test is not authorized to perform: " + action})
		return
	}
	if fault.Status != 0 {
		msg := fault.Message
		if msg == "" {
			msg = "injected " + code
		}
		writeError(w, r, proto, &APIError{Status: fault.Status, Code: code, Message: msg})
		return
	}
	s.serveProto(w, r, proto, action, params)
}

// serveProto answers a call the double serves normally.
func (s *Server) serveProto(w http.ResponseWriter, r *http.Request, proto protocol, action string, params url.Values) {
	switch proto {
	case protoSTS:
		s.serveSTS(w, r, action)
	case protoS3:
		s.serveS3(w, r, action)
	default:
		s.serveEC2(w, r, action, params)
	}
}

// serviceOf names a protocol's service for Fault.Service.
func serviceOf(p protocol) string {
	return map[protocol]string{protoEC2: "ec2", protoSTS: "sts", protoS3: "s3"}[p]
}

// classify tells the protocol and action of a request.
func classify(r *http.Request) (protocol, string, url.Values) {
	if r.Method == http.MethodPost && strings.HasPrefix(r.Header.Get("Content-Type"), "application/x-www-form-urlencoded") {
		if err := r.ParseForm(); err == nil {
			action := r.PostForm.Get("Action")
			if r.PostForm.Get("Version") == "2011-06-15" {
				return protoSTS, action, r.PostForm
			}
			return protoEC2, action, r.PostForm
		}
	}
	op := "s3:" + r.Method
	switch {
	case r.Method == http.MethodGet && r.URL.Query().Has("location"):
		op = "s3:GetBucketLocation"
	case r.Method == http.MethodHead && strings.Count(strings.Trim(r.URL.Path, "/"), "/") == 0:
		op = "s3:HeadBucket"
	}
	return protoS3, op, url.Values{"Path": {r.URL.Path}}
}

func requestID() string {
	b := make([]byte, 16)
	_, _ = rand.Read(b)
	h := hex.EncodeToString(b)
	return h[0:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:32]
}
