// Package awsclient loads the AWS configuration every qpe command shares:
// config.LoadDefaultConfig (profiles, SSO, environment, the SDK's standard
// endpoint variables AWS_ENDPOINT_URL, AWS_ENDPOINT_URL_EC2, _S3, _STS), a
// credentials check with an error that lists the sources tried, and S3
// path-style addressing when the S3 endpoint is overridden.
package awsclient

import (
	"github.com/aws/aws-sdk-go-v2/service/s3"
)

// S3Options is an s3.Options function: when the S3 endpoint is overridden
// (BaseEndpoint from aws.Config, AWS_ENDPOINT_URL or AWS_ENDPOINT_URL_S3),
// bucket names go in the path, since a test double or proxy has no
// per-bucket host names.
func S3Options(o *s3.Options) {
	if o.BaseEndpoint != nil && *o.BaseEndpoint != "" {
		o.UsePathStyle = true
	}
}
