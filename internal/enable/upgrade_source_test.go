package enable

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/quiltdata/quilt-private-endpoints/internal/stackfake"
	"github.com/quiltdata/quilt-private-endpoints/internal/transform"
)

func TestParseS3URL(t *testing.T) {
	for _, c := range []struct {
		url  string
		want s3Location
		err  string
	}{
		{url: "s3://releases/quilt/1.65/quilt.yaml", want: s3Location{Bucket: "releases", Key: "quilt/1.65/quilt.yaml"}},
		{url: "https://releases.s3.us-west-2.amazonaws.com/quilt/1.65/quilt.yaml", want: s3Location{Bucket: "releases", Key: "quilt/1.65/quilt.yaml", Region: "us-west-2"}},
		{url: "https://releases.s3.amazonaws.com/quilt.yaml", want: s3Location{Bucket: "releases", Key: "quilt.yaml"}},
		{url: "https://releases.s3-eu-west-1.amazonaws.com/quilt.yaml", want: s3Location{Bucket: "releases", Key: "quilt.yaml", Region: "eu-west-1"}},
		{url: "https://my.s3.releases.s3.dualstack.us-east-2.amazonaws.com/q%20uilt.yaml", want: s3Location{Bucket: "my.s3.releases", Key: "q uilt.yaml", Region: "us-east-2"}},
		{url: "https://s3.us-gov-west-1.amazonaws.com/releases/quilt.yaml", want: s3Location{Bucket: "releases", Key: "quilt.yaml", Region: "us-gov-west-1"}},
		{url: "https://s3.amazonaws.com/releases/quilt.yaml", want: s3Location{Bucket: "releases", Key: "quilt.yaml"}},
		{url: "https://releases.s3.cn-north-1.amazonaws.com.cn/quilt.yaml", want: s3Location{Bucket: "releases", Key: "quilt.yaml", Region: "cn-north-1"}},
		{url: "s3://releases/", err: "names no object"},
		{url: "s3://releases/quilt/", err: "names no object"},
		{url: "https://s3.amazonaws.com/releases", err: "names no object"},
		{url: "https://releases.s3.amazonaws.com/quilt.yaml?X-Amz-Signature=abc", err: "presigned"},
		{url: "https://example.com/quilt.yaml", err: "not an S3 URL"},
		{url: "ftp://releases/quilt.yaml", err: "only s3:// and https"},
	} {
		got, err := parseS3URL(c.url)
		if c.err != "" {
			if err == nil || !strings.Contains(err.Error(), c.err) || !strings.Contains(err.Error(), c.url) {
				t.Errorf("%s: err %v, want %q", c.url, err, c.err)
			}
			continue
		}
		if err != nil || got != c.want {
			t.Errorf("%s: %+v, %v; want %+v", c.url, got, err, c.want)
		}
	}
	for s, want := range map[string]bool{"s3://b/k": true, "https://b.s3.us-east-1.amazonaws.com/k": true, "quilt.yaml": false,
		"./s3/quilt.yaml": false, "https://example.com/k": false} {
		if IsS3URL(s) != want {
			t.Errorf("IsS3URL(%q) = %v", s, !want)
		}
	}
}

// put stores an object in the double's S3 (owner pinned: the double
// insists, as enable's reads do).
func (w *world) put(t *testing.T, bucket, key string, body []byte) {
	t.Helper()
	if _, err := w.clients.S3.PutObject(context.Background(), &s3.PutObjectInput{Bucket: aws.String(bucket), Key: aws.String(key),
		Body: bytes.NewReader(body), ExpectedBucketOwner: aws.String("123456789012")}); err != nil {
		t.Fatal(err)
	}
}

// TestUpgradeFromS3: the new template read from S3 (s3:// and the https
// forms), the bucket's owner pinned to the stack's account; updated and
// verified.
func TestUpgradeFromS3(t *testing.T) {
	t.Parallel()
	w := enabled(t, map[string]string{transform.SetExclude: "ThumbnailHandler"})
	next := encode(t, release(t, w.deployedOriginal(t), nil))
	w.put(t, "quilt-releases", "quilt/1.65/quilt.json", next)
	r := w.run(t, Input{Yes: true, Template: "s3://quilt-releases/quilt/1.65/quilt.json"})
	if r.Exit != 0 || r.Outcome != OutcomeEnabled || r.Upgrade == nil || r.Upgrade.Settings[transform.SetExclude] != "ThumbnailHandler" {
		t.Fatalf("exit %d outcome %s %+v: %s\n%s", r.Exit, r.Outcome, r.Upgrade, r.Message, w.out.String())
	}
	mustContain(t, w.out.String(), "reading the new template from s3://quilt-releases/quilt/1.65/quilt.json", "owner pinned to the stack's account 123456789012")
	for _, u := range []string{"https://quilt-releases.s3.us-east-1.amazonaws.com/quilt/1.65/quilt.json", "https://s3.us-east-1.amazonaws.com/quilt-releases/quilt/1.65/quilt.json"} {
		r := w.run(t, Input{Yes: true, Template: u, ChangeSetName: "again"})
		if r.Exit != 0 || r.Outcome != OutcomeNothingToDo {
			t.Errorf("%s: exit %d outcome %s: %s", u, r.Exit, r.Outcome, r.Message)
		}
	}
	if n := w.stack.Calls()["s3:GetObject"]; n != 3 {
		t.Errorf("s3:GetObject called %d times", n)
	}
}

// TestUpgradeS3Errors: each failure to read NEW from S3 is a usage error
// naming the URL and the fix, before any change set.
func TestUpgradeS3Errors(t *testing.T) {
	t.Parallel()
	w := startWorld(t, "public", func(s *stackfake.Scenario) {
		s.BucketOwners = map[string]string{"squatted": "999999999999"}
		s.Faults = append(s.Faults, stackfake.Fault{Service: "s3", Operation: "GetObject", Target: "locked", Status: 403, Code: "AccessDenied"})
	})
	w.put(t, "quilt-releases", "notes.txt", []byte("Quilt 1.65 release notes"))
	w.put(t, "quilt-releases", "empty.json", []byte(`{"Description": "no resources"}`))
	for _, c := range []struct{ url, want string }{
		{"s3://quilt-releases/quilt/1.65/quilt.yaml", "no such object"},
		{"s3://locked/quilt.yaml", "access denied"},
		{"s3://squatted/quilt.yaml", "not owned by the stack's account 123456789012"},
		{"s3://quilt-releases/notes.txt", "is not a template (JSON or YAML)"},
		{"s3://quilt-releases/empty.json", "has no Resources"},
		{"s3://quilt-releases/", "names no object"},
		{"quilt.yaml", "give a local file"},
	} {
		_, err := Run(context.Background(), w.clients, w.input(Input{Yes: true, Template: c.url}))
		var ue *UsageError
		if err == nil || !errorsAs(err, &ue) || !strings.Contains(err.Error(), c.want) || !strings.Contains(err.Error(), c.url) {
			t.Errorf("%s: err %v, want a usage error with %q", c.url, err, c.want)
		}
	}
	// Size-bounded as every input.
	_, err := Run(context.Background(), w.clients, w.input(Input{Yes: true, Template: "s3://quilt-releases/notes.txt", MaxTemplateBytes: 10}))
	if err == nil || !strings.Contains(err.Error(), "is larger than") {
		t.Errorf("over the bound: err %v", err)
	}
	if n := w.stack.Calls()["cloudformation:CreateChangeSet"]; n != 0 {
		t.Errorf("%d change sets created", n)
	}
}
