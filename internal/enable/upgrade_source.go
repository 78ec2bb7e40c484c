package enable

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/url"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/smithy-go"

	"github.com/quiltdata/quilt-private-endpoints/internal/template"
)

// DefaultMaxTemplateBytes bounds the new template of an upgrade read from
// S3 when Input.MaxTemplateBytes is not given; the CLI passes its own
// bound for every input it reads (cmd/qpe's maxInputBytes, the same 16 MB).
const DefaultMaxTemplateBytes = 16 << 20

// s3Location is where an S3 URL of the new template points.
type s3Location struct {
	Bucket, Key string
	// Region is the Region the URL names ("" when it names none: s3://,
	// or the global s3.amazonaws.com host).
	Region string
}

// IsS3URL reports whether a --template value is an S3 URL (s3://, or an
// https URL of an S3 host) rather than a file name.
func IsS3URL(s string) bool {
	if strings.HasPrefix(s, "s3://") {
		return true
	}
	u, err := url.Parse(s)
	return err == nil && u.Scheme == "https" && s3Host(u.Hostname())
}

// s3Host reports whether host is an S3 endpoint host (any Region, any
// partition's domain, virtual-hosted or path-style).
func s3Host(host string) bool {
	_, _, ok := splitS3Host(host)
	return ok
}

// splitS3Host splits an S3 host name into the bucket (virtual-hosted; ""
// for path-style) and the Region ("" for the global endpoint):
// bucket.s3.us-east-1.amazonaws.com, bucket.s3-us-west-2.amazonaws.com,
// bucket.s3.amazonaws.com, s3.us-east-1.amazonaws.com, s3.amazonaws.com,
// bucket.s3.dualstack.us-east-1.amazonaws.com, and .amazonaws.com.cn.
func splitS3Host(host string) (bucket, region string, ok bool) {
	host = strings.ToLower(host)
	var rest string
	for _, d := range []string{".amazonaws.com.cn", ".amazonaws.com"} {
		if r, found := strings.CutSuffix(host, d); found {
			rest = r
			break
		}
	}
	if rest == "" {
		return "", "", false
	}
	labels := strings.Split(rest, ".")
	at := -1
	for i := len(labels) - 1; i >= 0; i-- {
		if labels[i] == "s3" || strings.HasPrefix(labels[i], "s3-") {
			at = i
			break
		}
	}
	if at < 0 {
		return "", "", false
	}
	bucket = strings.Join(labels[:at], ".")
	tail := labels[at+1:]
	if r, dash := strings.CutPrefix(labels[at], "s3-"); dash {
		tail = append([]string{r}, tail...)
	}
	for _, l := range tail {
		if l != "dualstack" && l != "external-1" {
			region = l
		}
	}
	return bucket, region, true
}

// parseS3URL reads s3://bucket/key or an https S3 URL (virtual-hosted or
// path-style); the key is unescaped.
func parseS3URL(raw string) (s3Location, error) {
	u, err := url.Parse(raw)
	if err != nil {
		return s3Location{}, fmt.Errorf("--template %s is not a URL: %w", raw, err)
	}
	var loc s3Location
	path := strings.TrimPrefix(u.Path, "/")
	switch u.Scheme {
	case "s3":
		loc.Bucket, loc.Key = u.Host, path
	case "https":
		bucket, region, ok := splitS3Host(u.Hostname())
		if !ok {
			return s3Location{}, fmt.Errorf("--template %s is not an S3 URL (https://BUCKET.s3.REGION.amazonaws.com/KEY or https://s3.REGION.amazonaws.com/BUCKET/KEY)", raw)
		}
		loc.Region = region
		if bucket != "" {
			loc.Bucket, loc.Key = bucket, path
		} else {
			loc.Bucket, loc.Key, _ = strings.Cut(path, "/")
		}
	default:
		return s3Location{}, fmt.Errorf("--template %s: only s3:// and https S3 URLs are read (or give a local file)", raw)
	}
	if u.RawQuery != "" {
		return s3Location{}, fmt.Errorf("--template %s has a query (a presigned URL?): give the object's plain URL, s3://%s/%s; qpe reads it with your credentials", raw, loc.Bucket, loc.Key)
	}
	if loc.Bucket == "" || loc.Key == "" || strings.HasSuffix(loc.Key, "/") {
		return s3Location{}, fmt.Errorf("--template %s names no object: give s3://BUCKET/KEY (the template file's key, not a folder)", raw)
	}
	return loc, nil
}

// downloadTemplate reads the new template from S3 with GetObject, the
// bucket's owner pinned to the stack's account (a bucket of another
// account is refused), at most max bytes. Every error names the URL and
// the fix.
func downloadTemplate(ctx context.Context, c S3API, raw, account string, max int64) ([]byte, error) {
	loc, err := parseS3URL(raw)
	if err != nil {
		return nil, err
	}
	var opts []func(*s3.Options)
	if loc.Region != "" {
		opts = append(opts, func(o *s3.Options) { o.Region = loc.Region })
	}
	out, err := c.GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String(loc.Bucket), Key: aws.String(loc.Key),
		ExpectedBucketOwner: aws.String(account)}, opts...)
	if err != nil {
		return nil, s3ReadError(raw, loc, account, err)
	}
	defer out.Body.Close()
	tooLarge := fmt.Errorf("--template %s is larger than %d MB, far beyond the 1 MB CloudFormation reads from S3: is it the template?", raw, max>>20)
	if aws.ToInt64(out.ContentLength) > max {
		return nil, tooLarge
	}
	b, err := io.ReadAll(io.LimitReader(out.Body, max+1))
	if err != nil {
		return nil, fmt.Errorf("--template %s: reading the object (s3:GetObject): %w", raw, err)
	}
	if int64(len(b)) > max {
		return nil, tooLarge
	}
	return b, nil
}

// s3ReadError explains a failed GetObject of the new template.
func s3ReadError(raw string, loc s3Location, account string, err error) error {
	var ae smithy.APIError
	code := ""
	if errors.As(err, &ae) {
		code = ae.ErrorCode()
	}
	switch code {
	case "NoSuchKey", "NotFound":
		return fmt.Errorf("--template %s: no such object (s3:GetObject: %s). Fix: check the key (aws s3 ls s3://%s/%s)", raw, code, loc.Bucket, parentOf(loc.Key))
	case "NoSuchBucket":
		return fmt.Errorf("--template %s: bucket %s does not exist (s3:GetObject: NoSuchBucket). Fix: check the bucket name", raw, loc.Bucket)
	case "AccessDenied", "Forbidden", "AllAccessDisabled":
		return fmt.Errorf("--template %s: access denied (s3:GetObject: %s): either your credentials may not read the object (grant s3:GetObject on arn:aws:s3:::%s/%s), or the bucket is not owned by the stack's account %s: qpe pins the bucket's owner (ExpectedBucketOwner), so a template in another account's bucket is refused. Fix: copy the template to a bucket of account %s, or give a local file",
			raw, code, loc.Bucket, loc.Key, account, account)
	case "PermanentRedirect", "AuthorizationHeaderMalformed", "301":
		return fmt.Errorf("--template %s: the bucket is in another Region than the one asked (s3:GetObject: %s). Fix: give the Region in the URL, https://%s.s3.REGION.amazonaws.com/%s", raw, code, loc.Bucket, loc.Key)
	}
	return fmt.Errorf("--template %s: reading the object (s3:GetObject): %w", raw, err)
}

func parentOf(key string) string {
	if i := strings.LastIndex(key, "/"); i >= 0 {
		return key[:i+1]
	}
	return ""
}

// decodeNewTemplate reads the new template's bytes with the project's
// template reader (JSON or YAML) and checks it is a template.
func decodeNewTemplate(src string, body []byte) (map[string]any, error) {
	doc, err := template.Decode(body)
	if err != nil {
		return nil, fmt.Errorf("--template %s is not a template (JSON or YAML): %w. Fix: give the Quilt release's CloudFormation template", src, err)
	}
	res, ok := doc["Resources"].(map[string]any)
	if !ok || len(res) == 0 {
		return nil, fmt.Errorf("--template %s is not a CloudFormation template: it has no Resources. Fix: give the Quilt release's template (e.g. quilt.yaml of the release)", src)
	}
	return doc, nil
}
