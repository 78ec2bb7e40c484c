package policy

import (
	"encoding/json"
	"strings"
	"testing"
)

// conditionPolicy builds a one-statement Deny policy whose only condition is
// op {key: values}.
func conditionPolicy(t *testing.T, op, key string, values any) *Policy {
	t.Helper()
	doc := map[string]any{
		"Version": "2012-10-17",
		"Statement": []any{map[string]any{
			"Sid": "Only", "Effect": "Deny", "Action": "*", "Resource": "*",
			"Condition": map[string]any{op: map[string]any{key: values}},
		}},
	}
	b, err := json.Marshal(doc)
	if err != nil {
		t.Fatal(err)
	}
	p, err := Parse(b)
	if err != nil {
		t.Fatalf("Parse: %v", err)
	}
	return p
}

func TestOperators(t *testing.T) {
	type ctx = map[string][]string
	cases := []struct {
		name   string
		op     string
		key    string
		values any
		ctx    ctx
		want   bool // the condition holds (the Deny applies)
	}{
		// StringEquals and friends.
		{"StringEquals match", "StringEquals", "aws:SourceVpc", "vpc-1", ctx{"aws:SourceVpc": {"vpc-1"}}, true},
		{"StringEquals case-sensitive value", "StringEquals", "aws:SourceVpc", "VPC-1", ctx{"aws:SourceVpc": {"vpc-1"}}, false},
		{"StringEquals one of several", "StringEquals", "aws:SourceVpc", []string{"vpc-1", "vpc-2"}, ctx{"aws:SourceVpc": {"vpc-2"}}, true},
		{"StringEquals missing", "StringEquals", "aws:SourceVpc", "vpc-1", ctx{}, false},
		{"StringEqualsIfExists missing", "StringEqualsIfExists", "aws:SourceVpc", "vpc-1", ctx{}, true},
		{"StringEqualsIfExists present no match", "StringEqualsIfExists", "aws:SourceVpc", "vpc-1", ctx{"aws:SourceVpc": {"vpc-9"}}, false},
		{"StringNotEquals no match", "StringNotEquals", "aws:SourceVpc", []string{"vpc-1", "vpc-2"}, ctx{"aws:SourceVpc": {"vpc-3"}}, true},
		{"StringNotEquals one matches", "StringNotEquals", "aws:SourceVpc", []string{"vpc-1", "vpc-2"}, ctx{"aws:SourceVpc": {"vpc-2"}}, false},
		{"StringNotEquals missing", "StringNotEquals", "aws:SourceVpc", "vpc-1", ctx{}, true},
		{"StringNotEqualsIfExists missing", "StringNotEqualsIfExists", "aws:SourceVpc", "vpc-1", ctx{}, true},
		{"StringEqualsIgnoreCase", "StringEqualsIgnoreCase", "aws:PrincipalTag/team", "Data", ctx{"aws:PrincipalTag/team": {"dATA"}}, true},
		{"StringNotEqualsIgnoreCase", "StringNotEqualsIgnoreCase", "aws:PrincipalTag/team", "Data", ctx{"aws:PrincipalTag/team": {"dATA"}}, false},
		{"StringLike star", "StringLike", "s3:prefix", "home/*", ctx{"s3:prefix": {"home/alice/x"}}, true},
		{"StringLike question", "StringLike", "s3:prefix", "v?", ctx{"s3:prefix": {"v1"}}, true},
		{"StringLike question one char only", "StringLike", "s3:prefix", "v?", ctx{"s3:prefix": {"v12"}}, false},
		{"StringLike case-sensitive", "StringLike", "s3:prefix", "Home/*", ctx{"s3:prefix": {"home/a"}}, false},
		{"StringNotLike", "StringNotLike", "s3:prefix", "home/*", ctx{"s3:prefix": {"tmp/a"}}, true},
		{"StringNotLike matches", "StringNotLike", "s3:prefix", "home/*", ctx{"s3:prefix": {"home/a"}}, false},
		{"StringLike missing", "StringLike", "s3:prefix", "*", ctx{}, false},
		// Arn operators.
		{"ArnLike", "ArnLike", "aws:PrincipalArn", "arn:aws:iam::*:role/aws:ec2-infrastructure", ctx{"aws:PrincipalArn": {"arn:aws:iam::111122223333:role/aws:ec2-infrastructure"}}, true},
		{"ArnLike star does not cross account", "ArnLike", "aws:PrincipalArn", "arn:aws:iam::*", ctx{"aws:PrincipalArn": {"arn:aws:iam::111122223333:role/x"}}, false},
		{"ArnLike resource star spans slash", "ArnLike", "aws:SourceArn", "arn:aws:s3:::quilt*", ctx{"aws:SourceArn": {"arn:aws:s3:::quilt-a/k/e/y"}}, true},
		{"ArnEquals", "ArnEquals", "aws:SourceArn", "arn:aws:sns:us-east-1:111122223333:t", ctx{"aws:SourceArn": {"arn:aws:sns:us-east-1:111122223333:t"}}, true},
		{"ArnNotLike match", "ArnNotLike", "aws:PrincipalArn", "arn:aws:iam::*:role/admin", ctx{"aws:PrincipalArn": {"arn:aws:iam::111122223333:role/admin"}}, false},
		{"ArnNotLikeIfExists missing", "ArnNotLikeIfExists", "aws:PrincipalArn", "arn:aws:iam::*:role/admin", ctx{}, true},
		{"ArnNotEquals other", "ArnNotEquals", "aws:PrincipalArn", "arn:aws:iam::111122223333:role/admin", ctx{"aws:PrincipalArn": {"arn:aws:iam::111122223333:role/other"}}, true},
		{"ArnLike not an ARN", "ArnLike", "aws:SourceArn", "arn:aws:s3:::b", ctx{"aws:SourceArn": {"b"}}, false},
		// IP addresses.
		{"IpAddress v4 inside", "IpAddress", "aws:SourceIp", "192.0.2.0/24", ctx{"aws:SourceIp": {"192.0.2.200"}}, true},
		{"IpAddress v4 outside", "IpAddress", "aws:SourceIp", "192.0.2.0/24", ctx{"aws:SourceIp": {"192.0.3.1"}}, false},
		{"IpAddress bare address", "IpAddress", "aws:SourceIp", "203.0.113.7", ctx{"aws:SourceIp": {"203.0.113.7"}}, true},
		{"IpAddress v6 inside", "IpAddress", "aws:SourceIp", "2001:db8::/32", ctx{"aws:SourceIp": {"2001:db8:1::5"}}, true},
		{"IpAddress v6 outside", "IpAddress", "aws:SourceIp", "2001:db8::/32", ctx{"aws:SourceIp": {"2001:db9::1"}}, false},
		{"IpAddress v4 policy v6 request", "IpAddress", "aws:SourceIp", "192.0.2.0/24", ctx{"aws:SourceIp": {"2001:db8::1"}}, false},
		{"IpAddress v4-mapped request", "IpAddress", "aws:SourceIp", "192.0.2.0/24", ctx{"aws:SourceIp": {"::ffff:192.0.2.9"}}, true},
		{"IpAddress missing", "IpAddress", "aws:SourceIp", "192.0.2.0/24", ctx{}, false},
		{"NotIpAddress outside", "NotIpAddress", "aws:SourceIp", []string{"192.0.2.0/24", "2001:db8::/32"}, ctx{"aws:SourceIp": {"198.51.100.1"}}, true},
		{"NotIpAddress inside second", "NotIpAddress", "aws:SourceIp", []string{"192.0.2.0/24", "2001:db8::/32"}, ctx{"aws:SourceIp": {"2001:db8::9"}}, false},
		{"NotIpAddress missing", "NotIpAddress", "aws:SourceIp", "192.0.2.0/24", ctx{}, true},
		{"NotIpAddressIfExists missing", "NotIpAddressIfExists", "aws:SourceIp", "192.0.2.0/24", ctx{}, true},
		// Bool.
		{"Bool true", "Bool", "aws:SecureTransport", "true", ctx{"aws:SecureTransport": {"true"}}, true},
		{"Bool JSON boolean", "Bool", "aws:SecureTransport", false, ctx{"aws:SecureTransport": {"false"}}, true},
		{"Bool case-insensitive", "Bool", "aws:SecureTransport", "TRUE", ctx{"aws:SecureTransport": {"true"}}, true},
		{"Bool other", "Bool", "aws:SecureTransport", "false", ctx{"aws:SecureTransport": {"true"}}, false},
		{"Bool missing", "Bool", "aws:ViaAWSService", "false", ctx{}, false},
		{"BoolIfExists missing", "BoolIfExists", "aws:ViaAWSService", "false", ctx{}, true},
		{"BoolIfExists present true", "BoolIfExists", "aws:ViaAWSService", "false", ctx{"aws:ViaAWSService": {"true"}}, false},
		// Null.
		{"Null true missing", "Null", "aws:SourceVpc", "true", ctx{}, true},
		{"Null true present", "Null", "aws:SourceVpc", "true", ctx{"aws:SourceVpc": {"vpc-1"}}, false},
		{"Null false present", "Null", "aws:SourceVpc", "false", ctx{"aws:SourceVpc": {"vpc-1"}}, true},
		{"Null false missing", "Null", "aws:SourceVpc", false, ctx{}, false},
		// Numeric and Date.
		{"NumericLessThan", "NumericLessThan", "s3:max-keys", "10", ctx{"s3:max-keys": {"9"}}, true},
		{"NumericLessThan equal", "NumericLessThan", "s3:max-keys", "10", ctx{"s3:max-keys": {"10"}}, false},
		{"NumericGreaterThanEquals", "NumericGreaterThanEquals", "s3:max-keys", 10, ctx{"s3:max-keys": {"10.0"}}, true},
		{"NumericNotEquals", "NumericNotEquals", "s3:max-keys", "10", ctx{"s3:max-keys": {"11"}}, true},
		{"DateGreaterThan", "DateGreaterThan", "aws:CurrentTime", "2020-01-01T00:00:00Z", ctx{"aws:CurrentTime": {"2026-11-28T18:00:00Z"}}, true},
		{"DateLessThan epoch", "DateLessThan", "aws:EpochTime", "1700000000", ctx{"aws:EpochTime": {"1600000000"}}, true},
		{"DateEquals date only", "DateEquals", "aws:CurrentTime", "2026-11-28", ctx{"aws:CurrentTime": {"2026-11-28T00:00:00Z"}}, true},
		// Binary.
		{"BinaryEquals", "BinaryEquals", "k", "QmluYXJ5", ctx{"k": {"QmluYXJ5"}}, true},
		// Set operators.
		{"ForAnyValue one matches", "ForAnyValue:StringEquals", "aws:TagKeys", []string{"a", "b"}, ctx{"aws:TagKeys": {"x", "b"}}, true},
		{"ForAnyValue none", "ForAnyValue:StringEquals", "aws:TagKeys", []string{"a", "b"}, ctx{"aws:TagKeys": {"x", "y"}}, false},
		{"ForAnyValue missing", "ForAnyValue:StringEquals", "aws:TagKeys", "a", ctx{}, false},
		{"ForAllValues all match", "ForAllValues:StringEquals", "aws:TagKeys", []string{"a", "b"}, ctx{"aws:TagKeys": {"a", "b"}}, true},
		{"ForAllValues one outside", "ForAllValues:StringEquals", "aws:TagKeys", []string{"a", "b"}, ctx{"aws:TagKeys": {"a", "c"}}, false},
		{"ForAllValues missing", "ForAllValues:StringEquals", "aws:TagKeys", "a", ctx{}, true},
		{"ForAnyValue StringNotEquals", "ForAnyValue:StringNotEquals", "aws:TagKeys", []string{"a"}, ctx{"aws:TagKeys": {"a", "z"}}, true},
		{"ForAllValues StringNotLike", "ForAllValues:StringNotLike", "aws:TagKeys", []string{"sys*"}, ctx{"aws:TagKeys": {"team", "system"}}, false},
		{"ForAnyValue IfExists missing", "ForAnyValue:StringEqualsIfExists", "aws:TagKeys", "a", ctx{}, true},
		// Several request values without a set operator.
		{"multivalued positive any", "StringEquals", "k", "b", ctx{"k": {"a", "b"}}, true},
		{"multivalued negated none", "StringNotEquals", "k", "b", ctx{"k": {"a", "b"}}, false},
		// Case of key names.
		{"key case lower in request", "StringEquals", "aws:SourceVpc", "vpc-1", ctx{"aws:sourcevpc": {"vpc-1"}}, true},
		{"key case upper in policy", "StringEquals", "AWS:SOURCEVPC", "vpc-1", ctx{"aws:SourceVpc": {"vpc-1"}}, true},
		{"tag key case", "StringNotEqualsIfExists", "aws:PrincipalTag/NetworkRestrictedExempt", "true", ctx{"aws:principaltag/networkrestrictedexempt": {"true"}}, false},
		// Policy variables.
		{"variable", "StringEquals", "aws:ResourceAccount", "${aws:PrincipalAccount}", ctx{"aws:ResourceAccount": {"111122223333"}, "aws:PrincipalAccount": {"111122223333"}}, true},
		{"variable missing", "StringEquals", "aws:ResourceAccount", "${aws:PrincipalAccount}", ctx{"aws:ResourceAccount": {"111122223333"}}, false},
		{"variable default", "StringEquals", "k", "${aws:username, 'none'}", ctx{"k": {"none"}}, true},
		{"variable literal star", "StringEquals", "k", "a${*}", ctx{"k": {"a*"}}, true},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			p := conditionPolicy(t, tc.op, tc.key, tc.values)
			res, err := Evaluate(p, Request{Action: "s3:GetObject", Resource: "arn:aws:s3:::b/k", Context: tc.ctx})
			if err != nil {
				t.Fatalf("Evaluate: %v", err)
			}
			if got := res.Decision == Denied; got != tc.want {
				t.Fatalf("condition held = %v, want %v (%s)", got, tc.want, res.Condition)
			}
			if res.Statement != "Only" {
				t.Errorf("statement = %q, want Only", res.Statement)
			}
			if !strings.HasPrefix(res.Condition, tc.op+" ") {
				t.Errorf("condition %q does not name the operator %s", res.Condition, tc.op)
			}
		})
	}
}

func TestOperatorErrors(t *testing.T) {
	cases := []struct {
		name, op, key string
		values        any
		want          string
	}{
		{"unknown operator", "StringEqual", "k", "v", "unknown condition operator \"StringEqual\""},
		{"operator case", "stringequals", "k", "v", "did you mean \"StringEquals\""},
		{"operator case with qualifiers", "foranyvalue:stringlikeifexists", "k", "v", "did you mean \"ForAnyValue:StringLikeIfExists\""},
		{"unknown set qualifier", "ForSomeValues:StringEquals", "k", "v", "unknown condition operator"},
		{"NullIfExists", "NullIfExists", "k", "true", "Null takes neither IfExists"},
		{"Null value", "Null", "k", "maybe", "Null takes \"true\""},
		{"Bool value", "Bool", "k", "yes", "Bool takes \"true\" or \"false\""},
		{"bad CIDR", "IpAddress", "aws:SourceIp", "192.0.2.0/33", "not a CIDR block"},
		{"bad IP", "NotIpAddress", "aws:SourceIp", "example.com", "neither an IP address nor a CIDR block"},
		{"bad number", "NumericEquals", "k", "ten", "takes a number"},
		{"bad date", "DateLessThan", "k", "yesterday", "takes a date"},
		{"bad base64", "BinaryEquals", "k", "!!", "takes base64"},
		{"empty values", "StringEquals", "k", []string{}, "empty list of values"},
		{"null value", "StringEquals", "k", nil, "condition values must be strings"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			doc := map[string]any{"Statement": map[string]any{
				"Effect": "Deny", "Action": "*", "Resource": "*",
				"Condition": map[string]any{tc.op: map[string]any{tc.key: tc.values}},
			}}
			b, _ := json.Marshal(doc)
			_, err := Parse(b)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("Parse error = %v, want it to contain %q", err, tc.want)
			}
			if !strings.Contains(err.Error(), "Statement[0]") {
				t.Errorf("error %q does not name the statement", err)
			}
		})
	}
}

func TestRequestValueErrors(t *testing.T) {
	cases := []struct {
		op, key string
		values  any
		ctx     map[string][]string
		want    string
	}{
		{"NotIpAddressIfExists", "aws:SourceIp", "192.0.2.0/24", map[string][]string{"aws:SourceIp": {"not-an-ip"}}, "not an IP address"},
		{"NumericLessThan", "k", "3", map[string][]string{"k": {"x"}}, "not a number"},
		{"DateLessThan", "k", "2020-01-01", map[string][]string{"k": {"x"}}, "not a date"},
	}
	for _, tc := range cases {
		t.Run(tc.op, func(t *testing.T) {
			p := conditionPolicy(t, tc.op, tc.key, tc.values)
			_, err := Evaluate(p, Request{Action: "s3:GetObject", Resource: "*", Context: tc.ctx})
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("Evaluate error = %v, want %q", err, tc.want)
			}
		})
	}
}
