package vpcrules

import (
	"slices"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2/types"
)

func perm(proto string, from, to int32, cidrs ...string) types.IpPermission {
	p := types.IpPermission{IpProtocol: aws.String(proto), FromPort: aws.Int32(from), ToPort: aws.Int32(to)}
	for _, c := range cidrs {
		p.IpRanges = append(p.IpRanges, types.IpRange{CidrIp: aws.String(c)})
	}
	return p
}

func TestAllowsTCP443(t *testing.T) {
	tests := []struct {
		p    types.IpPermission
		want bool
	}{
		{perm("tcp", 443, 443), true},
		{perm("6", 0, 65535), true},
		{perm("TCP", 400, 500), true},
		{perm("-1", 0, 0), true},
		{perm("all", 22, 22), true},
		{perm("tcp", 80, 80), false},
		{perm("tcp", 444, 8443), false},
		{perm("udp", 443, 443), false},
		{perm("17", 443, 443), false},
		{perm("icmp", -1, -1), false},
	}
	for _, tt := range tests {
		if got := AllowsTCP443(tt.p); got != tt.want {
			t.Errorf("AllowsTCP443(%s %d-%d) = %v", aws.ToString(tt.p.IpProtocol), aws.ToInt32(tt.p.FromPort), aws.ToInt32(tt.p.ToPort), got)
		}
	}
}

func TestCIDRContains(t *testing.T) {
	tests := []struct {
		outer, inner string
		want         bool
	}{
		{"10.0.0.0/16", "10.0.1.0/24", true},
		{"10.0.0.0/16", "10.0.0.0/16", true},
		{"10.0.1.0/24", "10.0.0.0/16", false},
		{"10.0.0.0/16", "10.1.1.0/24", false},
		{"0.0.0.0/0", "192.168.0.0/24", true},
		{"10.0.0.5/16", "10.0.9.0/24", true}, // host bits in a rule are ignored
		{"10.0.0.0/16", "10.0.3.4", true},
		{"2001:db8::/32", "2001:db8:1::/48", true},
		{"0.0.0.0/0", "2001:db8::/32", false},
		{"nonsense", "10.0.0.0/16", false},
		{"10.0.0.0/16", "", false},
	}
	for _, tt := range tests {
		if got := CIDRContains(tt.outer, tt.inner); got != tt.want {
			t.Errorf("CIDRContains(%q, %q) = %v", tt.outer, tt.inner, got)
		}
	}
}

func TestIngress443(t *testing.T) {
	sg := func(ps ...types.IpPermission) []types.SecurityGroup {
		return []types.SecurityGroup{{GroupId: aws.String("sg-1"), IpPermissions: ps}}
	}
	byGroup := types.IpPermission{IpProtocol: aws.String("tcp"), FromPort: aws.Int32(443), ToPort: aws.Int32(443),
		UserIdGroupPairs: []types.UserIdGroupPair{{GroupId: aws.String("sg-callers")}}}
	byList := types.IpPermission{IpProtocol: aws.String("-1"), PrefixListIds: []types.PrefixListId{{PrefixListId: aws.String("pl-1")}}}
	v6 := types.IpPermission{IpProtocol: aws.String("tcp"), FromPort: aws.Int32(443), ToPort: aws.Int32(443),
		Ipv6Ranges: []types.Ipv6Range{{CidrIpv6: aws.String("2001:db8::/32")}}}
	tests := []struct {
		name    string
		groups  []types.SecurityGroup
		cidr    string
		callers []string
		want    Reach
	}{
		{"vpc cidr covers subnet", sg(perm("tcp", 443, 443, "10.0.0.0/16")), "10.0.1.0/24", nil, Open},
		{"all traffic", sg(perm("-1", 0, 0, "10.0.0.0/8")), "10.0.1.0/24", nil, Open},
		{"other cidr", sg(perm("tcp", 443, 443, "10.1.0.0/16")), "10.0.1.0/24", nil, Closed},
		{"wrong port", sg(perm("tcp", 80, 80, "10.0.0.0/16")), "10.0.1.0/24", nil, Closed},
		{"group not known", sg(byGroup), "10.0.1.0/24", nil, Unproven},
		{"callers' group", sg(byGroup), "10.0.1.0/24", []string{"sg-callers"}, Open},
		{"prefix list", sg(byList), "10.0.1.0/24", nil, Unproven},
		{"ipv6", sg(v6), "2001:db8:5::/64", nil, Open},
		{"no groups", nil, "10.0.1.0/24", nil, Closed},
	}
	for _, tt := range tests {
		if got := Ingress443(tt.groups, tt.cidr, tt.callers); got != tt.want {
			t.Errorf("%s: %d, want %d", tt.name, got, tt.want)
		}
	}
}

func TestEffectiveRouteTable(t *testing.T) {
	assoc := func(subnet string, main bool, state types.RouteTableAssociationStateCode) types.RouteTableAssociation {
		a := types.RouteTableAssociation{Main: aws.Bool(main)}
		if subnet != "" {
			a.SubnetId = aws.String(subnet)
		}
		if state != "" {
			a.AssociationState = &types.RouteTableAssociationState{State: state}
		}
		return a
	}
	tables := []types.RouteTable{
		{RouteTableId: aws.String("rtb-main"), Associations: []types.RouteTableAssociation{assoc("", true, "")}},
		{RouteTableId: aws.String("rtb-a"), Associations: []types.RouteTableAssociation{assoc("subnet-a", false, "associated")}},
		{RouteTableId: aws.String("rtb-gone"), Associations: []types.RouteTableAssociation{assoc("subnet-b", false, "disassociated")}},
	}
	for _, tt := range []struct {
		subnet, want string
		explicit     bool
	}{{"subnet-a", "rtb-a", true}, {"subnet-b", "rtb-main", false}, {"subnet-c", "rtb-main", false}} {
		rt, explicit := EffectiveRouteTable(tables, tt.subnet)
		if rt == nil || aws.ToString(rt.RouteTableId) != tt.want || explicit != tt.explicit {
			t.Errorf("%s: %v %v", tt.subnet, rt, explicit)
		}
	}
	if rt, _ := EffectiveRouteTable(tables[1:], "subnet-c"); rt != nil {
		t.Error("no main table: want nil")
	}
}

func TestRoutes(t *testing.T) {
	rt := &types.RouteTable{Routes: []types.Route{
		{DestinationCidrBlock: aws.String("10.0.0.0/16"), GatewayId: aws.String("local")},
		{DestinationCidrBlock: aws.String("0.0.0.0/0"), NatGatewayId: aws.String("nat-1")},
	}}
	r := DefaultRoute(rt)
	if r == nil || RouteTarget(r) != "nat-1" {
		t.Fatalf("default route %v", r)
	}
	if DefaultRoute(nil) != nil || DefaultRoute(&types.RouteTable{}) != nil {
		t.Error("no table, no route")
	}
	if RouteTarget(&types.Route{TransitGatewayId: aws.String("tgw-1")}) != "tgw-1" {
		t.Error("tgw target")
	}
}

func TestVPCCIDRs(t *testing.T) {
	v := types.Vpc{CidrBlock: aws.String("10.0.0.0/16"), CidrBlockAssociationSet: []types.VpcCidrBlockAssociation{
		{CidrBlock: aws.String("10.0.0.0/16"), CidrBlockState: &types.VpcCidrBlockState{State: "associated"}},
		{CidrBlock: aws.String("100.64.0.0/16"), CidrBlockState: &types.VpcCidrBlockState{State: "associated"}},
		{CidrBlock: aws.String("172.16.0.0/16"), CidrBlockState: &types.VpcCidrBlockState{State: "disassociating"}},
	}}
	if got := VPCCIDRs(v); !slices.Equal(got, []string{"10.0.0.0/16", "100.64.0.0/16"}) {
		t.Errorf("VPCCIDRs = %q", got)
	}
}

func TestZones(t *testing.T) {
	sn := func(id, az, azID string) types.Subnet {
		return types.Subnet{SubnetId: aws.String(id), AvailabilityZone: aws.String(az), AvailabilityZoneId: aws.String(azID)}
	}
	subnets := []types.Subnet{sn("subnet-2", "us-east-1b", "use1-az2"), sn("subnet-1", "us-east-1a", "use1-az1"), sn("subnet-3", "us-east-1b", "use1-az2")}
	if got := OnePerZone(subnets); !slices.Equal(got, []string{"subnet-2", "subnet-1"}) {
		t.Errorf("OnePerZone = %q", got)
	}
	if got := Zones(subnets); !slices.Equal(got, []string{"us-east-1a", "us-east-1b"}) {
		t.Errorf("Zones = %q", got)
	}
	if ServiceName("eu-west-1", "execute-api") != "com.amazonaws.eu-west-1.execute-api" {
		t.Error("ServiceName")
	}
}
