package preflight

import (
	"fmt"
	"slices"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2/types"

	"github.com/quiltdata/quilt-private-endpoints/internal/awsservices"
	"github.com/quiltdata/quilt-private-endpoints/internal/vpcrules"
)

// service is the endpoint service name of svc in the Region.
func (inv *inventory) service(svc string) string { return vpcrules.ServiceName(inv.in.Region, svc) }

// privateSubnets returns the given subnets that exist and are in the VPC,
// in input order.
func (inv *inventory) privateSubnets() []types.Subnet {
	var out []types.Subnet
	for _, id := range inv.in.SubnetIDs {
		if s, ok := inv.subnets[id]; ok && aws.ToString(s.VpcId) == inv.in.VpcID {
			out = append(out, s)
		}
	}
	return out
}

// tableGroup is a route table and the private subnets it applies to.
type tableGroup struct {
	id       string            // route table id, "" when none applies
	table    *types.RouteTable // nil when none applies
	explicit bool              // associated explicitly (else the main table)
	subnets  []string
}

// subnetList prints the group's subnets.
func (g tableGroup) subnetList() string { return strings.Join(g.subnets, ", ") }

// resource is the route table id, or the subnets when there is none.
func (g tableGroup) resource() string {
	if g.id != "" {
		return g.id
	}
	return g.subnetList()
}

// tableGroups groups the private subnets by their effective route table:
// the explicit association, else the VPC's main table.
func (inv *inventory) tableGroups() []tableGroup {
	var groups []tableGroup
	index := map[string]int{}
	for _, s := range inv.privateSubnets() {
		id := aws.ToString(s.SubnetId)
		rt, explicit := inv.effectiveTable(id)
		key := ""
		if rt != nil {
			key = aws.ToString(rt.RouteTableId)
		}
		i, ok := index[key]
		if !ok {
			i = len(groups)
			index[key] = i
			groups = append(groups, tableGroup{id: key, table: rt, explicit: explicit})
		}
		groups[i].subnets = append(groups[i].subnets, id)
	}
	return groups
}

// effectiveTable finds the route table that applies to a subnet.
func (inv *inventory) effectiveTable(subnetID string) (*types.RouteTable, bool) {
	return vpcrules.EffectiveRouteTable(inv.routeTables, subnetID)
}

// endpointsFor returns the VPC's endpoints of a service (short name, in
// the Region) and type.
func (inv *inventory) endpointsFor(svc string, typ types.VpcEndpointType) []types.VpcEndpoint {
	return inv.endpointsNamed(inv.service(svc), typ)
}

// endpointsNamed returns the VPC's endpoints of an endpoint service name
// and type.
func (inv *inventory) endpointsNamed(name string, typ types.VpcEndpointType) []types.VpcEndpoint {
	var out []types.VpcEndpoint
	for _, e := range inv.endpoints {
		if aws.ToString(e.ServiceName) == name && vpcrules.Is(e.VpcEndpointType, string(typ)) {
			out = append(out, e)
		}
	}
	return out
}

// s3GatewayFor returns the available S3 gateway endpoint routing the
// table, or "".
func (inv *inventory) s3GatewayFor(tableID string) string {
	for _, e := range inv.endpointsFor("s3", types.VpcEndpointTypeGateway) {
		if vpcrules.Is(e.State, "available") && slices.Contains(e.RouteTableIds, tableID) {
			return aws.ToString(e.VpcEndpointId)
		}
	}
	return ""
}

// endpointEgressMissing lists what is missing for VPC endpoints to replace
// a NAT gateway for a route table and its subnets, for the stack's egress
// services: one entry per missing or unusable interface endpoint (not
// available, private DNS off, or security groups that keep a subnet out on
// TCP 443), and the S3 gateway endpoint on the table. Services without any
// endpoint are not listed here (see noEndpointServices).
func (inv *inventory) endpointEgressMissing(g tableGroup) []string {
	var missing []string
	gateway := false
	for _, name := range inv.in.EgressServices {
		svc, _ := awsservices.Lookup(inv.in.Region, name)
		switch {
		case svc.Gateway || name == "ecr.dkr": // ECR image layers are in S3
			gateway = true
			if svc.Gateway {
				continue
			}
		case svc.Endpoint == "":
			continue
		}
		state := "missing"
		for _, e := range inv.endpointsNamed(svc.Endpoint, types.VpcEndpointTypeInterface) {
			id := aws.ToString(e.VpcEndpointId)
			switch {
			case !vpcrules.Is(e.State, "available"):
				state = fmt.Sprintf("%s is %s", id, e.State)
			case !aws.ToBool(e.PrivateDnsEnabled):
				state = fmt.Sprintf("%s has private DNS off", id)
			default:
				state = ""
				for _, sid := range g.subnets {
					if inv.ingressFor(&e, inv.subnets[sid]) == accessNone {
						state = fmt.Sprintf("the security groups of %s do not allow TCP 443 from %s", id, sid)
						break
					}
				}
			}
			if state == "" {
				break
			}
		}
		if state != "" {
			missing = append(missing, fmt.Sprintf("an interface endpoint for %s with private DNS (%s)", svc.Endpoint, state))
		}
	}
	if gateway && (g.id == "" || inv.s3GatewayFor(g.id) == "") {
		missing = append(missing, "the "+inv.service("s3")+" gateway endpoint on route table "+g.id+" (S3, and ECR image layers)")
	}
	return missing
}

// noEndpointServices are the stack's egress services that no VPC endpoint
// serves in the Region, each with the reason: they need a NAT route.
func (inv *inventory) noEndpointServices() []string {
	var out []string
	for _, name := range inv.in.EgressServices {
		if svc, _ := awsservices.Lookup(inv.in.Region, name); svc.NoEndpoint != "" {
			out = append(out, svc.Name+" ("+svc.NoEndpoint+")")
		}
	}
	return out
}

// interfaceEgressServices are the endpoint service names of the stack's
// egress services that interface endpoints serve.
func (inv *inventory) interfaceEgressServices() []string {
	var out []string
	for _, name := range inv.in.EgressServices {
		if svc, _ := awsservices.Lookup(inv.in.Region, name); svc.Endpoint != "" && !svc.Gateway {
			out = append(out, svc.Endpoint)
		}
	}
	return out
}

// apiEndpointInVPC returns the execute-api endpoint when it exists, is an
// execute-api interface endpoint and is in the VPC: checks about its
// details only make sense then (QPE-EP-002/003/005 report the rest).
func (inv *inventory) apiEndpointInVPC() *types.VpcEndpoint {
	e := inv.apiEndpoint
	if e == nil || aws.ToString(e.VpcId) != inv.in.VpcID || !vpcrules.Is(e.VpcEndpointType, "Interface") ||
		aws.ToString(e.ServiceName) != inv.service("execute-api") {
		return nil
	}
	return e
}

// groupIDs lists an endpoint's security groups.
func groupIDs(e *types.VpcEndpoint) []string {
	var out []string
	for _, g := range e.Groups {
		out = append(out, aws.ToString(g.GroupId))
	}
	return out
}

// subnetArgs is the --subnet-ids value for an interface endpoint in the
// private subnets: the first given subnet of each Availability Zone (an
// interface endpoint takes one subnet per zone), or a placeholder when the
// subnets could not be read.
func (inv *inventory) subnetArgs() string {
	out := vpcrules.OnePerZone(inv.privateSubnets())
	if len(out) == 0 {
		return "<private subnets, one per Availability Zone>"
	}
	return strings.Join(out, " ")
}

// plural picks the singular or the plural phrase for n things.
func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}
