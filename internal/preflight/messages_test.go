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

// run checks in against w through the double.
func run(t *testing.T, w *awsfake.World, in preflight.Input, faults ...awsfake.Fault) (finding.Report, *awsfake.Server) {
	t.Helper()
	srv := awsfake.Start(t, w, awsfake.WithFaults(faults...))
	if in.Timeout == 0 {
		in.Timeout = 10 * time.Second
	}
	return preflight.Run(context.Background(), preflight.NewClients(srv.Config()), in), srv
}

// TestRegionFormFirst (issue 15, item 15): a Region that cannot exist is one
// clear finding, and no AWS call is made (before, nine QPE-AWS-001).
func TestRegionFormFirst(t *testing.T) {
	for _, region := range []string{"mars-1", "us-east-1 ", "US-EAST-1", "eu-west", "us-east-1a"} {
		w, in := bigWorld(2, 1)
		in.Region = region
		rep, srv := run(t, w, in)
		if region == "us-east-1 " { // trimmed: a valid Region
			if !rep.OK {
				t.Errorf("%q: %s", region, text(rep))
			}
			continue
		}
		if n := srv.TotalCalls(); n != 0 {
			t.Errorf("%q: %d AWS calls, want none", region, n)
		}
		if len(rep.Findings) != 1 || rep.Findings[0].ID != "QPE-IN-002" || !strings.Contains(rep.Findings[0].Message, "is not a Region name") {
			t.Errorf("%q: want one QPE-IN-002 about the Region:\n%s", region, text(rep))
		}
	}
	for _, ok := range []string{"eu-west-1", "us-gov-west-1", "ap-southeast-5", "cn-north-1", "il-central-1", "us-isob-east-1", "eusc-de-east-1"} {
		w, in := bigWorld(2, 1)
		in.Region, w.Region = ok, ok
		for i := range w.VpcEndpoints {
			w.VpcEndpoints[i].ServiceName = strings.Replace(w.VpcEndpoints[i].ServiceName, "us-east-1", ok, 1)
		}
		w.Buckets[0].Region = ok
		if rep, _ := run(t, w, in); slicesHasID(rep, "QPE-IN-002") {
			t.Errorf("%s refused:\n%s", ok, text(rep))
		}
	}
}

func slicesHasID(r finding.Report, id string) bool {
	for _, f := range r.Findings {
		if f.ID == id {
			return true
		}
	}
	return false
}

// TestRemedyNamesEveryVPCCIDRBlock (item 16): a rule for the primary block
// alone would not cover a subnet of a secondary block.
func TestRemedyNamesEveryVPCCIDRBlock(t *testing.T) {
	w, in := bigWorld(2, 1)
	w.Vpcs[0].SecondaryCidrs = []string{"100.64.0.0/16"}
	w.Subnets[2].CidrBlock = "100.64.2.0/24" // the second private subnet, in the secondary block
	w.SecurityGroups[0].Ingress = nil        // nothing reaches the endpoint
	rep, _ := run(t, w, in)
	var remedy string
	for _, f := range rep.Findings {
		if f.ID == "QPE-EP-006" {
			remedy = f.Remedy
		}
	}
	if !strings.Contains(remedy, "the VPC CIDR blocks 10.0.0.0/16, 100.64.0.0/16") {
		t.Errorf("QPE-EP-006 remedy %q does not name both CIDR blocks\n%s", remedy, text(rep))
	}
}

// TestFindingsAreOneLine (item 17): when several calls fail together
// (errors.Join), the finding still has no raw newline.
func TestFindingsAreOneLine(t *testing.T) {
	w, in := bigWorld(2, 1)
	rep, _ := run(t, w, in, awsfake.Fault{Operation: "DescribeVpcAttribute", Kind: awsfake.Denied})
	if !slicesHasID(rep, "QPE-AWS-001") {
		t.Fatalf("no QPE-AWS-001:\n%s", text(rep))
	}
	for _, f := range rep.Findings {
		for _, s := range []string{f.Message, f.Remedy, f.Resource} {
			if strings.ContainsAny(s, "\r\n") {
				t.Errorf("%s has a raw newline: %q", f.ID, s)
			}
		}
	}
}

// TestS3GatewayOneCommandForAllTables (item 17): with several route tables
// and no S3 gateway, one create-vpc-endpoint command covers every table
// (one per table would make as many gateway endpoints).
func TestS3GatewayOneCommandForAllTables(t *testing.T) {
	w, in := bigWorld(4, 3)
	var kept []awsfake.VpcEndpoint
	for _, e := range w.VpcEndpoints {
		if !strings.EqualFold(e.Type, "Gateway") {
			kept = append(kept, e)
		}
	}
	w.VpcEndpoints = kept
	rep, _ := run(t, w, in)
	n := 0
	for _, f := range rep.Findings {
		n += strings.Count(f.Remedy, "create-vpc-endpoint")
		if f.ID == "QPE-S3-001" && !strings.Contains(f.Remedy, "--route-table-ids rtb-0a000000000000001 rtb-0a000000000000002 rtb-0a000000000000003") {
			t.Errorf("remedy does not cover every table: %s", f.Remedy)
		}
	}
	if n != 1 {
		t.Errorf("%d create-vpc-endpoint commands, want 1\n%s", n, text(rep))
	}
}

// TestLambdaRemedyHasNoCLIFlag (item 18): inside the custom resource's
// Lambda, the deadline remedy does not name qpe check's --timeout flag.
func TestLambdaRemedyHasNoCLIFlag(t *testing.T) {
	for _, lambda := range []bool{false, true} {
		w, in := bigWorld(2, 1)
		in.Lambda = lambda
		in.Timeout = 500 * time.Millisecond
		rep, _ := run(t, w, in, awsfake.Fault{Operation: "DescribeNatGateways", Kind: awsfake.Hang})
		if !slicesHasID(rep, "QPE-AWS-001") {
			t.Fatalf("no QPE-AWS-001:\n%s", text(rep))
		}
		for _, f := range rep.Findings {
			if f.ID != "QPE-AWS-001" {
				continue
			}
			if got := strings.Contains(f.Remedy, "--timeout"); got == lambda {
				t.Errorf("Lambda %v: remedy %q", lambda, f.Remedy)
			}
			if lambda && !strings.Contains(f.Remedy, "retry the stack operation") {
				t.Errorf("Lambda remedy %q does not say to retry the stack operation", f.Remedy)
			}
		}
	}
}

// TestOnePublicSubnetGrammar (item 18): one subnet "is a public subnet".
func TestOnePublicSubnetGrammar(t *testing.T) {
	for n, want := range map[int]string{1: "subnet-0a000000000000001 is a public subnet", 2: "subnet-0a000000000000001, subnet-0a000000000000002 are public subnets"} {
		w, in := bigWorld(n, 1)
		w.RouteTables[1].Routes = []awsfake.Route{{Destination: "0.0.0.0/0", Target: "igw-0a0000000000000e1"}}
		rep, _ := run(t, w, in)
		if !strings.Contains(text(rep), want) {
			t.Errorf("%d subnets: no %q in\n%s", n, want, text(rep))
		}
	}
}
