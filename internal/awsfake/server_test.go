package awsfake_test

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	"github.com/aws/aws-sdk-go-v2/service/ec2/types"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/sts"
	"github.com/aws/smithy-go"

	"github.com/quiltdata/quilt-private-endpoints/internal/awsclient"
	"github.com/quiltdata/quilt-private-endpoints/internal/awsfake"
)

const (
	vpcID  = "vpc-0a1b2c3d4e5f60718"
	apiID  = "vpce-0123456789abcdef0"
	s3gwID = "vpce-0123456789abcdef1"
)

func start(t *testing.T, opts ...awsfake.Option) (*awsfake.Server, *ec2.Client) {
	t.Helper()
	w, err := awsfake.LoadWorld("testdata/world.yaml")
	if err != nil {
		t.Fatal(err)
	}
	srv := awsfake.Start(t, w, opts...)
	return srv, ec2.NewFromConfig(srv.Config())
}

func vpcFilter() []types.Filter {
	return []types.Filter{{Name: aws.String("vpc-id"), Values: []string{vpcID}}}
}

func code(err error) string {
	var ae smithy.APIError
	if errors.As(err, &ae) {
		return ae.ErrorCode()
	}
	return ""
}

func TestDescribeShapesParseWithTheSDK(t *testing.T) {
	_, c := start(t)
	ctx := context.Background()

	vpcs, err := c.DescribeVpcs(ctx, &ec2.DescribeVpcsInput{VpcIds: []string{vpcID}})
	if err != nil || len(vpcs.Vpcs) != 1 || aws.ToString(vpcs.Vpcs[0].CidrBlock) != "10.0.0.0/16" || vpcs.Vpcs[0].State != types.VpcStateAvailable {
		t.Fatalf("DescribeVpcs = %+v, %v", vpcs, err)
	}
	if aws.ToString(vpcs.Vpcs[0].Tags[0].Value) != "main" {
		t.Errorf("tags = %+v", vpcs.Vpcs[0].Tags)
	}
	sup, err := c.DescribeVpcAttribute(ctx, &ec2.DescribeVpcAttributeInput{VpcId: aws.String(vpcID), Attribute: types.VpcAttributeNameEnableDnsSupport})
	if err != nil || !aws.ToBool(sup.EnableDnsSupport.Value) || aws.ToString(sup.VpcId) != vpcID {
		t.Fatalf("enableDnsSupport = %+v, %v", sup, err)
	}
	host, err := c.DescribeVpcAttribute(ctx, &ec2.DescribeVpcAttributeInput{VpcId: aws.String("vpc-0ffffffffffffffff"), Attribute: types.VpcAttributeNameEnableDnsHostnames})
	if err != nil || aws.ToBool(host.EnableDnsHostnames.Value) {
		t.Fatalf("enableDnsHostnames = %+v, %v", host, err)
	}

	subs, err := c.DescribeSubnets(ctx, &ec2.DescribeSubnetsInput{Filters: vpcFilter()})
	if err != nil || len(subs.Subnets) != 3 || aws.ToString(subs.Subnets[1].AvailabilityZone) != "us-east-1b" {
		t.Fatalf("DescribeSubnets = %+v, %v", subs, err)
	}

	rts, err := c.DescribeRouteTables(ctx, &ec2.DescribeRouteTablesInput{Filters: []types.Filter{
		{Name: aws.String("association.subnet-id"), Values: []string{"subnet-0aaaaaaaaaaaaaaa2"}}}})
	if err != nil || len(rts.RouteTables) != 1 {
		t.Fatalf("DescribeRouteTables = %+v, %v", rts, err)
	}
	rt := rts.RouteTables[0]
	if aws.ToString(rt.RouteTableId) != "rtb-0000000000000000b" || len(rt.Associations) != 2 ||
		aws.ToString(rt.Associations[1].SubnetId) != "subnet-0aaaaaaaaaaaaaaa2" || aws.ToBool(rt.Associations[0].Main) ||
		rt.Associations[0].AssociationState.State != types.RouteTableAssociationStateCodeAssociated {
		t.Errorf("associations = %+v", rt.Associations)
	}
	// local, the NAT route, the S3 gateway's prefix-list route.
	if len(rt.Routes) != 3 || aws.ToString(rt.Routes[1].NatGatewayId) != "nat-0123456789abcdef0" || rt.Routes[1].State != types.RouteStateActive ||
		aws.ToString(rt.Routes[2].GatewayId) != s3gwID || !strings.HasPrefix(aws.ToString(rt.Routes[2].DestinationPrefixListId), "pl-") {
		t.Errorf("routes = %+v", rt.Routes)
	}
	main, err := c.DescribeRouteTables(ctx, &ec2.DescribeRouteTablesInput{Filters: []types.Filter{
		{Name: aws.String("vpc-id"), Values: []string{vpcID}}, {Name: aws.String("association.main"), Values: []string{"true"}}}})
	if err != nil || len(main.RouteTables) != 1 || !aws.ToBool(main.RouteTables[0].Associations[0].Main) ||
		aws.ToString(main.RouteTables[0].Routes[1].GatewayId) != "igw-0123456789abcdef0" {
		t.Fatalf("main table = %+v, %v", main, err)
	}

	eps, err := c.DescribeVpcEndpoints(ctx, &ec2.DescribeVpcEndpointsInput{VpcEndpointIds: []string{apiID}})
	if err != nil || len(eps.VpcEndpoints) != 1 {
		t.Fatalf("DescribeVpcEndpoints = %+v, %v", eps, err)
	}
	ep := eps.VpcEndpoints[0]
	if !strings.EqualFold(string(ep.State), "available") || ep.State != "available" || ep.VpcEndpointType != types.VpcEndpointTypeInterface ||
		!aws.ToBool(ep.PrivateDnsEnabled) || aws.ToString(ep.Groups[0].GroupId) != "sg-0123456789abcdef0" || ep.SubnetIds[0] != "subnet-0aaaaaaaaaaaaaaa1" ||
		aws.ToString(ep.ServiceName) != "com.amazonaws.us-east-1.execute-api" || len(ep.DnsEntries) != 1 {
		t.Errorf("endpoint = %+v", ep)
	}
	gw, err := c.DescribeVpcEndpoints(ctx, &ec2.DescribeVpcEndpointsInput{Filters: []types.Filter{
		{Name: aws.String("vpc-endpoint-type"), Values: []string{"Gateway"}}}})
	if err != nil || len(gw.VpcEndpoints) != 1 || gw.VpcEndpoints[0].RouteTableIds[0] != "rtb-0000000000000000b" {
		t.Fatalf("gateway endpoints = %+v, %v", gw, err)
	}
	pend, err := c.DescribeVpcEndpoints(ctx, &ec2.DescribeVpcEndpointsInput{Filters: []types.Filter{
		{Name: aws.String("service-name"), Values: []string{"*.sns"}}}})
	if err != nil || len(pend.VpcEndpoints) != 1 || pend.VpcEndpoints[0].State != "pendingAcceptance" {
		t.Fatalf("wildcard filter = %+v, %v", pend, err)
	}

	sgs, err := c.DescribeSecurityGroups(ctx, &ec2.DescribeSecurityGroupsInput{GroupIds: []string{"sg-0123456789abcdef0"}})
	if err != nil || len(sgs.SecurityGroups) != 1 {
		t.Fatalf("DescribeSecurityGroups = %+v, %v", sgs, err)
	}
	perms := sgs.SecurityGroups[0].IpPermissions
	if len(perms) != 2 || aws.ToInt32(perms[0].FromPort) != 443 || aws.ToString(perms[0].IpRanges[0].CidrIp) != "10.0.0.0/16" ||
		aws.ToString(perms[0].UserIdGroupPairs[0].GroupId) != "sg-0123456789abcdef9" || len(perms[0].PrefixListIds) != 1 ||
		aws.ToString(perms[0].PrefixListIds[0].PrefixListId) != "pl-0123456789abcdef0" || aws.ToString(perms[1].IpProtocol) != "-1" || perms[1].FromPort != nil {
		t.Errorf("permissions = %+v", perms)
	}

	nats, err := c.DescribeNatGateways(ctx, &ec2.DescribeNatGatewaysInput{Filter: vpcFilter()})
	if err != nil || len(nats.NatGateways) != 1 {
		t.Fatalf("DescribeNatGateways = %+v, %v", nats, err)
	}
	n := nats.NatGateways[0]
	if n.State != types.NatGatewayStateAvailable || n.ConnectivityType != types.ConnectivityTypePublic || len(n.NatGatewayAddresses) != 2 ||
		aws.ToString(n.NatGatewayAddresses[1].PublicIp) != "203.0.113.11" || aws.ToString(n.NatGatewayAddresses[0].PrivateIp) != "10.0.3.5" {
		t.Errorf("NAT gateway = %+v", n)
	}
}

func TestErrorsAreTheRealCodes(t *testing.T) {
	_, c := start(t)
	ctx := context.Background()
	for name, tc := range map[string]struct {
		call func() error
		code string
	}{
		"endpoint not found": {func() error {
			_, err := c.DescribeVpcEndpoints(ctx, &ec2.DescribeVpcEndpointsInput{VpcEndpointIds: []string{"vpce-0123456789abcdeff"}})
			return err
		}, "InvalidVpcEndpointId.NotFound"},
		"endpoint malformed": {func() error {
			_, err := c.DescribeVpcEndpoints(ctx, &ec2.DescribeVpcEndpointsInput{VpcEndpointIds: []string{"vpce-XYZ"}})
			return err
		}, "InvalidVpcEndpointId.Malformed"},
		"subnet not found": {func() error {
			_, err := c.DescribeSubnets(ctx, &ec2.DescribeSubnetsInput{SubnetIds: []string{"subnet-0aaaaaaaaaaaaaaa1", "subnet-0aaaaaaaaaaaaaaa9"}})
			return err
		}, "InvalidSubnetID.NotFound"},
		"vpc not found": {func() error {
			_, err := c.DescribeVpcs(ctx, &ec2.DescribeVpcsInput{VpcIds: []string{"vpc-0123456789abcdef9"}})
			return err
		}, "InvalidVpcID.NotFound"},
		"vpc attribute of a missing vpc": {func() error {
			_, err := c.DescribeVpcAttribute(ctx, &ec2.DescribeVpcAttributeInput{VpcId: aws.String("vpc-0123456789abcdef9"), Attribute: types.VpcAttributeNameEnableDnsSupport})
			return err
		}, "InvalidVpcID.NotFound"},
		"unknown filter": {func() error {
			_, err := c.DescribeSubnets(ctx, &ec2.DescribeSubnetsInput{Filters: []types.Filter{{Name: aws.String("bogus"), Values: []string{"x"}}}})
			return err
		}, "InvalidParameterValue"},
		"ids with MaxResults": {func() error {
			_, err := c.DescribeSubnets(ctx, &ec2.DescribeSubnetsInput{SubnetIds: []string{"subnet-0aaaaaaaaaaaaaaa1"}, MaxResults: aws.Int32(5)})
			return err
		}, "InvalidParameterCombination"},
		"nat not found": {func() error {
			_, err := c.DescribeNatGateways(ctx, &ec2.DescribeNatGatewaysInput{NatGatewayIds: []string{"nat-0123456789abcdeff"}})
			return err
		}, "NatGatewayNotFound"},
	} {
		t.Run(name, func(t *testing.T) {
			err := tc.call()
			if got := code(err); got != tc.code {
				t.Fatalf("error = %v (code %q), want code %s", err, got, tc.code)
			}
		})
	}
}

func TestPaginationFollowsNextToken(t *testing.T) {
	srv, c := start(t, awsfake.WithPageSize(1))
	p := ec2.NewDescribeSubnetsPaginator(c, &ec2.DescribeSubnetsInput{Filters: vpcFilter(), MaxResults: aws.Int32(5)})
	var ids []string
	for p.HasMorePages() {
		out, err := p.NextPage(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		for _, s := range out.Subnets {
			ids = append(ids, aws.ToString(s.SubnetId))
		}
	}
	if len(ids) != 3 || ids[2] != "subnet-0aaaaaaaaaaaaaaa3" {
		t.Errorf("ids = %v", ids)
	}
	if n := srv.Calls()["DescribeSubnets"]; n != 3 {
		t.Errorf("DescribeSubnets calls = %d, want 3 pages", n)
	}
	log := srv.Log()
	if log[1].Params.Get("NextToken") == "" || log[1].Params.Get("Filter.1.Name") != "vpc-id" || log[1].Params.Get("Filter.1.Value.1") != vpcID {
		t.Errorf("second request = %v", log[1].Params)
	}
}

func TestSTSAndS3(t *testing.T) {
	srv, _ := start(t)
	cfg := srv.Config()
	ctx := context.Background()
	id, err := sts.NewFromConfig(cfg).GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
	if err != nil || aws.ToString(id.Account) != "123456789012" {
		t.Fatalf("GetCallerIdentity = %+v, %v", id, err)
	}
	s3c := s3.NewFromConfig(cfg, awsclient.S3Options)
	for bucket, want := range map[string]string{"quilt-data": "", "quilt-eu": "eu-west-1"} {
		out, err := s3c.GetBucketLocation(ctx, &s3.GetBucketLocationInput{Bucket: aws.String(bucket)})
		if err != nil || string(out.LocationConstraint) != want {
			t.Errorf("GetBucketLocation(%s) = %+v, %v; want %q", bucket, out, err, want)
		}
	}
	if _, err := s3c.GetBucketLocation(ctx, &s3.GetBucketLocationInput{Bucket: aws.String("nope")}); code(err) != "NoSuchBucket" {
		t.Errorf("missing bucket: %v", err)
	}
	if _, err := s3c.GetBucketLocation(ctx, &s3.GetBucketLocationInput{Bucket: aws.String("quilt-locked")}); code(err) != "AccessDenied" {
		t.Errorf("denied bucket: %v", err)
	}
	head, err := s3c.HeadBucket(ctx, &s3.HeadBucketInput{Bucket: aws.String("quilt-data")})
	if err != nil || aws.ToString(head.BucketRegion) != "us-east-1" {
		t.Errorf("HeadBucket = %+v, %v", head, err)
	}
	_, err = s3c.HeadBucket(ctx, &s3.HeadBucketInput{Bucket: aws.String("quilt-locked")})
	var re *awshttp.ResponseError
	if !errors.As(err, &re) || re.HTTPStatusCode() != http.StatusMovedPermanently || re.Response.Header.Get("X-Amz-Bucket-Region") != "us-west-2" {
		t.Errorf("HeadBucket in another Region: %v", err)
	}
	if got := srv.Calls()["s3:HeadBucket"]; got != 2 {
		t.Errorf("HeadBucket calls = %d", got)
	}
}

func TestFaults(t *testing.T) {
	ctx := context.Background()
	in := &ec2.DescribeVpcsInput{VpcIds: []string{vpcID}}

	t.Run("throttling for the first calls is retried by the SDK", func(t *testing.T) {
		srv, c := start(t, awsfake.WithFaults(awsfake.Fault{Operation: "DescribeVpcs", Kind: awsfake.Throttle, Times: 2}))
		if _, err := c.DescribeVpcs(ctx, in); err != nil {
			t.Fatal(err)
		}
		if n := srv.Calls()["DescribeVpcs"]; n != 3 {
			t.Errorf("calls = %d, want 3 (2 throttled + 1)", n)
		}
	})
	t.Run("persistent 5xx surfaces after the retries", func(t *testing.T) {
		srv, c := start(t, awsfake.WithFaults(awsfake.Fault{Kind: awsfake.ServerError}))
		_, err := c.DescribeVpcs(ctx, in)
		if code(err) != "InternalError" {
			t.Fatalf("err = %v", err)
		}
		if n := srv.Calls()["DescribeVpcs"]; n != 3 {
			t.Errorf("calls = %d, want the SDK's 3 attempts", n)
		}
	})
	t.Run("hang ends with the caller's deadline", func(t *testing.T) {
		_, c := start(t, awsfake.WithFaults(awsfake.Fault{Kind: awsfake.Hang}))
		ctx, cancel := context.WithTimeout(ctx, 200*time.Millisecond)
		defer cancel()
		start := time.Now()
		_, err := c.DescribeVpcs(ctx, in)
		if !errors.Is(err, context.DeadlineExceeded) || time.Since(start) > 2*time.Second {
			t.Errorf("err = %v after %s", err, time.Since(start))
		}
	})
	t.Run("malformed XML is a deserialization error", func(t *testing.T) {
		_, c := start(t, awsfake.WithFaults(awsfake.Fault{Kind: awsfake.Malformed, Times: 10}))
		_, err := c.DescribeVpcs(ctx, in)
		var de *smithy.DeserializationError
		if !errors.As(err, &de) {
			t.Errorf("err = %v (%T)", err, err)
		}
	})
	t.Run("latency delays each call", func(t *testing.T) {
		srv, c := start(t, awsfake.WithLatency(60*time.Millisecond))
		start := time.Now()
		if _, err := c.DescribeVpcs(ctx, in); err != nil {
			t.Fatal(err)
		}
		if d := time.Since(start); d < 60*time.Millisecond {
			t.Errorf("took %s", d)
		}
		if srv.MaxConcurrent() != 1 {
			t.Errorf("max concurrent = %d", srv.MaxConcurrent())
		}
	})
	t.Run("denied", func(t *testing.T) {
		_, c := start(t, awsfake.WithFaults(awsfake.Fault{Operation: "DescribeVpcs", Kind: awsfake.Denied}))
		if _, err := c.DescribeVpcs(ctx, in); code(err) != "UnauthorizedOperation" {
			t.Errorf("err = %v", err)
		}
	})
}
