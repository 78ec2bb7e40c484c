// Package awsclient loads the AWS configuration every qpe command shares:
// config.LoadDefaultConfig (profiles, SSO, environment, container and
// instance roles, and the SDK's standard endpoint variables AWS_ENDPOINT_URL,
// AWS_ENDPOINT_URL_EC2, _S3, _STS), a credentials check whose error lists the
// sources tried, and S3 path-style addressing when the S3 endpoint is
// overridden.
//
//	cfg, err := awsclient.Load(ctx, awsclient.Options{Region: r, Profile: p})
//	var ce *awsclient.CredentialsError // exit 2 with ce.Error()
//	s3c := s3.NewFromConfig(cfg, awsclient.S3Options)
package awsclient

import (
	"context"
	"errors"
	"fmt"
	"os"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/credentials/ec2rolecreds"
	"github.com/aws/aws-sdk-go-v2/feature/ec2/imds"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/sts"
	"github.com/aws/smithy-go"
)

// Options selects the Region and profile; empty means the SDK's defaults
// (AWS_REGION, AWS_PROFILE, the shared config files).
type Options struct {
	Region  string
	Profile string
	// CredentialsTimeout bounds the credentials check (default 15s).
	CredentialsTimeout time.Duration
}

// ConfigError is a problem with the configuration itself (unknown profile,
// no Region): a usage error.
type ConfigError struct{ Err error }

func (e *ConfigError) Error() string { return e.Err.Error() }
func (e *ConfigError) Unwrap() error { return e.Err }

// CredentialsError says no usable credentials were found, and where the SDK
// looked.
type CredentialsError struct {
	Tried []string
	Err   error
}

func (e *CredentialsError) Error() string {
	return fmt.Sprintf("no usable AWS credentials: %v\ncredential sources tried, in order:\n  - %s\nfix: run `aws sso login --profile NAME` or `aws configure`, then pass --profile NAME or set AWS_PROFILE",
		e.Err, strings.Join(e.Tried, "\n  - "))
}

func (e *CredentialsError) Unwrap() error { return e.Err }

// Load builds the aws.Config and checks that credentials can be retrieved.
func Load(ctx context.Context, o Options) (aws.Config, error) {
	opts := []func(*config.LoadOptions) error{
		// Instance credentials through IMDSv2 only: no fallback to IMDSv1,
		// and no "falling back to IMDSv1" warning on a laptop.
		config.WithEC2RoleCredentialOptions(func(r *ec2rolecreds.Options) {
			r.Client = imds.New(imds.Options{EnableFallback: aws.FalseTernary})
		}),
	}
	if o.Region != "" {
		opts = append(opts, config.WithRegion(o.Region))
	}
	if o.Profile != "" {
		opts = append(opts, config.WithSharedConfigProfile(o.Profile))
	}
	cfg, err := config.LoadDefaultConfig(ctx, opts...)
	if err != nil {
		return aws.Config{}, &ConfigError{fmt.Errorf("load AWS configuration: %w", err)}
	}
	if cfg.Region == "" {
		return aws.Config{}, &ConfigError{errors.New("no AWS Region: pass --region, or set AWS_REGION or a region in the profile")}
	}
	timeout := o.CredentialsTimeout
	if timeout <= 0 {
		timeout = 15 * time.Second
	}
	cctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	if cfg.Credentials == nil {
		return aws.Config{}, &CredentialsError{Tried: sourcesTried(o.Profile), Err: errors.New("no credentials provider")}
	}
	if _, err := cfg.Credentials.Retrieve(cctx); err != nil {
		return aws.Config{}, &CredentialsError{Tried: sourcesTried(o.Profile), Err: err}
	}
	return cfg, nil
}

// Identity asks STS who the credentials belong to. Credentials STS refuses
// (expired, invalid, unknown keys) are a *CredentialsError; other failures
// (network, throttling, 5xx) are returned as they are.
func Identity(ctx context.Context, cfg aws.Config, profile string) (account, arn string, err error) {
	out, err := sts.NewFromConfig(cfg).GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
	if err != nil {
		var ae smithy.APIError
		if errors.As(err, &ae) && credentialCodes(ae.ErrorCode()) {
			return "", "", &CredentialsError{Tried: sourcesTried(profile), Err: fmt.Errorf("sts:GetCallerIdentity refused the credentials: %w", err)}
		}
		return "", "", fmt.Errorf("sts:GetCallerIdentity: %w", err)
	}
	return aws.ToString(out.Account), aws.ToString(out.Arn), nil
}

// credentialCodes are the error codes that mean the credentials are bad.
func credentialCodes(code string) bool {
	switch code {
	case "InvalidClientTokenId", "ExpiredToken", "ExpiredTokenException", "SignatureDoesNotMatch",
		"UnrecognizedClientException", "InvalidAccessKeyId", "AccessDenied", "AuthFailure", "IncompleteSignature":
		return true
	}
	return false
}

// sourcesTried lists the SDK's default credential chain, noting which
// environment variables are set.
func sourcesTried(profile string) []string {
	if profile == "" {
		profile = os.Getenv("AWS_PROFILE")
	}
	if profile == "" {
		profile = "default"
	}
	set := func(names ...string) string {
		var on []string
		for _, n := range names {
			if os.Getenv(n) != "" {
				on = append(on, n)
			}
		}
		if len(on) == 0 {
			return "not set"
		}
		return "set: " + strings.Join(on, ", ")
	}
	files := "~/.aws/config and ~/.aws/credentials"
	if f := os.Getenv("AWS_CONFIG_FILE") + os.Getenv("AWS_SHARED_CREDENTIALS_FILE"); f != "" {
		files = "AWS_CONFIG_FILE / AWS_SHARED_CREDENTIALS_FILE"
	}
	imds := "EC2 instance metadata (IMDS)"
	if strings.EqualFold(os.Getenv("AWS_EC2_METADATA_DISABLED"), "true") {
		imds += " (disabled by AWS_EC2_METADATA_DISABLED)"
	}
	return []string{
		"environment: AWS_ACCESS_KEY_ID + AWS_SECRET_ACCESS_KEY (" + set("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN") + ")",
		fmt.Sprintf("shared config profile %q in %s: static keys, SSO (aws sso login), assume role, credential_process", profile, files),
		"web identity: AWS_WEB_IDENTITY_TOKEN_FILE + AWS_ROLE_ARN (" + set("AWS_WEB_IDENTITY_TOKEN_FILE", "AWS_ROLE_ARN") + ")",
		"container credentials: AWS_CONTAINER_CREDENTIALS_RELATIVE_URI / _FULL_URI (" + set("AWS_CONTAINER_CREDENTIALS_RELATIVE_URI", "AWS_CONTAINER_CREDENTIALS_FULL_URI") + ")",
		imds,
	}
}

// S3Options is an s3.Options function: when the S3 endpoint is overridden
// (BaseEndpoint from aws.Config, AWS_ENDPOINT_URL or AWS_ENDPOINT_URL_S3;
// the SDK resolves them before option functions run), bucket names go in the
// path, since a test double or proxy has no per-bucket host names.
func S3Options(o *s3.Options) {
	if o.BaseEndpoint != nil && *o.BaseEndpoint != "" {
		o.UsePathStyle = true
	}
}

// NewS3 is s3.NewFromConfig with S3Options.
func NewS3(cfg aws.Config) *s3.Client { return s3.NewFromConfig(cfg, S3Options) }
