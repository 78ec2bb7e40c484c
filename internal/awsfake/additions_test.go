package awsfake_test

import (
	"context"
	"errors"
	"slices"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	"github.com/aws/aws-sdk-go-v2/service/ec2/types"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/quiltdata/quilt-private-endpoints/internal/awsclient"
	"github.com/quiltdata/quilt-private-endpoints/internal/awsfake"
	"github.com/quiltdata/quilt-private-endpoints/internal/vpcrules"
)

// TestSecondaryCidrsAndPolicies: the double answers a VPC's secondary CIDR
// blocks (association set, filter, local routes) and an endpoint's policy
// document as EC2 does, read back through the SDK.
func TestSecondaryCidrsAndPolicies(t *testing.T) {
	const vpc, rtb, gw = "vpc-0d0000000000000d1", "rtb-0d000000000000001", "vpce-0d00000000000b001"
	policy := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"s3:*","Resource":"*"}]}`
	w := &awsfake.World{
		Vpcs:         []awsfake.Vpc{{ID: vpc, CidrBlock: "10.9.0.0/16", SecondaryCidrs: []string{"100.64.0.0/16"}}},
		RouteTables:  []awsfake.RouteTable{{ID: rtb, VpcID: vpc, Main: true}},
		VpcEndpoints: []awsfake.VpcEndpoint{{ID: gw, VpcID: vpc, Type: "Gateway", ServiceName: "com.amazonaws.us-east-1.s3", RouteTableIDs: []string{rtb}, PolicyDocument: policy}},
	}
	srv := awsfake.Start(t, w)
	c := ec2.NewFromConfig(srv.Config())
	ctx := context.Background()
	out, err := c.DescribeVpcs(ctx, &ec2.DescribeVpcsInput{Filters: []types.Filter{{Name: aws.String("cidr-block-association.cidr-block"), Values: []string{"100.64.0.0/16"}}}})
	if err != nil || len(out.Vpcs) != 1 {
		t.Fatalf("by secondary block: %v %v", out, err)
	}
	if got := vpcrules.VPCCIDRs(out.Vpcs[0]); !slices.Equal(got, []string{"10.9.0.0/16", "100.64.0.0/16"}) {
		t.Errorf("blocks %v", got)
	}
	rts, err := c.DescribeRouteTables(ctx, &ec2.DescribeRouteTablesInput{RouteTableIds: []string{rtb}})
	if err != nil {
		t.Fatal(err)
	}
	var local []string
	for _, r := range rts.RouteTables[0].Routes {
		if aws.ToString(r.GatewayId) == "local" {
			local = append(local, aws.ToString(r.DestinationCidrBlock))
		}
	}
	if !slices.Equal(local, []string{"10.9.0.0/16", "100.64.0.0/16"}) {
		t.Errorf("local routes %v", local)
	}
	eps, err := c.DescribeVpcEndpoints(ctx, &ec2.DescribeVpcEndpointsInput{VpcEndpointIds: []string{gw}})
	if err != nil || aws.ToString(eps.VpcEndpoints[0].PolicyDocument) != policy {
		t.Errorf("policy document %v %v", eps, err)
	}
}

// TestDenyHead: a bucket of another account answers HeadBucket with a bare
// 403, as S3 does when its policy denies the caller.
func TestDenyHead(t *testing.T) {
	srv := awsfake.Start(t, &awsfake.World{Buckets: []awsfake.Bucket{{Name: "org-trail", Region: "us-east-1", DenyGetLocation: true, DenyHead: true}}})
	c := s3.NewFromConfig(srv.Config(), awsclient.S3Options)
	_, err := c.HeadBucket(context.Background(), &s3.HeadBucketInput{Bucket: aws.String("org-trail")})
	var re *awshttp.ResponseError
	if !errors.As(err, &re) || re.HTTPStatusCode() != 403 || re.Response.Header.Get("X-Amz-Bucket-Region") != "" {
		t.Errorf("HeadBucket: %v", err)
	}
}
