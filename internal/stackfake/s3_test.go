package stackfake

import (
	"context"
	"errors"
	"io"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/smithy-go"
)

// TestS3GetObject: an object PutObject stored is read back by GetObject,
// which, as PutObject, insists on the expected bucket owner and refuses a
// bucket of another account; an unknown key is NoSuchKey; a fault applies.
func TestS3GetObject(t *testing.T) {
	s := start(t, `
region: eu-west-1
account: "123456789012"
stack: {name: quilt, template: {Resources: {}}}
bucketOwners: {squatted: "999999999999"}
faults:
  - {service: s3, operation: GetObject, target: locked, status: 403, code: AccessDenied}
`)
	ctx := context.Background()
	c := s3.NewFromConfig(cfg(s), func(o *s3.Options) { o.UsePathStyle = true })
	if _, err := c.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String("releases"), Key: aws.String("quilt/1.65.json"),
		Body: strings.NewReader(`{"Resources": {}}`), ExpectedBucketOwner: aws.String("123456789012")}); err != nil {
		t.Fatal(err)
	}
	out, err := c.GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String("releases"), Key: aws.String("quilt/1.65.json"), ExpectedBucketOwner: aws.String("123456789012")})
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(out.Body)
	out.Body.Close()
	if string(body) != `{"Resources": {}}` || aws.ToInt64(out.ContentLength) != int64(len(body)) {
		t.Errorf("body %q length %d", body, aws.ToInt64(out.ContentLength))
	}
	for _, c2 := range []struct {
		bucket, key, owner, code string
	}{
		{"releases", "quilt/1.66.json", "123456789012", "NoSuchKey"},
		{"releases", "quilt/1.65.json", "", "InvalidRequest"},
		{"squatted", "quilt/1.65.json", "123456789012", "AccessDenied"},
		{"locked", "quilt/1.65.json", "123456789012", "AccessDenied"},
	} {
		in := &s3.GetObjectInput{Bucket: aws.String(c2.bucket), Key: aws.String(c2.key)}
		if c2.owner != "" {
			in.ExpectedBucketOwner = aws.String(c2.owner)
		}
		_, err := c.GetObject(ctx, in)
		var ae smithy.APIError
		if !errors.As(err, &ae) || ae.ErrorCode() != c2.code {
			t.Errorf("%s/%s owner %q: %v, want %s", c2.bucket, c2.key, c2.owner, err, c2.code)
		}
	}
}
