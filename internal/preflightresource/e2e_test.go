package preflightresource

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-lambda-go/cfn"

	"github.com/quiltdata/quilt-private-endpoints/internal/awsfake"
	"github.com/quiltdata/quilt-private-endpoints/internal/cfnresponse"
	contract "github.com/quiltdata/quilt-private-endpoints/internal/preflightcontract"
	"github.com/quiltdata/quilt-private-endpoints/internal/testenv"
)

// End-to-end: the real bootstrap (./customresource, built with the release
// flags) runs under aws-lambda-rie; its AWS calls go over HTTP to the wire
// double (AWS_ENDPOINT_URL) and its responses to a loopback ResponseURL that
// carries a presigned-looking query string.

type e2e struct {
	srv *awsfake.Server
	cfn *cfnDouble
	rcv *receiver
	fn  *testenv.Lambda
}

// startE2E runs the function with the EC2 double, a CloudFormation double
// and a loopback receiver it trusts (QPE_RESPONSE_ORIGINS).
func startE2E(t *testing.T, bootstrap string, w *awsfake.World, opts []awsfake.Option, env ...string) *e2e {
	t.Helper()
	return startE2EWith(t, bootstrap, w, opts, newCFNDouble(t, ""), env...)
}

func startE2EWith(t *testing.T, bootstrap string, w *awsfake.World, opts []awsfake.Option, d *cfnDouble, env ...string) *e2e {
	t.Helper()
	return startOn(t, bootstrap, awsfake.Start(t, w, opts...), d, env...)
}

// startOn runs the function on an EC2 double already running (two stacks
// in one account).
func startOn(t *testing.T, bootstrap string, srv *awsfake.Server, d *cfnDouble, env ...string) *e2e {
	t.Helper()
	rcv := newReceiver(t)
	env = append([]string{
		"AWS_ENDPOINT_URL=" + srv.URL, "AWS_ENDPOINT_URL_CLOUDFORMATION=" + d.srv.URL(), "AWS_REGION=us-east-1", "AWS_DEFAULT_REGION=us-east-1",
		"AWS_ACCESS_KEY_ID=AKIDE2ETEST", "AWS_SECRET_ACCESS_KEY=e2e-secret", "AWS_SESSION_TOKEN=",
		"AWS_PROFILE=", "AWS_CONFIG_FILE=/dev/null", "AWS_SHARED_CREDENTIALS_FILE=/dev/null", "AWS_EC2_METADATA_DISABLED=true",
		cfnresponse.OriginsEnv + "=" + rcv.origin(),
	}, env...)
	return &e2e{srv: srv, cfn: d, rcv: rcv, fn: testenv.StartLambda(t, bootstrap, env...)}
}

// invoke sends one event CloudFormation really sent (the double confirms
// it) and waits for its single response.
func (e *e2e) invoke(t *testing.T, ev cfn.Event) (cfn.Response, time.Duration) {
	t.Helper()
	e.cfn.genuine(ev)
	return e.invokeAsIs(t, ev)
}

// invokeAsIs sends one event, leaving the CloudFormation double as it is,
// and waits for its single response.
func (e *e2e) invokeAsIs(t *testing.T, ev cfn.Event) (cfn.Response, time.Duration) {
	t.Helper()
	before := len(e.rcv.all())
	start := time.Now()
	e.fn.Invoke(t, mustJSON(t, ev))
	var p put
	select {
	case p = <-e.rcv.ch:
	case <-time.After(30 * time.Second):
		t.Fatalf("no response PUT for %s\n%s", ev.RequestType, e.fn.Logs())
	}
	elapsed := time.Since(start)
	time.Sleep(50 * time.Millisecond) // a second PUT would arrive by now
	if n := len(e.rcv.all()) - before; n != 1 {
		t.Fatalf("%d responses for one %s event", n, ev.RequestType)
	}
	if len(p.body) > cfnresponse.MaxBodyBytes || p.contentType != "" {
		t.Errorf("body %d bytes, Content-Type %q", len(p.body), p.contentType)
	}
	r := p.resp
	if r.PhysicalResourceID == "" || len(r.PhysicalResourceID) > cfnresponse.MaxPhysicalIDBytes || r.RequestID != ev.RequestID || r.StackID != ev.StackID {
		t.Errorf("response ids %+v", r)
	}
	return r, elapsed
}

// checkLogs asserts JSON log lines with the request ids and outcome, and no
// trace of the ResponseURL's query string.
func (e *e2e) checkLogs(t *testing.T, outcome cfn.StatusType) {
	t.Helper()
	logs := e.fn.Logs()
	for _, s := range secrets() {
		if strings.Contains(logs, s) {
			t.Errorf("the emulator's logs contain %q", s)
		}
	}
	found := false
	for _, line := range strings.Split(logs, "\n") {
		var m map[string]any
		if json.Unmarshal([]byte(line), &m) != nil || m["msg"] != "custom resource response" {
			continue
		}
		if m["outcome"] == string(outcome) && m["stack"] == tStack && m["logical_id"] == tLogical && nonEmpty(m["request_id"]) && nonEmpty(m["cfn_request_id"]) {
			found = true
		}
	}
	if !found {
		t.Errorf("no JSON outcome line %s with request ids, stack and logical id:\n%s", outcome, logs)
	}
}

func nonEmpty(v any) bool { s, ok := v.(string); return ok && s != "" }

func TestE2E(t *testing.T) {
	bin := testenv.BuildBootstrap(t, "./customresource")

	t.Run("validate mode on a good world: Create, Update, Delete", func(t *testing.T) {
		e := startE2E(t, bin, goodWorld(), nil)
		u := e.rcv.url()
		r, _ := e.invoke(t, newEvent(cfn.RequestCreate, u, "", validateProps(), nil))
		if r.Status != cfn.StatusSuccess || r.Data[contract.AttrAPIEndpointID] != tAPI || r.Data[contract.AttrS3GatewayID] != "" {
			t.Fatalf("create: %+v", r)
		}
		id := r.PhysicalResourceID
		if u2, _ := e.invoke(t, newEvent(cfn.RequestUpdate, u, id, validateProps(), validateProps())); u2.Status != cfn.StatusSuccess || u2.PhysicalResourceID != id {
			t.Fatalf("update: %+v", u2)
		}
		calls := e.srv.TotalCalls()
		if d, _ := e.invoke(t, newEvent(cfn.RequestDelete, u, id, validateProps(), nil)); d.Status != cfn.StatusSuccess || d.PhysicalResourceID != id {
			t.Fatalf("delete: %+v", d)
		}
		if e.srv.TotalCalls() != calls {
			t.Errorf("Delete in validate mode made %d AWS calls", e.srv.TotalCalls()-calls)
		}
		e.checkLogs(t, cfn.StatusSuccess)
	})

	t.Run("validate mode on a bad world: Create fails with the fixes, Delete after it succeeds without AWS", func(t *testing.T) {
		e := startE2E(t, bin, badWorld(), nil)
		r, _ := e.invoke(t, newEvent(cfn.RequestCreate, e.rcv.url(), "", validateProps(), nil))
		if r.Status != cfn.StatusFailed || !strings.Contains(r.Reason, "QPE-S3-001") || !strings.Contains(r.Reason, "QPE-EP-006") || !strings.Contains(r.Reason, "Fix: ") {
			t.Fatalf("create: %s %s", r.Status, r.Reason)
		}
		calls := e.srv.TotalCalls()
		if d, _ := e.invoke(t, newEvent(cfn.RequestDelete, e.rcv.url(), r.PhysicalResourceID, validateProps(), nil)); d.Status != cfn.StatusSuccess {
			t.Fatalf("delete: %+v", d)
		}
		if e.srv.TotalCalls() != calls {
			t.Errorf("Delete after a failed Create made %d AWS calls", e.srv.TotalCalls()-calls)
		}
		e.checkLogs(t, cfn.StatusFailed)
	})

	t.Run("create mode: Create, retried Create, Update to another VPC, Delete both", func(t *testing.T) {
		e := startE2E(t, bin, emptyWorld(), nil)
		u := e.rcv.url()
		p := createProps(tVPC, tSubnetA, tSubnetB)
		create := newEvent(cfn.RequestCreate, u, "", p, nil)
		r, _ := e.invoke(t, create)
		if r.Status != cfn.StatusSuccess {
			t.Fatalf("create: %s", r.Reason)
		}
		api, s3 := r.Data[contract.AttrAPIEndpointID], r.Data[contract.AttrS3GatewayID]
		r2, _ := e.invoke(t, create)
		if r2.Status != cfn.StatusSuccess || r2.PhysicalResourceID != r.PhysicalResourceID || r2.Data[contract.AttrAPIEndpointID] != api || r2.Data[contract.AttrS3GatewayID] != s3 {
			t.Fatalf("retried create: %+v", r2)
		}
		w := e.srv.World()
		if len(w.VpcEndpoints) != 2 || len(w.SecurityGroups) != 2 || e.srv.Calls()["CreateVpcEndpoint"] != 2 || e.srv.Calls()["CreateSecurityGroup"] != 1 {
			t.Fatalf("retried create created again: %d endpoints, %d groups, calls %v", len(w.VpcEndpoints), len(w.SecurityGroups), e.srv.Calls())
		}
		for _, ep := range w.VpcEndpoints {
			if ep.State != "available" || ep.Tags["quilt-private-endpoints:stack-id"] != tStack {
				t.Errorf("endpoint %+v", ep)
			}
		}
		p2 := createProps(tVPC2, tSubnetE, tSubnetF)
		r3, _ := e.invoke(t, newEvent(cfn.RequestUpdate, u, r.PhysicalResourceID, p2, p))
		if r3.Status != cfn.StatusSuccess || r3.PhysicalResourceID == r.PhysicalResourceID || !strings.Contains(r3.PhysicalResourceID, tVPC2) {
			t.Fatalf("replacement: %+v", r3)
		}
		// CloudFormation deletes the replaced id in the update's cleanup.
		e.cfn.cleanup(r3.PhysicalResourceID)
		if d, _ := e.invokeAsIs(t, newEvent(cfn.RequestDelete, u, r.PhysicalResourceID, p, nil)); d.Status != cfn.StatusSuccess {
			t.Fatalf("delete old: %s", d.Reason)
		}
		for _, ep := range e.srv.World().VpcEndpoints {
			if ep.VpcID == tVPC {
				t.Errorf("endpoint %s of the old VPC survived", ep.ID)
			}
		}
		if d, _ := e.invoke(t, newEvent(cfn.RequestDelete, u, r3.PhysicalResourceID, p2, nil)); d.Status != cfn.StatusSuccess {
			t.Fatalf("delete: %s", d.Reason)
		}
		if w := e.srv.World(); len(w.VpcEndpoints) != 0 || len(w.SecurityGroups) != 1 {
			t.Errorf("left behind: %+v %+v", w.VpcEndpoints, w.SecurityGroups)
		}
		e.checkLogs(t, cfn.StatusSuccess)
	})

	t.Run("create mode on a bad world: an existing customer S3 gateway is reported, not modified", func(t *testing.T) {
		w := emptyWorld()
		w.VpcEndpoints = []awsfake.VpcEndpoint{{ID: tS3, VpcID: tVPC, Type: "Gateway", ServiceName: "com.amazonaws.us-east-1.s3", RouteTableIDs: []string{tRtbMain}}}
		e := startE2E(t, bin, w, nil)
		r, _ := e.invoke(t, newEvent(cfn.RequestCreate, e.rcv.url(), "", createProps(tVPC, tSubnetA, tSubnetB), nil))
		if r.Status != cfn.StatusFailed || !strings.Contains(r.Reason, tRtbPriv) {
			t.Fatalf("create: %s %s", r.Status, r.Reason)
		}
		after := e.srv.World()
		for _, ep := range after.VpcEndpoints {
			if ep.ID == tS3 && (len(ep.RouteTableIDs) != 1 || ep.RouteTableIDs[0] != tRtbMain) {
				t.Errorf("customer gateway modified: %+v", ep)
			}
		}
		if e.srv.Calls()["ModifyVpcEndpoint"] != 0 {
			t.Error("ModifyVpcEndpoint called on a customer endpoint")
		}
		// The Delete after the failed Create removes what it created (the
		// execute-api endpoint and its group), not the customer's gateway.
		if d, _ := e.invoke(t, newEvent(cfn.RequestDelete, e.rcv.url(), r.PhysicalResourceID, createProps(tVPC, tSubnetA, tSubnetB), nil)); d.Status != cfn.StatusSuccess {
			t.Fatalf("delete: %s", d.Reason)
		}
		if w := e.srv.World(); len(w.VpcEndpoints) != 1 || w.VpcEndpoints[0].ID != tS3 || len(w.SecurityGroups) != 1 {
			t.Errorf("after delete: %+v %+v", w.VpcEndpoints, w.SecurityGroups)
		}
	})

	t.Run("bad properties are named", func(t *testing.T) {
		e := startE2E(t, bin, goodWorld(), nil)
		p := validateProps()
		p["SubnetIds"] = []any{tSubnetA, 7.0}
		p["Colour"] = "blue"
		r, _ := e.invoke(t, newEvent(cfn.RequestCreate, e.rcv.url(), "", p, nil))
		if r.Status != cfn.StatusFailed || !strings.Contains(r.Reason, "unknown property Colour") || !strings.Contains(r.Reason, "SubnetIds must be a list") {
			t.Fatalf("%s %s", r.Status, r.Reason)
		}
		if e.srv.TotalCalls() != 0 {
			t.Errorf("%d AWS calls for invalid properties", e.srv.TotalCalls())
		}
		d, _ := e.invoke(t, newEvent(cfn.RequestDelete, e.rcv.url(), r.PhysicalResourceID, p, nil))
		if d.Status != cfn.StatusSuccess || e.srv.TotalCalls() != 0 {
			t.Fatalf("delete after invalid create: %+v, %d calls", d, e.srv.TotalCalls())
		}
		e.checkLogs(t, cfn.StatusFailed)
	})

	t.Run("AWS hangs: FAILED arrives before the 5 s timeout", func(t *testing.T) {
		e := startE2E(t, bin, goodWorld(), []awsfake.Option{awsfake.WithFaults(awsfake.Fault{Kind: awsfake.Hang})}, "AWS_LAMBDA_FUNCTION_TIMEOUT=5")
		r, elapsed := e.invoke(t, newEvent(cfn.RequestCreate, e.rcv.url(), "", validateProps(), nil))
		t.Logf("FAILED after %s: %s", elapsed.Round(time.Millisecond), r.Reason)
		if r.Status != cfn.StatusFailed {
			t.Fatalf("%s %s", r.Status, r.Reason)
		}
		if elapsed >= 5*time.Second {
			t.Errorf("the response arrived after %s, past the 5 s function timeout", elapsed)
		}
		e.checkLogs(t, cfn.StatusFailed)
	})

	t.Run("fifty problems: the body stays within 4096 bytes", func(t *testing.T) {
		w, subnets := fiftyWorld()
		e := startE2E(t, bin, w, nil)
		p := validateProps()
		p["SubnetIds"] = strings.Join(subnets, ",")
		r, _ := e.invoke(t, newEvent(cfn.RequestCreate, e.rcv.url(), "", p, nil))
		body := e.rcv.all()[0].body
		t.Logf("%d bytes: %.200s...", len(body), r.Reason)
		if r.Status != cfn.StatusFailed || !strings.Contains(r.Reason, "more findings not shown") || len(body) > 4096 {
			t.Fatalf("%s, %d bytes: %s", r.Status, len(body), r.Reason)
		}
	})

	t.Run("a panic is answered FAILED and the function keeps serving", func(t *testing.T) {
		pbin := testenv.BuildBootstrap(t, "./internal/preflightresource/testdata/panicking")
		e := startE2E(t, pbin, goodWorld(), nil)
		r, _ := e.invoke(t, newEvent(cfn.RequestCreate, e.rcv.url(), "", validateProps(), nil))
		if r.Status != cfn.StatusFailed || !strings.Contains(r.Reason, "panic") {
			t.Fatalf("%s %s", r.Status, r.Reason)
		}
		d, _ := e.invoke(t, newEvent(cfn.RequestDelete, e.rcv.url(), r.PhysicalResourceID, validateProps(), nil))
		if d.Status != cfn.StatusSuccess {
			t.Fatalf("delete after the panic: %+v", d)
		}
		e.checkLogs(t, cfn.StatusFailed)
	})
}
