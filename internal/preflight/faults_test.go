package preflight_test

import (
	"context"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/ec2"
	"github.com/aws/aws-sdk-go-v2/service/s3"

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
				faults := []awsfake.Fault{{Operation: action, Kind: kind}}
				if action == "s3:GetBucketLocation" {
					faults = append(faults, awsfake.Fault{Operation: "s3:HeadBucket", Kind: kind})
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
					case f.ID == "QPE-AWS-001", f.ID == "QPE-S3-005" && action == "s3:GetBucketLocation" && kind == awsfake.Denied:
						// A bucket whose Region S3 denies is a warning (likely
						// another account's bucket), naming it.
						access = append(access, f)
					case f.Severity == finding.Error:
						t.Errorf("a failed read produced %s: %s", f.ID, f.Message)
					}
				}
				if len(access) == 0 || !strings.Contains(access[0].Resource+access[0].Message, name) {
					t.Fatalf("no could-not-check finding naming %s:\n%s", name, text(rep))
				}
				// The remedy fits the failure: a deadline is not a permission problem.
				want := map[awsfake.FaultKind]string{awsfake.Hang: "longer --timeout", awsfake.Denied: "allow "}[kind]
				if f := access[0]; f.ID == "QPE-S3-005" {
					want = "allow s3:GetBucketLocation"
				}
				if f := access[0]; want != "" && !strings.Contains(f.Remedy, want) {
					t.Errorf("%s: remedy %q lacks %q", kind, f.Remedy, want)
				}
				if f := access[0]; kind == awsfake.Hang && !strings.Contains(f.Message, "no answer before the deadline") {
					t.Errorf("deadline message: %s", f.Message)
				}
			})
		}
	}
}

// nilNATs answers DescribeNatGateways with no output and no error, which
// makes the SDK's paginator dereference nil: a client bug, not an AWS
// answer, but Run must still return a report (a panic in one of its
// goroutines would kill the custom resource's process before it answers).
type nilNATs struct{ preflight.EC2API }

func (nilNATs) DescribeNatGateways(context.Context, *ec2.DescribeNatGatewaysInput, ...func(*ec2.Options)) (*ec2.DescribeNatGatewaysOutput, error) {
	return nil, nil
}

func TestPanicInAReadIsAFinding(t *testing.T) {
	w, in := bigWorld(2, 1)
	srv := awsfake.Start(t, w)
	c := preflight.NewClients(srv.Config())
	c.EC2 = nilNATs{c.EC2}
	rep := preflight.Run(context.Background(), c, in)
	if got := ids(rep); !slices.Equal(got, []string{"QPE-AWS-001"}) || !strings.Contains(rep.Findings[0].Message, "internal error") ||
		!strings.Contains(rep.Findings[0].Message, "ec2:DescribeNatGateways") {
		t.Errorf("findings = %v\n%s", got, text(rep))
	}
}

// nilAttr and nilLocation answer DescribeVpcAttribute (read in a goroutine of its own)
// and GetBucketLocation with no output and no error.
type nilAttr struct{ preflight.EC2API }

func (nilAttr) DescribeVpcAttribute(context.Context, *ec2.DescribeVpcAttributeInput, ...func(*ec2.Options)) (*ec2.DescribeVpcAttributeOutput, error) {
	return nil, nil
}

type nilLocation struct{ preflight.S3API }

func (nilLocation) GetBucketLocation(context.Context, *s3.GetBucketLocationInput, ...func(*s3.Options)) (*s3.GetBucketLocationOutput, error) {
	return nil, nil
}

func TestPanicInDNSOrBucketReadIsAFinding(t *testing.T) {
	w, in := bigWorld(2, 1)
	srv := awsfake.Start(t, w)
	c := preflight.NewClients(srv.Config())
	c.EC2 = nilAttr{c.EC2}
	c.S3 = nilLocation{c.S3}
	rep := preflight.Run(context.Background(), c, in)
	all := text(rep)
	if got := ids(rep); !slices.Equal(got, []string{"QPE-AWS-001", "QPE-AWS-001"}) || !strings.Contains(all, "ec2:DescribeVpcAttribute") ||
		!strings.Contains(all, "bucket quilt-data") || strings.Count(all, "internal error (panic)") < 2 {
		t.Errorf("findings = %v\n%s", got, all)
	}
}
