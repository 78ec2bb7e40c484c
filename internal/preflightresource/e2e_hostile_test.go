package preflightresource

import (
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-lambda-go/cfn"

	"github.com/quiltdata/quilt-private-endpoints/internal/awsfake"
	"github.com/quiltdata/quilt-private-endpoints/internal/cfnresponse"
	contract "github.com/quiltdata/quilt-private-endpoints/internal/preflightcontract"
	"github.com/quiltdata/quilt-private-endpoints/internal/testenv"
)

// Hostile and careless input end to end (issue 15): the real bootstrap
// under the emulator, the EC2 double, and a receiver that can redirect,
// fail with an S3 error body or hang.

// invokeAll sends a raw payload and returns every PUT it caused (the
// invocation is synchronous: all of them have arrived).
func (e *e2e) invokeAll(t *testing.T, payload []byte) []put {
	t.Helper()
	before := len(e.rcv.all())
	e.fn.Invoke(t, payload)
	return e.rcv.all()[before:]
}

// noSecrets asserts that the emulator's logs carry no part of the
// ResponseURL's query or of an error body.
func (e *e2e) noSecrets(t *testing.T) {
	t.Helper()
	logs := e.logsWith("custom resource response") // the last line of an invocation
	for _, s := range append(secrets(), "StringToSign", "AWSAccessKeyId") {
		if strings.Contains(logs, s) {
			t.Errorf("the logs contain %q", s)
		}
	}
}

// logsWith returns the emulator's logs once they contain every string, or
// after 3 s: the copy of the function's output may trail the end of the
// invocation a little.
func (e *e2e) logsWith(want ...string) string {
	logs := e.fn.Logs()
	for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); logs = e.fn.Logs() {
		if !slices.ContainsFunc(want, func(w string) bool { return !strings.Contains(logs, w) }) {
			break
		}
		time.Sleep(50 * time.Millisecond)
	}
	return logs
}

func TestE2EHostile(t *testing.T) {
	bin := testenv.BuildBootstrap(t, "./customresource")

	t.Run("a wrongly typed field is answered FAILED, naming it", func(t *testing.T) {
		e := startE2E(t, bin, goodWorld(), nil)
		ev := map[string]any{"RequestType": "Create", "RequestId": "0d0d-oops", "ResponseURL": e.rcv.url(),
			"ResourceType": contract.Type, "LogicalResourceId": tLogical, "StackId": tStack, "ResourceProperties": "oops"}
		puts := e.invokeAll(t, mustJSON(t, ev))
		if len(puts) != 1 {
			t.Fatalf("%d PUTs, want 1", len(puts))
		}
		r := puts[0].resp
		if r.Status != cfn.StatusFailed || !strings.Contains(r.Reason, "ResourceProperties must be an object") || r.PhysicalResourceID == "" || r.RequestID != "0d0d-oops" {
			t.Fatalf("%+v", r)
		}
		if e.srv.TotalCalls() != 0 {
			t.Errorf("%d AWS calls for a malformed event", e.srv.TotalCalls())
		}
		e.noSecrets(t)
	})

	t.Run("echoed ids too long for 4 KB: a FAILED body, never an empty one", func(t *testing.T) {
		e := startE2E(t, bin, goodWorld(), nil)
		ev := newEvent(cfn.RequestCreate, e.rcv.url(), "", validateProps(), nil)
		ev.StackID = tStack + strings.Repeat("x", 3000)
		ev.RequestID = strings.Repeat("r", 2000)
		puts := e.invokeAll(t, mustJSON(t, ev))
		if len(puts) != 1 {
			t.Fatalf("%d PUTs, want 1", len(puts))
		}
		b, r := puts[0].body, puts[0].resp
		t.Logf("%d bytes: %s", len(b), b)
		if len(b) == 0 || len(b) > cfnresponse.MaxBodyBytes || r.Status != cfn.StatusFailed || !strings.Contains(r.Reason, "ids are too long") ||
			!strings.HasPrefix(r.StackID, tStack) || r.PhysicalResourceID == "" {
			t.Fatalf("%d bytes, %+v", len(b), r)
		}
	})

	for _, tc := range []struct {
		mode receiverMode
		want string // in the logs
	}{
		{answerRedirect, "redirect, which is not a delivery"},
		{answerS3Error, "status 403, error code SignatureDoesNotMatch"},
		{answerHang, "context deadline exceeded"},
	} {
		t.Run("the ResponseURL answers "+string(tc.mode)+": not delivered, said loudly, nothing leaked", func(t *testing.T) {
			e := startE2E(t, bin, goodWorld(), nil, "AWS_LAMBDA_FUNCTION_TIMEOUT=6")
			e.rcv.mode.Store(tc.mode)
			start := time.Now()
			ev := newEvent(cfn.RequestCreate, e.rcv.url(), "", validateProps(), nil)
			e.cfn.genuine(ev)
			puts := e.invokeAll(t, mustJSON(t, ev))
			t.Logf("%d PUTs in %s", len(puts), time.Since(start).Round(time.Millisecond))
			if len(puts) == 0 || puts[0].resp.Status != cfn.StatusSuccess {
				t.Fatalf("PUTs %+v", puts)
			}
			if n := e.rcv.targetHits.Load(); n != 0 {
				t.Errorf("the redirect was followed (%d requests)", n)
			}
			logs := e.logsWith(`"delivered":false`, tc.want)
			if !strings.Contains(logs, `"delivered":false`) || !strings.Contains(logs, tc.want) {
				t.Errorf("the logs do not say it was not delivered (%q):\n%s", tc.want, logs)
			}
			e.noSecrets(t)
		})
	}

	t.Run("Delete: InvalidRoute.NotFound is not 'already gone'; what is left is named, the next Delete removes it", func(t *testing.T) {
		e := startE2E(t, bin, emptyWorld(), []awsfake.Option{awsfake.WithFaults(
			awsfake.Fault{Operation: "DeleteVpcEndpoints", Kind: awsfake.ErrorCode, Code: "InvalidRoute.NotFound", Times: 1})})
		p := createProps(tVPC, tSubnetA, tSubnetB)
		r, _ := e.invoke(t, newEvent(cfn.RequestCreate, e.rcv.url(), "", p, nil))
		if r.Status != cfn.StatusSuccess {
			t.Fatalf("create: %s", r.Reason)
		}
		api := r.Data[contract.AttrAPIEndpointID].(string)
		d, _ := e.invoke(t, newEvent(cfn.RequestDelete, e.rcv.url(), r.PhysicalResourceID, p, nil))
		if d.Status != cfn.StatusFailed || !strings.Contains(d.Reason, "InvalidRoute.NotFound") || !strings.Contains(d.Reason, api) {
			t.Fatalf("delete after a failed DeleteVpcEndpoints: %s %s", d.Status, d.Reason)
		}
		if n := len(e.srv.World().VpcEndpoints); n != 2 {
			t.Fatalf("%d endpoints after the failed delete, want 2", n)
		}
		if d, _ := e.invoke(t, newEvent(cfn.RequestDelete, e.rcv.url(), r.PhysicalResourceID, p, nil)); d.Status != cfn.StatusSuccess {
			t.Fatalf("second delete: %s", d.Reason)
		}
		if w := e.srv.World(); len(w.VpcEndpoints) != 0 || len(w.SecurityGroups) != 1 {
			t.Errorf("left behind: %+v %+v", w.VpcEndpoints, w.SecurityGroups)
		}
	})

	// A create-mode Update to another VPC whose endpoints stay pending until
	// the deadline.
	pendingVPC2 := func() *awsfake.World {
		w := emptyWorld()
		w.Vpcs[1].Tags[awsfake.PendingDescribesTag] = "100000"
		return w
	}
	inVPC2 := func(w awsfake.World) []string {
		var ids []string
		for _, ep := range w.VpcEndpoints {
			if ep.VpcID == tVPC2 {
				ids = append(ids, ep.ID)
			}
		}
		for _, g := range w.SecurityGroups {
			if g.VpcID == tVPC2 {
				ids = append(ids, g.ID)
			}
		}
		return ids
	}

	t.Run("create-mode Update to another VPC cut by the deadline: the cleanup still runs", func(t *testing.T) {
		e := startE2E(t, bin, pendingVPC2(), nil, "AWS_LAMBDA_FUNCTION_TIMEOUT=9")
		p := createProps(tVPC, tSubnetA, tSubnetB)
		r, _ := e.invoke(t, newEvent(cfn.RequestCreate, e.rcv.url(), "", p, nil))
		if r.Status != cfn.StatusSuccess {
			t.Fatalf("create: %s", r.Reason)
		}
		u, elapsed := e.invoke(t, newEvent(cfn.RequestUpdate, e.rcv.url(), r.PhysicalResourceID, createProps(tVPC2, tSubnetE, tSubnetF), p))
		t.Logf("after %s: %s %s %s", elapsed.Round(time.Millisecond), u.Status, u.PhysicalResourceID, u.Reason)
		if u.Status != cfn.StatusFailed || u.PhysicalResourceID != r.PhysicalResourceID || !strings.Contains(u.Reason, "removed again") {
			t.Fatalf("update: %+v, want FAILED with the old id (nothing left), saying so", u)
		}
		if left := inVPC2(e.srv.World()); len(left) != 0 {
			t.Errorf("left in %s: %v", tVPC2, left)
		}
	})

	t.Run("the cleanup cannot remove everything: named in the Reason, and the Delete for the answered id removes it", func(t *testing.T) {
		e := startE2E(t, bin, pendingVPC2(), []awsfake.Option{awsfake.WithFaults(
			awsfake.Fault{Operation: "DeleteVpcEndpoints", Kind: awsfake.Denied, Times: 1})}, "AWS_LAMBDA_FUNCTION_TIMEOUT=9")
		p := createProps(tVPC, tSubnetA, tSubnetB)
		r, _ := e.invoke(t, newEvent(cfn.RequestCreate, e.rcv.url(), "", p, nil))
		if r.Status != cfn.StatusSuccess {
			t.Fatalf("create: %s", r.Reason)
		}
		p2 := createProps(tVPC2, tSubnetE, tSubnetF)
		u, _ := e.invoke(t, newEvent(cfn.RequestUpdate, e.rcv.url(), r.PhysicalResourceID, p2, p))
		left := inVPC2(e.srv.World())
		t.Logf("%s %s\n%s\nleft %v", u.Status, u.PhysicalResourceID, u.Reason, left)
		if u.Status != cfn.StatusFailed || len(left) == 0 {
			t.Fatalf("update: %+v, left %v", u, left)
		}
		for _, id := range left {
			if !strings.Contains(u.Reason, id) {
				t.Errorf("the Reason does not name %s", id)
			}
		}
		// The answered id is the new one, so that CloudFormation's rollback
		// sends a Delete for it; that Delete removes what is left.
		if want := PhysicalID(contract.ModeCreate, tVPC2, tStack, tLogical); baseOf(u.PhysicalResourceID) != want {
			t.Fatalf("physical id %s, want %s", u.PhysicalResourceID, want)
		}
		if d, _ := e.invoke(t, newEvent(cfn.RequestDelete, e.rcv.url(), u.PhysicalResourceID, p2, nil)); d.Status != cfn.StatusSuccess {
			t.Fatalf("delete: %s", d.Reason)
		}
		if left := inVPC2(e.srv.World()); len(left) != 0 {
			t.Errorf("left after the Delete: %v", left)
		}
	})
}
