package preflight

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	"github.com/aws/aws-sdk-go-v2/service/ec2/types"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/quiltdata/quilt-private-endpoints/internal/awserr"
	"github.com/quiltdata/quilt-private-endpoints/internal/awsid"
	"github.com/quiltdata/quilt-private-endpoints/internal/fanout"
	"github.com/quiltdata/quilt-private-endpoints/internal/finding"
)

// item is one piece of the inventory, named by what it is and the call that
// reads it (used in "could not check" findings).
type item string

const (
	itemVPC         item = "the VPC (ec2:DescribeVpcs)"
	itemDNS         item = "the VPC DNS attributes (ec2:DescribeVpcAttribute)"
	itemSubnets     item = "the private subnets (ec2:DescribeSubnets)"
	itemVPCSubnets  item = "the VPC's subnets (ec2:DescribeSubnets)"
	itemRouteTables item = "the route tables (ec2:DescribeRouteTables)"
	itemEndpoints   item = "the VPC endpoints (ec2:DescribeVpcEndpoints)"
	itemAPIEndpoint item = "the execute-api endpoint (ec2:DescribeVpcEndpoints)"
	itemGroups      item = "the security groups (ec2:DescribeSecurityGroups)"
	itemNATs        item = "the NAT gateways (ec2:DescribeNatGateways)"
	itemUserSubnets item = "the user subnets (ec2:DescribeSubnets)"
	itemBuckets     item = "the buckets' Regions (s3:GetBucketLocation)" // failures are per bucket
)

// pageSize is the MaxResults of every paginated Describe call.
const pageSize = 1000

// maxInFlight bounds the inventory's calls in flight: more than its
// eleven items, so that one round trip reads them all, but not one
// goroutine per call for a long bucket list.
const maxInFlight = 16

// inventory is everything the checks read, gathered up front.
type inventory struct {
	in Input

	mu      sync.Mutex
	errs    map[item]error
	skipped map[item]bool
	calls   atomic.Int64

	vpc          *types.Vpc // nil: not found
	dnsSupport   bool
	dnsHostnames bool
	subnets      map[string]types.Subnet // the given subnets that exist (any VPC)
	userSubnets  map[string]types.Subnet // the given user subnets that exist (any VPC)
	vpcSubnets   map[string]types.Subnet // every subnet of the VPC
	routeTables  []types.RouteTable      // every route table of the VPC
	endpoints    []types.VpcEndpoint     // every endpoint of the VPC
	apiEndpoint  *types.VpcEndpoint      // nil: not found
	groups       map[string]types.SecurityGroup
	nats         map[string]types.NatGateway
	buckets      map[string]bucketInfo
}

// bucketInfo is what S3 said about a bucket.
type bucketInfo struct {
	region   string
	notFound bool
	// denied: both GetBucketLocation and HeadBucket were refused (err is
	// GetBucketLocation's), typically a bucket of another account.
	denied bool
	err    error
}

func (inv *inventory) fail(it item, err error) {
	inv.mu.Lock()
	defer inv.mu.Unlock()
	if _, ok := inv.errs[it]; !ok {
		inv.errs[it] = err
	}
}

func (inv *inventory) failed(it item) error { return inv.errs[it] }

// accessFindings reports each inventory item that could not be read, with
// the checks it blocked.
func (inv *inventory) accessFindings(r finding.Rule, blocked map[item][]string) []finding.Finding {
	var fs []finding.Finding
	for it, err := range inv.errs {
		titles := blocked[it]
		if len(titles) == 0 {
			titles = []string{string(it)}
		}
		fs = append(fs, r.New(string(it), inv.accessRemedy(it, err),
			"could not check %s: reading %s failed: %s", strings.Join(titles, "; "), it, errText(err, inv.in.Timeout)))
	}
	return fs
}

// oneLine joins the lines of a text (errors.Join puts one error per line)
// with "; ": a finding's message goes on one line, and into a
// CloudFormation Reason.
func oneLine(s string) string {
	lines := strings.FieldsFunc(s, func(r rune) bool { return r == '\n' || r == '\r' })
	return strings.Join(lines, "; ")
}

// errText shortens the SDK's error for a deadline, which otherwise reads
// "https response error StatusCode: 0, RequestID: , canceled, ...".
func errText(err error, timeout time.Duration) string {
	if errors.Is(err, context.DeadlineExceeded) || errors.Is(err, context.Canceled) {
		if timeout <= 0 {
			timeout = DefaultTimeout
		}
		return fmt.Sprintf("no answer before the deadline (%s)", timeout)
	}
	return oneLine(err.Error())
}

// accessRemedy says what to do about a failed read, in the words of where
// the check runs (qpe check, or the custom resource's Lambda).
func (inv *inventory) accessRemedy(it item, err error) string {
	action := "the Describe action"
	if i := strings.Index(string(it), "("); i >= 0 {
		action = strings.TrimSuffix(string(it)[i+1:], ")")
	}
	return awserr.Remedy(err, awserr.Remedies{
		Deadline:  "AWS did not answer before the deadline: check network access to the AWS endpoints and " + inv.rerunLonger(),
		Denied:    fmt.Sprintf("allow %s to %s (IAM policy, SCP or permissions boundary), then %s", action, inv.who(), inv.rerun()),
		Throttled: "the account is being throttled by other callers: " + inv.rerun() + " later",
		Default:   fmt.Sprintf("check that %s works for %s and Region (aws ec2 %s), then %s", action, inv.whoShort(), cliName(action), inv.rerun()),
	})
}

// who is the identity the checks run as, for a remedy.
func (inv *inventory) who() string {
	if inv.in.Lambda {
		return "the preflight function's role"
	}
	return "the identity running the check"
}

// whoShort is who, as "this identity" on the command line.
func (inv *inventory) whoShort() string {
	if inv.in.Lambda {
		return "the preflight function's role"
	}
	return "this identity"
}

// rerun says how to run the check again where it runs.
func (inv *inventory) rerun() string {
	if inv.in.Lambda {
		return "retry the stack operation"
	}
	return "run again"
}

// rerunLonger says how to run again with more time: a CLI flag on the
// command line, the function's Timeout inside the Lambda.
func (inv *inventory) rerunLonger() string {
	if inv.in.Lambda {
		return "retry the stack operation (the preflight function's Timeout bounds the check)"
	}
	return "run again with a longer --timeout"
}

// cliName turns "ec2:DescribeVpcs" into "describe-vpcs".
func cliName(action string) string {
	_, op, _ := strings.Cut(action, ":")
	var b strings.Builder
	for i, r := range op {
		if r >= 'A' && r <= 'Z' {
			if i > 0 {
				b.WriteByte('-')
			}
			r += 'a' - 'A'
		}
		b.WriteRune(r)
	}
	return b.String()
}

// collect reads the inventory: one round of concurrent calls whose number
// does not depend on the number of subnets (pagination aside).
func collect(ctx context.Context, c Clients, in Input) *inventory {
	inv := &inventory{
		in:          in,
		errs:        map[item]error{},
		skipped:     map[item]bool{},
		subnets:     map[string]types.Subnet{},
		userSubnets: map[string]types.Subnet{},
		vpcSubnets:  map[string]types.Subnet{},
		groups:      map[string]types.SecurityGroup{},
		nats:        map[string]types.NatGateway{},
		buckets:     map[string]bucketInfo{},
	}
	vpcOK := awsid.Valid(in.VpcID, "vpc")
	subnetIDs := validSubnetIDs(in.SubnetIDs)
	if !vpcOK {
		for _, it := range []item{itemVPC, itemDNS, itemVPCSubnets, itemRouteTables, itemEndpoints, itemGroups, itemNATs} {
			inv.skipped[it] = true
		}
	}
	if len(subnetIDs) == 0 {
		inv.skipped[itemSubnets] = true
	}
	if !awsid.Valid(in.APIEndpointID, "vpce") {
		inv.skipped[itemAPIEndpoint] = true
	}
	userSubnetIDs := validSubnetIDs(in.UserSubnets)
	if len(in.UserSubnets) == 0 {
		inv.skipped[itemUserSubnets] = true
	}
	if !validRegion(in.Region) {
		// QPE-IN-002 reports it; no AWS call is made for a Region that
		// cannot exist.
		for _, it := range []item{itemVPC, itemDNS, itemSubnets, itemVPCSubnets, itemRouteTables, itemEndpoints, itemAPIEndpoint, itemGroups, itemNATs, itemUserSubnets} {
			inv.skipped[it] = true
		}
	}

	// One bounded reader: each item is a task keyed by the item, whose
	// error (or panic) the group keeps; a bucket is a task of its own.
	g := fanout.New[item](ctx, maxInFlight)
	add := func(it item, fn func(context.Context) error) {
		if inv.skipped[it] {
			return
		}
		g.Go(it, fn)
	}
	vpcFilter := []types.Filter{{Name: aws.String("vpc-id"), Values: []string{in.VpcID}}}
	ec := countingEC2{c.EC2, &inv.calls}

	add(itemVPC, func(ctx context.Context) error {
		out, err := ec.DescribeVpcs(ctx, &ec2.DescribeVpcsInput{VpcIds: []string{in.VpcID}})
		if awserr.Is(err, "InvalidVpcID.NotFound") {
			return nil
		}
		if err != nil {
			return err
		}
		for _, v := range out.Vpcs {
			if aws.ToString(v.VpcId) == in.VpcID {
				inv.vpc = &v
			}
		}
		return nil
	})
	var dnsVPCMissing atomic.Bool
	for _, a := range []types.VpcAttributeName{types.VpcAttributeNameEnableDnsSupport, types.VpcAttributeNameEnableDnsHostnames} {
		add(itemDNS, func(ctx context.Context) error {
			missing, err := inv.readDNS(ctx, ec, a)
			if missing {
				dnsVPCMissing.Store(true)
			}
			return err
		})
	}
	// A subnet-id filter, unlike SubnetIds, does not fail the whole call
	// when one id does not exist: missing ones are reported one by one.
	add(itemSubnets, func(ctx context.Context) error {
		return readSubnets(ctx, ec, []types.Filter{{Name: aws.String("subnet-id"), Values: subnetIDs}}, inv.subnets)
	})
	add(itemUserSubnets, func(ctx context.Context) error {
		if len(userSubnetIDs) == 0 {
			return nil // all malformed: QPE-NET-005 names them, no call
		}
		return readSubnets(ctx, ec, []types.Filter{{Name: aws.String("subnet-id"), Values: userSubnetIDs}}, inv.userSubnets)
	})
	add(itemVPCSubnets, func(ctx context.Context) error {
		return readSubnets(ctx, ec, vpcFilter, inv.vpcSubnets)
	})
	add(itemRouteTables, func(ctx context.Context) error {
		p := ec2.NewDescribeRouteTablesPaginator(ec, &ec2.DescribeRouteTablesInput{Filters: vpcFilter, MaxResults: aws.Int32(100)})
		for p.HasMorePages() {
			out, err := p.NextPage(ctx)
			if err != nil {
				return err
			}
			inv.routeTables = append(inv.routeTables, out.RouteTables...)
		}
		return nil
	})
	add(itemEndpoints, func(ctx context.Context) error {
		p := ec2.NewDescribeVpcEndpointsPaginator(ec, &ec2.DescribeVpcEndpointsInput{Filters: vpcFilter, MaxResults: aws.Int32(pageSize)})
		for p.HasMorePages() {
			out, err := p.NextPage(ctx)
			if err != nil {
				return err
			}
			inv.endpoints = append(inv.endpoints, out.VpcEndpoints...)
		}
		return nil
	})
	add(itemAPIEndpoint, func(ctx context.Context) error {
		out, err := ec.DescribeVpcEndpoints(ctx, &ec2.DescribeVpcEndpointsInput{VpcEndpointIds: []string{in.APIEndpointID}})
		if awserr.Is(err, "InvalidVpcEndpointId.NotFound") {
			return nil
		}
		if err != nil {
			return err
		}
		for _, e := range out.VpcEndpoints {
			if aws.ToString(e.VpcEndpointId) == in.APIEndpointID {
				inv.apiEndpoint = &e
			}
		}
		return nil
	})
	add(itemGroups, func(ctx context.Context) error {
		p := ec2.NewDescribeSecurityGroupsPaginator(ec, &ec2.DescribeSecurityGroupsInput{Filters: vpcFilter, MaxResults: aws.Int32(pageSize)})
		for p.HasMorePages() {
			out, err := p.NextPage(ctx)
			if err != nil {
				return err
			}
			for _, g := range out.SecurityGroups {
				inv.groups[aws.ToString(g.GroupId)] = g
			}
		}
		return nil
	})
	add(itemNATs, func(ctx context.Context) error {
		p := ec2.NewDescribeNatGatewaysPaginator(ec, &ec2.DescribeNatGatewaysInput{Filter: vpcFilter, MaxResults: aws.Int32(pageSize)})
		for p.HasMorePages() {
			out, err := p.NextPage(ctx)
			if err != nil {
				return err
			}
			for _, n := range out.NatGateways {
				inv.nats[aws.ToString(n.NatGatewayId)] = n
			}
		}
		return nil
	})
	var bmu sync.Mutex
	buckets := in.Buckets
	if !validRegion(in.Region) {
		buckets = nil
		inv.skipped[itemBuckets] = true
	}
	bucketOf := map[item]string{}
	for _, b := range buckets {
		key := item("the Region of bucket " + b + " (s3:GetBucketLocation)")
		bucketOf[key] = b
		g.Go(key, func(ctx context.Context) error {
			info := bucketRegion(ctx, c.S3, &inv.calls, b)
			bmu.Lock()
			inv.buckets[b] = info
			bmu.Unlock()
			return nil
		})
	}

	stop := make(chan struct{})
	if in.Progress != nil {
		every := in.ProgressInterval
		if every <= 0 {
			every = 2 * time.Second
		}
		go func() {
			tick := time.NewTicker(every)
			defer tick.Stop()
			for {
				select {
				case <-stop:
					return
				case <-tick.C:
					var names []string
					for _, k := range g.Pending() {
						names = append(names, string(k))
					}
					slices.Sort(names)
					if len(names) > 0 {
						progress(in, "still waiting for %s", strings.Join(names, ", "))
					}
				}
			}
		}()
	}
	for _, it := range g.Wait() {
		if b, ok := bucketOf[it]; ok {
			inv.buckets[b] = bucketInfo{err: g.Err(it)} // a panic: failures are per bucket
			continue
		}
		inv.fail(it, g.Err(it))
	}
	close(stop)
	if dnsVPCMissing.Load() {
		inv.skipped[itemDNS] = true // the VPC check reports it
		delete(inv.errs, itemDNS)
	}
	if inv.errs[itemVPC] == nil && !inv.skipped[itemVPC] && inv.vpc == nil {
		// QPE-NET-001 reports the missing VPC; what it would hold is moot.
		for _, it := range []item{itemDNS, itemVPCSubnets, itemRouteTables, itemEndpoints, itemGroups, itemNATs} {
			inv.skipped[it] = true
			delete(inv.errs, it)
		}
	}
	return inv
}

// readSubnets reads the subnets a filter selects into m, by id.
func readSubnets(ctx context.Context, ec EC2API, filters []types.Filter, m map[string]types.Subnet) error {
	p := ec2.NewDescribeSubnetsPaginator(ec, &ec2.DescribeSubnetsInput{Filters: filters, MaxResults: aws.Int32(pageSize)})
	for p.HasMorePages() {
		out, err := p.NextPage(ctx)
		if err != nil {
			return err
		}
		for _, s := range out.Subnets {
			m[aws.ToString(s.SubnetId)] = s
		}
	}
	return nil
}

// readDNS reads one DNS attribute of the VPC (enableDnsSupport or
// enableDnsHostnames); missing says the VPC does not exist, which the VPC
// check reports.
func (inv *inventory) readDNS(ctx context.Context, ec EC2API, a types.VpcAttributeName) (missing bool, err error) {
	out, err := ec.DescribeVpcAttribute(ctx, &ec2.DescribeVpcAttributeInput{VpcId: aws.String(inv.in.VpcID), Attribute: a})
	if awserr.Is(err, "InvalidVpcID.NotFound") {
		return true, nil
	}
	if err != nil {
		return false, err
	}
	inv.mu.Lock()
	defer inv.mu.Unlock()
	switch a {
	case types.VpcAttributeNameEnableDnsSupport:
		inv.dnsSupport = out.EnableDnsSupport != nil && aws.ToBool(out.EnableDnsSupport.Value)
	default:
		inv.dnsHostnames = out.EnableDnsHostnames != nil && aws.ToBool(out.EnableDnsHostnames.Value)
	}
	return false, nil
}

// bucketRegion asks S3 where a bucket lives: GetBucketLocation, else (when
// not allowed) HeadBucket's x-amz-bucket-region.
func bucketRegion(ctx context.Context, api S3API, calls *atomic.Int64, bucket string) bucketInfo {
	calls.Add(1)
	out, err := api.GetBucketLocation(ctx, &s3.GetBucketLocationInput{Bucket: aws.String(bucket)})
	if err == nil {
		switch r := string(out.LocationConstraint); r {
		case "":
			return bucketInfo{region: "us-east-1"}
		case "EU":
			return bucketInfo{region: "eu-west-1"}
		default:
			return bucketInfo{region: r}
		}
	}
	if awserr.Is(err, "NoSuchBucket") {
		return bucketInfo{notFound: true}
	}
	// S3 may refuse a request signed for another Region than the bucket's
	// (AuthorizationHeaderMalformed, 301): its answer still names the Region.
	if r := regionHeader(err); r != "" {
		return bucketInfo{region: r}
	}
	calls.Add(1)
	hout, herr := api.HeadBucket(ctx, &s3.HeadBucketInput{Bucket: aws.String(bucket)})
	if herr == nil && aws.ToString(hout.BucketRegion) != "" {
		return bucketInfo{region: aws.ToString(hout.BucketRegion)}
	}
	if r := regionHeader(herr); r != "" {
		return bucketInfo{region: r}
	}
	var re *awshttp.ResponseError
	if errors.As(herr, &re) && re.HTTPStatusCode() == 404 {
		return bucketInfo{notFound: true}
	}
	headDenied := awserr.KindOf(herr) == awserr.Denied || errors.As(herr, &re) && re.HTTPStatusCode() == 403
	return bucketInfo{err: err, denied: awserr.KindOf(err) == awserr.Denied && headDenied}
}

// regionHeader is the x-amz-bucket-region header of an S3 error answer.
func regionHeader(err error) string {
	var re *awshttp.ResponseError
	if errors.As(err, &re) && re.Response != nil {
		return re.Response.Header.Get("X-Amz-Bucket-Region")
	}
	return ""
}

// countingEC2 counts the calls made (progress, benchmark).
type countingEC2 struct {
	EC2API
	n *atomic.Int64
}

func (c countingEC2) DescribeVpcs(ctx context.Context, in *ec2.DescribeVpcsInput, o ...func(*ec2.Options)) (*ec2.DescribeVpcsOutput, error) {
	c.n.Add(1)
	return c.EC2API.DescribeVpcs(ctx, in, o...)
}

func (c countingEC2) DescribeVpcAttribute(ctx context.Context, in *ec2.DescribeVpcAttributeInput, o ...func(*ec2.Options)) (*ec2.DescribeVpcAttributeOutput, error) {
	c.n.Add(1)
	return c.EC2API.DescribeVpcAttribute(ctx, in, o...)
}

func (c countingEC2) DescribeSubnets(ctx context.Context, in *ec2.DescribeSubnetsInput, o ...func(*ec2.Options)) (*ec2.DescribeSubnetsOutput, error) {
	c.n.Add(1)
	return c.EC2API.DescribeSubnets(ctx, in, o...)
}

func (c countingEC2) DescribeRouteTables(ctx context.Context, in *ec2.DescribeRouteTablesInput, o ...func(*ec2.Options)) (*ec2.DescribeRouteTablesOutput, error) {
	c.n.Add(1)
	return c.EC2API.DescribeRouteTables(ctx, in, o...)
}

func (c countingEC2) DescribeVpcEndpoints(ctx context.Context, in *ec2.DescribeVpcEndpointsInput, o ...func(*ec2.Options)) (*ec2.DescribeVpcEndpointsOutput, error) {
	c.n.Add(1)
	return c.EC2API.DescribeVpcEndpoints(ctx, in, o...)
}

func (c countingEC2) DescribeSecurityGroups(ctx context.Context, in *ec2.DescribeSecurityGroupsInput, o ...func(*ec2.Options)) (*ec2.DescribeSecurityGroupsOutput, error) {
	c.n.Add(1)
	return c.EC2API.DescribeSecurityGroups(ctx, in, o...)
}

func (c countingEC2) DescribeNatGateways(ctx context.Context, in *ec2.DescribeNatGatewaysInput, o ...func(*ec2.Options)) (*ec2.DescribeNatGatewaysOutput, error) {
	c.n.Add(1)
	return c.EC2API.DescribeNatGateways(ctx, in, o...)
}
