package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/quiltdata/quilt-private-endpoints/internal/awsfake"
	"github.com/quiltdata/quilt-private-endpoints/internal/finding"
	"github.com/quiltdata/quilt-private-endpoints/internal/quiltfixture"
	"github.com/quiltdata/quilt-private-endpoints/internal/template"
	"github.com/quiltdata/quilt-private-endpoints/internal/testenv"
)

const (
	checkVPC      = "vpc-0c0000000000000c1"
	checkSubnetA  = "subnet-0c000000000000001"
	checkSubnetB  = "subnet-0c000000000000002"
	checkEndpoint = "vpce-0c00000000000a001"
)

// checkWorld is a good VPC: NAT egress, S3 gateway, reachable endpoint.
func checkWorld() *awsfake.World {
	return &awsfake.World{
		Region: "us-east-2",
		Vpcs:   []awsfake.Vpc{{ID: checkVPC, CidrBlock: "10.4.0.0/16", EnableDNSHostnames: true}},
		Subnets: []awsfake.Subnet{
			{ID: checkSubnetA, VpcID: checkVPC, CidrBlock: "10.4.1.0/24", AvailabilityZone: "us-east-2a"},
			{ID: checkSubnetB, VpcID: checkVPC, CidrBlock: "10.4.2.0/24", AvailabilityZone: "us-east-2b"},
			{ID: "subnet-0c000000000000101", VpcID: checkVPC, CidrBlock: "10.4.101.0/24", AvailabilityZone: "us-east-2a"},
		},
		RouteTables: []awsfake.RouteTable{
			{ID: "rtb-0c0000000000000f0", VpcID: checkVPC, Main: true, Subnets: []string{"subnet-0c000000000000101"},
				Routes: []awsfake.Route{{Destination: "0.0.0.0/0", Target: "igw-0c0000000000000e1"}}},
			{ID: "rtb-0c000000000000001", VpcID: checkVPC, Subnets: []string{checkSubnetA, checkSubnetB},
				Routes: []awsfake.Route{{Destination: "0.0.0.0/0", Target: "nat-0c000000000000001"}}},
		},
		NatGateways: []awsfake.NatGateway{{ID: "nat-0c000000000000001", VpcID: checkVPC, SubnetID: "subnet-0c000000000000101", PublicIPs: []string{"198.51.100.4"}}},
		VpcEndpoints: []awsfake.VpcEndpoint{
			{ID: checkEndpoint, VpcID: checkVPC, ServiceName: "com.amazonaws.us-east-2.execute-api", PrivateDNS: true,
				SubnetIDs: []string{checkSubnetA, checkSubnetB}, SecurityGroupIDs: []string{"sg-0c00000000000e001"}},
			{ID: "vpce-0c00000000000b001", VpcID: checkVPC, Type: "Gateway", ServiceName: "com.amazonaws.us-east-2.s3",
				RouteTableIDs: []string{"rtb-0c000000000000001"}},
		},
		SecurityGroups: []awsfake.SecurityGroup{{ID: "sg-0c00000000000e001", VpcID: checkVPC,
			Ingress: []awsfake.Permission{{Protocol: "tcp", FromPort: 443, ToPort: 443, Cidrs: []string{"10.4.0.0/16"}}}}},
		Buckets: []awsfake.Bucket{{Name: "quilt-ohio", Region: "us-east-2"}, {Name: "quilt-oregon", Region: "us-west-2"}},
	}
}

// checkFakeAWS starts the double and points the SDK's standard variables
// and static credentials at it.
func checkFakeAWS(t *testing.T, w *awsfake.World, opts ...awsfake.Option) *awsfake.Server {
	t.Helper()
	testenv.IsolateAWS(t)
	srv := awsfake.Start(t, w, opts...)
	t.Setenv("AWS_ENDPOINT_URL", srv.URL)
	t.Setenv("AWS_ACCESS_KEY_ID", "AKIDCHECKTEST")
	t.Setenv("AWS_SECRET_ACCESS_KEY", "check-test-secret")
	return srv
}

func checkArgs(extra ...string) []string {
	return append([]string{"check", "--region", "us-east-2", "--vpc", checkVPC,
		"--subnets", checkSubnetA + "," + checkSubnetB, "--api-endpoint", checkEndpoint}, extra...)
}

func TestCheckUsage(t *testing.T) {
	testenv.IsolateAWS(t)
	for _, tc := range []struct {
		name string
		args []string
		want string
	}{
		{"nothing", []string{"check"}, "--api-endpoint, --subnets, --vpc required"},
		{"no endpoint", []string{"check", "--vpc", checkVPC, "--subnets", checkSubnetA}, "--api-endpoint required"},
		{"bad format", checkArgs("--format", "yaml"), `--format must be text or json, not "yaml"`},
		{"bad timeout", checkArgs("--timeout", "0s"), "--timeout must be positive"},
		{"unknown flag", checkArgs("--bogus"), "unknown flag"},
		{"argument", append(checkArgs(), "extra"), "unknown command"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			code, out, errs := qpeRun(t, "", tc.args...)
			if code != 2 || !strings.Contains(errs, tc.want) || out != "" {
				t.Errorf("code %d, stdout %q, stderr %q; want 2 and %q", code, out, errs, tc.want)
			}
		})
	}
}

func TestCheckNoCredentials(t *testing.T) {
	testenv.IsolateAWS(t)
	code, out, errs := qpeRun(t, "", checkArgs()...)
	if code != 2 || out != "" {
		t.Fatalf("code %d, stdout %q", code, out)
	}
	for _, want := range []string{"no usable AWS credentials", "AWS_ACCESS_KEY_ID", `profile "default"`, "IMDS"} {
		if !strings.Contains(errs, want) {
			t.Errorf("stderr lacks %q:\n%s", want, errs)
		}
	}
}

func TestCheckNoRegion(t *testing.T) {
	checkFakeAWS(t, checkWorld())
	code, _, errs := qpeRun(t, "", "check", "--vpc", checkVPC, "--subnets", checkSubnetA, "--api-endpoint", checkEndpoint)
	if code != 2 || !strings.Contains(errs, "no AWS Region") {
		t.Errorf("code %d, stderr %q", code, errs)
	}
}

func TestCheckGoodWorldText(t *testing.T) {
	srv := checkFakeAWS(t, checkWorld())
	code, out, errs := qpeRun(t, "", checkArgs("--buckets", "quilt-ohio")...)
	if code != 0 {
		t.Fatalf("code %d\n%s\n%s", code, out, errs)
	}
	if !strings.HasPrefix(out, "No findings") || strings.Contains(out, "\x1b[") {
		t.Errorf("stdout = %q", out)
	}
	if !strings.Contains(errs, "qpe check: account 123456789012") || !strings.Contains(errs, "AWS calls") {
		t.Errorf("no progress on stderr: %q", errs)
	}
	calls := srv.Calls()
	if calls["GetCallerIdentity"] != 1 || calls["s3:GetBucketLocation"] != 1 || calls["DescribeRouteTables"] != 1 {
		t.Errorf("calls = %v", calls)
	}
}

func TestCheckProblemsJSON(t *testing.T) {
	w := checkWorld()
	w.VpcEndpoints = w.VpcEndpoints[:1] // no S3 gateway endpoint
	w.NatGateways[0].State = "deleted"
	checkFakeAWS(t, w)
	code, out, errs := qpeRun(t, "", checkArgs("--format", "json", "--quiet", "--buckets", "quilt-ohio, quilt-oregon", "--vpn-clients")...)
	if code != 1 {
		t.Fatalf("code %d\n%s\n%s", code, out, errs)
	}
	if strings.Contains(errs, "qpe check:") {
		t.Errorf("--quiet still printed progress: %q", errs)
	}
	var rep struct {
		OK       *bool             `json:"ok"`
		Findings []finding.Finding `json:"findings"`
	}
	if err := json.Unmarshal([]byte(out), &rep); err != nil || rep.OK == nil || *rep.OK {
		t.Fatalf("json %q: %v", out, err)
	}
	got := map[string]bool{}
	for _, f := range rep.Findings {
		got[f.ID] = true
		if f.Severity == "" || f.Resource == "" || f.Message == "" || f.Remedy == "" {
			t.Errorf("incomplete finding %+v", f)
		}
	}
	for _, id := range []string{"QPE-S3-001", "QPE-EG-004", "QPE-S3-002", "QPE-S3-003", "QPE-S3-004"} {
		if !got[id] {
			t.Errorf("missing %s in %s", id, out)
		}
	}
}

func TestCheckPerServiceEndpointVariables(t *testing.T) {
	testenv.IsolateAWS(t)
	srv := awsfake.Start(t, checkWorld())
	t.Setenv("AWS_ENDPOINT_URL", "http://127.0.0.1:1")
	t.Setenv("AWS_ENDPOINT_URL_EC2", srv.URL)
	t.Setenv("AWS_ENDPOINT_URL_S3", srv.URL)
	t.Setenv("AWS_ENDPOINT_URL_STS", srv.URL)
	t.Setenv("AWS_ACCESS_KEY_ID", "AKIDCHECKTEST")
	t.Setenv("AWS_SECRET_ACCESS_KEY", "check-test-secret")
	t.Setenv("AWS_REGION", "us-east-2")
	code, out, errs := qpeRun(t, "", "check", "--vpc", checkVPC, "--subnets", checkSubnetA+","+checkSubnetB,
		"--api-endpoint", checkEndpoint, "--buckets", "quilt-ohio")
	if code != 0 {
		t.Fatalf("code %d\n%s\n%s", code, out, errs)
	}
}

func TestCheckMalformedEndpointID(t *testing.T) {
	checkFakeAWS(t, checkWorld())
	code, out, _ := qpeRun(t, "", "check", "--region", "us-east-2", "--vpc", checkVPC, "--subnets", checkSubnetA+","+checkSubnetB, "--api-endpoint", "vpce-nothex")
	if code != 1 || !strings.Contains(out, "QPE-IN-001") || !strings.Contains(out, "fix:") {
		t.Errorf("code %d\n%s", code, out)
	}
}

func TestCheckDeadline(t *testing.T) {
	checkFakeAWS(t, checkWorld(), awsfake.WithFaults(awsfake.Fault{Operation: "DescribeSubnets", Kind: awsfake.Hang}))
	start := time.Now()
	code, out, errs := qpeRun(t, "", checkArgs("--timeout", "1500ms")...)
	took := time.Since(start)
	if code != 1 || !strings.Contains(out, "QPE-AWS-001") || !strings.Contains(out, "could not check") {
		t.Errorf("code %d\n%s\n%s", code, out, errs)
	}
	if took > 4*time.Second {
		t.Errorf("took %s with --timeout 1500ms", took)
	}
}

func TestCheckRejectedCredentials(t *testing.T) {
	checkFakeAWS(t, checkWorld(), awsfake.WithFaults(awsfake.Fault{Operation: "GetCallerIdentity", Kind: awsfake.Denied}))
	code, out, errs := qpeRun(t, "", checkArgs()...)
	if code != 2 || out != "" || !strings.Contains(errs, "refused the credentials") {
		t.Errorf("code %d, stdout %q, stderr %q", code, out, errs)
	}
}

func TestCheckSTSOutageStillChecks(t *testing.T) {
	checkFakeAWS(t, checkWorld(), awsfake.WithFaults(awsfake.Fault{Operation: "GetCallerIdentity", Kind: awsfake.Hang}))
	code, out, errs := qpeRun(t, "", checkArgs("--timeout", "4s")...)
	if code != 0 || !strings.Contains(errs, "could not confirm the identity (continuing)") {
		t.Errorf("code %d\n%s\n%s", code, out, errs)
	}
}

// TestCheckRegionFormFirst (issue 15, item 15): a Region that cannot exist
// is one clear error, before any AWS call.
func TestCheckRegionFormFirst(t *testing.T) {
	srv := checkFakeAWS(t, checkWorld())
	code, out, errs := qpeRun(t, "", "check", "--region", "mars-1", "--vpc", checkVPC, "--subnets", checkSubnetA, "--api-endpoint", checkEndpoint)
	if code != 2 || !strings.Contains(errs, `--region "mars-1" is not a Region name`) || strings.Count(errs, "\n") > 1 || out != "" {
		t.Errorf("code %d, stdout %q, stderr %q", code, out, errs)
	}
	if n := srv.TotalCalls(); n != 0 {
		t.Errorf("%d AWS calls, want none", n)
	}
}

// TestCheckScopeFlags: --services, --client-cidrs and --user-subnets reach
// the checks.
func TestCheckScopeFlags(t *testing.T) {
	w := checkWorld()
	// No NAT: the services given must all have endpoints.
	w.RouteTables[1].Routes = nil
	checkFakeAWS(t, w)
	code, out, errs := qpeRun(t, "", checkArgs("--format", "json", "--services", "sqs, ecr-public",
		"--client-cidrs", "192.0.2.0/24", "--user-subnets", "subnet-0c000000000000101")...)
	if code != 1 {
		t.Fatalf("code %d\n%s\n%s", code, out, errs)
	}
	var rep finding.Report
	if err := json.Unmarshal([]byte(out), &rep); err != nil {
		t.Fatal(err)
	}
	got := map[string]string{}
	for _, f := range rep.Findings {
		got[f.ID] += f.Message + "|" + f.Remedy
	}
	for id, want := range map[string]string{
		// sqs is the one endpoint missing; ecr-public has none, so the fix
		// is a NAT route and the endpoints are not listed (only what the
		// fix needs).
		"QPE-EG-001":  "1 of the VPC endpoints",
		"QPE-EP-010":  "192.0.2.0/24",
		"QPE-NET-005": "the only user subnet subnet-0c000000000000101 is in us-east-2a",
	} {
		if !strings.Contains(got[id], want) {
			t.Errorf("%s: %q lacks %q", id, got[id], want)
		}
	}
	if !strings.Contains(got["QPE-EG-001"], "no VPC endpoint serves ecr-public") {
		t.Errorf("the NAT route is not said to be required: %q", got["QPE-EG-001"])
	}
	if _, ok := got["QPE-EG-001"]; ok && strings.Contains(got["QPE-EG-001"], "monitoring") {
		t.Errorf("--services did not replace the default list: %q", got["QPE-EG-001"])
	}
}

// TestCheckDefaultServices: qpe check's services are those the preflight
// of the template given with --template checks (rendered, or as written by
// the macro), else the Quilt list with es and cloudtrail, which the
// deployed preflight of a Quilt template checks.
func TestCheckDefaultServices(t *testing.T) {
	def := newCheckCmd().Flags().Lookup("services").DefValue
	for _, want := range []string{"es", "cloudtrail", "sqs", "ecr-public"} {
		if !strings.Contains(def, want) {
			t.Errorf("the default services %s lack %s", def, want)
		}
	}
	dir := t.TempDir()
	src := filepath.Join(dir, "stable.yaml")
	if err := os.WriteFile(src, quiltfixture.Stable(), 0o644); err != nil {
		t.Fatal(err)
	}
	code, rendered, errs := qpeRun(t, "", "render", "--set", "LoadBalancerScheme=unchanged", "--set", "ApiGatewayVPCEndpointId="+checkEndpoint, src)
	if code != 0 {
		t.Fatalf("render: %d %s", code, errs)
	}
	doc, err := template.DecodeJSON([]byte(rendered))
	if err != nil {
		t.Fatal(err)
	}
	want, ok := preflightServices(doc)
	if !ok {
		t.Fatal("the render has no preflight services")
	}
	out := filepath.Join(dir, "rendered.json")
	if err := os.WriteFile(out, []byte(rendered), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name string
		path string
		sets []string
	}{
		{"rendered template", out, nil},
		{"template as written, rendered with --set", src, []string{"LoadBalancerScheme=unchanged"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cmd := newCheckCmd()
			got, err := templateServices(cmd, tc.path, tc.sets, checkEndpoint)
			if err != nil {
				t.Fatal(err)
			}
			if strings.Join(got, ",") != strings.Join(want, ",") {
				t.Errorf("services %v, want the preflight's %v", got, want)
			}
		})
	}
}
