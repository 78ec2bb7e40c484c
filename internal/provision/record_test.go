package provision

import (
	"context"
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/quiltdata/quilt-private-endpoints/internal/awsfake"
)

// Hostile worlds for what a resource records (issue 19): only recorded ids
// whose owner tags still match are its own, another stack's endpoint it
// uses is marked and kept, and create mode works only in an opted-in VPC.

func TestEnsureRefusesAVPCNotOptedIn(t *testing.T) {
	for _, tags := range []map[string]string{nil, {TagAllowCreate: "false"}, {TagAllowCreate: ""}, {"allow-create": "true"}} {
		w := emptyWorld()
		w.Vpcs[0].Tags = tags
		srv, c := start(t, w)
		_, err := Ensure(context.Background(), c, spec(subnetA, subnetB))
		var ne *NotOptedInError
		if !errors.As(err, &ne) || !strings.Contains(err.Error(), TagAllowCreate+"=true") {
			t.Errorf("tags %v: err = %v, want NotOptedInError naming the tag", tags, err)
		}
		for action := range srv.Calls() {
			if !strings.HasPrefix(action, "Describe") {
				t.Errorf("tags %v: %s called in a VPC that is not opted in", tags, action)
			}
		}
	}
}

func TestRecordedOwnershipOnly(t *testing.T) {
	w := emptyWorld()
	// The customer's SNS endpoint, which someone tagged with this stack's
	// owner tags after the fact.
	foreign := awsfake.VpcEndpoint{ID: "vpce-0c00000000000f001", VpcID: vpcID, ServiceName: "com.amazonaws.us-east-1.sns",
		Tags: map[string]string{TagStackID: stackID, TagLogicalID: owner.LogicalID}}
	w.VpcEndpoints = []awsfake.VpcEndpoint{foreign}
	srv, c := start(t, w)
	res, err := Ensure(context.Background(), c, spec(subnetA, subnetB))
	if err != nil {
		t.Fatal(err)
	}
	if slices.Contains(res.Record.Owned, foreign.ID) {
		t.Fatalf("the foreign endpoint was recorded: %+v", res.Record)
	}
	// An Update with the record: a foreign execute-api endpoint tagged with
	// the owner tags is not taken as its own.
	planted := awsfake.VpcEndpoint{ID: "vpce-0c00000000000f002", VpcID: vpcID, ServiceName: "com.amazonaws.us-east-1.execute-api",
		Tags: map[string]string{TagStackID: stackID, TagLogicalID: owner.LogicalID}}
	srv2, c2 := start(t, func() *awsfake.World { w := srv.World(); w.VpcEndpoints = append(w.VpcEndpoints, planted); return &w }())
	sp := spec(subnetA, subnetB)
	sp.Recorded = &res.Record
	res2, err := Ensure(context.Background(), c2, sp)
	if err != nil {
		t.Fatal(err)
	}
	if slices.Contains(res2.Record.Owned, planted.ID) || !slices.Equal(res2.Record.Owned, res.Record.Owned) {
		t.Fatalf("record after the update %+v, want %+v", res2.Record, res.Record)
	}
	removed, err := Remove(context.Background(), c2, vpcID, owner, res2.Record, 5*time.Millisecond, nil)
	if err != nil {
		t.Fatal(err)
	}
	after := srv2.World()
	for _, id := range []string{foreign.ID, planted.ID} {
		if endpointByID(after, id) == nil {
			t.Errorf("%s (tagged by someone else) was deleted: %+v", id, removed)
		}
	}
	if len(removed.Endpoints) != 2 {
		t.Errorf("removed %+v, want the two it created", removed)
	}
	// A recorded endpoint whose owner tags were changed is kept.
	w3 := emptyWorld()
	w3.VpcEndpoints = []awsfake.VpcEndpoint{{ID: "vpce-0c00000000000f003", VpcID: vpcID, ServiceName: "com.amazonaws.us-east-1.s3", Type: "Gateway",
		Tags: map[string]string{TagStackID: "arn:aws:cloudformation:us-east-1:123456789012:stack/other/1", TagLogicalID: owner.LogicalID}}}
	srv3, c3 := start(t, w3)
	r3, err := Remove(context.Background(), c3, vpcID, owner, Record{Owned: []string{"vpce-0c00000000000f003"}}, 5*time.Millisecond, nil)
	if err != nil || len(r3.Endpoints) != 0 || len(r3.Kept) != 1 || srv3.Calls()["DeleteVpcEndpoints"] != 0 {
		t.Errorf("retagged endpoint: %+v %v", r3, err)
	}
}

func TestSharedEndpointSurvivesTheCreatorsDelete(t *testing.T) {
	other := Owner{StackID: "arn:aws:cloudformation:us-east-1:123456789012:stack/second/22222222-2222-3333-4444-555555555555", LogicalID: owner.LogicalID}
	srv, c := start(t, emptyWorld())
	first, err := Ensure(context.Background(), c, spec(subnetA, subnetB))
	if err != nil {
		t.Fatal(err)
	}
	sp := spec(subnetA, subnetB)
	sp.Owner = other
	second, err := Ensure(context.Background(), c, sp)
	if err != nil {
		t.Fatal(err)
	}
	if len(second.Record.Owned) != 0 || len(second.Record.Shared) != 2 {
		t.Fatalf("the second stack's record %+v, want the first's two endpoints as shared", second.Record)
	}
	removed, err := Remove(context.Background(), c, vpcID, owner, first.Record, 5*time.Millisecond, nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(removed.Endpoints) != 0 || len(removed.SecurityGroups) != 0 || len(removed.Kept) != 3 || !strings.Contains(strings.Join(removed.Kept, " "), other.StackID) {
		t.Fatalf("the first stack's Delete: %+v, want everything kept, naming the second stack", removed)
	}
	// The second stack's Delete removes its mark; the first's next Delete
	// (its endpoints are its own again) removes them.
	if r, err := Remove(context.Background(), c, vpcID, other, second.Record, 5*time.Millisecond, nil); err != nil || len(r.Unshared) != 2 || len(r.Endpoints) != 0 {
		t.Fatalf("the second stack's Delete: %+v %v", r, err)
	}
	if r, err := Remove(context.Background(), c, vpcID, owner, first.Record, 5*time.Millisecond, nil); err != nil || len(r.Endpoints) != 2 {
		t.Fatalf("the first stack's Delete after the second's: %+v %v", r, err)
	}
	if n := len(srv.World().VpcEndpoints); n != 0 {
		t.Errorf("%d endpoints left", n)
	}
}
