package perimeter

import (
	"strings"
	"testing"

	"github.com/quiltdata/quilt-private-endpoints/internal/perimeter/policy"
)

// The seed's example: vpc-LOCAL and vpc-VPN (written here as real-looking
// IDs, since the generator validates them), the NetworkRestrictedExempt tag,
// the range 192.0.2.0 - 192.0.2.255 and AWS services.
const (
	vpcLocal = "vpc-0100000000000000a"
	vpcVPN   = "vpc-0200000000000000b"
	natIP    = "203.0.113.10"
)

type ctx = map[string][]string

func seedOptions(scope Scope, nat bool) Options {
	o := Options{VPCs: []string{vpcLocal, vpcVPN}, IPs: []string{"192.0.2.0 - 192.0.2.255"}, Scope: scope}
	if nat {
		o.NATIPs = []string{natIP}
	}
	return o
}

// parsed generates, renders (minified, as submitted) and parses back.
func parsed(t *testing.T, d *Document) *policy.Policy {
	t.Helper()
	text, err := Render(d, false)
	if err != nil {
		t.Fatal(err)
	}
	p, err := policy.Parse(text)
	if err != nil {
		t.Fatalf("generated policy does not parse: %v\n%s", err, text)
	}
	return p
}

// TestSeedRequests evaluates the seed's requests, and the edge cases around
// them, against the generated SCP and bucket policy.
func TestSeedRequests(t *testing.T) {
	const (
		object     = "arn:aws:s3:::quilt-data/packages/key"
		testBucket = "quilt-perimeter-test"
		testObject = "arn:aws:s3:::quilt-perimeter-test/key"
		denied     = policy.Denied
		notDenied  = policy.NotDenied
		tagKey     = "aws:PrincipalTag/NetworkRestrictedExempt"
		outsideIP  = "198.51.100.20"
		scpOnly    = "" // the bucket policy is not asked
		byVPC      = `StringNotEqualsIfExists {"aws:SourceVpc"`
		byTag      = `StringNotEqualsIfExists {"aws:PrincipalTag/NetworkRestrictedExempt"`
		byIP       = `NotIpAddressIfExists {"aws:SourceIp"`
		byViaAWS   = `BoolIfExists {"aws:ViaAWSService"`
		byAllHeld  = `BoolIfExists {"aws:ViaAWSService": "false"} is true`
	)
	cases := []struct {
		name       string
		scope      Scope
		nat        bool
		action     string
		resource   string // for the SCP; the bucket policy is asked about testObject
		principal  string
		ctx        ctx
		wantSCP    policy.Decision
		wantBucket policy.Decision // "" to skip
		wantWhy    string          // a prefix of the SCP's deciding condition ("" to skip)
		wantBktWhy string          // a prefix of the bucket policy's deciding condition
		uncovered  bool            // no SCP statement covers the action and resource
	}{
		// The seed's table.
		{name: "from vpc-LOCAL", action: "s3:GetObject", resource: object,
			ctx:     ctx{"aws:SourceVpc": {vpcLocal}, "aws:VpcSourceIp": {"10.0.1.25"}},
			wantSCP: notDenied, wantBucket: notDenied, wantWhy: byVPC, wantBktWhy: byVPC},
		{name: "from vpc-VPN", action: "s3:PutObject", resource: object,
			ctx:     ctx{"aws:SourceVpc": {vpcVPN}, "aws:VpcSourceIp": {"10.8.0.9"}},
			wantSCP: notDenied, wantBucket: notDenied, wantWhy: byVPC},
		{name: "with the exempt tag", action: "s3:GetObject", resource: object,
			ctx:     ctx{"aws:SourceIp": {outsideIP}, tagKey: {"true"}},
			wantSCP: notDenied, wantBucket: notDenied, wantWhy: byTag},
		{name: "from the IP range", action: "s3:GetObject", resource: object,
			ctx:     ctx{"aws:SourceIp": {"192.0.2.77"}},
			wantSCP: notDenied, wantBucket: notDenied, wantWhy: byIP},
		{name: "from the IP range, last address", action: "s3:GetObject", resource: object,
			ctx:     ctx{"aws:SourceIp": {"192.0.2.255"}},
			wantSCP: notDenied, wantBucket: notDenied},
		{name: "as an AWS service (on the caller's behalf)", action: "s3:GetObject", resource: object,
			ctx:     ctx{"aws:ViaAWSService": {"true"}, "aws:CalledVia": {"athena.amazonaws.com"}},
			wantSCP: notDenied, wantBucket: notDenied, wantWhy: byViaAWS},
		{name: "as an AWS service principal (bucket policy)", action: "s3:PutObject", resource: object, principal: "logging.s3.amazonaws.com",
			ctx:        ctx{"aws:PrincipalIsAWSService": {"true"}},
			wantSCP:    notDenied, // SCPs never apply to service principals
			wantBucket: notDenied, wantBktWhy: `BoolIfExists {"aws:PrincipalIsAWSService"`},
		{name: "from elsewhere", action: "s3:GetObject", resource: object,
			ctx:     ctx{"aws:SourceIp": {outsideIP}, "aws:ViaAWSService": {"false"}},
			wantSCP: denied, wantBucket: denied, wantWhy: byAllHeld},

		// Edge cases.
		{name: "missing keys: no network keys at all", action: "s3:GetObject", resource: object,
			ctx:     ctx{},
			wantSCP: denied, wantBucket: denied},
		{name: "IfExists: through an endpoint of an untrusted VPC (no aws:SourceIp)", action: "s3:GetObject", resource: object,
			ctx:     ctx{"aws:SourceVpc": {"vpc-0ffffffffffffffff"}, "aws:VpcSourceIp": {"192.0.2.10"}},
			wantSCP: denied, wantBucket: denied},
		{name: "IfExists: aws:VpcSourceIp in the range does not count", action: "s3:GetObject", resource: object,
			ctx:     ctx{"aws:SourceVpc": {"vpc-0ffffffffffffffff"}, "aws:VpcSourceIp": {"192.0.2.10"}},
			wantSCP: denied},
		{name: "key case: AWS:SOURCEVPC", action: "s3:GetObject", resource: object,
			ctx:     ctx{"AWS:SOURCEVPC": {vpcLocal}},
			wantSCP: notDenied, wantBucket: notDenied},
		{name: "key case: tag key in lower case", action: "s3:GetObject", resource: object,
			ctx:     ctx{"aws:principaltag/networkrestrictedexempt": {"true"}, "aws:SourceIp": {outsideIP}},
			wantSCP: notDenied, wantBucket: notDenied},
		{name: "value case: exempt tag True is not true", action: "s3:GetObject", resource: object,
			ctx:     ctx{tagKey: {"True"}, "aws:SourceIp": {outsideIP}},
			wantSCP: denied, wantBucket: denied},
		{name: "value case: VPC ID in upper case", action: "s3:GetObject", resource: object,
			ctx:     ctx{"aws:SourceVpc": {strings.ToUpper(vpcLocal)}},
			wantSCP: denied},
		{name: "exempt tag false", action: "s3:GetObject", resource: object,
			ctx:     ctx{tagKey: {"false"}, "aws:SourceIp": {outsideIP}},
			wantSCP: denied, wantBucket: denied},
		{name: "explicit aws:ViaAWSService false from vpc-LOCAL", action: "s3:GetObject", resource: object,
			ctx:     ctx{"aws:ViaAWSService": {"false"}, "aws:SourceVpc": {vpcLocal}},
			wantSCP: notDenied, wantBucket: notDenied},
		{name: "a bucket without the prefix is outside the S3 scope", action: "s3:GetObject", resource: "arn:aws:s3:::other-data/key",
			ctx:     ctx{"aws:SourceIp": {outsideIP}},
			wantSCP: notDenied, uncovered: true},
		{name: "the bucket ARN itself is covered", action: "s3:ListBucket", resource: "arn:aws:s3:::quilt-data",
			ctx:     ctx{"aws:SourceIp": {outsideIP}},
			wantSCP: denied},
		{name: "S3 scope leaves other services alone", action: "sns:Publish", resource: "arn:aws:sns:us-east-1:111122223333:t",
			ctx:     ctx{"aws:SourceIp": {outsideIP}},
			wantSCP: notDenied},
		{name: "IPv6 caller outside the range", action: "s3:GetObject", resource: object,
			ctx:     ctx{"aws:SourceIp": {"2001:db8::1"}},
			wantSCP: denied, wantBucket: denied},

		// NAT egress: a bucket in another Region, reached through the NAT.
		{name: "through the NAT without the NAT IPs", action: "s3:GetObject", resource: "arn:aws:s3:::quilt-eu-data/key",
			ctx:     ctx{"aws:SourceIp": {natIP}, "aws:ViaAWSService": {"false"}},
			wantSCP: denied, wantBucket: denied},
		{name: "through the NAT with the NAT IPs", nat: true, action: "s3:GetObject", resource: "arn:aws:s3:::quilt-eu-data/key",
			ctx:     ctx{"aws:SourceIp": {natIP}, "aws:ViaAWSService": {"false"}},
			wantSCP: notDenied, wantBucket: notDenied, wantWhy: byIP},
		{name: "scope all: ECR through the NAT without the NAT IPs", scope: ScopeAll, action: "ecr:GetAuthorizationToken", resource: "*",
			ctx:     ctx{"aws:SourceIp": {natIP}},
			wantSCP: denied, wantBucket: scpOnly},
		{name: "scope all: SNS through the NAT with the NAT IPs", scope: ScopeAll, nat: true, action: "sns:Publish", resource: "arn:aws:sns:us-east-1:111122223333:t",
			ctx:     ctx{"aws:SourceIp": {natIP}},
			wantSCP: notDenied, wantBucket: scpOnly},

		// NotAction (scope all).
		{name: "scope all: NotAction exempts OpenSearch data plane", scope: ScopeAll, action: "es:ESHttpGet", resource: "arn:aws:es:us-east-1:111122223333:domain/d/*",
			ctx:     ctx{"aws:SourceIp": {outsideIP}},
			wantSCP: notDenied, uncovered: true},
		{name: "scope all: NotAction exempts rds-db:connect", scope: ScopeAll, action: "RDS-DB:Connect", resource: "*",
			ctx:     ctx{"aws:SourceIp": {outsideIP}},
			wantSCP: notDenied},
		{name: "scope all: other actions are denied from elsewhere", scope: ScopeAll, action: "sqs:SendMessage", resource: "arn:aws:sqs:us-east-1:111122223333:q",
			ctx:     ctx{"aws:SourceIp": {outsideIP}},
			wantSCP: denied},
		{name: "scope all: the EC2 infrastructure role is exempt", scope: ScopeAll, action: "kms:Decrypt", resource: "*",
			ctx:     ctx{"aws:SourceIp": {outsideIP}, "aws:PrincipalArn": {"arn:aws:iam::111122223333:role/aws:ec2-infrastructure"}},
			wantSCP: notDenied, wantWhy: `ArnNotLikeIfExists`},
		{name: "scope all: from vpc-VPN", scope: ScopeAll, action: "sts:AssumeRole", resource: "arn:aws:iam::111122223333:role/r",
			ctx:     ctx{"aws:SourceVpc": {vpcVPN}},
			wantSCP: notDenied},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			spec, err := seedOptions(tc.scope, tc.nat).Validate()
			if err != nil {
				t.Fatal(err)
			}
			scp := parsed(t, spec.SCP())
			res, err := policy.Evaluate(scp, policy.Request{Action: tc.action, Resource: tc.resource, Principal: tc.principal, Context: tc.ctx})
			if err != nil {
				t.Fatal(err)
			}
			if res.Decision != tc.wantSCP {
				t.Errorf("SCP: %s, want %s (%s; %s)", res.Decision, tc.wantSCP, res.Reason, res.Condition)
			}
			if tc.wantWhy != "" && !strings.HasPrefix(res.Condition, tc.wantWhy) {
				t.Errorf("SCP decided by %q, want %q...", res.Condition, tc.wantWhy)
			}
			if tc.uncovered && (res.Statement != "" || !strings.Contains(res.Reason, "no Deny statement covers")) {
				t.Errorf("SCP: want no covering statement, got %q: %s", res.Statement, res.Reason)
			}
			if tc.wantBucket == "" {
				return
			}
			bp, err := spec.BucketPolicy(testBucket)
			if err != nil {
				t.Fatal(err)
			}
			// S3 sets the bucket's and the caller's accounts on every request.
			ctx := map[string][]string{"aws:ResourceAccount": {ExampleAccount}, "aws:PrincipalAccount": {ExampleAccount}}
			if parts := strings.SplitN(tc.principal, ":", 6); len(parts) == 6 {
				ctx["aws:PrincipalAccount"] = []string{parts[4]}
			}
			for k, v := range tc.ctx {
				ctx[k] = v
			}
			res, err = policy.Evaluate(parsed(t, bp), policy.Request{Action: tc.action, Resource: testObject, Principal: tc.principal, Context: ctx})
			if err != nil {
				t.Fatal(err)
			}
			if res.Decision != tc.wantBucket {
				t.Errorf("bucket policy: %s, want %s (%s; %s)", res.Decision, tc.wantBucket, res.Reason, res.Condition)
			}
			if tc.wantBktWhy != "" && !strings.HasPrefix(res.Condition, tc.wantBktWhy) {
				t.Errorf("bucket policy decided by %q, want %q...", res.Condition, tc.wantBktWhy)
			}
			if !res.ResourcePolicy || res.AllowMatched {
				t.Errorf("bucket policy: resource policy %v, allow matched %v", res.ResourcePolicy, res.AllowMatched)
			}
		})
	}
}
