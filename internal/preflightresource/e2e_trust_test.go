package preflightresource

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-lambda-go/cfn"
	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"

	"github.com/quiltdata/quilt-private-endpoints/internal/awsfake"
	contract "github.com/quiltdata/quilt-private-endpoints/internal/preflightcontract"
	"github.com/quiltdata/quilt-private-endpoints/internal/provision"
	"github.com/quiltdata/quilt-private-endpoints/internal/stackfake"
	"github.com/quiltdata/quilt-private-endpoints/internal/testenv"
)

// The trust boundary end to end (issue 19): the real bootstrap under the
// emulator, the EC2 double and the CloudFormation double. Every case is a
// request CloudFormation did not send, or a resource the stack did not
// make: nothing is changed that is not the stack's own.

// created runs a genuine create-mode Create and returns its answer.
func created(t *testing.T, e *e2e) cfn.Response {
	t.Helper()
	r, _ := e.invoke(t, newEvent(cfn.RequestCreate, e.rcv.url(), "", createProps(tVPC, tSubnetA, tSubnetB), nil))
	if r.Status != cfn.StatusSuccess {
		t.Fatalf("create: %s", r.Reason)
	}
	return r
}

// snapshot is the ids and subnets of the endpoints and groups.
func snapshot(w awsfake.World) string {
	var b strings.Builder
	for _, e := range w.VpcEndpoints {
		fmt.Fprintf(&b, "%s %s %v %v|", e.ID, e.State, e.SubnetIDs, e.RouteTableIDs)
	}
	for _, g := range w.SecurityGroups {
		fmt.Fprintf(&b, "%s|", g.ID)
	}
	return b.String()
}

// mutations counts the mutating EC2 calls.
func mutations(srv *awsfake.Server) int {
	n := 0
	for a, c := range srv.Calls() {
		if !strings.HasPrefix(a, "Describe") {
			n += c
		}
	}
	return n
}

func TestE2ETrust(t *testing.T) {
	bin := testenv.BuildBootstrap(t, "./customresource")

	t.Run("forged Delete and Update naming another stack: nothing done, nothing PUT", func(t *testing.T) {
		e := startE2E(t, bin, emptyWorld(), nil)
		victim := created(t, e)
		// The victim's stack is now at rest.
		e.cfn.set(tLogical, victim.PhysicalResourceID, "CREATE_COMPLETE")
		before, calls, describes := snapshot(e.srv.World()), e.srv.TotalCalls(), e.cfn.describes()
		host := strings.TrimPrefix(e.rcv.origin(), "http://")
		moved := createProps(tVPC, tSubnetA)
		for _, url := range []string{
			"http://attacker.example/r?" + secretQuery,
			"https://attacker.example/cloudformation-custom-resource-response-useast1/r?" + secretQuery,
			"https://cloudformation-custom-resource-response-useast1.s3.amazonaws.com.attacker.example/r?" + secretQuery,
			"https://user:pass@cloudformation-custom-resource-response-useast1.s3.amazonaws.com/r?" + secretQuery,
			"http://user:pass@" + host + "/r?" + secretQuery,                                            // the trusted origin, with user info
			"https://cloudformation-custom-resource-response-euwest1.s3.amazonaws.com/r?" + secretQuery, // another Region's bucket
		} {
			for _, ev := range []cfn.Event{
				newEvent(cfn.RequestDelete, url, victim.PhysicalResourceID, createProps(tVPC, tSubnetA, tSubnetB), nil),
				newEvent(cfn.RequestUpdate, url, victim.PhysicalResourceID, moved, createProps(tVPC, tSubnetA, tSubnetB)),
			} {
				if puts := e.invokeAll(t, mustJSON(t, ev)); len(puts) != 0 {
					t.Errorf("%s to %s: %d PUTs", ev.RequestType, url, len(puts))
				}
			}
		}
		if e.srv.TotalCalls() != calls || e.cfn.describes() != describes {
			t.Errorf("forged requests made %d EC2 and %d CloudFormation calls, want none", e.srv.TotalCalls()-calls, e.cfn.describes()-describes)
		}
		if after := snapshot(e.srv.World()); after != before {
			t.Errorf("the world changed:\n%s\n%s", before, after)
		}
		e.noSecrets(t)
	})

	t.Run("forged requests to CloudFormation's own bucket: confirmed by nobody, nothing done", func(t *testing.T) {
		e := startE2E(t, bin, emptyWorld(), nil)
		victim := created(t, e)
		e.cfn.set(tLogical, victim.PhysicalResourceID, "CREATE_COMPLETE")
		before, mut := snapshot(e.srv.World()), mutations(e.srv)
		u := e.rcv.url()
		props := createProps(tVPC, tSubnetA, tSubnetB)
		otherAccount := strings.Replace(tStack, tAccount, "999999999999", 1)
		otherRegion := strings.Replace(tStack, "us-east-1", "eu-west-1", 1)
		// A record naming the customer's endpoint, with the owner hash
		// (computable from public values).
		planted := PhysicalID(contract.ModeCreate, tVPC, tStack, tLogical) + ":vpce-0d00000000000c0de:"
		cases := []struct {
			name string
			ev   cfn.Event
			want cfn.StatusType
		}{
			{"Delete of a resource at rest", newEvent(cfn.RequestDelete, u, victim.PhysicalResourceID, props, nil), cfn.StatusSuccess},
			{"Update of a resource at rest", newEvent(cfn.RequestUpdate, u, victim.PhysicalResourceID, createProps(tVPC, tSubnetA), props), cfn.StatusFailed},
			{"Create of a resource at rest", newEvent(cfn.RequestCreate, u, "", createProps(tVPC2, tSubnetE, tSubnetF), nil), cfn.StatusFailed},
			{"Delete naming a planted record", newEvent(cfn.RequestDelete, u, planted, props, nil), cfn.StatusSuccess},
			{"Delete naming another logical id", func() cfn.Event {
				ev := newEvent(cfn.RequestDelete, u, PhysicalID(contract.ModeCreate, tVPC, tStack, "Other")+"::", props, nil)
				ev.LogicalResourceID = "Other"
				return ev
			}(), cfn.StatusSuccess},
		}
		for _, stack := range []string{otherAccount, otherRegion} {
			ev := newEvent(cfn.RequestDelete, u, "", props, nil)
			ev.StackID = stack
			ev.PhysicalResourceID = PhysicalID(contract.ModeCreate, tVPC, stack, tLogical) + ":" + strings.Join(strings.Split(victim.PhysicalResourceID, ":")[4:], ":")
			cases = append(cases, struct {
				name string
				ev   cfn.Event
				want cfn.StatusType
			}{"Delete naming a stack of another account or Region", ev, cfn.StatusSuccess})
		}
		for _, tc := range cases {
			r, _ := e.invokeAsIs(t, tc.ev)
			t.Logf("%s: %s %s", tc.name, r.Status, r.Reason)
			if r.Status != tc.want {
				t.Errorf("%s: %s, want %s: %s", tc.name, r.Status, tc.want, r.Reason)
			}
			if tc.want == cfn.StatusFailed && !strings.Contains(r.Reason, "could not be confirmed") {
				t.Errorf("%s: the Reason does not say why: %s", tc.name, r.Reason)
			}
		}
		if after := snapshot(e.srv.World()); after != before || mutations(e.srv) != mut {
			t.Errorf("the world changed (%d mutating calls):\n%s\n%s", mutations(e.srv)-mut, before, after)
		}
	})

	t.Run("an unconfirmed Delete deletes nothing and answers SUCCESS naming what it left", func(t *testing.T) {
		d := newCFNDouble(t, "", stackfake.Fault{Service: "cloudformation", Operation: "DescribeStackResource", Status: 403, Code: "AccessDenied"})
		e := startE2EWith(t, bin, emptyWorld(), nil, d)
		// The Create cannot be confirmed either: FAILED, nothing created.
		r, _ := e.invoke(t, newEvent(cfn.RequestCreate, e.rcv.url(), "", createProps(tVPC, tSubnetA, tSubnetB), nil))
		if r.Status != cfn.StatusFailed || !strings.Contains(r.Reason, "AccessDenied") || mutations(e.srv) != 0 {
			t.Fatalf("unconfirmed create: %s %s, %d mutating calls", r.Status, r.Reason, mutations(e.srv))
		}
		e2 := startE2E(t, bin, emptyWorld(), nil)
		victim := created(t, e2)
		ids := strings.Split(victim.PhysicalResourceID, ":")[4]
		e3 := startOn(t, bin, e2.srv, d)
		before := snapshot(e2.srv.World())
		del, _ := e3.invoke(t, newEvent(cfn.RequestDelete, e3.rcv.url(), victim.PhysicalResourceID, createProps(tVPC, tSubnetA, tSubnetB), nil))
		if del.Status != cfn.StatusSuccess {
			t.Fatalf("unconfirmed delete: %s %s", del.Status, del.Reason)
		}
		for _, id := range strings.Split(ids, "+") {
			if !strings.Contains(del.Reason, id) {
				t.Errorf("the Reason does not name %s, which was left: %s", id, del.Reason)
			}
		}
		if after := snapshot(e2.srv.World()); after != before {
			t.Errorf("an unconfirmed Delete changed the world")
		}
	})

	t.Run("a tag added by someone else does not make a resource deletable", func(t *testing.T) {
		w := emptyWorld()
		w.VpcEndpoints = []awsfake.VpcEndpoint{{ID: "vpce-0d00000000000c001", VpcID: tVPC, ServiceName: "com.amazonaws.us-east-1.sqs", SubnetIDs: []string{tSubnetA}}}
		e := startE2E(t, bin, w, nil)
		r := created(t, e)
		// Someone with ec2:CreateTags gives the customer's endpoint (and a
		// new execute-api one of theirs) the stack's owner tags.
		w2 := e.srv.World()
		c := ec2.NewFromConfig(e.srv.Config())
		for _, id := range []string{"vpce-0d00000000000c001"} {
			_, err := c.CreateTags(context.Background(), &ec2.CreateTagsInput{Resources: []string{id}, Tags: []ec2types.Tag{
				{Key: aws.String(provision.TagStackID), Value: aws.String(tStack)}, {Key: aws.String(provision.TagLogicalID), Value: aws.String(tLogical)},
				{Key: aws.String(provision.TagPurpose), Value: aws.String(provision.PurposeAPIEndpoint)}}})
			if err != nil {
				t.Fatal(err)
			}
		}
		// An Update keeps the record: the planted endpoint is not taken in.
		u, _ := e.invoke(t, newEvent(cfn.RequestUpdate, e.rcv.url(), r.PhysicalResourceID, createProps(tVPC, tSubnetA, tSubnetB), createProps(tVPC, tSubnetA, tSubnetB)))
		if u.Status != cfn.StatusSuccess || u.PhysicalResourceID != r.PhysicalResourceID {
			t.Fatalf("update: %+v, want the same record %s", u, r.PhysicalResourceID)
		}
		d, _ := e.invoke(t, newEvent(cfn.RequestDelete, e.rcv.url(), u.PhysicalResourceID, createProps(tVPC, tSubnetA, tSubnetB), nil))
		if d.Status != cfn.StatusSuccess {
			t.Fatalf("delete: %s", d.Reason)
		}
		after := e.srv.World()
		if len(after.VpcEndpoints) != 1 || after.VpcEndpoints[0].ID != "vpce-0d00000000000c001" {
			t.Errorf("after the Delete: %+v (was %d endpoints), want only the customer's", after.VpcEndpoints, len(w2.VpcEndpoints))
		}
	})

	t.Run("create mode in a VPC not opted in is refused", func(t *testing.T) {
		for _, tags := range []map[string]string{nil, {provision.TagAllowCreate: "false"}} {
			w := emptyWorld()
			w.Vpcs[0].Tags = tags
			e := startE2E(t, bin, w, nil)
			p := createProps(tVPC, tSubnetA, tSubnetB)
			p[contract.PropEndpointPrivateDNS] = "true"
			r, _ := e.invoke(t, newEvent(cfn.RequestCreate, e.rcv.url(), "", p, nil))
			if r.Status != cfn.StatusFailed || !strings.Contains(r.Reason, provision.TagAllowCreate+"=true") || mutations(e.srv) != 0 {
				t.Errorf("tags %v: %s %s, %d mutating calls", tags, r.Status, r.Reason, mutations(e.srv))
			}
			// Nothing of the VPC's layout in the answer.
			if strings.Contains(r.Reason, tRtbPriv) || strings.Contains(r.Reason, "10.20.") {
				t.Errorf("the Reason describes the VPC: %s", r.Reason)
			}
		}
	})

	t.Run("a shared endpoint survives the first stack's Delete", func(t *testing.T) {
		a := startE2E(t, bin, emptyWorld(), nil)
		ra := created(t, a)
		second := newStackDouble(t, "quilt-second", "")
		b := startOn(t, bin, a.srv, second)
		evB := newEvent(cfn.RequestCreate, b.rcv.url(), "", createProps(tVPC, tSubnetA, tSubnetB), nil)
		evB.StackID = second.stackID
		rb, _ := b.invoke(t, evB)
		if rb.Status != cfn.StatusSuccess || rb.Data[contract.AttrAPIEndpointID] != ra.Data[contract.AttrAPIEndpointID] {
			t.Fatalf("second stack: %+v", rb)
		}
		// The second stack records the first's endpoints as shared.
		if parts := strings.Split(rb.PhysicalResourceID, ":"); len(parts) != 6 || parts[4] != "" || strings.Count(parts[5], "vpce-") != 2 {
			t.Fatalf("second stack's id %s: want two shared endpoints, nothing owned", rb.PhysicalResourceID)
		}
		da, _ := a.invoke(t, newEvent(cfn.RequestDelete, a.rcv.url(), ra.PhysicalResourceID, createProps(tVPC, tSubnetA, tSubnetB), nil))
		if da.Status != cfn.StatusSuccess || !strings.Contains(da.Reason, "still used by "+second.stackID) {
			t.Fatalf("first stack's Delete: %s %s", da.Status, da.Reason)
		}
		if n := len(a.srv.World().VpcEndpoints); n != 2 {
			t.Fatalf("%d endpoints after the first stack's Delete, want the 2 the second uses", n)
		}
		evD := newEvent(cfn.RequestDelete, b.rcv.url(), rb.PhysicalResourceID, createProps(tVPC, tSubnetA, tSubnetB), nil)
		evD.StackID = second.stackID
		if db, _ := b.invoke(t, evD); db.Status != cfn.StatusSuccess {
			t.Fatalf("second stack's Delete: %s", db.Reason)
		}
		for _, ep := range a.srv.World().VpcEndpoints {
			for k := range ep.Tags {
				if strings.HasPrefix(k, provision.TagUsedByPrefix) {
					t.Errorf("%s still carries %s after the second stack's Delete", ep.ID, k)
				}
			}
		}
	})

	t.Run("200,000 subnet ids: a prompt FAILED", func(t *testing.T) {
		e := startE2E(t, bin, goodWorld(), nil, "AWS_LAMBDA_FUNCTION_TIMEOUT=10")
		ids := make([]string, 200_000)
		for i := range ids {
			ids[i] = fmt.Sprintf("subnet-%017x", i)
		}
		p := validateProps()
		p[contract.PropSubnetIDs] = strings.Join(ids, ",")
		r, elapsed := e.invoke(t, newEvent(cfn.RequestCreate, e.rcv.url(), "", p, nil))
		t.Logf("%s after %s: %.200s", r.Status, elapsed.Round(time.Millisecond), r.Reason)
		if r.Status != cfn.StatusFailed || !strings.Contains(r.Reason, "at most") || elapsed > 5*time.Second || e.srv.TotalCalls() != 0 {
			t.Fatalf("%s after %s (%d AWS calls): %s", r.Status, elapsed, e.srv.TotalCalls(), r.Reason)
		}
	})

	t.Run("one request_type per log line", func(t *testing.T) {
		e := startE2E(t, bin, goodWorld(), nil)
		e.invoke(t, newEvent(cfn.RequestCreate, e.rcv.url(), "", validateProps(), nil))
		logs := e.logsWith("custom resource response")
		for _, line := range strings.Split(logs, "\n") {
			if n := strings.Count(line, `"request_type"`); n > 1 {
				t.Errorf("%d request_type in %s", n, line)
			}
		}
		if !slices.ContainsFunc(strings.Split(logs, "\n"), func(l string) bool {
			return strings.Contains(l, "custom resource response") && strings.Contains(l, `"request_type":"Create"`)
		}) {
			t.Errorf("the response line lacks request_type")
		}
	})
}
