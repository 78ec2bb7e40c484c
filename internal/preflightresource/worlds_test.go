package preflightresource

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/aws/aws-lambda-go/cfn"

	"github.com/quiltdata/quilt-private-endpoints/internal/awsfake"
	contract "github.com/quiltdata/quilt-private-endpoints/internal/preflightcontract"
	"github.com/quiltdata/quilt-private-endpoints/internal/provision"
	"github.com/quiltdata/quilt-private-endpoints/internal/stackfake"
)

// Test fixtures: VPC worlds for the wire double, a loopback receiver for the
// responses, and custom resource events.

const (
	tVPC     = "vpc-0d0000000000000d1"
	tVPC2    = "vpc-0e0000000000000e1"
	tSubnetA = "subnet-0d000000000000001"
	tSubnetB = "subnet-0d000000000000002"
	tPublic  = "subnet-0d000000000000101"
	tSubnetE = "subnet-0e000000000000001"
	tSubnetF = "subnet-0e000000000000002"
	tAPI     = "vpce-0d00000000000a001"
	tS3      = "vpce-0d00000000000b001"
	tRtbPriv = "rtb-0d000000000000001"
	tRtbMain = "rtb-0d0000000000000f0"
	tNAT     = "nat-0d000000000000001"
	// tAccount is the function's own account: the emulator's invoked ARN
	// (arn:aws:lambda:us-east-1:012345678912:function:...) names it.
	tAccount = "012345678912"
	// tStack is the stack of the CloudFormation double (stackfake's ARN).
	tStack   = "arn:aws:cloudformation:us-east-1:" + tAccount + ":stack/quilt-prod/0a1b2c3d-0000-4000-8000-000000000001"
	tLogical = "QuiltPrivateEndpointsPreflight"
	// tFunction is the function's ARN (the unit tests' lambdacontext).
	tFunction = "arn:aws:lambda:us-east-1:" + tAccount + ":function:quilt-private-endpoints-preflight"
	// secretQuery is what a presigned S3 URL carries: it must never be logged.
	secretQuery = "X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKIAQPESECRET0000000%2F20260101%2Fus-east-1%2Fs3%2Faws4_request&X-Amz-Date=20260101T000000Z&X-Amz-Expires=7200&X-Amz-SignedHeaders=host&X-Amz-Signature=5ec4e75ec4e75ec4e75ec4e75ec4e75ec4e75ec4e75ec4e75ec4e75ec4e75ec4"
)

// secrets are pieces of secretQuery that must not appear anywhere.
func secrets() []string {
	return []string{"X-Amz-Signature", "5ec4e75ec4e7", "AKIAQPESECRET", "X-Amz-Credential"}
}

// emptyWorld: two VPCs with private subnets on a NAT route, DNS on, no endpoints.
func emptyWorld() *awsfake.World {
	return &awsfake.World{
		Region: "us-east-1",
		Vpcs: []awsfake.Vpc{
			{ID: tVPC, CidrBlock: "10.20.0.0/16", EnableDNSHostnames: true, Tags: map[string]string{provision.TagAllowCreate: "true"}},
			{ID: tVPC2, CidrBlock: "10.30.0.0/16", EnableDNSHostnames: true, Tags: map[string]string{provision.TagAllowCreate: "true"}},
		},
		Subnets: []awsfake.Subnet{
			{ID: tSubnetA, VpcID: tVPC, CidrBlock: "10.20.1.0/24", AvailabilityZone: "us-east-1a"},
			{ID: tSubnetB, VpcID: tVPC, CidrBlock: "10.20.2.0/24", AvailabilityZone: "us-east-1b"},
			{ID: tPublic, VpcID: tVPC, CidrBlock: "10.20.101.0/24", AvailabilityZone: "us-east-1a"},
			{ID: tSubnetE, VpcID: tVPC2, CidrBlock: "10.30.1.0/24", AvailabilityZone: "us-east-1a"},
			{ID: tSubnetF, VpcID: tVPC2, CidrBlock: "10.30.2.0/24", AvailabilityZone: "us-east-1b"},
		},
		RouteTables: []awsfake.RouteTable{
			{ID: tRtbMain, VpcID: tVPC, Main: true, Subnets: []string{tPublic}, Routes: []awsfake.Route{{Destination: "0.0.0.0/0", Target: "igw-0d0000000000000e1"}}},
			{ID: tRtbPriv, VpcID: tVPC, Subnets: []string{tSubnetA, tSubnetB}, Routes: []awsfake.Route{{Destination: "0.0.0.0/0", Target: tNAT}}},
			{ID: "rtb-0e0000000000000f0", VpcID: tVPC2, Main: true, Routes: []awsfake.Route{{Destination: "0.0.0.0/0", Target: "nat-0e000000000000001"}}},
		},
		NatGateways: []awsfake.NatGateway{
			{ID: tNAT, VpcID: tVPC, SubnetID: tPublic, PublicIPs: []string{"203.0.113.20"}},
			{ID: "nat-0e000000000000001", VpcID: tVPC2, SubnetID: tSubnetF, PublicIPs: []string{"203.0.113.30"}},
		},
		SecurityGroups: []awsfake.SecurityGroup{
			{ID: "sg-0d00000000000d001", VpcID: tVPC, Name: "default"},
		},
		Buckets: []awsfake.Bucket{{Name: "quilt-data", Region: "us-east-1"}, {Name: "quilt-eu", Region: "eu-west-1"}},
	}
}

// goodWorld: emptyWorld plus the customer's execute-api endpoint (443 from
// the VPC) and S3 gateway endpoint on the private route table.
func goodWorld() *awsfake.World {
	w := emptyWorld()
	w.VpcEndpoints = append(w.VpcEndpoints,
		awsfake.VpcEndpoint{ID: tAPI, VpcID: tVPC, ServiceName: "com.amazonaws.us-east-1.execute-api", PrivateDNS: true,
			SubnetIDs: []string{tSubnetA, tSubnetB}, SecurityGroupIDs: []string{"sg-0d00000000000e001"}},
		awsfake.VpcEndpoint{ID: tS3, VpcID: tVPC, Type: "Gateway", ServiceName: "com.amazonaws.us-east-1.s3", RouteTableIDs: []string{tRtbPriv}},
	)
	w.SecurityGroups = append(w.SecurityGroups, awsfake.SecurityGroup{ID: "sg-0d00000000000e001", VpcID: tVPC, Name: "execute-api",
		Ingress: []awsfake.Permission{{Protocol: "tcp", FromPort: 443, ToPort: 443, Cidrs: []string{"10.20.0.0/16"}}}})
	return w
}

// badWorld: the S3 gateway is missing and the endpoint's group has no 443.
func badWorld() *awsfake.World {
	w := goodWorld()
	w.VpcEndpoints = w.VpcEndpoints[:1]
	w.SecurityGroups[1].Ingress = []awsfake.Permission{{Protocol: "tcp", FromPort: 22, ToPort: 22, Cidrs: []string{"10.20.0.0/16"}}}
	return w
}

// fiftyWorld: goodWorld plus 50 private subnets, each on its own route
// table with a blackhole default route and no S3 gateway route.
func fiftyWorld() (*awsfake.World, []string) {
	w := goodWorld()
	var subnets []string
	for i := range 50 {
		sn := fmt.Sprintf("subnet-0f0000000000%05x", i)
		rt := fmt.Sprintf("rtb-0f0000000000%05x", i)
		w.Subnets = append(w.Subnets, awsfake.Subnet{ID: sn, VpcID: tVPC, CidrBlock: fmt.Sprintf("10.20.%d.0/24", 10+i), AvailabilityZone: []string{"us-east-1a", "us-east-1b"}[i%2]})
		w.RouteTables = append(w.RouteTables, awsfake.RouteTable{ID: rt, VpcID: tVPC, Subnets: []string{sn},
			Routes: []awsfake.Route{{Destination: "0.0.0.0/0", Target: "nat-0f000000000000dead", State: "blackhole"}}})
		subnets = append(subnets, sn)
	}
	return w, subnets
}

// receiver is the loopback ResponseURL: it records every PUT and answers
// as its mode says (answerOK by default).
type receiver struct {
	srv  *httptest.Server
	mu   sync.Mutex
	got  []put
	ch   chan put
	mode atomic.Value // receiverMode
	// target is where answerRedirect points; it must never be called.
	target     *httptest.Server
	targetHits atomic.Int32
}

type receiverMode string

const (
	answerOK       receiverMode = "ok"
	answerRedirect receiverMode = "redirect" // 302 to target, as a misrouted or hostile URL would
	answerS3Error  receiverMode = "s3-error" // 403 with an S3 error body quoting the credential
	answerHang     receiverMode = "hang"     // reads the body, never answers
)

// s3ErrorBody is what S3 answers a bad presigned PUT: it quotes the
// access key id and the string to sign, which must never be logged.
const s3ErrorBody = `<?xml version="1.0" encoding="UTF-8"?>
<Error><Code>SignatureDoesNotMatch</Code><Message>The request signature we calculated does not match the signature you provided.</Message><AWSAccessKeyId>AKIAQPESECRET0000000</AWSAccessKeyId><StringToSign>AWS4-HMAC-SHA256 X-Amz-Signature=5ec4e75ec4e75ec4e7</StringToSign><RequestId>0D0D</RequestId></Error>`

type put struct {
	body        []byte
	contentType string
	resp        cfn.Response
}

func newReceiver(t *testing.T) *receiver {
	r := &receiver{ch: make(chan put, 16)}
	r.mode.Store(answerOK)
	r.target = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		r.targetHits.Add(1)
	}))
	t.Cleanup(r.target.Close)
	r.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		b, _ := io.ReadAll(req.Body)
		p := put{body: b, contentType: req.Header.Get("Content-Type")}
		if req.Method != http.MethodPut || !strings.Contains(req.URL.RawQuery, "X-Amz-Signature=") {
			t.Errorf("receiver: %s %s", req.Method, req.URL.Path)
		}
		if err := json.Unmarshal(b, &p.resp); err != nil {
			t.Errorf("receiver: body is not JSON: %v: %s", err, b)
		}
		r.mu.Lock()
		r.got = append(r.got, p)
		r.mu.Unlock()
		select {
		case r.ch <- p:
		default: // a test that reads all() instead
		}
		switch r.mode.Load().(receiverMode) {
		case answerRedirect:
			http.Redirect(w, req, r.target.URL+"/elsewhere", http.StatusFound)
		case answerS3Error:
			w.Header().Set("Content-Type", "application/xml")
			w.WriteHeader(http.StatusForbidden)
			_, _ = io.WriteString(w, s3ErrorBody)
		case answerHang:
			<-req.Context().Done()
		}
	}))
	t.Cleanup(r.srv.Close)
	return r
}

// origin is the receiver's scheme://host:port, for QPE_RESPONSE_ORIGINS.
func (r *receiver) origin() string { return r.srv.URL }

func (r *receiver) url() string {
	return r.srv.URL + "/cloudformation-custom-resource-response-useast1/arn%3Aaws%3Acloudformation%3Aus-east-1%3A123456789012%3Astack/quilt-prod/0d0d%7CPreflight%7Creq?" + secretQuery
}

func (r *receiver) all() []put {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]put(nil), r.got...)
}

// props builds ResourceProperties as CloudFormation sends them (strings).
func props(kv ...string) map[string]any {
	m := map[string]any{"ServiceToken": "arn:aws:lambda:us-east-1:123456789012:function:qpe-preflight", "ServiceTimeout": "360"}
	for i := 0; i+1 < len(kv); i += 2 {
		m[kv[i]] = kv[i+1]
	}
	return m
}

func validateProps() map[string]any {
	return props("Mode", "validate", "VpcId", tVPC, "SubnetIds", tSubnetA+","+tSubnetB, "ApiGatewayVPCEndpointId", tAPI, "BucketNames", "quilt-data", "VpnClients", "false")
}

func createProps(vpc string, subnets ...string) map[string]any {
	return props("Mode", "create", "VpcId", vpc, "SubnetIds", strings.Join(subnets, ","), "ApiGatewayVPCEndpointId", "")
}

func newEvent(rt cfn.RequestType, responseURL, physical string, p, old map[string]any) cfn.Event {
	return cfn.Event{
		RequestType: rt, RequestID: "0d0d0d0d-aaaa-bbbb-cccc-" + strings.ToLower(string(rt)), ResponseURL: responseURL,
		ResourceType: "Custom::QuiltPrivateEndpoints", LogicalResourceID: tLogical, StackID: tStack,
		PhysicalResourceID: physical, ResourceProperties: p, OldResourceProperties: old,
	}
}

func mustJSON(t *testing.T, v any) []byte {
	t.Helper()
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// cfnDouble is CloudFormation for the tests (stackfake): the stack tStack
// holding the preflight resource, whose state confirms a request or not.
type cfnDouble struct {
	srv     *stackfake.Server
	stackID string
}

func newCFNDouble(t *testing.T, status string, faults ...stackfake.Fault) *cfnDouble {
	t.Helper()
	d := newStackDouble(t, "quilt-prod", status, faults...)
	if d.stackID != tStack {
		t.Fatalf("the double's stack is %s, the tests' %s", d.stackID, tStack)
	}
	return d
}

// newStackDouble serves another stack of the account.
func newStackDouble(t *testing.T, name, status string, faults ...stackfake.Fault) *cfnDouble {
	t.Helper()
	if status == "" {
		status = "UPDATE_IN_PROGRESS"
	}
	scn := &stackfake.Scenario{Region: "us-east-1", Account: tAccount, PageSize: 100, Stack: stackfake.Stack{Name: name, Status: status}, Faults: faults}
	srv := stackfake.Start(scn)
	t.Cleanup(srv.Close)
	return &cfnDouble{srv: srv, stackID: scn.StackID()}
}

// resourceStatus is the resource's state when CloudFormation sends a request.
var resourceStatus = map[cfn.RequestType]string{
	cfn.RequestCreate: "CREATE_IN_PROGRESS", cfn.RequestUpdate: "UPDATE_IN_PROGRESS", cfn.RequestDelete: "DELETE_IN_PROGRESS",
}

// genuine puts the resource in the state CloudFormation is in when it
// really sends ev.
func (d *cfnDouble) genuine(ev cfn.Event) {
	d.set(ev.LogicalResourceID, ev.PhysicalResourceID, resourceStatus[ev.RequestType])
}

func (d *cfnDouble) set(logicalID, physicalID, status string) {
	d.srv.SetResource(stackfake.Resource{LogicalID: logicalID, Type: contract.Type, PhysicalID: physicalID, Status: status})
}

// cleanup is the state after a replacement: the stack deletes the old
// physical id while the resource has current.
func (d *cfnDouble) cleanup(current string) {
	d.srv.SetStackStatus("UPDATE_COMPLETE_CLEANUP_IN_PROGRESS")
	d.set(tLogical, current, "UPDATE_COMPLETE")
}

// describes counts the DescribeStackResource calls.
func (d *cfnDouble) describes() int { return d.srv.Calls()["cloudformation:DescribeStackResource"] }
