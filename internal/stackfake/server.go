package stackfake

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"time"

	"github.com/quiltdata/quilt-private-endpoints/internal/fakeworld"
)

// Server serves one scenario for all its services on one address: the
// CloudFormation Query API on POST /, Lambda under /2015-03-31/functions/,
// API Gateway under /restapis/, Synthetics under /canary/, Route 53 under
// /2013-04-01/.
type Server struct {
	scn *Scenario
	srv *httptest.Server

	mu          sync.Mutex
	calls       map[string]int // "service:Operation" -> count
	inject      *fakeworld.Injector
	inflight    int
	maxInflight int

	r53 map[string]*r53Change // Route 53 changes by id (route53.go)

	cfnOnce sync.Once
	cfn     *cfnState // change sets, events, updates (changeset.go)
}

// Start serves the scenario on a local address until Close.
func Start(scn *Scenario) *Server {
	s := &Server{scn: scn, calls: map[string]int{}, inject: fakeworld.NewInjector(scn.Faults)}
	s.srv = httptest.NewServer(http.HandlerFunc(s.route))
	return s
}

// URL is the base endpoint to give every client (BaseEndpoint, or the
// AWS_ENDPOINT_URL_CLOUDFORMATION, _LAMBDA, _API_GATEWAY and _SYNTHETICS
// variables).
func (s *Server) URL() string { return s.srv.URL }

// Close stops the server.
func (s *Server) Close() { s.srv.Close() }

// Calls returns how many requests each "service:Operation" received.
func (s *Server) Calls() map[string]int {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make(map[string]int, len(s.calls))
	for k, v := range s.calls {
		out[k] = v
	}
	return out
}

// TotalCalls is the number of requests received.
func (s *Server) TotalCalls() int {
	n := 0
	for _, v := range s.Calls() {
		n += v
	}
	return n
}

// MaxConcurrent is the largest number of requests in flight at once.
func (s *Server) MaxConcurrent() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.maxInflight
}

func (s *Server) route(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	s.inflight++
	s.maxInflight = max(s.maxInflight, s.inflight)
	s.mu.Unlock()
	defer func() {
		s.mu.Lock()
		s.inflight--
		s.mu.Unlock()
	}()
	p := r.URL.Path
	switch {
	case p == "/" && r.Method == http.MethodPost && r.Header.Get("X-Amz-Target") != "":
		s.ecs(w, r)
	case p == "/" && r.Method == http.MethodPost && isELBv2(r):
		s.elbv2(w, r)
	case p == "/" && r.Method == http.MethodPost:
		s.cloudFormation(w, r)
	case strings.HasPrefix(p, "/2015-03-31/functions/"):
		s.lambda(w, r)
	case strings.HasPrefix(p, "/restapis/"):
		s.apiGateway(w, r)
	case strings.HasPrefix(p, "/canary/"):
		s.synthetics(w, r)
	case strings.HasPrefix(p, "/2013-04-01/"):
		s.route53(w, r)
	case r.Method == http.MethodPut:
		s.s3Put(w, r)
	case r.Method == http.MethodGet:
		s.s3Get(w, r)
	default:
		writeJSONError(w, http.StatusNotFound, "UnknownOperationException", "stackfake: no route for "+r.Method+" "+p)
	}
}

// begin counts the call and applies the first matching fault
// (fakeworld's shared model): it reports the fault to answer with, if any,
// after sleeping its latency. A fault given by Kind comes back with the
// Status this double answers it with; Hang waits for the client to give up.
func (s *Server) begin(r *http.Request, service, op, target string) *Fault {
	s.mu.Lock()
	s.calls[service+":"+op]++
	s.mu.Unlock()
	hit, latency := s.inject.Pick(service, op, target)
	fakeworld.Sleep(r.Context(), latency) // if the client gave up, answer nothing useful
	if hit == nil {
		return nil
	}
	f := *hit
	if f.Status == 0 {
		switch f.Kind {
		case fakeworld.Hang:
			<-r.Context().Done()
			f.Status = http.StatusGatewayTimeout
		case fakeworld.Throttle:
			f.Status = http.StatusTooManyRequests
		case fakeworld.Denied:
			f.Status = http.StatusForbidden
		case fakeworld.ErrorCode:
			f.Status = http.StatusBadRequest
		default: // ServerError; Malformed is answered as a server error here
			f.Status = http.StatusInternalServerError
		}
	}
	return &f
}

func faultCode(f *Fault) string {
	if f.Code != "" {
		return f.Code
	}
	switch {
	case f.Status == http.StatusTooManyRequests:
		return "TooManyRequestsException"
	case f.Status >= 500:
		return "ServiceUnavailableException"
	case f.Status == http.StatusForbidden:
		return "AccessDeniedException"
	default:
		return "BadRequestException"
	}
}

func faultMessage(f *Fault) string {
	if f.Message != "" {
		return f.Message
	}
	return fmt.Sprintf("stackfake: injected %d", f.Status)
}

// writeJSONError answers the way the REST-JSON services do: the error type
// in the X-Amzn-ErrorType header, a JSON body with the message.
func writeJSONError(w http.ResponseWriter, status int, code, msg string) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("X-Amzn-ErrorType", code)
	w.Header().Set("X-Amzn-RequestId", "00000000-0000-4000-8000-000000000000")
	w.WriteHeader(status)
	b, _ := json.Marshal(map[string]string{"Type": "User", "message": msg})
	_, _ = w.Write(b)
}

func writeJSON(w http.ResponseWriter, v any) {
	b, err := json.Marshal(v)
	if err != nil {
		writeJSONError(w, http.StatusInternalServerError, "ServiceException", err.Error())
		return
	}
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("X-Amzn-RequestId", "00000000-0000-4000-8000-000000000000")
	_, _ = w.Write(b)
}

// putTime sets key to t the way these REST-JSON services send timestamps
// (epoch seconds, fractional when needed); a zero t is left out.
func putTime(m map[string]any, key string, t time.Time) {
	if !t.IsZero() {
		m[key] = epoch(t)
	}
}

func epoch(t time.Time) json.Number {
	ms := t.UnixMilli()
	if ms%1000 == 0 {
		return json.Number(fmt.Sprintf("%d", ms/1000))
	}
	return json.Number(fmt.Sprintf("%d.%03d", ms/1000, ms%1000))
}
