package preflight

import (
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/aws/aws-sdk-go-v2/service/ec2/types"

	"github.com/quiltdata/quilt-private-endpoints/internal/vpcrules"
)

// egress is how the private subnets of one route table reach the AWS
// services the stack calls.
type egress struct {
	group      tableGroup
	route      *types.Route // the 0.0.0.0/0 route, or nil
	target     string       // the route's target id
	missing    []string     // what the VPC-endpoint alternative lacks
	noEndpoint []string     // services no endpoint serves: they need NAT
}

// egressNeeds are the inventory items of the egress checks.
func egressNeeds() []item {
	return []item{itemRouteTables, itemSubnets, itemEndpoints, itemNATs, itemGroups}
}

// egresses describes the egress of every route table of private subnets.
func (inv *inventory) egresses() []egress {
	var out []egress
	for _, g := range inv.tableGroups() {
		e := egress{group: g, route: vpcrules.DefaultRoute(g.table)}
		if e.route != nil {
			e.target = vpcrules.RouteTarget(e.route)
		}
		e.missing = inv.endpointEgressMissing(g)
		e.noEndpoint = inv.noEndpointServices()
		out = append(out, e)
	}
	return out
}

// viaEndpoints reports whether VPC endpoints replace the NAT gateway for
// this route table: every egress service has a usable endpoint.
func (e egress) viaEndpoints() bool { return len(e.missing) == 0 && len(e.noEndpoint) == 0 }

// endpointsComplete reports whether every egress service that has a VPC
// endpoint has a usable one (services without any may remain).
func (e egress) endpointsComplete() bool { return len(e.missing) == 0 }

// workingRoute reports whether the default route may reach the internet:
// active, and not to a NAT gateway that is missing, unavailable or private.
func (inv *inventory) workingRoute(e egress) bool { return e.active() && inv.natProblem(e) == "" }

// active reports whether the default route exists and is not a blackhole.
func (e egress) active() bool {
	return e.route != nil && !vpcrules.Is(e.route.State, "blackhole")
}

// natProblem says what is wrong with the NAT gateway of the default route,
// "" when it is available and public (or the route is not to a NAT gateway).
func (inv *inventory) natProblem(e egress) string {
	if !strings.HasPrefix(e.target, "nat-") {
		return ""
	}
	n, ok := inv.nats[e.target]
	switch {
	case !ok:
		return fmt.Sprintf("NAT gateway %s does not exist in %s", e.target, inv.in.VpcID)
	case !vpcrules.Is(n.State, "available"):
		return fmt.Sprintf("NAT gateway %s is %s", e.target, strings.ToLower(string(n.State)))
	case n.ConnectivityType != "" && !vpcrules.Is(n.ConnectivityType, "public"):
		return fmt.Sprintf("NAT gateway %s is %s (no internet access)", e.target, strings.ToLower(string(n.ConnectivityType)))
	}
	return ""
}

// natRemedy tells how to give a route table a working NAT route: to an
// available public NAT gateway of the VPC when there is one, else to one
// created first (in a public subnet of the VPC, named when known).
func (inv *inventory) natRemedy(e egress, replace bool) string {
	verb := "create-route"
	if replace {
		verb = "replace-route"
	}
	nat, first := inv.workingNAT(), ""
	if nat == "" {
		nat = "nat-..."
		first = fmt.Sprintf("create a public NAT gateway in a public subnet of %s (aws ec2 create-nat-gateway --subnet-id %s --allocation-id <Elastic IP allocation id>), then ",
			inv.in.VpcID, inv.publicSubnet())
	}
	fix := fmt.Sprintf("%ssend 0.0.0.0/0 to an available public NAT gateway: aws ec2 %s --route-table-id %s --destination-cidr-block 0.0.0.0/0 --nat-gateway-id %s",
		first, verb, e.group.resource(), nat)
	if len(e.noEndpoint) > 0 {
		return fix + "; a NAT route is required, because no VPC endpoint serves " + strings.Join(serviceNames(e.noEndpoint), ", ")
	}
	return fmt.Sprintf("%s; or, instead of a NAT gateway, provide in %s these %d, one service per line:%s", fix, inv.in.VpcID, len(e.missing), bullets(e.missing))
}

// bullets lists items one per line ("\n  - item"), so that a finding with
// many services reads one service per line instead of one long line.
func bullets(items []string) string {
	var b strings.Builder
	for _, it := range items {
		b.WriteString("\n  - ")
		b.WriteString(it)
	}
	return b.String()
}

// workingNAT is the first (by id) available public NAT gateway of the VPC, or "".
func (inv *inventory) workingNAT() string {
	var ids []string
	for id, n := range inv.nats {
		if vpcrules.Is(n.State, "available") && (n.ConnectivityType == "" || vpcrules.Is(n.ConnectivityType, "public")) {
			ids = append(ids, id)
		}
	}
	slices.Sort(ids)
	if len(ids) == 0 {
		return ""
	}
	return ids[0]
}

// publicSubnet is the first (by id) subnet of the VPC whose route table
// sends 0.0.0.0/0 to an internet gateway, or a placeholder.
func (inv *inventory) publicSubnet() string {
	for _, id := range slices.Sorted(maps.Keys(inv.vpcSubnets)) {
		rt, _ := inv.effectiveTable(id)
		if r := vpcrules.DefaultRoute(rt); r != nil && !vpcrules.Is(r.State, "blackhole") && strings.HasPrefix(vpcrules.RouteTarget(r), "igw-") {
			return id
		}
	}
	return "<public subnet>"
}

// serviceNames keeps the names of "name (reason)" entries.
func serviceNames(entries []string) []string {
	out := make([]string, len(entries))
	for i, e := range entries {
		out[i], _, _ = strings.Cut(e, " (")
	}
	return out
}
