package cfnresponse

import (
	"strings"
	"testing"
)

func TestCheckResponseURL(t *testing.T) {
	const q = "/arn%3Aaws%3Acloudformation%3Aus-east-1%3A1%3Astack/s/1%7CP%7Cr?X-Amz-Signature=abc"
	extra, err := ParseOrigins("http://127.0.0.1:8080, https://responses.example.internal:8443")
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name, url, region string
		ok                bool
	}{
		{"virtual-hosted global", "https://cloudformation-custom-resource-response-useast1.s3.amazonaws.com" + q, "us-east-1", true},
		{"virtual-hosted regional", "https://cloudformation-custom-resource-response-useast1.s3.us-east-1.amazonaws.com" + q, "us-east-1", true},
		{"legacy dash host", "https://cloudformation-custom-resource-response-euwest1.s3-eu-west-1.amazonaws.com" + q, "eu-west-1", true},
		{"path style", "https://s3.eu-west-1.amazonaws.com/cloudformation-custom-resource-response-euwest1" + q, "eu-west-1", true},
		{"explicit 443", "https://cloudformation-custom-resource-response-useast1.s3.amazonaws.com:443" + q, "us-east-1", true},
		{"china partition", "https://cloudformation-custom-resource-response-cnnorth1.s3.cn-north-1.amazonaws.com.cn" + q, "cn-north-1", true},
		{"extra origin", "http://127.0.0.1:8080/anything" + q, "us-east-1", true},
		{"extra https origin", "https://responses.example.internal:8443/r", "us-east-1", true},
		// Hostile.
		{"plain http to the bucket", "http://cloudformation-custom-resource-response-useast1.s3.amazonaws.com" + q, "us-east-1", false},
		{"another Region's bucket", "https://cloudformation-custom-resource-response-euwest1.s3.amazonaws.com" + q, "us-east-1", false},
		{"another bucket", "https://attacker-bucket.s3.amazonaws.com" + q, "us-east-1", false},
		{"bucket name as a prefix", "https://cloudformation-custom-resource-response-useast1.s3.amazonaws.com.attacker.example" + q, "us-east-1", false},
		{"bucket as a subdomain of another host", "https://cloudformation-custom-resource-response-useast1.attacker.example" + q, "us-east-1", false},
		{"path style, another bucket", "https://s3.amazonaws.com/attacker-bucket/cloudformation-custom-resource-response-useast1" + q, "us-east-1", false},
		{"user info", "https://user:pass@cloudformation-custom-resource-response-useast1.s3.amazonaws.com" + q, "us-east-1", false},
		{"user info on an extra origin", "http://user:pass@127.0.0.1:8080/r", "us-east-1", false},
		{"other port", "https://cloudformation-custom-resource-response-useast1.s3.amazonaws.com:8443" + q, "us-east-1", false},
		{"extra origin, other port", "http://127.0.0.1:8081/r", "us-east-1", false},
		{"extra origin, other scheme", "https://127.0.0.1:8080/r", "us-east-1", false},
		{"china host for a commercial Region", "https://cloudformation-custom-resource-response-useast1.s3.amazonaws.com.cn" + q, "us-east-1", false},
		{"unknown partition", "https://cloudformation-custom-resource-response-usisoeast1.s3.us-iso-east-1.c2s.ic.gov" + q, "us-iso-east-1", false},
		{"no Region", "https://cloudformation-custom-resource-response-.s3.amazonaws.com" + q, "", false},
		{"not a URL", "://", "us-east-1", false},
		{"file URL", "file:///etc/passwd", "us-east-1", false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			err := CheckResponseURL(tc.url, tc.region, extra)
			if (err == nil) != tc.ok {
				t.Fatalf("CheckResponseURL(%s) = %v, want ok %v", tc.url, err, tc.ok)
			}
			if err != nil && (strings.Contains(err.Error(), "X-Amz-Signature") || strings.Contains(err.Error(), "pass")) {
				t.Errorf("the error quotes the URL's secrets: %v", err)
			}
		})
	}
}

func TestParseOrigins(t *testing.T) {
	for _, bad := range []string{"127.0.0.1:8080", "http://127.0.0.1", "http://u@127.0.0.1:1", "http://127.0.0.1:1/path", "ftp://h:1", "http://h:1?x=1"} {
		if o, err := ParseOrigins("http://ok:1," + bad); err == nil || o != nil {
			t.Errorf("ParseOrigins(%q) = %v, %v: want an error and nothing trusted", bad, o, err)
		}
	}
	o, err := ParseOrigins(" http://127.0.0.1:8080 ,,https://H.example:443")
	if err != nil || len(o) != 2 || o[1].Host != "h.example" || o[0].String() != "http://127.0.0.1:8080" {
		t.Fatalf("%v %v", o, err)
	}
	if o, err := ParseOrigins(""); err != nil || o != nil {
		t.Fatalf("empty: %v %v", o, err)
	}
}
