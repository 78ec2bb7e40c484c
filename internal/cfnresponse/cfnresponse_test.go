package cfnresponse

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aws/aws-lambda-go/cfn"
	"github.com/quiltdata/quilt-private-endpoints/internal/testenv"
)

const secretQuery = "X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKIASECRETSECRET%2F20260101&X-Amz-Signature=deadbeefcafef00d0123456789abcdef"

// receiver records PUTs; behaviour decides the answer for attempt n (1-based).
type receiver struct {
	mu       sync.Mutex
	bodies   [][]byte
	headers  []http.Header
	methods  []string
	attempts atomic.Int32
	behave   func(n int, w http.ResponseWriter, r *http.Request) bool // true: handled
	srv      *httptest.Server
	stop     chan struct{} // closed when the test ends: hanging handlers return
}

func newReceiver(t *testing.T, behave func(n int, w http.ResponseWriter, r *http.Request) bool) *receiver {
	rc := &receiver{behave: behave, stop: make(chan struct{})}
	rc.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n := int(rc.attempts.Add(1))
		if rc.behave != nil && rc.behave(n, w, r) {
			return
		}
		b, _ := io.ReadAll(r.Body)
		rc.mu.Lock()
		rc.bodies = append(rc.bodies, b)
		rc.headers = append(rc.headers, r.Header.Clone())
		rc.methods = append(rc.methods, r.Method)
		rc.mu.Unlock()
	}))
	t.Cleanup(rc.srv.Close)
	t.Cleanup(func() { close(rc.stop) })
	return rc
}

func (rc *receiver) url() string {
	return rc.srv.URL + "/bucket/arn%3Aaws%3Acloudformation/key?" + secretQuery
}

func (rc *receiver) responses(t *testing.T) []cfn.Response {
	t.Helper()
	rc.mu.Lock()
	defer rc.mu.Unlock()
	var out []cfn.Response
	for _, b := range rc.bodies {
		var r cfn.Response
		if err := json.Unmarshal(b, &r); err != nil {
			t.Fatalf("body is not JSON: %v: %s", err, b)
		}
		out = append(out, r)
	}
	return out
}

func event(u string) cfn.Event {
	return cfn.Event{
		RequestType: cfn.RequestCreate, RequestID: "req-1", ResponseURL: u,
		ResourceType: "Custom::QuiltPrivateEndpoints", LogicalResourceID: "Preflight",
		StackID: "arn:aws:cloudformation:us-east-1:123456789012:stack/s/guid",
	}
}

func logBuffer() (*slog.Logger, *testenv.SyncBuffer) {
	b := &testenv.SyncBuffer{}
	return slog.New(slog.NewJSONHandler(b, nil)), b
}

func assertNoSecret(t *testing.T, where, s string) {
	t.Helper()
	for _, secret := range []string{secretQuery, "X-Amz-Signature", "deadbeefcafef00d", "AKIASECRETSECRET"} {
		if strings.Contains(s, secret) {
			t.Errorf("%s contains the ResponseURL secret %q:\n%s", where, secret, s)
		}
	}
}

func TestRun(t *testing.T) {
	findings := make([]string, 50)
	for i := range findings {
		findings[i] = fmt.Sprintf("[error] QPE-TEST-%02d subnet-%017d: the route table has no route to anything useful at all. Remedy: add a 0.0.0.0/0 route to an available public NAT gateway in rtb-%017d", i, i, i)
	}
	tests := []struct {
		name       string
		behave     func(n int, w http.ResponseWriter, r *http.Request) bool
		hang       bool
		timeout    time.Duration // ctx deadline; 0 = none
		work       func(ctx context.Context) (Result, error)
		wantStatus cfn.StatusType
		wantPUTs   int // successful deliveries
		wantTries  int
		wantErr    bool
		check      func(t *testing.T, o Outcome, r cfn.Response, elapsed time.Duration)
	}{
		{
			name: "success with data",
			work: func(ctx context.Context) (Result, error) {
				return Result{PhysicalID: "qpe-1", Data: map[string]any{"ApiGatewayVPCEndpointId": "vpce-0123456789abcdef0"}}, nil
			},
			wantStatus: cfn.StatusSuccess, wantPUTs: 1, wantTries: 1,
			check: func(t *testing.T, o Outcome, r cfn.Response, _ time.Duration) {
				if r.PhysicalResourceID != "qpe-1" || r.Data["ApiGatewayVPCEndpointId"] != "vpce-0123456789abcdef0" {
					t.Errorf("response %+v", r)
				}
				if r.RequestID != "req-1" || r.LogicalResourceID != "Preflight" || !strings.HasPrefix(r.StackID, "arn:aws:cloudformation") {
					t.Errorf("ids not copied: %+v", r)
				}
			},
		},
		{
			name: "error becomes FAILED with default physical id and scrubbed reason",
			work: func(ctx context.Context) (Result, error) {
				return Result{}, errors.New("boom near https://x/?" + secretQuery)
			},
			wantStatus: cfn.StatusFailed, wantPUTs: 1, wantTries: 1,
			check: func(t *testing.T, o Outcome, r cfn.Response, _ time.Duration) {
				if r.PhysicalResourceID != "default-id" || !strings.Contains(r.Reason, "boom") {
					t.Errorf("response %+v", r)
				}
			},
		},
		{
			name: "receiver fails twice then succeeds",
			behave: func(n int, w http.ResponseWriter, r *http.Request) bool {
				if n <= 2 {
					http.Error(w, "<Error><Code>InternalError</Code></Error>", http.StatusInternalServerError)
					return true
				}
				return false
			},
			work:       func(ctx context.Context) (Result, error) { return Result{PhysicalID: "p"}, nil },
			wantStatus: cfn.StatusSuccess, wantPUTs: 1, wantTries: 3,
		},
		{
			name:       "receiver hangs: every attempt times out, error returned before the deadline",
			hang:       true,
			timeout:    3 * time.Second,
			work:       func(ctx context.Context) (Result, error) { return Result{PhysicalID: "p"}, nil },
			wantStatus: cfn.StatusSuccess, wantPUTs: 0, wantTries: -1, wantErr: true,
			check: func(t *testing.T, o Outcome, r cfn.Response, elapsed time.Duration) {
				// Send gives up 250 ms before the deadline; allow for a busy machine.
				if elapsed > 3*time.Second+500*time.Millisecond {
					t.Errorf("Run took %s, past the 3 s deadline", elapsed)
				}
			},
		},
		{
			name: "panic is recovered into FAILED",
			work: func(ctx context.Context) (Result, error) {
				var m map[string]int
				//lint:ignore SA5000 the runtime panic is the case under test
				m["x"] = 1
				return Result{}, nil
			},
			wantStatus: cfn.StatusFailed, wantPUTs: 1, wantTries: 1,
			check: func(t *testing.T, o Outcome, r cfn.Response, _ time.Duration) {
				if !o.Panicked || !strings.Contains(r.Reason, "panic") {
					t.Errorf("outcome %+v reason %q", o, r.Reason)
				}
			},
		},
		{
			name:    "work that ignores its context is abandoned: FAILED before the deadline",
			timeout: 2 * time.Second,
			work: func(ctx context.Context) (Result, error) {
				Step(ctx, "waiting for %s", "vpce-0123456789abcdef0")
				time.Sleep(5 * time.Second)
				return Result{PhysicalID: "late"}, nil
			},
			wantStatus: cfn.StatusFailed, wantPUTs: 1, wantTries: 1,
			check: func(t *testing.T, o Outcome, r cfn.Response, elapsed time.Duration) {
				if !o.TimedOut || !strings.Contains(r.Reason, "waiting for vpce-0123456789abcdef0") {
					t.Errorf("outcome %+v reason %q", o, r.Reason)
				}
				if elapsed >= 2*time.Second {
					t.Errorf("answered after %s, deadline was 2 s", elapsed)
				}
			},
		},
		{
			name: "50 findings fit in 4096 bytes, most important first, with a count of the rest",
			work: func(ctx context.Context) (Result, error) {
				return Result{PhysicalID: "p"}, &Failure{Summary: "Preflight found 50 errors:", Items: findings, Hint: "run `qpe check` to see all"}
			},
			wantStatus: cfn.StatusFailed, wantPUTs: 1, wantTries: 1,
			check: func(t *testing.T, o Outcome, r cfn.Response, _ time.Duration) {
				if o.Bytes > MaxBodyBytes {
					t.Errorf("body %d bytes", o.Bytes)
				}
				if !strings.Contains(r.Reason, "1) "+findings[0]) {
					t.Errorf("first finding missing: %q", r.Reason)
				}
				if !strings.Contains(r.Reason, "more findings not shown; run `qpe check` to see all)") {
					t.Errorf("no left-out count: %q", r.Reason)
				}
				if strings.Contains(r.Reason, findings[49]) {
					t.Errorf("last finding should have been left out")
				}
			},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			rc := newReceiver(t, tc.behave)
			if tc.hang {
				rc.behave = func(n int, w http.ResponseWriter, r *http.Request) bool {
					select {
					case <-r.Context().Done():
					case <-rc.stop:
					}
					return true
				}
			}
			log, logs := logBuffer()
			ctx := context.Background()
			if tc.timeout > 0 {
				var cancel context.CancelFunc
				ctx, cancel = context.WithTimeout(ctx, tc.timeout)
				defer cancel()
			}
			rn := &Runner{Logger: log, Sender: &Sender{Logger: log, Backoff: 20 * time.Millisecond, AttemptTimeout: 500 * time.Millisecond}}
			start := time.Now()
			o, err := rn.Run(ctx, event(rc.url()), "default-id", tc.work)
			elapsed := time.Since(start)
			if (err != nil) != tc.wantErr {
				t.Fatalf("err = %v, want error %v", err, tc.wantErr)
			}
			if o.Status != tc.wantStatus {
				t.Errorf("status %s, want %s (%s)", o.Status, tc.wantStatus, o.Reason)
			}
			got := rc.responses(t)
			if len(got) != tc.wantPUTs {
				t.Fatalf("%d responses delivered, want %d", len(got), tc.wantPUTs)
			}
			if tc.wantTries >= 0 && int(rc.attempts.Load()) != tc.wantTries {
				t.Errorf("%d attempts, want %d", rc.attempts.Load(), tc.wantTries)
			}
			for i, b := range rc.bodies {
				if len(b) > MaxBodyBytes {
					t.Errorf("body %d is %d bytes", i, len(b))
				}
				if ct := rc.headers[i].Get("Content-Type"); ct != "" {
					t.Errorf("Content-Type %q sent", ct)
				}
				if rc.methods[i] != http.MethodPut {
					t.Errorf("method %s", rc.methods[i])
				}
			}
			if len(got) > 0 && got[0].PhysicalResourceID == "" {
				t.Error("empty PhysicalResourceId")
			}
			if !strings.Contains(logs.String(), `"msg":"custom resource response"`) {
				t.Errorf("no outcome log line:\n%s", logs)
			}
			assertNoSecret(t, "logs", logs.String())
			assertNoSecret(t, "reason", o.Reason)
			if len(got) > 0 {
				assertNoSecret(t, "Reason", got[0].Reason)
				if tc.check != nil {
					tc.check(t, o, got[0], elapsed)
				}
			} else if tc.check != nil {
				tc.check(t, o, cfn.Response{}, elapsed)
			}
		})
	}
}

func TestSendErrorsAreScrubbed(t *testing.T) {
	log, logs := logBuffer()
	// Nothing listens on this port: the transport error embeds the full URL.
	u := "http://127.0.0.1:1/bucket/key?" + secretQuery
	err := (&Sender{Logger: log, Attempts: 2, Backoff: time.Millisecond}).Send(context.Background(), u, []byte("{}"))
	if err == nil {
		t.Fatal("want an error")
	}
	assertNoSecret(t, "error", err.Error())
	assertNoSecret(t, "logs", logs.String())
	if !strings.Contains(err.Error(), "http://127.0.0.1:1/bucket/key?REDACTED") {
		t.Errorf("error does not name the redacted URL: %v", err)
	}
}

func TestEncode(t *testing.T) {
	base := cfn.Response{Status: cfn.StatusFailed, RequestID: "r", LogicalResourceID: "L", StackID: "s", PhysicalResourceID: "p"}
	long := strings.Repeat("é<>&", 3000)
	tests := []struct {
		name  string
		mod   func(r *cfn.Response)
		fail  *Failure
		check func(t *testing.T, r cfn.Response)
	}{
		{"short reason unchanged", func(r *cfn.Response) { r.Reason = "x <y>" }, nil, func(t *testing.T, r cfn.Response) {
			if r.Reason != "x <y>" {
				t.Errorf("reason %q", r.Reason)
			}
		}},
		{"long reason cut on a rune boundary", func(r *cfn.Response) { r.Reason = long }, nil, func(t *testing.T, r cfn.Response) {
			if !strings.HasSuffix(r.Reason, truncMark) || len(r.Reason) < 3000 {
				t.Errorf("reason %d bytes: %q...", len(r.Reason), r.Reason[:40])
			}
		}},
		{"huge data dropped and said", func(r *cfn.Response) { r.Data = map[string]any{"Big": long} }, nil, func(t *testing.T, r cfn.Response) {
			if r.Data != nil || !strings.Contains(r.Reason, "Data omitted") {
				t.Errorf("data kept or not said: %q", r.Reason)
			}
		}},
		{"long physical id shortened with a hash", func(r *cfn.Response) { r.PhysicalResourceID = strings.Repeat("a", 2000) }, nil, func(t *testing.T, r cfn.Response) {
			if len(r.PhysicalResourceID) > MaxPhysicalIDBytes || r.PhysicalResourceID != PhysicalID(strings.Repeat("a", 2000), "") {
				t.Errorf("physical id %d bytes", len(r.PhysicalResourceID))
			}
		}},
		{"empty physical id gets a value", func(r *cfn.Response) { r.PhysicalResourceID = "" }, nil, func(t *testing.T, r cfn.Response) {
			if r.PhysicalResourceID == "" {
				t.Error("empty")
			}
		}},
		{"one enormous finding is cut, not dropped", nil, &Failure{Summary: "errors:", Items: []string{long}}, func(t *testing.T, r cfn.Response) {
			if !strings.HasPrefix(r.Reason, "errors: 1) é<>&é<>&") || !strings.HasSuffix(r.Reason, truncMark) || strings.Contains(r.Reason, "not shown") {
				t.Errorf("reason %q", r.Reason)
			}
		}},
		{"an enormous first finding keeps its head, the rest are counted", nil, &Failure{Summary: "errors:", Items: []string{long, "second", "third"}, Hint: "run qpe check"},
			func(t *testing.T, r cfn.Response) {
				if !strings.HasPrefix(r.Reason, "errors: 1) é<>&") || !strings.Contains(r.Reason, truncMark+" | (2 more findings not shown; run qpe check)") || len(r.Reason) < 3000 {
					t.Errorf("reason %d bytes: %q", len(r.Reason), r.Reason)
				}
			}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r := base
			if tc.mod != nil {
				tc.mod(&r)
			}
			b, err := Encode(r, tc.fail)
			if err != nil {
				t.Fatal(err)
			}
			if len(b) > MaxBodyBytes {
				t.Fatalf("%d bytes", len(b))
			}
			var got cfn.Response
			if err := json.Unmarshal(b, &got); err != nil {
				t.Fatal(err)
			}
			tc.check(t, got)
		})
	}
}

func TestRedact(t *testing.T) {
	for in, want := range map[string]string{
		"https://b.s3.amazonaws.com/arn%3Aaws/x?" + secretQuery: "https://b.s3.amazonaws.com/arn%3Aaws/x?REDACTED",
		"https://b.s3.amazonaws.com/k":                          "https://b.s3.amazonaws.com/k",
		"https://user:pw@h/k?a=b#frag":                          "https://h/k?REDACTED",
	} {
		if got := Redact(in); got != want {
			t.Errorf("Redact(%q) = %q, want %q", in, got, want)
		}
	}
}

// BenchmarkEncodeFifty fits 50 long findings into 4,096 bytes.
func BenchmarkEncodeFifty(b *testing.B) {
	items := make([]string, 50)
	for i := range items {
		items[i] = fmt.Sprintf("[error QPE-EG-002] rtb-%017d: the 0.0.0.0/0 route is a blackhole. Fix: %s", i, strings.Repeat("replace the route ", 20))
	}
	r := cfn.Response{Status: cfn.StatusFailed, RequestID: "r", LogicalResourceID: "L", StackID: "s", PhysicalResourceID: "p"}
	f := &Failure{Summary: "50 errors:", Items: items}
	for b.Loop() {
		if body, err := Encode(r, f); err != nil || len(body) > MaxBodyBytes {
			b.Fatal(err, len(body))
		}
	}
}
