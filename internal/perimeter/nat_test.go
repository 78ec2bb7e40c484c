package perimeter

import (
	"context"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/ec2"

	"github.com/quiltdata/quilt-private-endpoints/internal/awsfake"
)

// natWorld has NAT gateways in every state the lookup must tell apart.
func natWorld() *awsfake.World {
	return &awsfake.World{
		Region: "us-east-1",
		Vpcs: []awsfake.Vpc{
			{ID: vpcLocal, CidrBlock: "10.0.0.0/16"},
			{ID: vpcVPN, CidrBlock: "10.8.0.0/16"},
			{ID: "vpc-0300000000000000c", CidrBlock: "10.9.0.0/16"},
		},
		NatGateways: []awsfake.NatGateway{
			{ID: "nat-0b00000000000000b", VpcID: vpcLocal, SubnetID: "subnet-0a", PublicIPs: []string{"203.0.113.11", "203.0.113.10"}, PrivateIPs: []string{"10.0.0.5", "10.0.0.6"}},
			{ID: "nat-0a00000000000000a", VpcID: vpcLocal, SubnetID: "subnet-0b", PublicIPs: []string{"203.0.113.20"}},
			{ID: "nat-0c00000000000000c", VpcID: vpcLocal, SubnetID: "subnet-0c", State: "deleted", PublicIPs: []string{"203.0.113.30"}},
			{ID: "nat-0d00000000000000d", VpcID: vpcLocal, SubnetID: "subnet-0d", State: "pending", PublicIPs: []string{"203.0.113.31"}},
			{ID: "nat-0e00000000000000e", VpcID: vpcVPN, SubnetID: "subnet-0e", ConnectivityType: "private", PrivateIPs: []string{"10.8.0.5"}},
			{ID: "nat-0f00000000000000f", VpcID: vpcVPN, SubnetID: "subnet-0f", PublicIPs: []string{"198.51.100.40"}},
			{ID: "nat-01000000000000001", VpcID: "vpc-0300000000000000c", SubnetID: "subnet-10", PublicIPs: []string{"192.0.2.99"}},
		},
	}
}

func TestNATGatewaysOverTheWire(t *testing.T) {
	srv := awsfake.Start(t, natWorld(), awsfake.WithPageSize(2))
	client := ec2.NewFromConfig(srv.Config())
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()

	gws, err := NATGateways(ctx, client, []string{vpcVPN, vpcLocal})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, g := range gws {
		got = append(got, g.VPCID+" "+g.ID+" "+strings.Join(g.PublicIPs, ","))
	}
	want := []string{
		vpcLocal + " nat-0a00000000000000a 203.0.113.20",
		vpcLocal + " nat-0b00000000000000b 203.0.113.10,203.0.113.11",
		vpcVPN + " nat-0f00000000000000f 198.51.100.40",
	}
	if !slices.Equal(got, want) {
		t.Errorf("gateways:\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	if ips := PublicIPs(gws); strings.Join(ips, ",") != "198.51.100.40,203.0.113.10,203.0.113.11,203.0.113.20" {
		t.Errorf("PublicIPs = %v", ips)
	}

	// One filtered call per page, naming every VPC: never one call per VPC.
	log := srv.Log()
	if len(log) < 2 {
		t.Fatalf("expected pagination with page size 2, got %d calls", len(log))
	}
	for _, c := range log {
		if c.Action != "DescribeNatGateways" {
			t.Errorf("unexpected call %s", c.Action)
		}
		if c.Params.Get("Filter.1.Name") != "vpc-id" {
			t.Errorf("call without the vpc-id filter: %v", c.Params)
		}
		vals := []string{c.Params.Get("Filter.1.Value.1"), c.Params.Get("Filter.1.Value.2")}
		slices.Sort(vals)
		if !slices.Equal(vals, []string{vpcLocal, vpcVPN}) {
			t.Errorf("filter values %v", vals)
		}
	}
}

func TestNATGatewaysNone(t *testing.T) {
	srv := awsfake.Start(t, natWorld())
	gws, err := NATGateways(context.Background(), ec2.NewFromConfig(srv.Config()), []string{"vpc-0400000000000000d"})
	if err != nil || len(gws) != 0 {
		t.Fatalf("got %v, %v", gws, err)
	}
	if gws, err := NATGateways(context.Background(), ec2.NewFromConfig(srv.Config()), nil); err != nil || gws != nil || srv.TotalCalls() != 1 {
		t.Fatalf("no VPCs must make no call: %v %v (%d calls)", gws, err, srv.TotalCalls())
	}
}

func TestNATGatewaysFaults(t *testing.T) {
	t.Run("throttled once, then served", func(t *testing.T) {
		srv := awsfake.Start(t, natWorld(), awsfake.WithFaults(awsfake.Fault{Operation: "DescribeNatGateways", Kind: awsfake.Throttle, Times: 1}))
		gws, err := NATGateways(context.Background(), ec2.NewFromConfig(srv.Config()), []string{vpcLocal})
		if err != nil || len(gws) != 2 {
			t.Fatalf("got %d gateways, %v", len(gws), err)
		}
	})
	t.Run("access denied", func(t *testing.T) {
		srv := awsfake.Start(t, natWorld(), awsfake.WithFaults(awsfake.Fault{Operation: "DescribeNatGateways", Kind: awsfake.Denied}))
		_, err := NATGateways(context.Background(), ec2.NewFromConfig(srv.Config()), []string{vpcLocal})
		if err == nil || !strings.Contains(err.Error(), "ec2:DescribeNatGateways") || !strings.Contains(err.Error(), "UnauthorizedOperation") {
			t.Fatalf("error = %v", err)
		}
	})
	t.Run("hang ends with the context", func(t *testing.T) {
		srv := awsfake.Start(t, natWorld(), awsfake.WithFaults(awsfake.Fault{Operation: "DescribeNatGateways", Kind: awsfake.Hang}))
		ctx, cancel := context.WithTimeout(context.Background(), 300*time.Millisecond)
		defer cancel()
		start := time.Now()
		_, err := NATGateways(ctx, ec2.NewFromConfig(srv.Config()), []string{vpcLocal})
		if err == nil {
			t.Fatal("want an error")
		}
		if d := time.Since(start); d > 5*time.Second {
			t.Errorf("took %v", d)
		}
	})
}

// TestNATWarningsFromTheWire runs the whole path: read the NAT gateways over
// the wire, generate the SCP without and with their addresses, and warn.
func TestNATWarningsFromTheWire(t *testing.T) {
	srv := awsfake.Start(t, natWorld())
	gws, err := NATGateways(context.Background(), ec2.NewFromConfig(srv.Config()), []string{vpcLocal})
	if err != nil {
		t.Fatal(err)
	}
	without, err := Options{VPCs: []string{vpcLocal}}.Validate()
	if err != nil {
		t.Fatal(err)
	}
	text, err := Render(without.SCP(), false)
	if err != nil {
		t.Fatal(err)
	}
	ws, err := without.Warnings(text, NATStatus{Known: true, Gateways: gws})
	if err != nil {
		t.Fatal(err)
	}
	if len(ws) != 2 || !strings.Contains(ws[0], "nat-0a00000000000000a (203.0.113.20)") || !strings.Contains(ws[1], "nat-0b00000000000000b (203.0.113.10, 203.0.113.11)") {
		t.Errorf("warnings without the NAT addresses: %q", ws)
	}

	with, err := Options{VPCs: []string{vpcLocal}, NATIPs: PublicIPs(gws)}.Validate()
	if err != nil {
		t.Fatal(err)
	}
	text, err = Render(with.SCP(), false)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(text), `"aws:SourceIp":["203.0.113.10/32","203.0.113.11/32","203.0.113.20/32"]`) {
		t.Errorf("NAT addresses not in the SCP: %s", text)
	}
	ws, err = with.Warnings(text, NATStatus{Known: true, Gateways: gws})
	if err != nil || len(ws) != 0 {
		t.Errorf("warnings with the NAT addresses: %q, %v", ws, err)
	}
}
