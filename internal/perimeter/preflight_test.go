package perimeter

import "testing"

// TestPreflightWarnings evaluates the preflight function's calls (outside
// the VPC, its own role) against generated and hand-written policies.
func TestPreflightWarnings(t *testing.T) {
	spec := func(scope Scope) *Spec {
		s, err := Options{VPCs: []string{vpcLocal}, IPs: []string{"192.0.2.0/24"}, Scope: scope}.Validate()
		if err != nil {
			t.Fatal(err)
		}
		return s
	}
	scp := func(s *Spec) []byte {
		text, err := Render(s.SCP(), false)
		if err != nil {
			t.Fatal(err)
		}
		return text
	}
	for _, tc := range []struct {
		name     string
		spec     *Spec
		policy   []byte
		want     []string
		wantNone []string
	}{
		{name: "s3 scope: the bucket Region checks", spec: spec(ScopeS3), policy: scp(spec(ScopeS3)),
			want:     []string{"runs outside the VPC", "bucket Region checks [s3:GetBucketLocation, s3:ListBucket]", "Tag its role NetworkRestrictedExempt=true", "PerimeterExemptTag=NetworkRestrictedExempt"},
			wantNone: []string{"ec2:"}},
		{name: "all scope: the Describe calls too", spec: spec(ScopeAll), policy: scp(spec(ScopeAll)),
			want: []string{"network checks [ec2:DescribeNatGateways, ec2:DescribeRouteTables, ec2:DescribeSecurityGroups, ec2:DescribeSubnets, ec2:DescribeVpcAttribute, ec2:DescribeVpcEndpoints, ec2:DescribeVpcs]", "s3:GetBucketLocation"}},
		{name: "another prefix: the S3 scope misses the buckets", spec: func() *Spec { s := spec(ScopeS3); s.BucketPrefix = "other"; return s }(), policy: scp(spec(ScopeS3))},
		{name: "a policy without the exemption", spec: spec(ScopeAll),
			policy: []byte(`{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Action":"ec2:Describe*","Resource":"*","Condition":{"StringNotEquals":{"aws:SourceVpc":"` + vpcLocal + `"}}}]}`),
			want:   []string{"network checks", "The exempt tag does not lift the denial"}, wantNone: []string{"s3:", "PerimeterExemptTag"}},
		{name: "a policy that allows", spec: spec(ScopeAll), policy: []byte(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}`)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ws, err := tc.spec.PreflightWarnings(tc.policy)
			if err != nil {
				t.Fatal(err)
			}
			if (len(tc.want) == 0) != (len(ws) == 0) || len(ws) > 1 {
				t.Fatalf("warnings %q, want %d", ws, min(1, len(tc.want)))
			}
			checkWarnings(t, ws, tc.want, tc.wantNone)
		})
	}
}
