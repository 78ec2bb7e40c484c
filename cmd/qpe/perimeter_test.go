package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"sort"
	"strings"
	"testing"

	"github.com/quiltdata/quilt-private-endpoints/internal/awsfake"
	"github.com/quiltdata/quilt-private-endpoints/internal/perimeter"
	"github.com/quiltdata/quilt-private-endpoints/internal/perimeter/policy"
	"github.com/quiltdata/quilt-private-endpoints/internal/testenv"
)

const (
	perimVPCLocal = "vpc-0100000000000000a"
	perimVPCVPN   = "vpc-0200000000000000b"
)

// perimFakeAWS starts the EC2 double with NAT gateways and points the SDK's
// standard environment at it.
func perimFakeAWS(t *testing.T, opts ...awsfake.Option) *awsfake.Server {
	t.Helper()
	testenv.IsolateAWS(t)
	srv := awsfake.Start(t, &awsfake.World{
		Region: "us-east-1",
		Vpcs:   []awsfake.Vpc{{ID: perimVPCLocal, CidrBlock: "10.0.0.0/16"}, {ID: perimVPCVPN, CidrBlock: "10.8.0.0/16"}},
		NatGateways: []awsfake.NatGateway{
			{ID: "nat-0a00000000000000a", VpcID: perimVPCLocal, SubnetID: "subnet-0a", PublicIPs: []string{"203.0.113.10"}},
			{ID: "nat-0b00000000000000b", VpcID: perimVPCVPN, SubnetID: "subnet-0b", PublicIPs: []string{"203.0.113.20"}},
			{ID: "nat-0c00000000000000c", VpcID: perimVPCVPN, SubnetID: "subnet-0c", State: "deleted", PublicIPs: []string{"203.0.113.30"}},
		},
	}, opts...)
	t.Setenv("AWS_ENDPOINT_URL_EC2", srv.URL)
	t.Setenv("AWS_ACCESS_KEY_ID", "AKIDPERIMETERTEST")
	t.Setenv("AWS_SECRET_ACCESS_KEY", "perimeter-test-secret")
	t.Setenv("AWS_REGION", "us-east-1")
	return srv
}

func perimSeedArgs(sub string, extra ...string) []string {
	return append([]string{"perimeter", sub, "--vpc", perimVPCLocal, "--vpc", perimVPCVPN, "--ip", "192.0.2.0 - 192.0.2.255"}, extra...)
}

func perimWriteFile(t *testing.T, name, text string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(p, []byte(text), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestPerimeterSCP(t *testing.T) {
	testenv.IsolateAWS(t)
	code, out, errOut := qpeRun(t, "", perimSeedArgs("scp", "--nat-ips", "none")...)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	spec, err := perimeter.Options{VPCs: []string{perimVPCLocal, perimVPCVPN}, IPs: []string{"192.0.2.0/24"}}.Validate()
	if err != nil {
		t.Fatal(err)
	}
	want, err := perimeter.Render(spec.SCP(), false)
	if err != nil {
		t.Fatal(err)
	}
	if out != string(want)+"\n" {
		t.Errorf("stdout:\n%s\nwant\n%s", out, want)
	}
	if !strings.Contains(errOut, "421 of 5,120 characters (minified, as printed)") {
		t.Errorf("stderr lacks the size: %s", errOut)
	}
	// The one warning is the preflight's: the S3-scoped SCP denies its
	// Region checks of the quilt* buckets from outside the VPC.
	if strings.Count(errOut, "warning") != 1 || !strings.Contains(errOut, "warning: the preflight function of the Private Endpoints backend runs outside the VPC") ||
		!strings.Contains(errOut, "bucket Region checks [s3:GetBucketLocation, s3:ListBucket]") || !strings.Contains(errOut, "PerimeterExemptTag=NetworkRestrictedExempt") {
		t.Errorf("--nat-ips none with scope s3 warns only about the preflight: %s", errOut)
	}

	// --indent prints (and measures) the indented text.
	code, out, errOut = qpeRun(t, "", perimSeedArgs("scp", "--nat-ips", "none", "--indent")...)
	if code != 0 || !strings.Contains(out, "\n  \"Statement\": [\n") || !strings.Contains(errOut, "(indented, as printed)") {
		t.Errorf("--indent: exit %d\n%s\n%s", code, out, errOut)
	}

	// Flag order does not change the output.
	_, again, _ := qpeRun(t, "", "perimeter", "scp", "--ip", "192.0.2.0/24", "--nat-ips", "none", "--vpc", perimVPCVPN+","+perimVPCLocal)
	if again != string(want)+"\n" {
		t.Errorf("reordered flags:\n%s", again)
	}
}

func TestPerimeterSCPNATAuto(t *testing.T) {
	srv := perimFakeAWS(t)
	code, out, errOut := qpeRun(t, "", perimSeedArgs("scp", "--nat-ips", "auto")...)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	if !strings.Contains(out, `"aws:SourceIp":["192.0.2.0/24","203.0.113.10/32","203.0.113.20/32"]`) {
		t.Errorf("NAT addresses missing from the SCP:\n%s", out)
	}
	if strings.Contains(out, "203.0.113.30") {
		t.Error("a deleted NAT gateway's address is in the SCP")
	}
	for _, s := range []string{"NAT gateway nat-0a00000000000000a in " + perimVPCLocal + ": adding 203.0.113.10", "nat-0b00000000000000b"} {
		if !strings.Contains(errOut, s) {
			t.Errorf("stderr lacks %q:\n%s", s, errOut)
		}
	}
	if strings.Count(errOut, "warning") != 1 || !strings.Contains(errOut, "warning: the preflight function") {
		t.Errorf("no warning but the preflight's expected with the NAT addresses:\n%s", errOut)
	}
	if n := srv.Calls()["DescribeNatGateways"]; n != 1 {
		t.Errorf("%d DescribeNatGateways calls, want 1 (both VPCs in one filter)", n)
	}
}

func TestPerimeterSCPWarnsAboutNAT(t *testing.T) {
	perimFakeAWS(t)
	code, out, errOut := qpeRun(t, "", perimSeedArgs("scp", "--scope", "all")...)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	if strings.Contains(out, "203.0.113.") {
		t.Errorf("without --nat-ips auto the NAT addresses must not be added:\n%s", out)
	}
	for _, s := range []string{
		"warning: " + perimVPCLocal + " egresses through NAT gateway nat-0a00000000000000a (203.0.113.10)",
		"warning: " + perimVPCVPN + " egresses through NAT gateway nat-0b00000000000000b (203.0.113.20)",
		"ECR image pulls [ecr:BatchGetImage, ecr:GetAuthorizationToken, ecr:GetDownloadUrlForLayer]",
		"SNS notifications [sns:Publish]",
		"CloudWatch Logs [logs:CreateLogStream, logs:PutLogEvents]",
		"STS [sts:AssumeRole, sts:GetCallerIdentity]",
		"S3 to quilt* buckets in other Regions",
		"Lambda ENI management by the execution role [ec2:CreateNetworkInterface",
	} {
		if !strings.Contains(errOut, s) {
			t.Errorf("stderr lacks %q:\n%s", s, errOut)
		}
	}
}

func TestPerimeterSCPWithoutAWSAccess(t *testing.T) {
	testenv.IsolateAWS(t)
	// Unset --nat-ips: the lookup fails, the SCP is still printed, with a warning.
	code, out, errOut := qpeRun(t, "", perimSeedArgs("scp", "--region", "us-east-1")...)
	if code != 0 || !strings.HasPrefix(out, `{"Version":"2012-10-17"`) {
		t.Fatalf("exit %d\n%s\n%s", code, out, errOut)
	}
	if !strings.Contains(errOut, "could not tell whether") || !strings.Contains(errOut, "no usable AWS credentials") {
		t.Errorf("stderr:\n%s", errOut)
	}
	// No Region anywhere: said in the warning.
	code, _, errOut = qpeRun(t, "", perimSeedArgs("scp")...)
	if code != 0 || !strings.Contains(errOut, "no AWS Region") {
		t.Errorf("no Region: exit %d\n%s", code, errOut)
	}
	// --nat-ips auto: no access is a usage/credentials error, nothing printed.
	code, out, errOut = qpeRun(t, "", perimSeedArgs("scp", "--region", "us-east-1", "--nat-ips", "auto")...)
	if code != 2 || out != "" || !strings.Contains(errOut, "--nat-ips auto: no usable AWS credentials") || !strings.Contains(errOut, "credential sources tried") {
		t.Errorf("auto without credentials: exit %d\n%s\n%s", code, out, errOut)
	}
}

func TestPerimeterNATAutoDenied(t *testing.T) {
	perimFakeAWS(t, awsfake.WithFaults(awsfake.Fault{Operation: "DescribeNatGateways", Kind: awsfake.Denied}))
	code, out, errOut := qpeRun(t, "", perimSeedArgs("scp", "--nat-ips", "auto")...)
	if code != 2 || out != "" || !strings.Contains(errOut, "UnauthorizedOperation") || !strings.Contains(errOut, "ec2:DescribeNatGateways") {
		t.Errorf("exit %d\n%s\n%s", code, out, errOut)
	}
}

func TestPerimeterSCPTooLarge(t *testing.T) {
	testenv.IsolateAWS(t)
	args := []string{"perimeter", "scp", "--vpc", perimVPCLocal, "--nat-ips", "none"}
	for i := 0; i < 400; i++ {
		// Every other /24, so that the blocks cannot be merged.
		args = append(args, "--ip", "10."+itoa(i/128)+"."+itoa((i%128)*2)+".0/24")
	}
	code, out, errOut := qpeRun(t, "", args...)
	if code != 1 || out != "" {
		t.Fatalf("exit %d, stdout %q", code, out)
	}
	if !strings.Contains(errOut, "over the 5,120-character limit") || !strings.Contains(errOut, "characters, ") {
		t.Errorf("stderr: %s", errOut)
	}
}

func itoa(i int) string {
	b, _ := json.Marshal(i)
	return string(b)
}

func TestPerimeterUsage(t *testing.T) {
	testenv.IsolateAWS(t)
	pol := perimWriteFile(t, "p.json", `{"Statement":{"Effect":"Deny","Action":"*","Resource":"*"}}`)
	cases := []struct {
		name string
		args []string
		want string
	}{
		{"no subcommand", []string{"perimeter"}, "name a subcommand"},
		{"unknown subcommand", []string{"perimeter", "policy"}, `unknown subcommand "policy"`},
		{"no VPC", []string{"perimeter", "scp", "--nat-ips", "none"}, "--vpc: name at least one VPC"},
		{"seed placeholder VPC", []string{"perimeter", "scp", "--vpc", "vpc-LOCAL"}, `--vpc "vpc-LOCAL" is not a VPC ID`},
		{"bad scope", perimSeedArgs("scp", "--scope", "ec2"), `--scope "ec2"`},
		{"bad NAT address", perimSeedArgs("scp", "--nat-ips", "203.0.113.10,nat-1"), `--nat-ips "nat-1"`},
		{"bad ip", perimSeedArgs("scp", "--ip", "192.0.2.0/99"), `--ip "192.0.2.0/99"`},
		{"argument", perimSeedArgs("scp", "extra"), `unexpected argument "extra"`},
		{"unknown flag", perimSeedArgs("scp", "--bucket", "x"), "unknown flag: --bucket"},
		{"bucket-policy without bucket", perimSeedArgs("bucket-policy"), "--bucket is required"},
		{"bucket-policy bad bucket", perimSeedArgs("bucket-policy", "--bucket", "Bad_Bucket", "--nat-ips", "none"), `--bucket "Bad_Bucket"`},
		{"plan without bucket", perimSeedArgs("plan"), "--bucket is required"},
		{"plan format", perimSeedArgs("plan", "--bucket", "quilt-t", "--format", "yaml"), `--format "yaml"`},
		{"simulate missing", []string{"perimeter", "simulate", "--policy", pol}, "--action, --resource required"},
		{"simulate format", []string{"perimeter", "simulate", "--policy", pol, "--action", "s3:GetObject", "--resource", "*", "--format", "xml"}, `--format "xml"`},
		{"simulate context", []string{"perimeter", "simulate", "--policy", pol, "--action", "s3:GetObject", "--resource", "*", "--context", "aws:SourceIp"}, "use key=value"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			code, out, errOut := qpeRun(t, "", tc.args...)
			if code != 2 {
				t.Errorf("exit %d, want 2", code)
			}
			if out != "" {
				t.Errorf("stdout must stay empty, got %q", out)
			}
			if !strings.Contains(errOut, tc.want) {
				t.Errorf("stderr lacks %q:\n%s", tc.want, errOut)
			}
		})
	}
}

func TestPerimeterBucketPolicy(t *testing.T) {
	testenv.IsolateAWS(t)
	code, out, errOut := qpeRun(t, "", perimSeedArgs("bucket-policy", "--bucket", "quilt-perimeter-test", "--nat-ips", "203.0.113.10")...)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	p, err := policy.Parse([]byte(out))
	if err != nil {
		t.Fatal(err)
	}
	st := p.Statements[0]
	if !st.Principal.Any || !reflect.DeepEqual(st.Resources, []string{"arn:aws:s3:::quilt-perimeter-test", "arn:aws:s3:::quilt-perimeter-test/*"}) {
		t.Errorf("statement: %+v", st)
	}
	if !strings.Contains(out, `"BoolIfExists":{"aws:PrincipalIsAWSService":"false","aws:ViaAWSService":"false"}`) ||
		!strings.Contains(out, `"203.0.113.10/32"`) {
		t.Errorf("bucket policy:\n%s", out)
	}
	if strings.Contains(errOut, "warning") {
		t.Errorf("unexpected warning: %s", errOut)
	}
}

// TestPerimeterSimulateSeed evaluates the seed's requests through the CLI,
// against the SCP and the bucket policy it generated.
func TestPerimeterSimulateSeed(t *testing.T) {
	testenv.IsolateAWS(t)
	_, scpText, _ := qpeRun(t, "", perimSeedArgs("scp", "--nat-ips", "none")...)
	_, bpText, _ := qpeRun(t, "", perimSeedArgs("bucket-policy", "--bucket", "quilt-perimeter-test", "--nat-ips", "none")...)
	scp := perimWriteFile(t, "scp.json", scpText)
	bp := perimWriteFile(t, "bp.json", bpText)
	cases := []struct {
		name      string
		policy    string
		principal string
		ctx       []string
		want      string
		condition string // prefix of the deciding condition
	}{
		{"from vpc-LOCAL", scp, "", []string{"aws:SourceVpc=" + perimVPCLocal}, "not-denied", `StringNotEqualsIfExists {"aws:SourceVpc"`},
		{"from vpc-VPN", scp, "", []string{"aws:SourceVpc=" + perimVPCVPN}, "not-denied", `StringNotEqualsIfExists {"aws:SourceVpc"`},
		{"with the exempt tag", scp, "", []string{"aws:SourceIp=198.51.100.20", "aws:PrincipalTag/NetworkRestrictedExempt=true"}, "not-denied", `StringNotEqualsIfExists {"aws:PrincipalTag/NetworkRestrictedExempt"`},
		{"from the IP range", scp, "", []string{"aws:SourceIp=192.0.2.200"}, "not-denied", `NotIpAddressIfExists`},
		{"as an AWS service", scp, "", []string{"aws:ViaAWSService=true"}, "not-denied", `BoolIfExists`},
		{"from elsewhere", scp, "", []string{"aws:SourceIp=198.51.100.20"}, "denied", `BoolIfExists {"aws:ViaAWSService": "false"} is true`},
		{"bucket: service principal", bp, "logging.s3.amazonaws.com", []string{"aws:PrincipalIsAWSService=true"}, "not-denied", `BoolIfExists {"aws:PrincipalIsAWSService"`},
		{"bucket: from elsewhere", bp, "arn:aws:iam::111122223333:role/r", []string{"aws:SourceIp=198.51.100.20"}, "denied", `BoolIfExists`},
		{"bucket: key case", bp, "arn:aws:iam::111122223333:role/r", []string{"AWS:SOURCEVPC=" + perimVPCVPN}, "not-denied", `StringNotEqualsIfExists`},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			resource := "arn:aws:s3:::quilt-data/key"
			if tc.policy == bp {
				resource = "arn:aws:s3:::quilt-perimeter-test/key"
			}
			args := []string{"perimeter", "simulate", "--policy", tc.policy, "--action", "s3:GetObject", "--resource", resource, "--format", "json"}
			if tc.principal != "" {
				args = append(args, "--principal-arn", tc.principal)
			}
			for _, c := range tc.ctx {
				args = append(args, "--context", c)
			}
			code, out, errOut := qpeRun(t, "", args...)
			if code != 0 {
				t.Fatalf("exit %d: %s", code, errOut)
			}
			var got map[string]any
			if err := json.Unmarshal([]byte(out), &got); err != nil {
				t.Fatalf("%v\n%s", err, out)
			}
			keys := make([]string, 0, len(got))
			for k := range got {
				keys = append(keys, k)
			}
			sort.Strings(keys)
			wantKeys := "condition,decision,reason,statement"
			if tc.policy == bp {
				wantKeys = "allow,condition,decision,reason,statement"
			}
			if strings.Join(keys, ",") != wantKeys {
				t.Errorf("JSON keys %v, want %s", keys, wantKeys)
			}
			if got["decision"] != tc.want {
				t.Errorf("decision %v, want %s\n%s", got["decision"], tc.want, out)
			}
			if cond, _ := got["condition"].(string); !strings.HasPrefix(cond, tc.condition) {
				t.Errorf("condition %q, want prefix %q", cond, tc.condition)
			}
			if st, _ := got["statement"].(string); st == "" {
				t.Errorf("no statement: %s", out)
			}
		})
	}
}

func TestPerimeterSimulateText(t *testing.T) {
	pol := `{"Version":"2012-10-17","Statement":[{"Sid":"OnlyVPC","Effect":"Deny","Action":"s3:*","Resource":"*","Condition":{"StringNotEqualsIfExists":{"aws:SourceVpc":"vpc-0100000000000000a"}}}]}`
	code, out, errOut := qpeRun(t, pol, "perimeter", "simulate", "--policy", "-", "--action", "s3:GetObject", "--resource", "arn:aws:s3:::b/k", "--context", "aws:SourceVpc=vpc-0200000000000000b")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	for _, s := range []string{"decision:  denied", "statement: OnlyVPC", `condition: StringNotEqualsIfExists {"aws:SourceVpc": "vpc-0100000000000000a"} is true`, "OnlyVPC (Deny) applies"} {
		if !strings.Contains(out, s) {
			t.Errorf("output lacks %q:\n%s", s, out)
		}
	}
	// No statement covers the action: not denied, statement and condition null.
	code, out, _ = qpeRun(t, pol, "perimeter", "simulate", "--policy", "-", "--action", "sns:Publish", "--resource", "*", "--format", "json")
	if code != 0 || !strings.Contains(out, `"statement": null`) || !strings.Contains(out, `"decision": "not-denied"`) {
		t.Errorf("exit %d\n%s", code, out)
	}
	// A bucket policy without Allow: a service principal needs one there.
	bp := `{"Version":"2012-10-17","Statement":[{"Sid":"B","Effect":"Deny","Principal":"*","Action":"s3:*","Resource":"*","Condition":{"BoolIfExists":{"aws:PrincipalIsAWSService":"false"}}}]}`
	code, out, _ = qpeRun(t, bp, "perimeter", "simulate", "--policy", "-", "--action", "s3:PutObject", "--resource", "arn:aws:s3:::b/k", "--principal-arn", "logging.s3.amazonaws.com")
	if code != 0 || !strings.Contains(out, "decision:  not-denied") || !strings.Contains(out, "an AWS service principal or another account needs one here") {
		t.Errorf("exit %d\n%s", code, out)
	}
	// An SCP never applies to a service principal: not denied, said why,
	// no empty statements list.
	code, out, _ = qpeRun(t, pol, "perimeter", "simulate", "--policy", "-", "--action", "s3:PutObject", "--resource", "arn:aws:s3:::b/k", "--principal-arn", "logging.s3.amazonaws.com")
	if code != 0 || !strings.Contains(out, "decision:  not-denied") || !strings.Contains(out, "never apply to the AWS service principal logging.s3.amazonaws.com") || strings.Contains(out, "statements:") {
		t.Errorf("exit %d\n%s", code, out)
	}
}

func TestPerimeterSimulateInvalid(t *testing.T) {
	cases := []struct {
		name, policy string
		args         []string
		want         string
	}{
		{"unknown operator", `{"Statement":{"Effect":"Deny","Action":"*","Resource":"*","Condition":{"StringEqualz":{"k":"v"}}}}`, nil, `unknown condition operator "StringEqualz"`},
		{"operator case", `{"Statement":{"Effect":"Deny","Action":"*","Resource":"*","Condition":{"stringequals":{"k":"v"}}}}`, nil, `did you mean "StringEquals"`},
		{"not JSON", `{"Statement":`, nil, "policy:"},
		{"bad request IP", `{"Statement":{"Effect":"Deny","Action":"*","Resource":"*","Condition":{"IpAddress":{"aws:SourceIp":"192.0.2.0/24"}}}}`, []string{"--context", "aws:SourceIp=nowhere"}, "not an IP address"},
		{"bad action", `{"Statement":{"Effect":"Deny","Action":"*","Resource":"*"}}`, []string{"--action", "GetObject"}, "service:Action"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			args := []string{"perimeter", "simulate", "--policy", "-", "--resource", "*"}
			if !strings.Contains(strings.Join(tc.args, " "), "--action") {
				args = append(args, "--action", "s3:GetObject")
			}
			code, out, errOut := qpeRun(t, tc.policy, append(args, tc.args...)...)
			if code != 1 || out != "" {
				t.Errorf("exit %d, stdout %q", code, out)
			}
			if !strings.Contains(errOut, tc.want) {
				t.Errorf("stderr lacks %q:\n%s", tc.want, errOut)
			}
		})
	}
	code, _, errOut := qpeRun(t, "", "perimeter", "simulate", "--policy", filepath.Join(t.TempDir(), "missing.json"), "--action", "s3:GetObject", "--resource", "*")
	if code != 1 || !strings.Contains(errOut, "missing.json") {
		t.Errorf("missing file: exit %d %s", code, errOut)
	}
}

func TestPerimeterPlan(t *testing.T) {
	perimFakeAWS(t)
	code, out, errOut := qpeRun(t, "", perimSeedArgs("plan", "--bucket", "quilt-perimeter-test", "--format", "json")...)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	var rows []struct {
		Name         string `json:"name"`
		BucketPolicy struct {
			Decision string `json:"decision"`
		} `json:"bucketPolicy"`
		SCP *struct {
			Decision string `json:"decision"`
		} `json:"scp"`
	}
	if err := json.Unmarshal([]byte(out), &rows); err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	got := map[string]string{}
	for _, r := range rows {
		scp := "n/a"
		if r.SCP != nil {
			scp = r.SCP.Decision
		}
		got[r.Name] = r.BucketPolicy.Decision + "/" + scp
	}
	want := map[string]string{
		"from " + perimVPCLocal + " (through its S3 endpoint)":              "not-denied/not-denied",
		"from " + perimVPCVPN + " (through its S3 endpoint)":                "not-denied/not-denied",
		"from the trusted range 192.0.2.0/24 (192.0.2.1)":                   "not-denied/not-denied",
		"with the exempt tag NetworkRestrictedExempt=true, from elsewhere":  "not-denied/not-denied",
		"via an AWS service on the caller's behalf (e.g. Athena)":           "not-denied/not-denied",
		"as an AWS service principal (S3 server access logging)":            "not-denied/n/a",
		"from elsewhere (198.51.100.20, no tag)":                            "denied/denied",
		"through the NAT gateway 203.0.113.10":                              "denied/denied",
		"through the NAT gateway 203.0.113.20":                              "denied/denied",
		"with the exempt tag NetworkRestrictedExempt=false, from elsewhere": "denied/denied",
	}
	for name, w := range want {
		if got[name] != w {
			t.Errorf("%s: %q, want %q", name, got[name], w)
		}
	}
	if !strings.Contains(errOut, "egresses through NAT gateway") {
		t.Errorf("plan without the NAT addresses should warn:\n%s", errOut)
	}

	// With the NAT addresses the NAT rows turn to not-denied.
	code, out, errOut = qpeRun(t, "", perimSeedArgs("plan", "--bucket", "quilt-perimeter-test", "--nat-ips", "auto")...)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	for _, line := range strings.Split(out, "\n") {
		if strings.Contains(line, "through the NAT gateway 203.0.113.") && !strings.Contains(line, "not-denied     not-denied") {
			t.Errorf("NAT row with the NAT addresses: %q", line)
		}
	}
	if !strings.Contains(out, "Test plan for s3://quilt-perimeter-test") || !strings.Contains(out, "How to run each request") {
		t.Errorf("text plan:\n%s", out)
	}
}

// TestPerimeterPartitionFromConfig: without --region, the AWS
// configuration's Region picks the partition of the ARNs.
func TestPerimeterPartitionFromConfig(t *testing.T) {
	perimFakeAWS(t)
	t.Setenv("AWS_REGION", "cn-north-1")
	code, out, errOut := qpeRun(t, "", perimSeedArgs("scp", "--nat-ips", "auto")...)
	if code != 0 || !strings.Contains(out, `"arn:aws-cn:s3:::quilt*"`) {
		t.Errorf("exit %d\n%s\n%s", code, out, errOut)
	}
}
