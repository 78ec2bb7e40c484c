package provision

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	"github.com/aws/aws-sdk-go-v2/service/ec2/types"
	"github.com/aws/smithy-go"

	"github.com/quiltdata/quilt-private-endpoints/internal/awsfake"
)

const (
	vpcID   = "vpc-0c0000000000000c1"
	subnetA = "subnet-0c000000000000001" // us-east-1a, explicit table
	subnetB = "subnet-0c000000000000002" // us-east-1b, main table
	subnetC = "subnet-0c000000000000003" // us-east-1a again
	rtbMain = "rtb-0c0000000000000f0"
	rtbPriv = "rtb-0c000000000000001"
	stackID = "arn:aws:cloudformation:us-east-1:123456789012:stack/quilt/11111111-2222-3333-4444-555555555555"
)

var owner = Owner{StackID: stackID, LogicalID: "QuiltPrivateEndpointsPreflight"}

// emptyWorld is a VPC with private subnets and NAT egress but no endpoints.
func emptyWorld() *awsfake.World {
	return &awsfake.World{
		Region: "us-east-1",
		Vpcs:   []awsfake.Vpc{{ID: vpcID, CidrBlock: "10.4.0.0/16", EnableDNSHostnames: true, Tags: map[string]string{TagAllowCreate: "true"}}},
		Subnets: []awsfake.Subnet{
			{ID: subnetA, VpcID: vpcID, CidrBlock: "10.4.1.0/24", AvailabilityZone: "us-east-1a"},
			{ID: subnetB, VpcID: vpcID, CidrBlock: "10.4.2.0/24", AvailabilityZone: "us-east-1b"},
			{ID: subnetC, VpcID: vpcID, CidrBlock: "10.4.3.0/24", AvailabilityZone: "us-east-1a"},
		},
		RouteTables: []awsfake.RouteTable{
			{ID: rtbMain, VpcID: vpcID, Main: true, Routes: []awsfake.Route{{Destination: "0.0.0.0/0", Target: "nat-0c000000000000001"}}},
			{ID: rtbPriv, VpcID: vpcID, Subnets: []string{subnetA, subnetC}, Routes: []awsfake.Route{{Destination: "0.0.0.0/0", Target: "nat-0c000000000000001"}}},
		},
		NatGateways: []awsfake.NatGateway{{ID: "nat-0c000000000000001", VpcID: vpcID, SubnetID: subnetB}},
	}
}

func start(t *testing.T, w *awsfake.World) (*awsfake.Server, *ec2.Client) {
	t.Helper()
	srv := awsfake.Start(t, w)
	return srv, ec2.NewFromConfig(srv.Config())
}

func spec(subnets ...string) Spec {
	return Spec{Region: "us-east-1", VpcID: vpcID, SubnetIDs: subnets, Owner: owner, PollInterval: 5 * time.Millisecond}
}

func endpointByID(w awsfake.World, id string) *awsfake.VpcEndpoint {
	for i := range w.VpcEndpoints {
		if w.VpcEndpoints[i].ID == id {
			return &w.VpcEndpoints[i]
		}
	}
	return nil
}

func TestEnsureCreatesWhatIsMissing(t *testing.T) {
	srv, c := start(t, emptyWorld())
	res, err := Ensure(context.Background(), c, spec(subnetA, subnetB, subnetC))
	if err != nil {
		t.Fatal(err)
	}
	w := srv.World()
	api := endpointByID(w, res.APIEndpointID)
	s3 := endpointByID(w, res.S3GatewayEndpointID)
	if api == nil || s3 == nil {
		t.Fatalf("endpoints not in the world: %+v", res)
	}
	if api.State != "available" || s3.State != "available" {
		t.Errorf("states %s, %s: Ensure must wait until available", api.State, s3.State)
	}
	if api.ServiceName != "com.amazonaws.us-east-1.execute-api" || api.Type != "Interface" || api.PrivateDNS {
		t.Errorf("api endpoint %+v (want private DNS off: the catalog uses the vpce alias)", api)
	}
	if !slices.Equal(api.SubnetIDs, []string{subnetA, subnetB}) {
		t.Errorf("api subnets %v, want one per AZ [%s %s]", api.SubnetIDs, subnetA, subnetB)
	}
	if s3.Type != "Gateway" || !slices.Equal(s3.RouteTableIDs, []string{rtbPriv, rtbMain}) && !slices.Equal(s3.RouteTableIDs, []string{rtbMain, rtbPriv}) {
		t.Errorf("s3 endpoint %+v, want route tables %s and %s", s3, rtbMain, rtbPriv)
	}
	if len(api.SecurityGroupIDs) != 1 {
		t.Fatalf("api groups %v", api.SecurityGroupIDs)
	}
	var sg *awsfake.SecurityGroup
	for i := range w.SecurityGroups {
		if w.SecurityGroups[i].ID == api.SecurityGroupIDs[0] {
			sg = &w.SecurityGroups[i]
		}
	}
	if sg == nil || len(sg.Ingress) != 1 || sg.Ingress[0].FromPort != 443 || !slices.Equal(sg.Ingress[0].Cidrs, []string{"10.4.0.0/16"}) {
		t.Errorf("security group %+v, want 443 from 10.4.0.0/16", sg)
	}
	for _, tags := range []map[string]string{api.Tags, s3.Tags, sg.Tags} {
		if tags[TagStackID] != stackID || tags[TagLogicalID] != owner.LogicalID {
			t.Errorf("owner tags missing: %v", tags)
		}
	}
	if len(res.Created) != 3 {
		t.Errorf("created %v, want the group and two endpoints", res.Created)
	}

	// A second run (an Update, a retried invocation) creates nothing.
	before := srv.Calls()["CreateVpcEndpoint"]
	res2, err := Ensure(context.Background(), c, spec(subnetA, subnetB, subnetC))
	if err != nil {
		t.Fatal(err)
	}
	if res2.APIEndpointID != res.APIEndpointID || res2.S3GatewayEndpointID != res.S3GatewayEndpointID || len(res2.Created) != 0 {
		t.Errorf("second run %+v, first %+v", res2, res)
	}
	if n := srv.Calls()["CreateVpcEndpoint"]; n != before {
		t.Errorf("second run called CreateVpcEndpoint %d more times", n-before)
	}
}

func TestEnsureConcurrentRetriesCreateOnce(t *testing.T) {
	srv, c := start(t, emptyWorld())
	var wg sync.WaitGroup
	results := make([]Result, 3)
	errs := make([]error, 3)
	for i := range results {
		wg.Go(func() { results[i], errs[i] = Ensure(context.Background(), c, spec(subnetA, subnetB)) })
	}
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			t.Fatalf("run %d: %v", i, err)
		}
		if results[i].APIEndpointID != results[0].APIEndpointID || results[i].S3GatewayEndpointID != results[0].S3GatewayEndpointID {
			t.Errorf("run %d got %+v, run 0 %+v", i, results[i], results[0])
		}
	}
	w := srv.World()
	if len(w.VpcEndpoints) != 2 || len(w.SecurityGroups) != 1 {
		t.Errorf("world has %d endpoints and %d groups, want 2 and 1", len(w.VpcEndpoints), len(w.SecurityGroups))
	}
}

func TestEnsureNeverModifiesCustomerResources(t *testing.T) {
	w := emptyWorld()
	// The customer's S3 gateway covers only the private table; the main
	// table (subnet B) lacks it. The customer's execute-api endpoint exists.
	w.VpcEndpoints = []awsfake.VpcEndpoint{
		{ID: "vpce-0c00000000000b001", VpcID: vpcID, Type: "Gateway", ServiceName: "com.amazonaws.us-east-1.s3", RouteTableIDs: []string{rtbPriv}},
		{ID: "vpce-0c00000000000a001", VpcID: vpcID, ServiceName: "com.amazonaws.us-east-1.execute-api", PrivateDNS: true, SubnetIDs: []string{subnetA}},
	}
	srv, c := start(t, w)
	before := srv.World()
	res, err := Ensure(context.Background(), c, spec(subnetA, subnetB))
	if err != nil {
		t.Fatal(err)
	}
	if res.APIEndpointID != "vpce-0c00000000000a001" || res.S3GatewayEndpointID != "vpce-0c00000000000b001" || len(res.Created) != 0 {
		t.Errorf("result %+v", res)
	}
	if !strings.Contains(strings.Join(res.Notes, " "), rtbMain) {
		t.Errorf("notes %v do not report the missing route table %s", res.Notes, rtbMain)
	}
	for _, call := range []string{"CreateVpcEndpoint", "ModifyVpcEndpoint", "CreateSecurityGroup", "AuthorizeSecurityGroupIngress", "CreateTags"} {
		if n := srv.Calls()[call]; n != 0 {
			t.Errorf("%s called %d times on a customer's VPC", call, n)
		}
	}
	after := srv.World()
	if len(after.VpcEndpoints) != len(before.VpcEndpoints) || !slices.Equal(after.VpcEndpoints[0].RouteTableIDs, []string{rtbPriv}) {
		t.Errorf("customer endpoints changed: %+v", after.VpcEndpoints)
	}
}

func TestEnsureGivenAPIEndpointAndReconcile(t *testing.T) {
	srv, c := start(t, emptyWorld())
	s := spec(subnetA)
	s.APIEndpointID = "vpce-0c00000000000a009" // the customer's, not looked at here
	res, err := Ensure(context.Background(), c, s)
	if err != nil {
		t.Fatal(err)
	}
	if res.APIEndpointID != s.APIEndpointID || srv.Calls()["CreateSecurityGroup"] != 0 {
		t.Errorf("result %+v, calls %v", res, srv.Calls())
	}
	// Owned S3 gateway covers only rtbPriv; adding subnet B (main table) extends ours.
	res2, err := Ensure(context.Background(), c, spec(subnetA, subnetB))
	if err != nil {
		t.Fatal(err)
	}
	if res2.S3GatewayEndpointID != res.S3GatewayEndpointID {
		t.Errorf("s3 gateway changed: %s -> %s", res.S3GatewayEndpointID, res2.S3GatewayEndpointID)
	}
	gw := endpointByID(srv.World(), res2.S3GatewayEndpointID)
	if !slices.Contains(gw.RouteTableIDs, rtbMain) || srv.Calls()["ModifyVpcEndpoint"] != 1 {
		t.Errorf("own gateway not extended: %+v", gw)
	}
	// Our own execute-api endpoint follows the subnets.
	res3, err := Ensure(context.Background(), c, spec(subnetB))
	if err != nil {
		t.Fatal(err)
	}
	api := endpointByID(srv.World(), res3.APIEndpointID)
	if !slices.Equal(api.SubnetIDs, []string{subnetB}) {
		t.Errorf("api endpoint %+v not moved to subnet B alone", api)
	}
	res4, err := Ensure(context.Background(), c, spec(subnetA, subnetB))
	if err != nil {
		t.Fatal(err)
	}
	api = endpointByID(srv.World(), res4.APIEndpointID)
	if res4.APIEndpointID != res3.APIEndpointID || !slices.Equal(api.SubnetIDs, []string{subnetB, subnetA}) {
		t.Errorf("api endpoint %+v not moved to both subnets", api)
	}
}

func TestEnsureWaitStopsAtTheDeadline(t *testing.T) {
	w := emptyWorld()
	w.Vpcs[0].Tags[awsfake.PendingDescribesTag] = "100000"
	_, c := start(t, w)
	ctx, cancel := context.WithTimeout(context.Background(), 500*time.Millisecond)
	defer cancel()
	var last string
	s := spec(subnetA, subnetB)
	s.Step = func(format string, args ...any) { last = format }
	start := time.Now()
	_, err := Ensure(ctx, c, s)
	if err == nil || !strings.Contains(err.Error(), "still waiting for") || !strings.Contains(err.Error(), "pending") {
		t.Fatalf("err = %v", err)
	}
	if time.Since(start) > 2*time.Second {
		t.Errorf("took %s after a 500 ms deadline", time.Since(start))
	}
	if !strings.Contains(last, "waiting") {
		t.Errorf("last step %q", last)
	}
}

func TestEnsurePreconditions(t *testing.T) {
	_, c := start(t, emptyWorld())
	for name, s := range map[string]Spec{
		"vpc not found":    {Region: "us-east-1", VpcID: "vpc-0c0000000000000c9", SubnetIDs: []string{subnetA}, Owner: owner},
		"subnet not found": {Region: "us-east-1", VpcID: vpcID, SubnetIDs: []string{"subnet-0c000000000000099"}, Owner: owner},
	} {
		t.Run(name, func(t *testing.T) {
			_, err := Ensure(context.Background(), c, s)
			var pe *PreconditionError
			if err == nil || !asPrecondition(err, &pe) {
				t.Fatalf("err = %v, want a PreconditionError", err)
			}
		})
	}
}

func asPrecondition(err error, pe **PreconditionError) bool {
	p, ok := err.(*PreconditionError)
	*pe = p
	return ok
}

func TestRemoveDeletesOnlyOwned(t *testing.T) {
	w := emptyWorld()
	customer := awsfake.VpcEndpoint{ID: "vpce-0c00000000000a001", VpcID: vpcID, ServiceName: "com.amazonaws.us-east-1.sns",
		Tags: map[string]string{TagStackID: stackID, TagLogicalID: "SomethingElse"}}
	w.VpcEndpoints = []awsfake.VpcEndpoint{customer}
	w.SecurityGroups = []awsfake.SecurityGroup{{ID: "sg-0c00000000000d001", VpcID: vpcID, Name: "default"}}
	srv, c := start(t, w)
	res, err := Ensure(context.Background(), c, spec(subnetA, subnetB))
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Record.Owned) != 3 || len(res.Record.Shared) != 0 {
		t.Fatalf("record %+v, want the 2 endpoints and the group", res.Record)
	}
	removed, err := Remove(context.Background(), c, vpcID, owner, res.Record, 5*time.Millisecond, nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(removed.Endpoints) != 2 || len(removed.SecurityGroups) != 1 {
		t.Errorf("removed %+v after creating %+v", removed, res)
	}
	if srv.Calls()["DeleteSecurityGroup"] < 2 {
		t.Errorf("DeleteSecurityGroup called %d times: the DependencyViolation retry was not exercised", srv.Calls()["DeleteSecurityGroup"])
	}
	after := srv.World()
	if len(after.VpcEndpoints) != 1 || after.VpcEndpoints[0].ID != customer.ID {
		t.Errorf("endpoints left %+v, want only the customer's", after.VpcEndpoints)
	}
	if len(after.SecurityGroups) != 1 || after.SecurityGroups[0].ID != "sg-0c00000000000d001" {
		t.Errorf("groups left %+v", after.SecurityGroups)
	}
	// Every action called is in Actions() (the IAM policy's list).
	for action := range srv.Calls() {
		if !slices.Contains(Actions(), "ec2:"+action) {
			t.Errorf("ec2:%s is called but missing from Actions()", action)
		}
	}
	// Already gone: success, nothing deleted.
	again, err := Remove(context.Background(), c, vpcID, owner, res.Record, 5*time.Millisecond, nil)
	if err != nil || len(again.Endpoints)+len(again.SecurityGroups) != 0 {
		t.Errorf("second Remove: %+v, %v", again, err)
	}
}

func TestClientToken(t *testing.T) {
	a := ClientToken(owner, vpcID, PurposeAPIEndpoint, "x")
	if a != ClientToken(owner, vpcID, PurposeAPIEndpoint, "x") || len(a) > 64 {
		t.Errorf("token %q not stable or too long", a)
	}
	for _, b := range []string{
		ClientToken(owner, vpcID, PurposeS3Gateway, "x"),
		ClientToken(owner, "vpc-0c0000000000000c2", PurposeAPIEndpoint, "x"),
		ClientToken(Owner{StackID: stackID, LogicalID: "Other"}, vpcID, PurposeAPIEndpoint, "x"),
		ClientToken(owner, vpcID, PurposeAPIEndpoint, "y"),
	} {
		if a == b {
			t.Errorf("tokens collide: %s", a)
		}
	}
}

// The double honours ClientToken as EC2 does: the same token and parameters
// return the first endpoint; other parameters are refused.
func TestDoubleClientToken(t *testing.T) {
	srv, c := start(t, emptyWorld())
	in := func(rt string) *ec2.CreateVpcEndpointInput {
		return &ec2.CreateVpcEndpointInput{VpcId: aws.String(vpcID), ServiceName: aws.String("com.amazonaws.us-east-1.s3"),
			VpcEndpointType: types.VpcEndpointTypeGateway, RouteTableIds: []string{rt}, ClientToken: aws.String("qpe-token-1")}
	}
	a, err := c.CreateVpcEndpoint(context.Background(), in(rtbPriv))
	if err != nil {
		t.Fatal(err)
	}
	b, err := c.CreateVpcEndpoint(context.Background(), in(rtbPriv))
	if err != nil {
		t.Fatal(err)
	}
	if aws.ToString(a.VpcEndpoint.VpcEndpointId) != aws.ToString(b.VpcEndpoint.VpcEndpointId) || len(srv.World().VpcEndpoints) != 1 {
		t.Errorf("retry created a second endpoint: %s, %s", aws.ToString(a.VpcEndpoint.VpcEndpointId), aws.ToString(b.VpcEndpoint.VpcEndpointId))
	}
	if !strings.EqualFold(string(a.VpcEndpoint.State), "pending") {
		t.Errorf("new endpoint state %s, want pending", a.VpcEndpoint.State)
	}
	if _, err := c.CreateVpcEndpoint(context.Background(), in(rtbMain)); apiCode(err) != "IdempotentParameterMismatch" {
		t.Errorf("same token, other parameters: %v", err)
	}
	// A second gateway of the same service on the same table is refused.
	_, err = c.CreateVpcEndpoint(context.Background(), &ec2.CreateVpcEndpointInput{VpcId: aws.String(vpcID), ServiceName: aws.String("com.amazonaws.us-east-1.s3"),
		VpcEndpointType: types.VpcEndpointTypeGateway, RouteTableIds: []string{rtbPriv}})
	if apiCode(err) != "RouteAlreadyExists" {
		t.Errorf("second gateway on %s: %v", rtbPriv, err)
	}
}

func TestRemedy(t *testing.T) {
	op := func(name string, err error) error {
		return &smithy.OperationError{ServiceID: "EC2", OperationName: name, Err: err}
	}
	tests := []struct {
		err  error
		want string
	}{
		{nil, ""},
		{op("CreateVpcEndpoint", &smithy.GenericAPIError{Code: "UnauthorizedOperation", Message: "no"}), "allow ec2:CreateVpcEndpoint to the preflight function's role"},
		{op("CreateVpcEndpoint", &smithy.GenericAPIError{Code: "InvalidParameter", Message: "Enabling private DNS requires both enableDnsSupport and enableDnsHostnames"}), "modify-vpc-attribute --vpc-id " + vpcID},
		{op("CreateVpcEndpoint", &smithy.GenericAPIError{Code: "InvalidParameter", Message: "there is already a conflicting DNS domain"}), "pass its id as ApiGatewayVPCEndpointId"},
		{op("CreateVpcEndpoint", &smithy.GenericAPIError{Code: "VpcEndpointLimitExceeded"}), "higher quota"},
		{fmt.Errorf("still waiting: %w (%w)", outOfTime{}, context.DeadlineExceeded), "retry the stack operation"},
		{errors.New("something else"), ""},
	}
	for _, tc := range tests {
		if got := Remedy(tc.err, vpcID); tc.want == "" && got != "" || !strings.Contains(got, tc.want) {
			t.Errorf("Remedy(%v) = %q, want %q", tc.err, got, tc.want)
		}
	}
}

// nilRouteTables answers DescribeRouteTables with no output and no error
// (the SDK's paginator then dereferences nil in a reading goroutine).
type nilRouteTables struct{ EC2API }

func (nilRouteTables) DescribeRouteTables(context.Context, *ec2.DescribeRouteTablesInput, ...func(*ec2.Options)) (*ec2.DescribeRouteTablesOutput, error) {
	return nil, nil
}

func TestEnsurePanicInAReadIsAnError(t *testing.T) {
	srv, c := start(t, emptyWorld())
	_, err := Ensure(context.Background(), nilRouteTables{c}, spec(subnetA, subnetB))
	if err == nil || !strings.Contains(err.Error(), "ec2:DescribeRouteTables") || !strings.Contains(err.Error(), "internal error (panic)") {
		t.Fatalf("err = %v", err)
	}
	if n := srv.Calls()["CreateVpcEndpoint"]; n != 0 {
		t.Errorf("%d endpoints created after a failed read", n)
	}
}

func TestEnsurePrivateDNSOnRequest(t *testing.T) {
	srv, c := start(t, emptyWorld())
	sp := spec(subnetA, subnetB)
	sp.PrivateDNS = true
	res, err := Ensure(context.Background(), c, sp)
	if err != nil {
		t.Fatal(err)
	}
	if api := endpointByID(srv.World(), res.APIEndpointID); api == nil || !api.PrivateDNS {
		t.Errorf("api endpoint %+v, want private DNS on", api)
	}
}
