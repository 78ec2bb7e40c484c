package preflightresource

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aws/aws-lambda-go/cfn"
	"github.com/aws/aws-lambda-go/lambdacontext"
	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudformation"
	"github.com/aws/aws-sdk-go-v2/service/ec2"

	"github.com/quiltdata/quilt-private-endpoints/internal/awsfake"
	"github.com/quiltdata/quilt-private-endpoints/internal/cfnresponse"
	"github.com/quiltdata/quilt-private-endpoints/internal/preflight"
	contract "github.com/quiltdata/quilt-private-endpoints/internal/preflightcontract"
	"github.com/quiltdata/quilt-private-endpoints/internal/testenv"
)

type harness struct {
	srv     *awsfake.Server
	cfn     *cfnDouble
	rcv     *receiver
	h       *Handler
	logs    *testenv.SyncBuffer
	clients atomic.Int32 // calls of Handler.Clients
}

func newHarness(t *testing.T, w *awsfake.World, opts ...awsfake.Option) *harness {
	hs := &harness{srv: awsfake.Start(t, w, opts...), cfn: newCFNDouble(t, ""), rcv: newReceiver(t), logs: &testenv.SyncBuffer{}}
	cfg := hs.srv.Config()
	origins, err := cfnresponse.ParseOrigins(hs.rcv.origin())
	if err != nil {
		t.Fatal(err)
	}
	stacks := cloudformation.NewFromConfig(cfg, func(o *cloudformation.Options) { o.BaseEndpoint = aws.String(hs.cfn.srv.URL()) })
	hs.h = &Handler{
		Logger: slog.New(slog.NewJSONHandler(hs.logs, nil)),
		Clients: func(ctx context.Context) (Clients, error) {
			hs.clients.Add(1)
			return Clients{Region: cfg.Region, Preflight: preflight.NewClients(cfg), EC2: ec2.NewFromConfig(cfg), Stacks: stacks}, nil
		},
		Sender:          &cfnresponse.Sender{Backoff: 10 * time.Millisecond, AttemptTimeout: 2 * time.Second},
		PollInterval:    10 * time.Millisecond,
		Region:          "us-east-1",
		ResponseOrigins: origins,
	}
	return hs
}

// lambdaContext is a context as the Lambda runtime gives it: the invoked
// function's ARN names the function's account.
func lambdaContext(ctx context.Context) context.Context {
	return lambdacontext.NewContext(ctx, &lambdacontext.LambdaContext{AwsRequestID: "0d0d-lambda", InvokedFunctionArn: tFunction})
}

// do handles one event with a deadline and returns the single response.
func (hs *harness) do(t *testing.T, ev cfn.Event, timeout time.Duration) cfn.Response {
	t.Helper()
	ctx, cancel := context.WithTimeout(lambdaContext(context.Background()), timeout)
	defer cancel()
	before := len(hs.rcv.all())
	hs.cfn.genuine(ev)
	if err := hs.h.Handle(ctx, ev); err != nil {
		t.Fatalf("Handle: %v", err)
	}
	got := hs.rcv.all()
	if len(got) != before+1 {
		t.Fatalf("%d responses for one event", len(got)-before)
	}
	p := got[len(got)-1]
	if len(p.body) > cfnresponse.MaxBodyBytes || p.contentType != "" {
		t.Errorf("body %d bytes, Content-Type %q", len(p.body), p.contentType)
	}
	r := p.resp
	if r.PhysicalResourceID == "" || len(r.PhysicalResourceID) > 1024 || r.RequestID != ev.RequestID || r.StackID != ev.StackID || r.LogicalResourceID != ev.LogicalResourceID {
		t.Errorf("response ids %+v", r)
	}
	for _, s := range secrets() {
		if strings.Contains(hs.logs.String(), s) || strings.Contains(r.Reason, s) {
			t.Errorf("secret %q leaked into the logs or the Reason", s)
		}
	}
	return r
}

func TestHandleValidate(t *testing.T) {
	fifty, fiftySubnets := fiftyWorld()
	fiftyProps := validateProps()
	fiftyProps["SubnetIds"] = append([]any{}, anyList(fiftySubnets)...)
	tests := []struct {
		name    string
		world   *awsfake.World
		ev      func(url string) cfn.Event
		status  cfn.StatusType
		reason  []string // substrings of Reason
		noAWS   bool
		checkFn func(t *testing.T, r cfn.Response)
	}{
		{
			name: "create on a good world", world: goodWorld(),
			ev:     func(u string) cfn.Event { return newEvent(cfn.RequestCreate, u, "", validateProps(), nil) },
			status: cfn.StatusSuccess,
			checkFn: func(t *testing.T, r cfn.Response) {
				// Validate mode names only what the request named: not the
				// S3 gateway it found.
				if r.Data[contract.AttrAPIEndpointID] != tAPI || r.Data[contract.AttrS3GatewayID] != "" || strings.Contains(fmt.Sprint(r.Data), tS3) {
					t.Errorf("data %v", r.Data)
				}
				if s, _ := r.Data[contract.AttrSummary].(string); !strings.HasPrefix(s, "OK (validate)") || strings.Contains(s, "\n") {
					t.Errorf("summary %q", s)
				}
				if r.PhysicalResourceID != PhysicalID(contract.ModeValidate, tVPC, tStack, tLogical) {
					t.Errorf("physical id %s", r.PhysicalResourceID)
				}
			},
		},
		{
			name: "create on a bad world lists errors with remedies", world: badWorld(),
			ev:     func(u string) cfn.Event { return newEvent(cfn.RequestCreate, u, "", validateProps(), nil) },
			status: cfn.StatusFailed,
			reason: []string{"found", "error(s) in " + tVPC, "QPE-S3-", "Fix:", "rtb-..."},
			checkFn: func(t *testing.T, r cfn.Response) {
				// The Reason (a stack event) names only what the request
				// named: not the VPC's route tables, groups or CIDR blocks.
				for _, layout := range []string{tRtbPriv, "sg-0d00000000000e001", "10.20."} {
					if strings.Contains(r.Reason, layout) {
						t.Errorf("the Reason names %s, which the request did not", layout)
					}
				}
			},
		},
		{
			name: "update on a good world keeps the physical id", world: goodWorld(),
			ev: func(u string) cfn.Event {
				return newEvent(cfn.RequestUpdate, u, PhysicalID(contract.ModeValidate, tVPC, tStack, tLogical), validateProps(), validateProps())
			},
			status: cfn.StatusSuccess,
			checkFn: func(t *testing.T, r cfn.Response) {
				if r.PhysicalResourceID != PhysicalID(contract.ModeValidate, tVPC, tStack, tLogical) {
					t.Errorf("physical id changed: %s", r.PhysicalResourceID)
				}
			},
		},
		{
			name: "update on a bad world fails and keeps the old id", world: badWorld(),
			ev: func(u string) cfn.Event {
				return newEvent(cfn.RequestUpdate, u, PhysicalID(contract.ModeValidate, tVPC, tStack, tLogical), validateProps(), validateProps())
			},
			status: cfn.StatusFailed, reason: []string{"QPE-"},
			checkFn: func(t *testing.T, r cfn.Response) {
				if r.PhysicalResourceID != PhysicalID(contract.ModeValidate, tVPC, tStack, tLogical) {
					t.Errorf("physical id changed: %s", r.PhysicalResourceID)
				}
			},
		},
		{
			name: "delete in validate mode makes no AWS call", world: badWorld(),
			ev: func(u string) cfn.Event {
				return newEvent(cfn.RequestDelete, u, PhysicalID(contract.ModeValidate, tVPC, tStack, tLogical), validateProps(), nil)
			},
			status: cfn.StatusSuccess, noAWS: true,
		},
		{
			name: "delete after a failed create (invalid properties) makes no AWS call", world: badWorld(),
			ev: func(u string) cfn.Event {
				return newEvent(cfn.RequestDelete, u, PhysicalID("invalid", "none", tStack, tLogical), props("Bogus", "1"), nil)
			},
			status: cfn.StatusSuccess, noAWS: true,
		},
		{
			name: "delete of an id this function never issued makes no AWS call", world: badWorld(),
			ev: func(u string) cfn.Event {
				return newEvent(cfn.RequestDelete, u, "2026/01/01/[$LATEST]0123456789abcdef", createProps(tVPC, tSubnetA), nil)
			},
			status: cfn.StatusSuccess, noAWS: true,
		},
		{
			name: "delete of a create-mode id of another resource makes no AWS call", world: badWorld(),
			ev: func(u string) cfn.Event {
				return newEvent(cfn.RequestDelete, u, PhysicalID(contract.ModeCreate, tVPC, tStack, "SomeOtherResource"), createProps(tVPC, tSubnetA), nil)
			},
			status: cfn.StatusSuccess, noAWS: true,
		},
		{
			name: "bad properties are named", world: goodWorld(),
			ev: func(u string) cfn.Event {
				p := validateProps()
				p["Mode"] = "enforce"
				p["VpnClients"] = "maybe"
				p["SubnetId"] = tSubnetA
				p["BucketNames"] = map[string]any{"a": 1}
				return newEvent(cfn.RequestCreate, u, "", p, nil)
			},
			status: cfn.StatusFailed, noAWS: true,
			reason: []string{"unknown property SubnetId", "Mode must be validate or create", "VpnClients must be true or false", "BucketNames must be a list"},
			checkFn: func(t *testing.T, r cfn.Response) {
				if !strings.HasPrefix(r.PhysicalResourceID, PhysicalIDPrefix+":invalid:") {
					t.Errorf("physical id %s", r.PhysicalResourceID)
				}
			},
		},
		{
			name: "fifty problems stay within 4096 bytes", world: fifty,
			ev:     func(u string) cfn.Event { return newEvent(cfn.RequestCreate, u, "", fiftyProps, nil) },
			status: cfn.StatusFailed,
			reason: []string{"more findings not shown", "qpe check", "1) [error QPE-EG-002]", "2) [error QPE-S3-001]"},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			hs := newHarness(t, tc.world)
			r := hs.do(t, tc.ev(hs.rcv.url()), 30*time.Second)
			t.Logf("%s %s (%d AWS calls)\nReason: %s\nData: %v", r.Status, r.PhysicalResourceID, hs.srv.TotalCalls(), r.Reason, r.Data)
			if r.Status != tc.status {
				t.Fatalf("status %s, want %s: %s", r.Status, tc.status, r.Reason)
			}
			for _, s := range tc.reason {
				if !strings.Contains(r.Reason, s) {
					t.Errorf("Reason lacks %q:\n%s", s, r.Reason)
				}
			}
			if tc.noAWS && (hs.srv.TotalCalls() != 0 || hs.clients.Load() != 0) {
				t.Errorf("%d AWS calls, %d client loads: want none", hs.srv.TotalCalls(), hs.clients.Load())
			}
			for _, want := range []string{`"request_type"`, `"stack":"` + tStack, `"logical_id":"` + tLogical, `"outcome":"` + string(tc.status)} {
				if !strings.Contains(hs.logs.String(), want) {
					t.Errorf("logs lack %s", want)
				}
			}
			if tc.checkFn != nil {
				tc.checkFn(t, r)
			}
		})
	}
}

func anyList(xs []string) []any {
	out := make([]any, len(xs))
	for i, x := range xs {
		out[i] = x
	}
	return out
}

func TestHandleCreateMode(t *testing.T) {
	hs := newHarness(t, emptyWorld())
	u := hs.rcv.url()
	p := createProps(tVPC, tSubnetA, tSubnetB)
	create := newEvent(cfn.RequestCreate, u, "", p, nil)
	r := hs.do(t, create, 60*time.Second)
	if r.Status != cfn.StatusSuccess {
		t.Fatalf("create: %s", r.Reason)
	}
	// The physical id records what was created.
	id := r.PhysicalResourceID
	api, _ := r.Data[contract.AttrAPIEndpointID].(string)
	s3, _ := r.Data[contract.AttrS3GatewayID].(string)
	if baseOf(id) != PhysicalID(contract.ModeCreate, tVPC, tStack, tLogical) || !strings.HasPrefix(api, "vpce-") || !strings.HasPrefix(s3, "vpce-") ||
		!strings.Contains(id, api) || !strings.Contains(id, s3) {
		t.Fatalf("response %+v", r)
	}
	w := hs.srv.World()
	if len(w.VpcEndpoints) != 2 || len(w.SecurityGroups) != 2 {
		t.Fatalf("world: %d endpoints, %d groups", len(w.VpcEndpoints), len(w.SecurityGroups))
	}
	for _, e := range w.VpcEndpoints {
		if e.ID == api && e.PrivateDNS {
			t.Errorf("the created execute-api endpoint has private DNS on (want off unless %s is true)", contract.PropEndpointPrivateDNS)
		}
	}

	// A retried Create (same event) creates nothing more.
	r2 := hs.do(t, create, 60*time.Second)
	if r2.Status != cfn.StatusSuccess || r2.Data[contract.AttrAPIEndpointID] != api || r2.PhysicalResourceID != id {
		t.Fatalf("retried create: %+v", r2)
	}
	if w2 := hs.srv.World(); len(w2.VpcEndpoints) != 2 || len(w2.SecurityGroups) != 2 || hs.srv.Calls()["CreateVpcEndpoint"] != 2 {
		t.Fatalf("retried create changed the world: %d endpoints, %d CreateVpcEndpoint calls", len(w2.VpcEndpoints), hs.srv.Calls()["CreateVpcEndpoint"])
	}

	// Update, same VPC: same id. Update to another VPC: replacement.
	upd := hs.do(t, newEvent(cfn.RequestUpdate, u, id, p, p), 60*time.Second)
	if upd.Status != cfn.StatusSuccess || upd.PhysicalResourceID != id {
		t.Fatalf("update: %+v", upd)
	}
	// Create to validate in the same VPC keeps the id: no replacement, so no
	// Delete removes the endpoints the stack may still use.
	v := createProps(tVPC, tSubnetA, tSubnetB)
	v["Mode"] = contract.ModeValidate
	v["ApiGatewayVPCEndpointId"] = api
	toValidate := hs.do(t, newEvent(cfn.RequestUpdate, u, id, v, p), 60*time.Second)
	if toValidate.Status != cfn.StatusSuccess || toValidate.PhysicalResourceID != id {
		t.Fatalf("create -> validate: %+v, want SUCCESS with the same id %s", toValidate, id)
	}
	if n := len(hs.srv.World().VpcEndpoints); n != 2 {
		t.Fatalf("%d endpoints after create -> validate, want the 2 still there", n)
	}
	p2 := createProps(tVPC2, tSubnetE, tSubnetF)
	repl := hs.do(t, newEvent(cfn.RequestUpdate, u, id, p2, p), 60*time.Second)
	id2 := repl.PhysicalResourceID
	if repl.Status != cfn.StatusSuccess || baseOf(id2) != PhysicalID(contract.ModeCreate, tVPC2, tStack, tLogical) {
		t.Fatalf("replacement: %+v", repl)
	}
	if n := len(hs.srv.World().VpcEndpoints); n != 4 {
		t.Fatalf("%d endpoints after replacement, want 4", n)
	}
	// CloudFormation deletes the old one: only the first VPC's endpoints go.
	del := hs.do(t, newEvent(cfn.RequestDelete, u, id, p, nil), 60*time.Second)
	if del.Status != cfn.StatusSuccess || del.PhysicalResourceID != id {
		t.Fatalf("delete old: %+v", del)
	}
	for _, e := range hs.srv.World().VpcEndpoints {
		if e.VpcID != tVPC2 {
			t.Errorf("endpoint %s of %s survived the delete", e.ID, e.VpcID)
		}
	}
	// Then the stack is deleted; deleting twice is fine.
	for range 2 {
		if d := hs.do(t, newEvent(cfn.RequestDelete, u, id2, p2, nil), 60*time.Second); d.Status != cfn.StatusSuccess {
			t.Fatalf("delete: %s", d.Reason)
		}
	}
	w = hs.srv.World()
	if len(w.VpcEndpoints) != 0 || len(w.SecurityGroups) != 1 || w.SecurityGroups[0].Name != "default" {
		t.Errorf("left behind: %+v %+v", w.VpcEndpoints, w.SecurityGroups)
	}
}

func TestHandleCreateModeFailureThenDelete(t *testing.T) {
	// Endpoints never become available: the Create fails before its deadline
	// with the pending ids; the Delete that follows removes them.
	w := emptyWorld()
	w.Vpcs[0].Tags[awsfake.PendingDescribesTag] = "100000"
	hs := newHarness(t, w)
	hs.h.Margin = 300 * time.Millisecond
	p := createProps(tVPC, tSubnetA, tSubnetB)
	start := time.Now()
	r := hs.do(t, newEvent(cfn.RequestCreate, hs.rcv.url(), "", p, nil), 1500*time.Millisecond)
	if r.Status != cfn.StatusFailed || !strings.Contains(r.Reason, "pending") {
		t.Fatalf("create: %s %s", r.Status, r.Reason)
	}
	if el := time.Since(start); el > 1500*time.Millisecond+300*time.Millisecond { // slack for a busy machine
		t.Errorf("answered after %s, past the deadline", el)
	}
	if len(hs.srv.World().VpcEndpoints) != 2 {
		t.Fatalf("expected the two pending endpoints")
	}
	d := hs.do(t, newEvent(cfn.RequestDelete, hs.rcv.url(), r.PhysicalResourceID, p, nil), 30*time.Second)
	if d.Status != cfn.StatusSuccess {
		t.Fatalf("delete: %s", d.Reason)
	}
	if w := hs.srv.World(); len(w.VpcEndpoints) != 0 || len(w.SecurityGroups) != 1 {
		t.Errorf("left behind: %+v %+v", w.VpcEndpoints, w.SecurityGroups)
	}
}

func TestHandleCreateModeAWSRefuses(t *testing.T) {
	// DNS hostnames off: EC2 refuses the private-DNS endpoint after the
	// security group was created. The Reason carries EC2's explanation; the
	// Delete that follows removes the group.
	w := emptyWorld()
	w.Vpcs[0].EnableDNSHostnames = false
	hs := newHarness(t, w)
	p := createProps(tVPC, tSubnetA, tSubnetB)
	p[contract.PropEndpointPrivateDNS] = "true"
	r := hs.do(t, newEvent(cfn.RequestCreate, hs.rcv.url(), "", p, nil), 30*time.Second)
	t.Logf("Reason: %s", r.Reason)
	if r.Status != cfn.StatusFailed || !strings.Contains(r.Reason, "Fix: turn on DNS support and DNS hostnames of "+tVPC) {
		t.Fatalf("create: %s %s", r.Status, r.Reason)
	}
	if n := len(hs.srv.World().SecurityGroups); n != 2 {
		t.Fatalf("%d groups, want the default and the created one", n)
	}
	if d := hs.do(t, newEvent(cfn.RequestDelete, hs.rcv.url(), r.PhysicalResourceID, p, nil), 30*time.Second); d.Status != cfn.StatusSuccess {
		t.Fatalf("delete: %s", d.Reason)
	}
	if w := hs.srv.World(); len(w.SecurityGroups) != 1 || len(w.VpcEndpoints) != 0 {
		t.Errorf("left behind: %+v %+v", w.VpcEndpoints, w.SecurityGroups)
	}
}

func TestHandleCreateModeMissingVPC(t *testing.T) {
	hs := newHarness(t, emptyWorld())
	p := createProps("vpc-0d0000000000000d9", tSubnetA)
	r := hs.do(t, newEvent(cfn.RequestCreate, hs.rcv.url(), "", p, nil), 30*time.Second)
	if r.Status != cfn.StatusFailed || !strings.Contains(r.Reason, "QPE-NET-001") || strings.Contains(r.Reason, "QPE-IN-001") {
		t.Fatalf("%s %s", r.Status, r.Reason)
	}
	if n := hs.srv.Calls()["CreateVpcEndpoint"] + hs.srv.Calls()["CreateSecurityGroup"]; n != 0 {
		t.Errorf("%d creations in a missing VPC", n)
	}
}

func TestHandlePanicAndHang(t *testing.T) {
	t.Run("panic in the checks", func(t *testing.T) {
		hs := newHarness(t, goodWorld())
		hs.h.Check = func(context.Context, preflight.Clients, preflight.Input) preflight.Result { panic("injected") }
		r := hs.do(t, newEvent(cfn.RequestCreate, hs.rcv.url(), "", validateProps(), nil), 10*time.Second)
		if r.Status != cfn.StatusFailed || !strings.Contains(r.Reason, "panic") {
			t.Errorf("%s %s", r.Status, r.Reason)
		}
	})
	t.Run("checks that ignore the deadline: FAILED in time, with the resource's own id", func(t *testing.T) {
		hs := newHarness(t, emptyWorld())
		hs.h.Margin = 300 * time.Millisecond
		release := make(chan struct{})
		defer close(release)
		hs.h.Check = func(context.Context, preflight.Clients, preflight.Input) preflight.Result {
			<-release
			return preflight.Result{}
		}
		p := createProps(tVPC, tSubnetA, tSubnetB)
		r := hs.do(t, newEvent(cfn.RequestCreate, hs.rcv.url(), "", p, nil), 3*time.Second)
		if r.Status != cfn.StatusFailed || !strings.Contains(r.Reason, "checking "+tVPC) {
			t.Errorf("%s %s", r.Status, r.Reason)
		}
		w := hs.srv.World()
		if want := PhysicalID(contract.ModeCreate, tVPC, tStack, tLogical); baseOf(r.PhysicalResourceID) != want || len(w.VpcEndpoints) != 2 ||
			!strings.Contains(r.PhysicalResourceID, w.VpcEndpoints[0].ID) || !strings.Contains(r.PhysicalResourceID, w.VpcEndpoints[1].ID) {
			t.Errorf("physical id %s, want %s recording %+v (so that the Delete removes what was created)", r.PhysicalResourceID, want, w.VpcEndpoints)
		}
	})
	t.Run("AWS hangs", func(t *testing.T) {
		hs := newHarness(t, goodWorld(), awsfake.WithFaults(awsfake.Fault{Kind: awsfake.Hang}))
		hs.h.Margin = 500 * time.Millisecond
		start := time.Now()
		r := hs.do(t, newEvent(cfn.RequestCreate, hs.rcv.url(), "", validateProps(), nil), 2*time.Second)
		if r.Status != cfn.StatusFailed {
			t.Errorf("%s %s", r.Status, r.Reason)
		}
		if el := time.Since(start); el > 2*time.Second {
			t.Errorf("answered after %s, past the 2 s deadline", el)
		}
		if !strings.Contains(r.Reason, "QPE-AWS-001") || !strings.Contains(r.Reason, "no answer before the deadline") {
			t.Errorf("the Reason does not name the calls that hung: %s", r.Reason)
		}
	})
	t.Run("the checks get at most the qpe check deadline, whatever the function's timeout", func(t *testing.T) {
		hs := newHarness(t, goodWorld())
		var got time.Duration
		hs.h.Check = func(ctx context.Context, c preflight.Clients, in preflight.Input) preflight.Result {
			got = in.Timeout
			return preflight.Inspect(ctx, c, in)
		}
		if r := hs.do(t, newEvent(cfn.RequestCreate, hs.rcv.url(), "", validateProps(), nil), 5*time.Minute); r.Status != cfn.StatusSuccess {
			t.Fatalf("%s %s", r.Status, r.Reason)
		}
		if got <= 0 || got > preflight.DefaultTimeout {
			t.Errorf("checks timeout %s, want at most %s", got, preflight.DefaultTimeout)
		}
	})
}

// TestSlowResponseEndpoint: the response PUT endpoint takes 600 ms to
// answer and AWS hangs; the FAILED response is still delivered before the
// 3 s deadline (the work stops a margin early so that the PUT has time).
func TestSlowResponseEndpoint(t *testing.T) {
	hs := newHarness(t, goodWorld(), awsfake.WithFaults(awsfake.Fault{Kind: awsfake.Hang}))
	var delivered atomic.Int64 // ns since start, of the last complete PUT
	start := time.Now()
	slow := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.ReadAll(r.Body)
		select {
		case <-time.After(600 * time.Millisecond):
		case <-r.Context().Done():
			return
		}
		delivered.Store(int64(time.Since(start)))
	}))
	defer slow.Close()
	hs.h.ResponseOrigins = append(hs.h.ResponseOrigins, cfnresponse.Origin{Scheme: "http", Host: "127.0.0.1", Port: slow.URL[strings.LastIndex(slow.URL, ":")+1:]})
	ctx, cancel := context.WithTimeout(lambdaContext(context.Background()), 3*time.Second)
	defer cancel()
	if err := hs.h.Handle(ctx, newEvent(cfn.RequestCreate, slow.URL+"/r?"+secretQuery, "", validateProps(), nil)); err != nil {
		t.Fatalf("Handle: %v\n%s", err, hs.logs)
	}
	if d := time.Duration(delivered.Load()); d == 0 || d > 3*time.Second {
		t.Errorf("response delivered at %s, deadline 3 s", d)
	}
	if !strings.Contains(hs.logs.String(), `"outcome":"FAILED"`) {
		t.Errorf("no FAILED outcome:\n%s", hs.logs)
	}
}

func TestMacroWarningsReported(t *testing.T) {
	warn := []any{"Mailer: execution role from parameter ManagedRoleArn is defined outside the template, make sure it grants VPC access"}
	for _, tc := range []struct {
		name   string
		world  *awsfake.World
		status cfn.StatusType
	}{{"in the summary of a SUCCESS", goodWorld(), cfn.StatusSuccess}, {"in the Reason of a FAILED", badWorld(), cfn.StatusFailed}} {
		t.Run(tc.name, func(t *testing.T) {
			hs := newHarness(t, tc.world)
			p := validateProps()
			p[contract.PropWarnings] = warn
			r := hs.do(t, newEvent(cfn.RequestCreate, hs.rcv.url(), "", p, nil), 30*time.Second)
			if r.Status != tc.status {
				t.Fatalf("%s %s", r.Status, r.Reason)
			}
			text := r.Reason
			if tc.status == cfn.StatusSuccess {
				text, _ = r.Data[contract.AttrSummary].(string)
			}
			// One warning, commas and all (never split).
			if !strings.Contains(text, warn[0].(string)) {
				t.Errorf("the macro's warning is not reported whole: %s", text)
			}
		})
	}
}
