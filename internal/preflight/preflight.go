// Package preflight checks that a VPC is ready for a Quilt stack with private
// endpoints: the execute-api interface endpoint (and its policy, and the
// users' networks), the S3 gateway endpoint (and its policy), the buckets'
// Region, egress to every AWS service the stack calls (NAT, or a VPC endpoint
// per service; see internal/awsservices), and the private and user subnets.
//
// Run(ctx, clients, input) reads the VPC inventory with a fixed number of
// concurrent Describe calls (batched by VPC filter and id lists, paginated),
// then evaluates every check of Catalogue() against it and returns a
// finding.Report holding every problem found, not just the first. An AWS call
// that keeps failing (after the SDK's retries) becomes a QPE-AWS-001 finding
// "could not check X: <error>" for each check that needed it; Run never panics
// on AWS answers and returns by the deadline (Input.Timeout, or the context's).
//
// Callers: `qpe check` (laptop), the deploy-time custom resource, and
// `qpe verify` on a deployed stack. Build Clients with NewClients(cfg) from an
// aws.Config (see internal/awsclient), or fill Clients with any value that
// implements EC2API and S3API.
package preflight

import (
	"context"
	"slices"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/quiltdata/quilt-private-endpoints/internal/awsclient"
	"github.com/quiltdata/quilt-private-endpoints/internal/finding"
	"github.com/quiltdata/quilt-private-endpoints/internal/vpcrules"
)

// DefaultTimeout bounds a whole Run when neither Input.Timeout nor the context
// sets a deadline.
const DefaultTimeout = 60 * time.Second

// Input names what to check.
type Input struct {
	// Region is the stack's Region (e.g. "us-east-1"). Required.
	Region string
	// VpcID is the VPC the stack's Lambdas run in.
	VpcID string
	// SubnetIDs are the private subnets the stack's Lambdas use.
	SubnetIDs []string
	// APIEndpointID is the execute-api interface endpoint (vpce-...).
	APIEndpointID string
	// EndpointOptional: an empty APIEndpointID is not a finding (the stack
	// creates the endpoint, or the caller reports its absence itself); the
	// endpoint checks are still skipped. A malformed id is still reported.
	EndpointOptional bool
	// Buckets are the S3 buckets the stack's code reaches through the S3
	// gateway endpoint, which must be in Region (optional). Leave out
	// buckets that other services read for the stack (an organisation's
	// CloudTrail bucket, read by CloudTrail and Athena): a bucket whose
	// Region cannot be read because access is denied is only a warning.
	Buckets []string
	// EgressServices are the AWS services the stack's VPC resources call,
	// by awsservices name ("sqs", "monitoring", "ecr.api"); empty means
	// awsservices.QuiltDefault(). Without a working NAT route each needs a
	// VPC endpoint; one that has none makes the NAT route mandatory.
	EgressServices []string
	// UserSubnets are the subnets of the internal load balancer (optional):
	// they must exist, be in the VPC and span two Availability Zones.
	UserSubnets []string
	// ServiceSubnets are the subnets of the ECS services behind the
	// internal load balancer (optional): UserSubnets must have a subnet in
	// each of their Availability Zones.
	ServiceSubnets []string
	// ClientCidrs are the networks of the catalog's users (office, VPN;
	// optional): the execute-api endpoint must let them in on TCP 443.
	ClientCidrs []string
	// AccountID is the stack's account (optional; else the endpoints'
	// owner), for the ARNs the endpoint policies are evaluated on.
	AccountID string
	// VPNClients adds the checks for users who reach S3 over a VPN.
	VPNClients bool
	// CallerSecurityGroupIDs are security groups the callers of the
	// execute-api endpoint use (optional; known after deploy). An endpoint
	// rule allowing 443 from one of them counts as allowing the subnets.
	CallerSecurityGroupIDs []string
	// Lambda is set when the check runs in the custom resource's Lambda:
	// remedies then speak of the function's role and Timeout and of
	// retrying the stack operation, not of qpe check's flags.
	Lambda bool
	// Timeout bounds the whole run (default DefaultTimeout).
	Timeout time.Duration
	// Progress, when set, receives short progress lines (for stderr),
	// including every ProgressInterval (default 2s) the calls still waited
	// for.
	Progress         func(msg string)
	ProgressInterval time.Duration
}

// EC2API is the part of *ec2.Client the checks use.
type EC2API interface {
	vpcrules.EC2Reader
	DescribeVpcAttribute(ctx context.Context, in *ec2.DescribeVpcAttributeInput, optFns ...func(*ec2.Options)) (*ec2.DescribeVpcAttributeOutput, error)
	DescribeNatGateways(ctx context.Context, in *ec2.DescribeNatGatewaysInput, optFns ...func(*ec2.Options)) (*ec2.DescribeNatGatewaysOutput, error)
}

// S3API is the part of *s3.Client the checks use.
type S3API interface {
	GetBucketLocation(ctx context.Context, in *s3.GetBucketLocationInput, optFns ...func(*s3.Options)) (*s3.GetBucketLocationOutput, error)
	HeadBucket(ctx context.Context, in *s3.HeadBucketInput, optFns ...func(*s3.Options)) (*s3.HeadBucketOutput, error)
}

// Clients are the AWS clients Run uses.
type Clients struct {
	EC2 EC2API
	S3  S3API
}

// NewClients builds the real SDK clients from cfg (S3 path-style when its
// endpoint is overridden, see awsclient.S3Options).
func NewClients(cfg aws.Config) Clients {
	return Clients{
		EC2: ec2.NewFromConfig(cfg),
		S3:  s3.NewFromConfig(cfg, awsclient.S3Options),
	}
}

// Run reads the inventory and evaluates every check. It always returns a
// report; problems reaching AWS are findings (QPE-AWS-001), not errors.
func Run(ctx context.Context, c Clients, in Input) finding.Report {
	return Inspect(ctx, c, in).Report
}

// Result is what Inspect found: the report, and the available S3 gateway
// endpoints that route the private subnets' effective route tables (sorted),
// for callers that return their ids.
type Result struct {
	finding.Report
	S3GatewayEndpointIDs []string
}

// Inspect runs the checks like Run and also returns what the inventory
// showed that callers need, so they make no AWS call of their own.
func Inspect(ctx context.Context, c Clients, in Input) Result {
	timeout := in.Timeout
	if timeout <= 0 {
		timeout = DefaultTimeout
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()

	in = normalize(in)
	progress(in, "reading the inventory of %s in %s (%d subnets)", in.VpcID, in.Region, len(in.SubnetIDs))
	start := time.Now()
	inv := collect(ctx, c, in)
	progress(in, "inventory read in %s (%d AWS calls)", time.Since(start).Round(time.Millisecond), inv.calls.Load())
	fs := Catalogue().Run(inv, inv.runnable)
	for i := range fs {
		// A resource is one line; a message or remedy that lists services
		// keeps one per line (qpe check prints them so; the custom
		// resource's Reason joins the lines).
		fs[i].Resource = oneLine(fs[i].Resource)
	}
	var gateways []string
	for _, g := range inv.tableGroups() {
		if id := inv.s3GatewayFor(g.id); id != "" && !slices.Contains(gateways, id) {
			gateways = append(gateways, id)
		}
	}
	slices.Sort(gateways)
	return Result{Report: causeFirst(finding.NewReport(fs)), S3GatewayEndpointIDs: gateways}
}

// causeFirst puts a missing VPC (QPE-NET-001) first: in the wrong Region,
// or the wrong account, the endpoint and the subnets are missing too, and
// the fixes of those findings (create an endpoint in the VPC) would send
// the reader the wrong way.
func causeFirst(rep finding.Report) finding.Report {
	i := slices.IndexFunc(rep.Findings, func(f finding.Finding) bool { return f.ID == checkVPCExists().ID })
	if i > 0 {
		f := rep.Findings[i]
		copy(rep.Findings[1:i+1], rep.Findings[:i])
		rep.Findings[0] = f
	}
	return rep
}
