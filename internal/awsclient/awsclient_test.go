package awsclient_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/quiltdata/quilt-private-endpoints/internal/awsclient"
	"github.com/quiltdata/quilt-private-endpoints/internal/awsfake"
	"github.com/quiltdata/quilt-private-endpoints/internal/testenv"
)

func world() *awsfake.World {
	return &awsfake.World{
		Region:  "eu-west-1",
		Vpcs:    []awsfake.Vpc{{ID: "vpc-0123456789abcdef0", CidrBlock: "10.0.0.0/16"}},
		Buckets: []awsfake.Bucket{{Name: "quilt-data", Region: "eu-west-1"}},
	}
}

func TestEndpointVariablesReachTheDouble(t *testing.T) {
	for _, mode := range []string{"global", "per-service"} {
		t.Run(mode, func(t *testing.T) {
			testenv.IsolateAWS(t)
			srv := awsfake.Start(t, world())
			t.Setenv("AWS_ACCESS_KEY_ID", "AKIDTEST")
			t.Setenv("AWS_SECRET_ACCESS_KEY", "secret")
			if mode == "global" {
				t.Setenv("AWS_ENDPOINT_URL", srv.URL)
			} else {
				t.Setenv("AWS_ENDPOINT_URL", "http://127.0.0.1:1") // must be overridden
				t.Setenv("AWS_ENDPOINT_URL_EC2", srv.URL)
				t.Setenv("AWS_ENDPOINT_URL_S3", srv.URL)
				t.Setenv("AWS_ENDPOINT_URL_STS", srv.URL)
			}
			ctx := context.Background()
			cfg, err := awsclient.Load(ctx, awsclient.Options{Region: "eu-west-1"})
			if err != nil {
				t.Fatal(err)
			}
			acct, arn, err := awsclient.Identity(ctx, cfg, "")
			if err != nil || acct != "123456789012" || !strings.Contains(arn, acct) {
				t.Fatalf("Identity = %q %q %v", acct, arn, err)
			}
			if _, err := ec2.NewFromConfig(cfg).DescribeVpcs(ctx, &ec2.DescribeVpcsInput{}); err != nil {
				t.Fatal(err)
			}
			// Path-style: the double only understands /bucket.
			out, err := awsclient.NewS3(cfg).GetBucketLocation(ctx, &s3.GetBucketLocationInput{Bucket: aws.String("quilt-data")})
			if err != nil || out.LocationConstraint != "eu-west-1" {
				t.Fatalf("GetBucketLocation = %+v, %v", out, err)
			}
			calls := srv.Calls()
			if calls["GetCallerIdentity"] != 1 || calls["DescribeVpcs"] != 1 || calls["s3:GetBucketLocation"] != 1 {
				t.Errorf("calls = %v", calls)
			}
		})
	}
}

func TestS3OptionsLeavesRealEndpointsVirtualHosted(t *testing.T) {
	o := s3.Options{}
	awsclient.S3Options(&o)
	if o.UsePathStyle {
		t.Error("path-style without an endpoint override")
	}
	o.BaseEndpoint = aws.String("http://127.0.0.1:9000")
	awsclient.S3Options(&o)
	if !o.UsePathStyle {
		t.Error("no path-style with an endpoint override")
	}
}

func TestNoCredentialsListsTheSourcesTried(t *testing.T) {
	testenv.IsolateAWS(t)
	_, err := awsclient.Load(context.Background(), awsclient.Options{Region: "us-east-1", Profile: ""})
	var ce *awsclient.CredentialsError
	if !errors.As(err, &ce) {
		t.Fatalf("err = %v (%T), want *CredentialsError", err, err)
	}
	msg := err.Error()
	for _, want := range []string{"AWS_ACCESS_KEY_ID", `profile "default"`, "SSO", "AWS_WEB_IDENTITY_TOKEN_FILE", "AWS_CONTAINER_CREDENTIALS", "IMDS", "aws sso login"} {
		if !strings.Contains(msg, want) {
			t.Errorf("message lacks %q:\n%s", want, msg)
		}
	}
}

func TestUnknownProfileIsAConfigError(t *testing.T) {
	testenv.IsolateAWS(t)
	_, err := awsclient.Load(context.Background(), awsclient.Options{Region: "us-east-1", Profile: "nope"})
	var ce *awsclient.ConfigError
	if !errors.As(err, &ce) || !strings.Contains(err.Error(), "nope") {
		t.Fatalf("err = %v (%T)", err, err)
	}
}

func TestNoRegionIsAConfigError(t *testing.T) {
	testenv.IsolateAWS(t)
	t.Setenv("AWS_ACCESS_KEY_ID", "AKIDTEST")
	t.Setenv("AWS_SECRET_ACCESS_KEY", "secret")
	_, err := awsclient.Load(context.Background(), awsclient.Options{})
	var ce *awsclient.ConfigError
	if !errors.As(err, &ce) || !strings.Contains(err.Error(), "--region") {
		t.Fatalf("err = %v (%T)", err, err)
	}
}

func TestRejectedCredentialsAreACredentialsError(t *testing.T) {
	testenv.IsolateAWS(t)
	srv := awsfake.Start(t, world(), awsfake.WithFaults(awsfake.Fault{Operation: "GetCallerIdentity", Kind: awsfake.Denied}))
	t.Setenv("AWS_ACCESS_KEY_ID", "AKIDTEST")
	t.Setenv("AWS_SECRET_ACCESS_KEY", "secret")
	t.Setenv("AWS_ENDPOINT_URL", srv.URL)
	ctx := context.Background()
	cfg, err := awsclient.Load(ctx, awsclient.Options{Region: "eu-west-1"})
	if err != nil {
		t.Fatal(err)
	}
	_, _, err = awsclient.Identity(ctx, cfg, "")
	var ce *awsclient.CredentialsError
	if !errors.As(err, &ce) || !strings.Contains(err.Error(), "GetCallerIdentity") {
		t.Fatalf("err = %v", err)
	}
}

func TestIdentityOutageIsNotACredentialsError(t *testing.T) {
	testenv.IsolateAWS(t)
	srv := awsfake.Start(t, world(), awsfake.WithFaults(awsfake.Fault{Operation: "GetCallerIdentity", Kind: awsfake.ServerError}))
	t.Setenv("AWS_ACCESS_KEY_ID", "AKIDTEST")
	t.Setenv("AWS_SECRET_ACCESS_KEY", "secret")
	t.Setenv("AWS_ENDPOINT_URL", srv.URL)
	ctx := context.Background()
	cfg, err := awsclient.Load(ctx, awsclient.Options{Region: "eu-west-1"})
	if err != nil {
		t.Fatal(err)
	}
	_, _, err = awsclient.Identity(ctx, cfg, "")
	var ce *awsclient.CredentialsError
	if err == nil || errors.As(err, &ce) {
		t.Fatalf("err = %v (%T), want a plain error", err, err)
	}
}
