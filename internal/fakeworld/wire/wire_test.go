package wire_test

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudformation"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/sts"
	"github.com/aws/smithy-go"

	"github.com/quiltdata/quilt-private-endpoints/internal/fakeworld/wire"
)

const (
	cfnNS = "http://cloudformation.amazonaws.com/doc/2010-05-15/"
	stsNS = "https://sts.amazonaws.com/doc/2011-06-15/"
)

// config points every client at url, without retries (a 5xx is answered
// once).
func config(url string) aws.Config {
	return aws.Config{
		Region:       "us-east-1",
		Credentials:  aws.AnonymousCredentials{},
		BaseEndpoint: aws.String(url),
		Retryer:      func() aws.Retryer { return aws.NopRetryer{} },
	}
}

// TestSDKDecodesErrors: aws-sdk-go-v2 reads the code and message of each
// error shape the writer produces (EC2's, the Query protocol's for
// CloudFormation and STS, S3's), client and server errors alike, with
// characters that need escaping.
func TestSDKDecodesErrors(t *testing.T) {
	const msg = `Stack with id "a<b>&c" does not exist`
	ctx := context.Background()
	for _, tc := range []struct {
		name   string
		status int
		code   string
		write  func(w http.ResponseWriter, status int, code, msg string)
		call   func(cfg aws.Config) error
	}{
		{"ec2", 400, "InvalidSubnetID.NotFound",
			func(w http.ResponseWriter, status int, code, msg string) {
				wire.EC2Error(w, status, code, msg, "req-1")
			},
			func(cfg aws.Config) error {
				_, err := ec2.NewFromConfig(cfg).DescribeSubnets(ctx, &ec2.DescribeSubnetsInput{})
				return err
			}},
		{"ec2 server", 503, "RequestLimitExceeded",
			func(w http.ResponseWriter, status int, code, msg string) {
				wire.EC2Error(w, status, code, msg, "req-1")
			},
			func(cfg aws.Config) error {
				_, err := ec2.NewFromConfig(cfg).DescribeVpcs(ctx, &ec2.DescribeVpcsInput{})
				return err
			}},
		{"cloudformation", 400, "ValidationError",
			func(w http.ResponseWriter, status int, code, msg string) {
				wire.QueryError(w, cfnNS, status, code, msg, "req-1")
			},
			func(cfg aws.Config) error {
				_, err := cloudformation.NewFromConfig(cfg).DescribeStacks(ctx, &cloudformation.DescribeStacksInput{StackName: aws.String("quilt")})
				return err
			}},
		{"cloudformation server", 500, "InternalFailure",
			func(w http.ResponseWriter, status int, code, msg string) {
				wire.QueryError(w, cfnNS, status, code, msg, "req-1")
			},
			func(cfg aws.Config) error {
				_, err := cloudformation.NewFromConfig(cfg).GetTemplate(ctx, &cloudformation.GetTemplateInput{StackName: aws.String("quilt")})
				return err
			}},
		{"sts", 403, "AccessDenied",
			func(w http.ResponseWriter, status int, code, msg string) {
				wire.QueryError(w, stsNS, status, code, msg, "req-1")
			},
			func(cfg aws.Config) error {
				_, err := sts.NewFromConfig(cfg).GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
				return err
			}},
		{"s3", 404, "NoSuchKey",
			func(w http.ResponseWriter, status int, code, msg string) { wire.S3Error(w, status, code, msg, "req-1") },
			func(cfg aws.Config) error {
				_, err := s3.NewFromConfig(cfg, func(o *s3.Options) { o.UsePathStyle = true }).GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String("b"), Key: aws.String("k")})
				return err
			}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
				tc.write(w, tc.status, tc.code, msg)
			}))
			defer srv.Close()
			err := tc.call(config(srv.URL))
			var ae smithy.APIError
			if !errors.As(err, &ae) {
				t.Fatalf("error %v is not an API error", err)
			}
			if ae.ErrorCode() != tc.code || ae.ErrorMessage() != msg {
				t.Errorf("decoded %q / %q, want %q / %q", ae.ErrorCode(), ae.ErrorMessage(), tc.code, msg)
			}
			var re interface{ ServiceRequestID() string }
			if errors.As(err, &re) && re.ServiceRequestID() != "req-1" {
				t.Errorf("request id %q, want req-1", re.ServiceRequestID())
			}
		})
	}
}

// TestSDKDecodesAnswers: the response envelopes carry a result the SDK
// reads (EC2's without a Result wrapper, the Query protocol's with one).
func TestSDKDecodesAnswers(t *testing.T) {
	ctx := context.Background()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_ = r.ParseForm()
		switch r.PostForm.Get("Action") {
		case "DescribeVpcs":
			wire.EC2(w, "DescribeVpcs", []byte("<vpcSet><item><vpcId>vpc-1</vpcId></item></vpcSet>"), "req-2")
		case "GetCallerIdentity":
			wire.Query(w, stsNS, "GetCallerIdentity", "<Account>123456789012</Account>", "req-2")
		default:
			wire.Query(w, cfnNS, "DescribeStacks", "<Stacks><member><StackName>"+wire.Escape("a&b")+"</StackName></member></Stacks>", "req-2")
		}
	}))
	defer srv.Close()
	cfg := config(srv.URL)
	vpcs, err := ec2.NewFromConfig(cfg).DescribeVpcs(ctx, &ec2.DescribeVpcsInput{})
	if err != nil || len(vpcs.Vpcs) != 1 || aws.ToString(vpcs.Vpcs[0].VpcId) != "vpc-1" {
		t.Errorf("DescribeVpcs: %+v, %v", vpcs, err)
	}
	id, err := sts.NewFromConfig(cfg).GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
	if err != nil || aws.ToString(id.Account) != "123456789012" {
		t.Errorf("GetCallerIdentity: %+v, %v", id, err)
	}
	st, err := cloudformation.NewFromConfig(cfg).DescribeStacks(ctx, &cloudformation.DescribeStacksInput{})
	if err != nil || len(st.Stacks) != 1 || aws.ToString(st.Stacks[0].StackName) != "a&b" {
		t.Errorf("DescribeStacks: %+v, %v", st, err)
	}
}
