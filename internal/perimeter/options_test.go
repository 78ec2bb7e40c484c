package perimeter

import (
	"fmt"
	"net/netip"
	"strings"
	"testing"

	"github.com/quiltdata/quilt-private-endpoints/internal/perimeter/policy"
)

func TestValidateErrors(t *testing.T) {
	good := Options{VPCs: []string{vpcLocal}}
	cases := []struct {
		name string
		edit func(o *Options)
		want string
	}{
		{"no VPC", func(o *Options) { o.VPCs = nil }, "--vpc: name at least one VPC"},
		{"seed placeholder", func(o *Options) { o.VPCs = []string{"vpc-LOCAL"} }, `--vpc "vpc-LOCAL" is not a VPC ID`},
		{"short VPC", func(o *Options) { o.VPCs = []string{"vpc-123"} }, "is not a VPC ID"},
		{"bad CIDR", func(o *Options) { o.IPs = []string{"192.0.2.0/40"} }, `--ip "192.0.2.0/40"`},
		{"bad range", func(o *Options) { o.IPs = []string{"192.0.2.9-192.0.2.1"} }, "not below the first"},
		{"mixed range", func(o *Options) { o.IPs = []string{"192.0.2.0-2001:db8::1"} }, "same family"},
		{"bad NAT", func(o *Options) { o.NATIPs = []string{"nat-0123"} }, `--nat-ips "nat-0123" is not an IP address`},
		{"bad scope", func(o *Options) { o.Scope = "everything" }, `--scope "everything"`},
		{"reserved tag", func(o *Options) { o.ExemptTag = "aws:exempt" }, "reserved for AWS"},
		{"tag chars", func(o *Options) { o.ExemptTag = "exempt!" }, "a tag key holds"},
		{"bucket prefix", func(o *Options) { o.BucketPrefix = "Quilt" }, "--bucket-prefix"},
		{"region", func(o *Options) { o.Region = "useast1" }, "--region"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			o := good
			tc.edit(&o)
			_, err := o.Validate()
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("error = %v, want %q", err, tc.want)
			}
		})
	}
	// Several problems are reported together.
	_, err := Options{VPCs: []string{"vpc-x"}, IPs: []string{"nope"}}.Validate()
	if err == nil || !strings.Contains(err.Error(), "--vpc") || !strings.Contains(err.Error(), "--ip") {
		t.Errorf("want both problems, got %v", err)
	}
}

func TestValidateDefaultsAndPartition(t *testing.T) {
	s, err := Options{VPCs: []string{vpcLocal, vpcLocal, "vpc-0a1b2c3d"}}.Validate()
	if err != nil {
		t.Fatal(err)
	}
	if s.ExemptTag != DefaultExemptTag || s.BucketPrefix != DefaultBucketPrefix || s.Scope != ScopeS3 || s.Partition != "aws" {
		t.Errorf("defaults: %+v", s)
	}
	if strings.Join(s.VPCs, ",") != "vpc-0100000000000000a,vpc-0a1b2c3d" {
		t.Errorf("VPCs not sorted and deduplicated: %v", s.VPCs)
	}
	for region, want := range map[string]string{"us-east-1": "aws", "cn-northwest-1": "aws-cn", "us-gov-east-1": "aws-us-gov", "eu-central-2": "aws"} {
		if got := PartitionOf(region); got != want {
			t.Errorf("PartitionOf(%s) = %s, want %s", region, got, want)
		}
	}
}

func TestParseIPRange(t *testing.T) {
	cases := []struct {
		in   string
		want string
	}{
		{"192.0.2.0 - 192.0.2.255", "192.0.2.0/24"},
		{"192.0.2.0-192.0.2.127", "192.0.2.0/25"},
		{"192.0.2.5-192.0.2.5", "192.0.2.5/32"},
		{"192.0.2.1-192.0.2.6", "192.0.2.1/32 192.0.2.2/31 192.0.2.4/31 192.0.2.6/32"},
		{"10.0.0.0-10.255.255.255", "10.0.0.0/8"},
		{"0.0.0.0-255.255.255.255", "0.0.0.0/0"},
		{"2001:db8::-2001:db8::ffff", "2001:db8::/112"},
		{"192.0.2.77/24", "192.0.2.0/24"},
		{"203.0.113.9", "203.0.113.9/32"},
		{"2001:db8::1", "2001:db8::1/128"},
	}
	for _, tc := range cases {
		ps, err := parseIPRange(tc.in)
		if err != nil {
			t.Errorf("%s: %v", tc.in, err)
			continue
		}
		var got []string
		for _, p := range ps {
			got = append(got, p.String())
		}
		if strings.Join(got, " ") != tc.want {
			t.Errorf("%s -> %v, want %s", tc.in, got, tc.want)
		}
	}
}

// TestRangeCoversExactly checks the range conversion against brute force.
func TestRangeCoversExactly(t *testing.T) {
	base := netip.MustParseAddr("192.0.2.0")
	for _, span := range [][2]int{{0, 0}, {3, 17}, {1, 254}, {0, 255}, {64, 191}, {7, 8}} {
		first, last := base, base
		for i := 0; i < span[0]; i++ {
			first = first.Next()
		}
		for i := 0; i < span[1]; i++ {
			last = last.Next()
		}
		ps := rangeToPrefixes(first, last)
		for a, i := base, 0; i < 256; a, i = a.Next(), i+1 {
			in := i >= span[0] && i <= span[1]
			n := 0
			for _, p := range ps {
				if p.Contains(a) {
					n++
				}
			}
			if (in && n != 1) || (!in && n != 0) {
				t.Fatalf("range %v-%v: %v is in %d blocks of %v", first, last, a, n, ps)
			}
		}
	}
}

func TestSCPSizeLimit(t *testing.T) {
	var ips []string
	for i := 0; i < 400; i++ {
		// Every other /24, so that no two blocks merge.
		ips = append(ips, fmt.Sprintf("10.%d.%d.0/24", i/128, (i%128)*2))
	}
	s, err := Options{VPCs: []string{vpcLocal}, IPs: ips}.Validate()
	if err != nil {
		t.Fatal(err)
	}
	text, err := Render(s.SCP(), false)
	if err != nil {
		t.Fatal(err)
	}
	err = CheckSCPSize(text)
	over := len(text) - SCPMaxChars
	if over <= 0 {
		t.Fatalf("test policy is only %d characters", len(text))
	}
	want := fmt.Sprintf("the SCP is %s characters, %s over the 5,120-character limit", Thousands(len(text)), Thousands(over))
	if err == nil || !strings.Contains(err.Error(), want) {
		t.Fatalf("error = %v, want %q", err, want)
	}
	// The advice must not be to split the list across SCPs: two Deny
	// perimeters intersect, so a request from the first SCP's VPC is denied
	// by the second.
	if !strings.Contains(err.Error(), "do not split") {
		t.Errorf("error = %v, want the warning against splitting", err)
	}
	a, _ := Options{VPCs: []string{vpcLocal}}.Validate()
	b, _ := Options{VPCs: []string{vpcVPN}}.Validate()
	req := policy.Request{Action: "s3:GetObject", Resource: "arn:aws:s3:::quilt-data/k", Context: map[string][]string{"aws:SourceVpc": {vpcLocal}}}
	ra, errA := policy.Evaluate(parsed(t, a.SCP()), req)
	rb, errB := policy.Evaluate(parsed(t, b.SCP()), req)
	if errA != nil || errB != nil || ra.Decision != policy.NotDenied || rb.Decision != policy.Denied {
		t.Errorf("split SCPs: %s/%s (%v %v), want the second to deny the first's VPC", ra.Decision, rb.Decision, errA, errB)
	}
	// At the limit exactly it passes; one more character fails.
	if err := CheckSCPSize(make([]byte, SCPMaxChars)); err != nil {
		t.Errorf("5,120 characters: %v", err)
	}
	if err := CheckSCPSize(make([]byte, SCPMaxChars+1)); err == nil || !strings.Contains(err.Error(), "1 over") {
		t.Errorf("5,121 characters: %v", err)
	}
}

func TestBucketName(t *testing.T) {
	s, err := Options{VPCs: []string{vpcLocal}}.Validate()
	if err != nil {
		t.Fatal(err)
	}
	for _, b := range []string{"ab", "Quilt-test", "quilt_test", "quilt-test-", strings.Repeat("q", 64)} {
		if _, err := s.BucketPolicy(b); err == nil || !strings.Contains(err.Error(), "--bucket") {
			t.Errorf("bucket %q: %v", b, err)
		}
	}
}

func TestThousandsFormat(t *testing.T) {
	for n, want := range map[int]string{0: "0", 999: "999", 1000: "1,000", 5120: "5,120", 1234567: "1,234,567", -5120: "-5,120"} {
		if got := Thousands(n); got != want {
			t.Errorf("Thousands(%d) = %s, want %s", n, got, want)
		}
	}
}

func TestBucketPolicySizeLimit(t *testing.T) {
	if err := CheckBucketPolicySize(make([]byte, BucketPolicyMaxBytes)); err != nil {
		t.Error(err)
	}
	if err := CheckBucketPolicySize(make([]byte, BucketPolicyMaxBytes+10)); err == nil || !strings.Contains(err.Error(), "20,490 bytes, 10 over S3's 20,480-byte limit") {
		t.Errorf("error = %v", err)
	}
}

func TestAggregate(t *testing.T) {
	cases := []struct {
		in   []string
		want string
	}{
		{[]string{"10.0.0.0/24", "10.0.1.0/24"}, "10.0.0.0/23"},
		{[]string{"10.0.1.0/24", "10.0.2.0/24"}, "10.0.1.0/24 10.0.2.0/24"},
		{[]string{"10.0.0.0/24", "10.0.1.0/24", "10.0.2.0/23"}, "10.0.0.0/22"},
		{[]string{"10.0.0.0/8", "10.1.2.3/32", "192.0.2.0/24"}, "10.0.0.0/8 192.0.2.0/24"},
		{[]string{"192.0.2.0/25", "192.0.2.128/25", "2001:db8::/33", "2001:db8:8000::/33"}, "192.0.2.0/24 2001:db8::/32"},
		{[]string{"0.0.0.0/1", "128.0.0.0/1"}, "0.0.0.0/0"},
		{[]string{"203.0.113.10/32", "203.0.113.11/32", "203.0.113.12/32"}, "203.0.113.10/31 203.0.113.12/32"},
	}
	for _, tc := range cases {
		m := map[netip.Prefix]bool{}
		for _, s := range tc.in {
			m[netip.MustParsePrefix(s)] = true
		}
		if got := strings.Join(sortedPrefixes(aggregate(m)), " "); got != tc.want {
			t.Errorf("aggregate(%v) = %s, want %s", tc.in, got, tc.want)
		}
	}
}

// TestAggregateCoversTheSameAddresses checks aggregation against brute force
// on every address of a /24.
func TestAggregateCoversTheSameAddresses(t *testing.T) {
	base := netip.MustParseAddr("192.0.2.0")
	sets := [][]string{
		{"192.0.2.0/26", "192.0.2.64/27", "192.0.2.96/27", "192.0.2.130/31", "192.0.2.132/30", "192.0.2.128/31"},
		{"192.0.2.7/32", "192.0.2.6/32", "192.0.2.4/31", "192.0.2.0/30", "192.0.2.8/29", "192.0.2.200/29"},
	}
	for _, set := range sets {
		m := map[netip.Prefix]bool{}
		for _, s := range set {
			m[netip.MustParsePrefix(s)] = true
		}
		agg := aggregate(m)
		for a, i := base, 0; i < 256; a, i = a.Next(), i+1 {
			in, out := false, 0
			for p := range m {
				in = in || p.Contains(a)
			}
			for p := range agg {
				if p.Contains(a) {
					out++
				}
			}
			if (in && out != 1) || (!in && out != 0) {
				t.Fatalf("%v: %v in the input %v, in %d aggregated blocks %v", set, a, in, out, sortedPrefixes(agg))
			}
		}
	}
}
