package perimeter

import (
	"strings"
	"testing"

	"github.com/quiltdata/quilt-private-endpoints/internal/perimeter/policy"
)

func TestPlan(t *testing.T) {
	type want struct{ bucket, scp policy.Decision }
	check := func(t *testing.T, rows []PlanRow, expect map[string]want) {
		t.Helper()
		seen := map[string]bool{}
		for _, r := range rows {
			w, ok := expect[r.Name]
			if !ok {
				t.Errorf("unexpected row %q", r.Name)
				continue
			}
			seen[r.Name] = true
			if r.Bucket.Decision != w.bucket {
				t.Errorf("%s: bucket policy %s, want %s (%s)", r.Name, r.Bucket.Decision, w.bucket, r.Bucket.Condition)
			}
			switch {
			case w.scp == "" && r.SCP != nil:
				t.Errorf("%s: SCP evaluated for a service principal", r.Name)
			case w.scp != "" && (r.SCP == nil || r.SCP.Decision != w.scp):
				t.Errorf("%s: SCP %+v, want %s", r.Name, r.SCP, w.scp)
			}
			if r.How == "" {
				t.Errorf("%s: no instructions", r.Name)
			}
		}
		for name := range expect {
			if !seen[name] {
				t.Errorf("missing row %q", name)
			}
		}
	}
	const (
		d = policy.Denied
		n = policy.NotDenied
	)

	t.Run("without NAT addresses", func(t *testing.T) {
		s, err := seedOptions(ScopeS3, false).Validate()
		if err != nil {
			t.Fatal(err)
		}
		rows, err := s.Plan("quilt-perimeter-test", nil)
		if err != nil {
			t.Fatal(err)
		}
		check(t, rows, map[string]want{
			"from " + vpcLocal + " (through its S3 endpoint)":                                                                   {n, n},
			"from " + vpcVPN + " (through its S3 endpoint)":                                                                     {n, n},
			"from a VPC not in the list (vpc-0ffffffffffffffff)":                                                                {d, d},
			"from the trusted range 192.0.2.0/24 (192.0.2.1)":                                                                   {n, n},
			"with the exempt tag NetworkRestrictedExempt=true, from elsewhere":                                                  {n, n},
			"with the exempt tag NetworkRestrictedExempt=true, from account 444455556666 (outside the owner's), from elsewhere": {d, n},
			"with the exempt tag NetworkRestrictedExempt=false, from elsewhere":                                                 {d, d},
			"via an AWS service on the caller's behalf (e.g. Athena)":                                                           {n, n},
			"as an AWS service principal (S3 server access logging)":                                                            {n, ""},
			"from elsewhere (198.51.100.20, no tag)":                                                                            {d, d},
			"list the bucket from elsewhere (198.51.100.20)":                                                                    {d, d},
			"through a NAT gateway (example address 203.0.113.10)":                                                              {d, d},
		})
	})

	t.Run("with the NAT addresses", func(t *testing.T) {
		s, err := seedOptions(ScopeS3, true).Validate()
		if err != nil {
			t.Fatal(err)
		}
		rows, err := s.Plan("quilt-perimeter-test", []string{natIP})
		if err != nil {
			t.Fatal(err)
		}
		var nat *PlanRow
		for i := range rows {
			if strings.HasPrefix(rows[i].Name, "from the trusted range 203.0.113.10") {
				t.Errorf("NAT address listed as a trusted range: %s", rows[i].Name)
			}
			if rows[i].Name == "through the NAT gateway "+natIP {
				nat = &rows[i]
			}
		}
		if nat == nil {
			t.Fatal("no NAT row")
		}
		if nat.Bucket.Decision != n || nat.SCP.Decision != n {
			t.Errorf("NAT row with the NAT addresses: bucket %s, SCP %s", nat.Bucket.Decision, nat.SCP.Decision)
		}
	})

	t.Run("bucket outside the prefix", func(t *testing.T) {
		s, err := seedOptions(ScopeS3, false).Validate()
		if err != nil {
			t.Fatal(err)
		}
		rows, err := s.Plan("perimeter-test", nil)
		if err != nil {
			t.Fatal(err)
		}
		for _, r := range rows {
			if r.SCP != nil && r.SCP.Decision != n {
				t.Errorf("%s: an SCP on quilt* cannot deny perimeter-test, got %s", r.Name, r.SCP.Decision)
			}
		}
	})

	t.Run("bad bucket", func(t *testing.T) {
		s, err := seedOptions(ScopeS3, false).Validate()
		if err != nil {
			t.Fatal(err)
		}
		if _, err := s.Plan("Bad_Bucket", nil); err == nil {
			t.Fatal("want an error")
		}
	})
}

func TestWarnings(t *testing.T) {
	gw := NATGateway{ID: "nat-0123456789abcdef0", VPCID: vpcLocal, SubnetID: "subnet-01", PublicIPs: []string{natIP}}
	cases := []struct {
		name     string
		scope    Scope
		nat      bool // NAT addresses in the policy
		status   NATStatus
		want     []string // substrings, each in some warning
		wantNone []string // substrings in no warning
		count    int
	}{
		{name: "s3, NAT found, not listed", status: NATStatus{Known: true, Gateways: []NATGateway{gw}},
			want:  []string{vpcLocal + " egresses through NAT gateway nat-0123456789abcdef0 (203.0.113.10)", "S3 to quilt* buckets in other Regions", "s3:GetObject, s3:ListBucket, s3:PutObject", "--nat-ips auto"},
			count: 1},
		{name: "s3, NAT found and listed", nat: true, status: NATStatus{Known: true, Gateways: []NATGateway{gw}}, count: 0},
		{name: "s3, no NAT", status: NATStatus{Known: true}, count: 0},
		{name: "s3, no NAT found in the VPCs", status: NATStatus{Known: true, LookedUp: true},
			want:  []string{"no public NAT gateway in " + vpcLocal, "Transit Gateway", "s3:GetObject", "--nat-ips none"},
			count: 1},
		{name: "s3, NAT found by lookup, listed", nat: true, status: NATStatus{Known: true, LookedUp: true, Gateways: []NATGateway{gw}}, count: 0},
		{name: "s3, NAT unknown", status: NATStatus{Reason: "no credentials"},
			want:  []string{"could not tell whether", "(no credentials)", "--nat-ips none"},
			count: 1},
		{name: "all, NAT found, not listed", scope: ScopeAll, status: NATStatus{Known: true, Gateways: []NATGateway{gw}},
			want:     []string{"ECR image pulls [ecr:BatchGetImage, ecr:GetAuthorizationToken, ecr:GetDownloadUrlForLayer]", "SNS notifications [sns:Publish]", "CloudWatch Logs", "STS [sts:AssumeRole, sts:GetCallerIdentity]", "Lambda service's calls", "ec2:CreateNetworkInterface"},
			wantNone: []string{"could not tell"},
			count:    2},
		{name: "all, NAT listed: only Lambda ENI management", scope: ScopeAll, nat: true, status: NATStatus{Known: true, Gateways: []NATGateway{gw}},
			want:     []string{"ec2:CreateNetworkInterface, ec2:DeleteNetworkInterface, ec2:DescribeNetworkInterfaces", "NetworkRestrictedExempt=true"},
			wantNone: []string{"ECR", "egresses"},
			count:    1},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			s, err := seedOptions(tc.scope, tc.nat).Validate()
			if err != nil {
				t.Fatal(err)
			}
			text, err := Render(s.SCP(), false)
			if err != nil {
				t.Fatal(err)
			}
			ws, err := s.Warnings(text, tc.status)
			if err != nil {
				t.Fatal(err)
			}
			if len(ws) != tc.count {
				t.Errorf("%d warnings, want %d: %q", len(ws), tc.count, ws)
			}
			checkWarnings(t, ws, tc.want, tc.wantNone)
		})
	}
}

// checkWarnings fails unless each of want is in some warning and none of
// wantNone is in any.
func checkWarnings(t *testing.T, ws, want, wantNone []string) {
	t.Helper()
	all := strings.Join(ws, "\n")
	for _, w := range want {
		if !strings.Contains(all, w) {
			t.Errorf("warnings lack %q:\n%s", w, all)
		}
	}
	for _, w := range wantNone {
		if strings.Contains(all, w) {
			t.Errorf("warnings hold %q:\n%s", w, all)
		}
	}
}

func TestBucketWarnings(t *testing.T) {
	gw := NATGateway{ID: "nat-0123456789abcdef0", VPCID: vpcLocal, PublicIPs: []string{natIP}}
	for _, nat := range []bool{false, true} {
		s, err := seedOptions(ScopeS3, nat).Validate()
		if err != nil {
			t.Fatal(err)
		}
		d, err := s.BucketPolicy("quilt-perimeter-test")
		if err != nil {
			t.Fatal(err)
		}
		text, err := Render(d, false)
		if err != nil {
			t.Fatal(err)
		}
		ws, err := s.BucketWarnings(text, NATStatus{Known: true, Gateways: []NATGateway{gw}}, "quilt-perimeter-test")
		if err != nil {
			t.Fatal(err)
		}
		if nat && len(ws) != 0 {
			t.Errorf("with the NAT addresses: %q", ws)
		}
		if !nat && (len(ws) != 1 || !strings.Contains(ws[0], "S3 to quilt-perimeter-test when it is in another Region") || !strings.Contains(ws[0], "s3:GetObject, s3:ListBucket, s3:PutObject")) {
			t.Errorf("without the NAT addresses: %q", ws)
		}
	}
}

func TestWarnsAboutPrivateRanges(t *testing.T) {
	s, err := Options{VPCs: []string{vpcLocal}, IPs: []string{"10.0.0.0/16", "192.0.2.0/24", "fd00::/8"}}.Validate()
	if err != nil {
		t.Fatal(err)
	}
	text, err := Render(s.SCP(), false)
	if err != nil {
		t.Fatal(err)
	}
	ws, err := s.Warnings(text, NATStatus{Known: true})
	if err != nil {
		t.Fatal(err)
	}
	if len(ws) != 1 || !strings.Contains(ws[0], "--ip 10.0.0.0/16, fd00::/8: private addresses never appear as aws:SourceIp") {
		t.Errorf("warnings: %q", ws)
	}
}
