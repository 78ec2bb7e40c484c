package preflight_test

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/quiltdata/quilt-private-endpoints/internal/awsfake"
	"github.com/quiltdata/quilt-private-endpoints/internal/preflight"
)

// bigWorld is a good VPC with n private subnets spread over tables route
// tables (and three AZs), plus the public subnet holding the NAT gateway.
func bigWorld(n, tables int) (*awsfake.World, preflight.Input) {
	const vpc = "vpc-0a0000000000000a1"
	w := &awsfake.World{
		Region: "us-east-1",
		Vpcs:   []awsfake.Vpc{{ID: vpc, CidrBlock: "10.0.0.0/16", EnableDNSHostnames: true}},
		Subnets: []awsfake.Subnet{
			{ID: "subnet-0a000000000000101", VpcID: vpc, CidrBlock: "10.0.101.0/24", AvailabilityZone: "us-east-1a"},
		},
		RouteTables: []awsfake.RouteTable{{ID: "rtb-0a0000000000000f0", VpcID: vpc, Main: true,
			Subnets: []string{"subnet-0a000000000000101"},
			Routes:  []awsfake.Route{{Destination: "0.0.0.0/0", Target: "igw-0a0000000000000e1"}}}},
		NatGateways: []awsfake.NatGateway{{ID: "nat-0a000000000000001", VpcID: vpc, SubnetID: "subnet-0a000000000000101", PublicIPs: []string{"203.0.113.7"}}},
		SecurityGroups: []awsfake.SecurityGroup{{ID: "sg-0a00000000000e001", VpcID: vpc,
			Ingress: []awsfake.Permission{{Protocol: "tcp", FromPort: 443, ToPort: 443, Cidrs: []string{"10.0.0.0/16"}}}}},
		Buckets: []awsfake.Bucket{{Name: "quilt-data", Region: "us-east-1"}},
	}
	in := preflight.Input{Region: "us-east-1", VpcID: vpc, APIEndpointID: "vpce-0a00000000000a001", Buckets: []string{"quilt-data"}}
	var rtbs []string
	for t := range tables {
		id := fmt.Sprintf("rtb-0a0000000000000%02x", t+1)
		rtbs = append(rtbs, id)
		w.RouteTables = append(w.RouteTables, awsfake.RouteTable{ID: id, VpcID: vpc,
			Routes: []awsfake.Route{{Destination: "0.0.0.0/0", Target: "nat-0a000000000000001"}}})
	}
	for i := range n {
		id := fmt.Sprintf("subnet-0a0000000000000%02x", i+1)
		w.Subnets = append(w.Subnets, awsfake.Subnet{ID: id, VpcID: vpc, CidrBlock: fmt.Sprintf("10.0.%d.0/24", i+1),
			AvailabilityZone: "us-east-1" + string(rune('a'+i%3))})
		rt := &w.RouteTables[1+i%tables]
		rt.Subnets = append(rt.Subnets, id)
		in.SubnetIDs = append(in.SubnetIDs, id)
	}
	w.VpcEndpoints = []awsfake.VpcEndpoint{
		{ID: "vpce-0a00000000000a001", VpcID: vpc, ServiceName: "com.amazonaws.us-east-1.execute-api", PrivateDNS: true,
			SubnetIDs: in.SubnetIDs[:min(3, n)], SecurityGroupIDs: []string{"sg-0a00000000000e001"}},
		{ID: "vpce-0a00000000000b001", VpcID: vpc, Type: "Gateway", ServiceName: "com.amazonaws.us-east-1.s3", RouteTableIDs: rtbs},
	}
	return w, in
}

// TestCallsDoNotGrowWithSubnets: the inventory is batched by VPC and id
// lists, so 2 or 12 subnets cost the same number of calls, issued at once.
func TestCallsDoNotGrowWithSubnets(t *testing.T) {
	var counts []int
	for _, n := range []int{2, 6, 12} {
		w, in := bigWorld(n, 3)
		srv := awsfake.Start(t, w, awsfake.WithLatency(30*time.Millisecond))
		start := time.Now()
		rep := preflight.Run(context.Background(), preflight.NewClients(srv.Config()), in)
		if took := time.Since(start); took > 30*time.Millisecond*time.Duration(srv.TotalCalls())/2 {
			t.Errorf("%d subnets: %d calls of 30 ms took %s: not concurrent", n, srv.TotalCalls(), took)
		}
		if !rep.OK || len(rep.Findings) != 0 {
			t.Fatalf("%d subnets: %s", n, text(rep))
		}
		counts = append(counts, srv.TotalCalls())
		if c := srv.MaxConcurrent(); c < srv.TotalCalls()/2 {
			t.Errorf("%d subnets: at most %d of %d calls in flight at once: not concurrent", n, c, srv.TotalCalls())
		}
		for _, c := range srv.Log() {
			for k := range c.Params {
				if strings.HasPrefix(k, "SubnetId.") {
					t.Errorf("DescribeSubnets by id list (fails whole on one missing id): %v", c.Params)
				}
			}
		}
	}
	if counts[0] != counts[1] || counts[1] != counts[2] {
		t.Errorf("calls for 2, 6, 12 subnets = %v, want equal", counts)
	}
}

// TestMalformedEndpointIsNotLookedUp: the id format is checked before any
// call that would use it.
func TestMalformedEndpointIsNotLookedUp(t *testing.T) {
	w, in := bigWorld(2, 1)
	in.APIEndpointID = "vpce-123"
	srv := awsfake.Start(t, w)
	rep := preflight.Run(context.Background(), preflight.NewClients(srv.Config()), in)
	if got := ids(rep); !slices.Equal(got, []string{"QPE-IN-001"}) {
		t.Errorf("findings = %v", got)
	}
	for _, c := range srv.Log() {
		if c.Params.Get("VpcEndpointId.1") != "" {
			t.Errorf("looked up the malformed id: %v", c.Params)
		}
	}
}

// BenchmarkCheckLatency50ms: 50 ms per call, 6 private subnets over 3 route
// tables. Reports calls per check and wall time in round trips.
func BenchmarkCheckLatency50ms(b *testing.B) {
	const latency = 50 * time.Millisecond
	w, in := bigWorld(6, 3)
	srv := awsfake.New(w, awsfake.WithLatency(latency))
	defer srv.Close()
	clients := preflight.NewClients(srv.Config())
	ctx := context.Background()
	b.ResetTimer()
	start := time.Now()
	for b.Loop() {
		if rep := preflight.Run(ctx, clients, in); !rep.OK {
			b.Fatalf("%s", text(rep))
		}
	}
	wall := time.Since(start) / time.Duration(b.N)
	calls := float64(srv.TotalCalls()) / float64(b.N)
	b.ReportMetric(calls, "calls/op")
	b.ReportMetric(float64(wall)/float64(latency), "roundtrips/op")
	b.ReportMetric(calls*float64(latency)/float64(time.Millisecond), "serial-ms/op")
}

// TestProgressNamesWhatIsSlow: on a slow account the progress callback
// says which calls are still awaited.
func TestProgressNamesWhatIsSlow(t *testing.T) {
	w, in := bigWorld(2, 1)
	srv := awsfake.Start(t, w, awsfake.WithFaults(awsfake.Fault{Operation: "DescribeRouteTables", Kind: awsfake.Hang}))
	var mu sync.Mutex
	var msgs []string
	in.Timeout = 400 * time.Millisecond
	in.ProgressInterval = 100 * time.Millisecond
	in.Progress = func(m string) { mu.Lock(); msgs = append(msgs, m); mu.Unlock() }
	rep := preflight.Run(context.Background(), preflight.NewClients(srv.Config()), in)
	if got := ids(rep); !slices.Equal(got, []string{"QPE-AWS-001"}) {
		t.Errorf("findings = %v", got)
	}
	mu.Lock()
	defer mu.Unlock()
	all := strings.Join(msgs, "\n")
	if !strings.Contains(all, "still waiting for the route tables (ec2:DescribeRouteTables)") || strings.Contains(all, "still waiting for the VPC (") {
		t.Errorf("progress:\n%s", all)
	}
}
