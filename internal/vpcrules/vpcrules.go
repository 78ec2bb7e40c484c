// Package vpcrules holds the project's rules about a VPC, on the EC2 SDK
// types: which route table applies to a subnet and where its default route
// goes, whether security groups let TCP 443 in from a CIDR or a group, the
// VPC's CIDR blocks, endpoint service names and Availability Zone coverage,
// and the EC2 read calls they are computed from (EC2Reader).
// The preflight checks, provisioning and the EC2 double all use it, so
// each rule has one meaning.
package vpcrules

import (
	"cmp"
	"net/netip"
	"slices"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2/types"

	"github.com/quiltdata/quilt-private-endpoints/internal/awsservices"
)

// Is compares AWS enum values case-insensitively: states arrive lowercase
// or camelCase on the wire, while the SDK's constants are capitalised.
func Is[T ~string](v T, want string) bool { return strings.EqualFold(string(v), want) }

// ServiceName is the VPC endpoint service name of an AWS service in the
// Region ("com.amazonaws.us-east-1.s3"): awsservices.ServiceName.
func ServiceName(region, svc string) string { return awsservices.ServiceName(region, svc) }

// EffectiveRouteTable returns the route table that applies to a subnet among
// a VPC's tables: its explicit association (explicit true), else the VPC's
// main table; nil when neither exists. Associations that are not (or no
// longer) associated do not count.
func EffectiveRouteTable(tables []types.RouteTable, subnetID string) (rt *types.RouteTable, explicit bool) {
	var main *types.RouteTable
	for i := range tables {
		t := &tables[i]
		for _, a := range t.Associations {
			if a.AssociationState != nil && a.AssociationState.State != "" && !Is(a.AssociationState.State, "associated") {
				continue
			}
			if aws.ToString(a.SubnetId) == subnetID {
				return t, true
			}
			if aws.ToBool(a.Main) {
				main = t
			}
		}
	}
	return main, false
}

// DefaultRoute is the table's IPv4 0.0.0.0/0 route, or nil.
func DefaultRoute(rt *types.RouteTable) *types.Route {
	if rt == nil {
		return nil
	}
	for i := range rt.Routes {
		if aws.ToString(rt.Routes[i].DestinationCidrBlock) == "0.0.0.0/0" {
			return &rt.Routes[i]
		}
	}
	return nil
}

// RouteTarget is the id a route sends traffic to.
func RouteTarget(r *types.Route) string {
	for _, p := range []*string{r.NatGatewayId, r.GatewayId, r.TransitGatewayId, r.VpcPeeringConnectionId,
		r.NetworkInterfaceId, r.InstanceId, r.EgressOnlyInternetGatewayId, r.CarrierGatewayId, r.LocalGatewayId, r.CoreNetworkArn} {
		if aws.ToString(p) != "" {
			return aws.ToString(p)
		}
	}
	return ""
}

// AllowsTCP443 reports whether a rule's protocol and ports let TCP 443
// through: protocol -1 (all traffic, whatever the ports say; "all" is
// accepted too), or tcp (also spelled 6) with a port range that holds 443.
func AllowsTCP443(p types.IpPermission) bool {
	switch strings.ToLower(aws.ToString(p.IpProtocol)) {
	case "-1", "all":
		return true
	case "tcp", "6":
		return aws.ToInt32(p.FromPort) <= 443 && 443 <= aws.ToInt32(p.ToPort)
	}
	return false
}

// CIDRContains reports whether CIDR outer contains CIDR (or address) inner,
// both of one IP family. Malformed input contains nothing.
func CIDRContains(outer, inner string) bool {
	o, err1 := netip.ParsePrefix(outer)
	i, err2 := parsePrefix(inner)
	if err1 != nil || err2 != nil || o.Addr().Is4() != i.Addr().Is4() {
		return false
	}
	return o.Bits() <= i.Bits() && o.Masked().Contains(i.Addr())
}

// parsePrefix reads a CIDR, or a bare address as a single-host prefix.
func parsePrefix(s string) (netip.Prefix, error) {
	if !strings.Contains(s, "/") {
		a, err := netip.ParseAddr(s)
		if err != nil {
			return netip.Prefix{}, err
		}
		return netip.PrefixFrom(a, a.BitLen()), nil
	}
	return netip.ParsePrefix(s)
}

// Reach is how far security group rules are known to let TCP 443 in.
type Reach int

const (
	// Closed: no rule lets it in.
	Closed Reach = iota
	// Unproven: only through security group references that are not known
	// to be the callers', or managed prefix lists (whose entries are not
	// read here).
	Unproven
	// Open: a rule allows a CIDR that contains the source, or one of the
	// callers' security groups.
	Open
)

// Ingress443 tells whether the security groups let TCP 443 in from the
// source CIDR (IPv4 or IPv6; "" when only groups count), sent by callers in
// callerGroups.
func Ingress443(groups []types.SecurityGroup, cidr string, callerGroups []string) Reach {
	best := Closed
	for _, g := range groups {
		for _, p := range g.IpPermissions {
			if !AllowsTCP443(p) {
				continue
			}
			if cidr != "" {
				for _, r := range p.IpRanges {
					if CIDRContains(aws.ToString(r.CidrIp), cidr) {
						return Open
					}
				}
				for _, r := range p.Ipv6Ranges {
					if CIDRContains(aws.ToString(r.CidrIpv6), cidr) {
						return Open
					}
				}
			}
			for _, pair := range p.UserIdGroupPairs {
				if slices.Contains(callerGroups, aws.ToString(pair.GroupId)) {
					return Open
				}
				best = Unproven
			}
			if len(p.PrefixListIds) > 0 {
				best = Unproven
			}
		}
	}
	return best
}

// VPCCIDRs lists every IPv4 CIDR block of a VPC: the primary one first,
// then the associated secondary blocks (ones being disassociated or
// failed do not count).
func VPCCIDRs(v types.Vpc) []string {
	var out []string
	if c := aws.ToString(v.CidrBlock); c != "" {
		out = append(out, c)
	}
	for _, a := range v.CidrBlockAssociationSet {
		st := ""
		if a.CidrBlockState != nil {
			st = strings.ToLower(string(a.CidrBlockState.State))
		}
		if c := aws.ToString(a.CidrBlock); c != "" && (st == "" || st == "associated") && !slices.Contains(out, c) {
			out = append(out, c)
		}
	}
	return out
}

// Zone is the key of a subnet's Availability Zone: its zone id when known
// (the same across accounts), else its name.
func Zone(s types.Subnet) string {
	return cmp.Or(aws.ToString(s.AvailabilityZoneId), aws.ToString(s.AvailabilityZone))
}

// OnePerZone keeps the first subnet of each Availability Zone, in the
// given order: an interface endpoint takes at most one subnet per zone.
func OnePerZone(subnets []types.Subnet) []string {
	seen := map[string]bool{}
	var out []string
	for _, s := range subnets {
		if z := Zone(s); !seen[z] {
			seen[z] = true
			out = append(out, aws.ToString(s.SubnetId))
		}
	}
	return out
}

// Zones lists the distinct Availability Zone names of the subnets, sorted.
func Zones(subnets []types.Subnet) []string {
	var out []string
	for _, s := range subnets {
		if z := cmp.Or(aws.ToString(s.AvailabilityZone), aws.ToString(s.AvailabilityZoneId)); !slices.Contains(out, z) {
			out = append(out, z)
		}
	}
	slices.Sort(out)
	return out
}
