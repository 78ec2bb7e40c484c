package preflight_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/quiltdata/quilt-private-endpoints/internal/awsfake"
	"github.com/quiltdata/quilt-private-endpoints/internal/finding"
	"github.com/quiltdata/quilt-private-endpoints/internal/preflight"
)

// TestEveryCallFailing: whichever call fails and however, Run returns by
// its deadline with a could-not-check finding naming the call, and no other
// error finding (a failed read never passes for a problem in the VPC).
func TestEveryCallFailing(t *testing.T) {
	actions := map[string]string{
		"DescribeVpcs":           "ec2:DescribeVpcs",
		"DescribeVpcAttribute":   "ec2:DescribeVpcAttribute",
		"DescribeSubnets":        "ec2:DescribeSubnets",
		"DescribeRouteTables":    "ec2:DescribeRouteTables",
		"DescribeVpcEndpoints":   "ec2:DescribeVpcEndpoints",
		"DescribeSecurityGroups": "ec2:DescribeSecurityGroups",
		"DescribeNatGateways":    "ec2:DescribeNatGateways",
		"s3:GetBucketLocation":   "bucket quilt-data",
	}
	kinds := []awsfake.FaultKind{awsfake.Denied, awsfake.ServerError, awsfake.Malformed, awsfake.Hang, awsfake.Throttle}
	for action, name := range actions {
		for _, kind := range kinds {
			t.Run(action+"/"+string(kind), func(t *testing.T) {
				t.Parallel()
				w, in := bigWorld(2, 1)
				faults := []awsfake.Fault{{Action: action, Kind: kind}}
				if action == "s3:GetBucketLocation" {
					faults = append(faults, awsfake.Fault{Action: "s3:HeadBucket", Kind: kind})
				}
				srv := awsfake.Start(t, w, awsfake.WithFaults(faults...))
				in.Timeout = 600 * time.Millisecond
				start := time.Now()
				rep := preflight.Run(context.Background(), preflight.NewClients(srv.Config()), in)
				if took := time.Since(start); took > 2*time.Second {
					t.Errorf("took %s", took)
				}
				var access []finding.Finding
				for _, f := range rep.Findings {
					switch {
					case f.ID == "QPE-AWS-001":
						access = append(access, f)
					case f.Severity == finding.Error:
						t.Errorf("a failed read produced %s: %s", f.ID, f.Message)
					}
				}
				if len(access) == 0 || !strings.Contains(access[0].Resource+access[0].Message, name) {
					t.Errorf("no could-not-check finding naming %s:\n%s", name, text(rep))
				}
			})
		}
	}
}
