package perimeter

import (
	"strings"
	"testing"

	"github.com/quiltdata/quilt-private-endpoints/internal/perimeter/policy"
)

// TestWholeInternetRefused: a trusted range that covers the whole IPv4 or
// IPv6 internet, alone or once the ranges merge, is refused; very short
// prefixes warn unless AllowWideIPs.
func TestWholeInternetRefused(t *testing.T) {
	for _, tc := range []struct {
		name string
		ips  []string
	}{
		{"IPv4 /0", []string{"0.0.0.0/0"}},
		{"IPv6 /0", []string{"::/0"}},
		{"IPv4 /0 not masked", []string{"10.1.2.3/0"}},
		{"two IPv4 halves", []string{"0.0.0.0/1", "128.0.0.0/1"}},
		{"four IPv4 quarters with a duplicate", []string{"0.0.0.0/2", "64.0.0.0/2", "128.0.0.0/2", "192.0.0.0/2", "64.0.0.0/2"}},
		{"a range over every address", []string{"0.0.0.0-255.255.255.255"}},
		{"two ranges that meet", []string{"0.0.0.0-127.255.255.255", "128.0.0.0-255.255.255.255"}},
		{"IPv6 halves", []string{"::/1", "8000::/1"}},
		{"global unicast IPv6", []string{"2000::/3"}},
		{"IPv6 /2 holding global unicast", []string{"::/2", "4000::/2"}},
		{"IPv4-mapped IPv6", []string{"::ffff:0:0/96"}},
		{"whole internet among good ranges", []string{"192.0.2.0/24", "0.0.0.0/0"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Options{VPCs: []string{vpcLocal}, IPs: tc.ips, AllowWideIPs: true}.Validate()
			if err == nil || !strings.Contains(err.Error(), "--ip") {
				t.Fatalf("error = %v, want the whole internet refused", err)
			}
		})
	}
	for _, tc := range []struct {
		ips   []string
		allow bool
		warns int
	}{
		{[]string{"192.0.2.0/24"}, false, 0},
		{[]string{"10.0.0.0/8"}, false, 0},
		{[]string{"0.0.0.0/2"}, false, 1},
		{[]string{"0.0.0.0/2"}, true, 0},
		{[]string{"2001:db8::/16"}, false, 1},
		{[]string{"2001:db8::/32"}, false, 0},
		{[]string{"0.0.0.0/2", "64.0.0.0/2"}, false, 1}, // merged into 0.0.0.0/1
	} {
		s, err := Options{VPCs: []string{vpcLocal}, IPs: tc.ips, AllowWideIPs: tc.allow}.Validate()
		if err != nil {
			t.Fatalf("%v: %v", tc.ips, err)
		}
		if len(s.RangeWarnings) != tc.warns {
			t.Errorf("%v allow=%v: warnings %q, want %d", tc.ips, tc.allow, s.RangeWarnings, tc.warns)
		}
	}
}

// TestExemptTagPattern: IAM's exact tag key pattern [\p{L}\p{Z}\p{N}_.:/=+\-@]+,
// 1-128 characters.
func TestExemptTagPattern(t *testing.T) {
	for _, tc := range []struct {
		key string
		ok  bool
	}{
		{"NetworkRestrictedExempt", true},
		{"team:data perimeter/exempt=+-@_.", true},
		{"Ausnahme-Größe", true},
		{"例外", true},
		{"exempt\u00a0nbsp", true}, // a separator (Zs)
		{strings.Repeat("é", 128), true},
		{"exempt\ttab", false},
		{"exempt\nnewline", false},
		{"exempt\r", false},
		{"exempt\u2028line", true}, // Zl is a separator in IAM's pattern too
		{"exempt\x00", false},
		{"exempt!", false},
		{"exempt*", false},
		{"exempt${aws:username}", false},
		{strings.Repeat("a", 129), false},
		{strings.Repeat("é", 129), false},
		{"aws:exempt", false},
		{"AWS:exempt", false},
		{"bad\xffutf8", false},
	} {
		_, err := Options{VPCs: []string{vpcLocal}, ExemptTag: tc.key}.Validate()
		if (err == nil) != tc.ok {
			t.Errorf("--exempt-tag %q: err = %v, want ok %v", tc.key, err, tc.ok)
		}
	}
}

// TestBucketExemptionOwnerOnly: the exempt tag exempts principals of the
// bucket owner's account (or the organization given), never a principal of
// an account the bucket is shared with.
func TestBucketExemptionOwnerOnly(t *testing.T) {
	for _, org := range []string{"", "o-exampleorg1"} {
		s, err := Options{VPCs: []string{vpcLocal}, ExemptOrgID: org}.Validate()
		if err != nil {
			t.Fatal(err)
		}
		bp, err := s.BucketPolicy("quilt-perimeter-test")
		if err != nil {
			t.Fatal(err)
		}
		p, err := parseDocument(bp)
		if err != nil {
			t.Fatal(err)
		}
		req := func(account, orgID string) policy.Request {
			ctx := map[string][]string{
				"aws:SourceIp": {ExampleOutsideIP}, "aws:PrincipalTag/" + DefaultExemptTag: {"true"},
				"aws:PrincipalAccount": {account}, "aws:ResourceAccount": {ExampleAccount},
				"aws:ViaAWSService": {"false"}, "aws:PrincipalIsAWSService": {"false"},
			}
			if orgID != "" {
				ctx["aws:PrincipalOrgID"] = []string{orgID}
			}
			return policy.Request{Action: "s3:GetObject", Resource: "arn:aws:s3:::quilt-perimeter-test/k",
				Principal: "arn:aws:iam::" + account + ":role/r", Context: ctx}
		}
		for _, tc := range []struct {
			name string
			r    policy.Request
			want policy.Decision
		}{
			{"owner's account, tagged", req(ExampleAccount, org), policy.NotDenied},
			{"shared-with account, tagged", req("444455556666", ""), policy.Denied},
			{"shared-with account, tagged, another org", req("444455556666", "o-otherorg000"), policy.Denied},
		} {
			if org != "" && tc.name == "shared-with account, tagged" {
				tc.r = req("444455556666", "") // no org: denied
			}
			res, err := policy.Evaluate(p, tc.r)
			if err != nil {
				t.Fatal(err)
			}
			if res.Decision != tc.want {
				t.Errorf("org %q, %s: %s, want %s (%s)", org, tc.name, res.Decision, tc.want, res.Reason)
			}
		}
	}
	if _, err := (Options{VPCs: []string{vpcLocal}, ExemptOrgID: "org-1"}).Validate(); err == nil || !strings.Contains(err.Error(), "--exempt-org") {
		t.Errorf("a bad organization id: %v", err)
	}
}
