package policy

import (
	"strings"
	"testing"
)

// seedSCP is the documentation's example perimeter written by hand, with its
// placeholders: S3 on quilt* buckets, vpc-LOCAL and vpc-VPN, the
// NetworkRestrictedExempt tag, 192.0.2.0 - 192.0.2.255 and AWS services.
const seedSCP = `{
  "Version": "2012-10-17",
  "Statement": [{
    "Sid": "DenyS3OutsideThePerimeter",
    "Effect": "Deny",
    "Action": "s3:*",
    "Resource": ["arn:aws:s3:::quilt*", "arn:aws:s3:::quilt*/*"],
    "Condition": {
      "StringNotEqualsIfExists": {
        "aws:SourceVpc": ["vpc-LOCAL", "vpc-VPN"],
        "aws:PrincipalTag/NetworkRestrictedExempt": "true"
      },
      "NotIpAddressIfExists": {"aws:SourceIp": "192.0.2.0/24"},
      "BoolIfExists": {"aws:ViaAWSService": "false"}
    }
  }]
}`

func TestSeedExample(t *testing.T) {
	p := mustParse(t, seedSCP)
	cases := []struct {
		name string
		ctx  map[string][]string
		want Decision
		cond string // the deciding operator and key
	}{
		{"from vpc-LOCAL", map[string][]string{"aws:SourceVpc": {"vpc-LOCAL"}}, NotDenied, "StringNotEqualsIfExists aws:SourceVpc"},
		{"from vpc-VPN", map[string][]string{"aws:SourceVpc": {"vpc-VPN"}}, NotDenied, "StringNotEqualsIfExists aws:SourceVpc"},
		{"with the exempt tag", map[string][]string{"aws:SourceIp": {"198.51.100.7"}, "aws:PrincipalTag/NetworkRestrictedExempt": {"true"}}, NotDenied, "StringNotEqualsIfExists aws:PrincipalTag/NetworkRestrictedExempt"},
		{"from the IP range", map[string][]string{"aws:SourceIp": {"192.0.2.254"}}, NotDenied, "NotIpAddressIfExists aws:SourceIp"},
		{"as an AWS service", map[string][]string{"aws:ViaAWSService": {"true"}}, NotDenied, "BoolIfExists aws:ViaAWSService"},
		{"from elsewhere", map[string][]string{"aws:SourceIp": {"198.51.100.7"}, "aws:ViaAWSService": {"false"}}, Denied, ""},
		{"from another VPC", map[string][]string{"aws:SourceVpc": {"vpc-OTHER"}}, Denied, ""},
		{"no keys at all", nil, Denied, ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			res, err := Evaluate(p, Request{Action: "s3:GetObject", Resource: "arn:aws:s3:::quilt-bucket/key", Context: tc.ctx})
			if err != nil {
				t.Fatal(err)
			}
			if res.Decision != tc.want {
				t.Fatalf("%s, want %s: %s", res.Decision, tc.want, res.Condition)
			}
			if res.Statement != "DenyS3OutsideThePerimeter" {
				t.Errorf("statement %q", res.Statement)
			}
			if tc.cond != "" && !strings.Contains(res.Reason, tc.cond) {
				t.Errorf("reason %q does not name %q", res.Reason, tc.cond)
			}
		})
	}
}
