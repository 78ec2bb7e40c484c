package preflightresource

import (
	"strings"
	"testing"

	"github.com/aws/aws-lambda-go/cfn"

	"github.com/quiltdata/quilt-private-endpoints/internal/awsfake"
	contract "github.com/quiltdata/quilt-private-endpoints/internal/preflightcontract"
	"github.com/quiltdata/quilt-private-endpoints/internal/stackfake"
	"github.com/quiltdata/quilt-private-endpoints/internal/testenv"
)

// The preflight under the emulator with the CloudFormation double beside
// the EC2 one (issue 13): a rollback is never jammed, and the egress the
// stack needs is checked.

// rollbackEvent is the Update CloudFormation sends when it rolls back: the
// previous properties (props) and, as old, the failed update's.
func rollbackEvent(url, stackID string, props, old map[string]any) cfn.Event {
	ev := newEvent(cfn.RequestUpdate, url, "", props, old)
	ev.StackID = stackID
	ev.PhysicalResourceID = PhysicalID(contract.ModeValidate, tVPC, stackID, tLogical)
	return ev
}

func TestE2ERollback(t *testing.T) {
	bin := testenv.BuildBootstrap(t, "./customresource")
	previous := validateProps()
	previous[contract.PropFingerprint] = "sha256:previous"
	failed := validateProps()
	failed[contract.PropFingerprint] = "sha256:failed"
	failed[contract.PropBucketNames] = "quilt-data,quilt-more"

	tests := []struct {
		name   string
		status string
		faults []stackfake.Fault
		props  map[string]any
		want   cfn.StatusType
	}{
		{"rolling back on a broken network: SUCCESS, said in Data", "UPDATE_ROLLBACK_IN_PROGRESS", nil, previous, cfn.StatusSuccess},
		{"an ordinary update on the same broken network: FAILED", "UPDATE_IN_PROGRESS", nil, previous, cfn.StatusFailed},
		{"status unreadable, the properties the resource has: SUCCESS", "", []stackfake.Fault{{Service: "cloudformation", Operation: "DescribeStacks", Status: 403, Code: "AccessDenied"}}, failed, cfn.StatusSuccess},
		{"status unreadable, new properties: FAILED", "", []stackfake.Fault{{Service: "cloudformation", Operation: "DescribeStacks", Status: 403, Code: "AccessDenied"}}, previous, cfn.StatusFailed},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			d := newCFNDouble(t, tc.status, tc.faults...)
			stacks, stackID := d.srv, tStack
			e := startE2EWith(t, bin, badWorld(), nil, d)
			// In the last two cases old is the failed update's properties, or
			// the same as props (an update that changed only the template).
			old := failed
			if tc.props["BucketNames"] == failed["BucketNames"] {
				old = map[string]any{}
				for k, v := range failed {
					old[k] = v
				}
				old[contract.PropFingerprint] = "sha256:before"
			}
			r, _ := e.invoke(t, rollbackEvent(e.rcv.url(), stackID, tc.props, old))
			t.Logf("%s %s\nReason: %s\nData: %v", r.Status, r.PhysicalResourceID, r.Reason, r.Data)
			if r.Status != tc.want {
				t.Fatalf("status %s, want %s: %s", r.Status, tc.want, r.Reason)
			}
			if stacks.Calls()["cloudformation:DescribeStacks"]+stacks.Calls()["DescribeStacks"] == 0 {
				t.Errorf("no DescribeStacks call: %v", stacks.Calls())
			}
			if tc.want == cfn.StatusSuccess {
				s, _ := r.Data[contract.AttrSummary].(string)
				flag, label := "true", "ROLLBACK, not failed"
				if tc.status == "" {
					flag, label = "likely", "LIKELY ROLLBACK, not failed"
				}
				if r.Data[contract.AttrRollback] != flag || !strings.HasPrefix(s, label) || !strings.Contains(s, "QPE-") {
					t.Errorf("Data does not say it is a rollback that was not failed: %v", r.Data)
				}
				if !strings.Contains(e.logsWith("the preflight does not fail a rollback"), "the preflight does not fail a rollback") {
					t.Errorf("the log does not say so")
				}
			}
		})
	}
}

func TestE2EEgressServices(t *testing.T) {
	bin := testenv.BuildBootstrap(t, "./customresource")
	// No NAT route; a logs endpoint but none for sqs.
	w := goodWorld()
	w.RouteTables[1].Routes = nil
	w.VpcEndpoints = append(w.VpcEndpoints, awsfake.VpcEndpoint{ID: "vpce-0d00000000000c001", VpcID: tVPC, ServiceName: "com.amazonaws.us-east-1.logs", PrivateDNS: true,
		SubnetIDs: []string{tSubnetA, tSubnetB}, SecurityGroupIDs: []string{"sg-0d00000000000e001"}})
	e := startE2E(t, bin, w, nil)
	p := validateProps()
	p[contract.PropEgressServices] = "logs,sqs"
	r, _ := e.invoke(t, newEvent(cfn.RequestCreate, e.rcv.url(), "", p, nil))
	t.Logf("%s: %s", r.Status, r.Reason)
	if r.Status != cfn.StatusFailed || !strings.Contains(r.Reason, "QPE-EG-001") || !strings.Contains(r.Reason, "com.amazonaws.us-east-1.sqs") {
		t.Fatalf("%s %s", r.Status, r.Reason)
	}
	if strings.Contains(r.Reason, "com.amazonaws.us-east-1.logs with private DNS (missing)") {
		t.Errorf("the logs endpoint is there but named missing: %s", r.Reason)
	}
	// With the sqs endpoint too, the same properties pass.
	w.VpcEndpoints = append(w.VpcEndpoints, awsfake.VpcEndpoint{ID: "vpce-0d00000000000c002", VpcID: tVPC, ServiceName: "com.amazonaws.us-east-1.sqs", PrivateDNS: true,
		SubnetIDs: []string{tSubnetA, tSubnetB}, SecurityGroupIDs: []string{"sg-0d00000000000e001"}})
	e2 := startE2E(t, bin, w, nil)
	if r, _ := e2.invoke(t, newEvent(cfn.RequestCreate, e2.rcv.url(), "", p, nil)); r.Status != cfn.StatusSuccess {
		t.Fatalf("with every endpoint: %s %s", r.Status, r.Reason)
	}
}
