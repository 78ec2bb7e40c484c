package perimeter

import (
	"fmt"
	"net/netip"
	"sort"
	"strings"

	"github.com/quiltdata/quilt-private-endpoints/internal/perimeter/policy"
)

// Example values used to build requests. They come from the ranges AWS and
// RFC 5737 reserve for documentation, so they never name a real caller.
const (
	ExampleAccount   = "111122223333"
	exampleRole      = "quilt-stack-role"
	ExampleNATIP     = "203.0.113.10"  // stands for a NAT gateway's public address
	ExampleOutsideIP = "198.51.100.20" // a caller outside every trusted range
	exampleServiceIP = "198.51.100.10" // the address an AWS service calls from
	exampleVPCIP     = "10.0.1.25"     // a private address inside a VPC
	exampleOtherVPC  = "vpc-0ffffffffffffffff"
	exampleRegion    = "us-east-1"
)

// Path is how a call reaches AWS.
type Path string

// Paths.
const (
	// PathNAT: the call leaves the VPC through a NAT gateway, so it carries
	// the NAT's public address as aws:SourceIp and no aws:SourceVpc.
	PathNAT Path = "nat"
	// PathLambdaService: the Lambda service makes the call with the
	// function's execution role (ENI management for VPC-attached functions),
	// from AWS's own addresses.
	PathLambdaService Path = "lambda-service"
)

// StackCall is a call the Quilt stack makes that a perimeter can stop.
type StackCall struct {
	Group    string // what the calls are for, e.g. "ECR image pulls"
	Action   string
	Resource string
	Path     Path
}

// StackCalls lists the stack's calls that do not come through a VPC
// endpoint and so carry no aws:SourceVpc: S3 to buckets in other Regions
// (a gateway endpoint serves only its own Region) and, for a perimeter on
// every action, the ECR, SNS, CloudWatch Logs and STS calls that go through
// the NAT and Lambda's ENI management.
func (s *Spec) StackCalls() []StackCall {
	region := s.Region
	if region == "" {
		region = exampleRegion
	}
	p := s.Partition
	other := fmt.Sprintf("arn:%s:s3:::%s-bucket-in-another-region", p, s.BucketPrefix)
	s3Group := fmt.Sprintf("S3 to %s* buckets in other Regions (the S3 gateway endpoint serves only its own Region)", s.BucketPrefix)
	calls := []StackCall{
		{s3Group, "s3:GetObject", other + "/key", PathNAT},
		{s3Group, "s3:PutObject", other + "/key", PathNAT},
		{s3Group, "s3:ListBucket", other, PathNAT},
	}
	if s.Scope != ScopeAll {
		return calls
	}
	arn := func(service, resource string) string {
		return fmt.Sprintf("arn:%s:%s:%s:%s:%s", p, service, region, ExampleAccount, resource)
	}
	return append(calls,
		StackCall{"ECR image pulls", "ecr:GetAuthorizationToken", "*", PathNAT},
		StackCall{"ECR image pulls", "ecr:BatchGetImage", arn("ecr", "repository/quilt"), PathNAT},
		StackCall{"ECR image pulls", "ecr:GetDownloadUrlForLayer", arn("ecr", "repository/quilt"), PathNAT},
		StackCall{"SNS notifications", "sns:Publish", arn("sns", "quilt-events"), PathNAT},
		StackCall{"CloudWatch Logs", "logs:CreateLogStream", arn("logs", "log-group:/quilt/stack:*"), PathNAT},
		StackCall{"CloudWatch Logs", "logs:PutLogEvents", arn("logs", "log-group:/quilt/stack:*"), PathNAT},
		StackCall{"STS", "sts:AssumeRole", fmt.Sprintf("arn:%s:iam::%s:role/quilt-*", p, ExampleAccount), PathNAT},
		StackCall{"STS", "sts:GetCallerIdentity", "*", PathNAT},
		StackCall{"Lambda ENI management by the execution role", "ec2:CreateNetworkInterface", arn("ec2", "network-interface/*"), PathLambdaService},
		StackCall{"Lambda ENI management by the execution role", "ec2:DescribeNetworkInterfaces", "*", PathLambdaService},
		StackCall{"Lambda ENI management by the execution role", "ec2:DeleteNetworkInterface", arn("ec2", "network-interface/*"), PathLambdaService},
	)
}

// stackPrincipal returns the request identity of the stack's role.
func (s *Spec) stackPrincipal() (session, role string) {
	return fmt.Sprintf("arn:%s:sts::%s:assumed-role/%s/session", s.Partition, ExampleAccount, exampleRole),
		fmt.Sprintf("arn:%s:iam::%s:role/%s", s.Partition, ExampleAccount, exampleRole)
}

// Request builds the request a stack call makes when it leaves through a
// NAT gateway with the public address natIP.
func (s *Spec) Request(c StackCall, natIP string) policy.Request {
	session, role := s.stackPrincipal()
	ip := natIP
	switch c.Path {
	case PathLambdaService:
		ip = exampleServiceIP
	case PathPreflight:
		ip = exampleServiceIP
		session = fmt.Sprintf("arn:%s:sts::%s:assumed-role/%s/quilt-private-endpoints-preflight", s.Partition, ExampleAccount, preflightRole)
		role = fmt.Sprintf("arn:%s:iam::%s:role/%s", s.Partition, ExampleAccount, preflightRole)
	}
	return policy.Request{
		Action: c.Action, Resource: c.Resource, Principal: session,
		Context: func() map[string][]string {
			m := s.exampleContext()
			m["aws:SourceIp"] = []string{ip}
			m["aws:PrincipalArn"] = []string{role}
			return m
		}(),
	}
}

// exampleOtherAccount stands for an account the bucket is shared with.
const exampleOtherAccount = "444455556666"

// exampleContext is the context of a request by a principal of the
// example account (the bucket owner's), in the organization when the spec
// names one.
func (s *Spec) exampleContext() map[string][]string {
	m := map[string][]string{
		"aws:PrincipalAccount":      {ExampleAccount},
		"aws:ResourceAccount":       {ExampleAccount},
		"aws:ViaAWSService":         {"false"},
		"aws:PrincipalIsAWSService": {"false"},
	}
	if s.ExemptOrgID != "" {
		m["aws:PrincipalOrgID"] = []string{s.ExemptOrgID}
	}
	return m
}

// NATStatus is what is known of the VPCs' NAT gateways.
type NATStatus struct {
	// Known is true when the gateways were read from AWS (or the caller
	// stated there are none); Gateways then lists them.
	Known    bool
	Gateways []NATGateway
	// Reason says why they are not known (e.g. the lookup failed).
	Reason string
	// LookedUp is true when Gateways come from a lookup in the VPCs (not
	// from the caller): finding none there does not rule out an egress
	// through a Transit Gateway or another VPC's NAT.
	LookedUp bool
}

// Warnings evaluates the stack's calls against the policy text and returns
// one warning per way the policy would lock the stack out: for each VPC
// that egresses through NAT gateways whose addresses the policy does not
// trust, the calls it denies through them; when the NAT gateways are not
// known, the calls it would deny through a NAT (evaluated with an example
// address); and the calls the Lambda service makes with the execution role.
func (s *Spec) Warnings(policyText []byte, nat NATStatus) ([]string, error) {
	return s.warnings(policyText, nat, s.StackCalls())
}

// BucketWarnings is Warnings for the bucket policy of one bucket: the
// stack's S3 calls to that bucket that leave through a NAT gateway (the
// bucket in another Region than the VPC's gateway endpoint).
func (s *Spec) BucketWarnings(policyText []byte, nat NATStatus, bucket string) ([]string, error) {
	var calls []StackCall
	for _, c := range s.StackCalls() {
		if strings.HasPrefix(c.Action, "s3:") {
			c.Group = fmt.Sprintf("S3 to %s when it is in another Region than the VPC's S3 gateway endpoint", bucket)
			c.Resource = fmt.Sprintf("arn:%s:s3:::%s", s.Partition, bucket)
			if c.Action != "s3:ListBucket" {
				c.Resource += "/key"
			}
			calls = append(calls, c)
		}
	}
	return s.warnings(policyText, nat, calls)
}

func (s *Spec) warnings(policyText []byte, nat NATStatus, stackCalls []StackCall) ([]string, error) {
	p, err := policy.Parse(policyText)
	if err != nil {
		return nil, err
	}
	denied := func(ip string, path Path) ([]StackCall, error) {
		var out []StackCall
		for _, c := range stackCalls {
			if c.Path != path {
				continue
			}
			res, err := policy.Evaluate(p, s.Request(c, ip))
			if err != nil {
				return nil, fmt.Errorf("evaluating %s: %w", c.Action, err)
			}
			if res.Decision == policy.Denied {
				out = append(out, c)
			}
		}
		return out, nil
	}
	var warnings []string
	switch {
	case !nat.Known:
		calls, err := denied(ExampleNATIP, PathNAT)
		if err != nil {
			return nil, err
		}
		if len(calls) > 0 {
			reason := ""
			if nat.Reason != "" {
				reason = " (" + nat.Reason + ")"
			}
			verb, pronoun := "egress", "they do"
			if len(s.VPCs) == 1 {
				verb, pronoun = "egresses", "it does"
			}
			warnings = append(warnings, fmt.Sprintf(
				"could not tell whether %s %s through a NAT gateway%s; if %s, this policy denies the stack's calls that leave through it (they carry the NAT's public address and no aws:SourceVpc): %s. Pass --nat-ips auto, or --nat-ips with the NAT gateways' public addresses, or --nat-ips none when there is no NAT.",
				strings.Join(s.VPCs, ", "), verb, reason, pronoun, describeCalls(calls)))
		}
	case nat.LookedUp && len(nat.Gateways) == 0:
		calls, err := denied(ExampleNATIP, PathNAT)
		if err != nil {
			return nil, err
		}
		if len(calls) > 0 {
			warnings = append(warnings, fmt.Sprintf(
				"no public NAT gateway in %s; if they egress through a Transit Gateway or a NAT gateway in another VPC (centralised egress), this policy denies the stack's calls that leave through it (they carry that NAT's public address and no aws:SourceVpc): %s. Pass that NAT gateway's public addresses with --nat-ips, or --nat-ips none when there is no such egress.",
				strings.Join(s.VPCs, ", "), describeCalls(calls)))
		}
	default:
		for _, g := range nat.Gateways {
			var all []StackCall
			var blocked []string
			for _, ip := range g.PublicIPs {
				calls, err := denied(ip, PathNAT)
				if err != nil {
					return nil, err
				}
				if len(calls) > 0 {
					blocked = append(blocked, ip)
					all = calls
				}
			}
			if len(blocked) == 0 {
				continue
			}
			warnings = append(warnings, fmt.Sprintf(
				"%s egresses through NAT gateway %s (%s), whose address this policy does not trust: it denies the stack's calls that leave through it: %s. Pass --nat-ips auto (or --nat-ips %s).",
				g.VPCID, g.ID, strings.Join(blocked, ", "), describeCalls(all), strings.Join(g.PublicIPs, ",")))
		}
	}
	if private := s.privatePrefixes(); len(private) > 0 {
		warnings = append(warnings, fmt.Sprintf(
			"--ip %s: private addresses never appear as aws:SourceIp (a request through a VPC endpoint carries aws:SourceVpc and aws:VpcSourceIp instead), so these ranges trust nothing; list the VPC with --vpc instead",
			strings.Join(private, ", ")))
	}
	calls, err := denied(exampleServiceIP, PathLambdaService)
	if err != nil {
		return nil, err
	}
	if len(calls) > 0 {
		warnings = append(warnings, fmt.Sprintf(
			"this policy denies the Lambda service's calls with the functions' execution roles: %s; VPC-attached functions then cannot create or delete their network interfaces. Tag the execution roles %s=true, or use --scope s3.",
			describeCalls(calls), s.ExemptTag))
	}
	return warnings, nil
}

// describeCalls renders calls grouped: "ECR image pulls (ecr:A, ecr:B); SNS (sns:Publish)".
func describeCalls(calls []StackCall) string {
	var groups []string
	byGroup := map[string][]string{}
	for _, c := range calls {
		if _, ok := byGroup[c.Group]; !ok {
			groups = append(groups, c.Group)
		}
		byGroup[c.Group] = append(byGroup[c.Group], c.Action)
	}
	parts := make([]string, 0, len(groups))
	for _, g := range groups {
		acts := byGroup[g]
		sort.Strings(acts)
		parts = append(parts, fmt.Sprintf("%s [%s]", g, strings.Join(acts, ", ")))
	}
	return strings.Join(parts, "; ")
}

// privatePrefixes returns the trusted ranges that lie in private address
// space (RFC 1918, RFC 4193).
func (s *Spec) privatePrefixes() []string {
	var out []string
	for _, p := range s.Prefixes {
		pr, err := netip.ParsePrefix(p)
		if err == nil && pr.Addr().IsPrivate() {
			out = append(out, p)
		}
	}
	return out
}
