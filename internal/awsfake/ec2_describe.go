package awsfake

import (
	"fmt"
	"maps"
	"path"
	"slices"
	"strconv"
	"strings"
)

// XML shapes of the EC2 answers (element names as aws-sdk-go-v2's
// deserializers read them).

type xmlTag struct {
	Key   string `xml:"key"`
	Value string `xml:"value"`
}

type xmlVpc struct {
	VpcID      string            `xml:"vpcId"`
	OwnerID    string            `xml:"ownerId"`
	State      string            `xml:"state"`
	CidrBlock  string            `xml:"cidrBlock"`
	CidrBlocks []xmlCidrBlockSet `xml:"cidrBlockAssociationSet>item"`
	IsDefault  bool              `xml:"isDefault"`
	Tags       []xmlTag          `xml:"tagSet>item"`
}

type xmlCidrBlockSet struct {
	AssociationID string `xml:"associationId"`
	CidrBlock     string `xml:"cidrBlock"`
	State         string `xml:"cidrBlockState>state"`
}

// cidrBlocks renders a VPC's primary and secondary blocks.
func cidrBlocks(v Vpc) []xmlCidrBlockSet {
	var out []xmlCidrBlockSet
	for i, c := range append([]string{v.CidrBlock}, v.SecondaryCidrs...) {
		if c != "" {
			out = append(out, xmlCidrBlockSet{AssociationID: fmt.Sprintf("vpc-cidr-assoc-%08x", i), CidrBlock: c, State: "associated"})
		}
	}
	return out
}

type xmlSubnet struct {
	SubnetID         string   `xml:"subnetId"`
	VpcID            string   `xml:"vpcId"`
	OwnerID          string   `xml:"ownerId"`
	State            string   `xml:"state"`
	CidrBlock        string   `xml:"cidrBlock"`
	AvailabilityZone string   `xml:"availabilityZone"`
	SubnetArn        string   `xml:"subnetArn"`
	Tags             []xmlTag `xml:"tagSet>item"`
}

type xmlAssociation struct {
	ID           string `xml:"routeTableAssociationId"`
	RouteTableID string `xml:"routeTableId"`
	SubnetID     string `xml:"subnetId,omitempty"`
	Main         bool   `xml:"main"`
	State        string `xml:"associationState>state"`
}

type xmlRoute struct {
	DestinationCidrBlock    string `xml:"destinationCidrBlock,omitempty"`
	DestinationPrefixListID string `xml:"destinationPrefixListId,omitempty"`
	GatewayID               string `xml:"gatewayId,omitempty"`
	NatGatewayID            string `xml:"natGatewayId,omitempty"`
	TransitGatewayID        string `xml:"transitGatewayId,omitempty"`
	VpcPeeringConnectionID  string `xml:"vpcPeeringConnectionId,omitempty"`
	NetworkInterfaceID      string `xml:"networkInterfaceId,omitempty"`
	InstanceID              string `xml:"instanceId,omitempty"`
	State                   string `xml:"state"`
	Origin                  string `xml:"origin"`
}

type xmlRouteTable struct {
	RouteTableID string           `xml:"routeTableId"`
	VpcID        string           `xml:"vpcId"`
	OwnerID      string           `xml:"ownerId"`
	Routes       []xmlRoute       `xml:"routeSet>item"`
	Associations []xmlAssociation `xml:"associationSet>item"`
	Tags         []xmlTag         `xml:"tagSet>item"`
}

type xmlGroupID struct {
	GroupID   string `xml:"groupId"`
	GroupName string `xml:"groupName"`
}

type xmlDNSEntry struct {
	DNSName      string `xml:"dnsName"`
	HostedZoneID string `xml:"hostedZoneId"`
}

type xmlVpcEndpoint struct {
	VpcEndpointID     string        `xml:"vpcEndpointId"`
	VpcEndpointType   string        `xml:"vpcEndpointType"`
	VpcID             string        `xml:"vpcId"`
	ServiceName       string        `xml:"serviceName"`
	State             string        `xml:"state"`
	PolicyDocument    string        `xml:"policyDocument,omitempty"`
	RouteTableIDs     []string      `xml:"routeTableIdSet>item"`
	SubnetIDs         []string      `xml:"subnetIdSet>item"`
	Groups            []xmlGroupID  `xml:"groupSet>item"`
	PrivateDNSEnabled bool          `xml:"privateDnsEnabled"`
	RequesterManaged  bool          `xml:"requesterManaged"`
	DNSEntries        []xmlDNSEntry `xml:"dnsEntrySet>item"`
	OwnerID           string        `xml:"ownerId"`
	CreationTimestamp string        `xml:"creationTimestamp"`
	Tags              []xmlTag      `xml:"tagSet>item"`
}

type xmlIPRange struct {
	CidrIP string `xml:"cidrIp"`
}

type xmlGroupPair struct {
	UserID  string `xml:"userId"`
	GroupID string `xml:"groupId"`
}

type xmlPrefixListID struct {
	PrefixListID string `xml:"prefixListId"`
}

type xmlPermission struct {
	IPProtocol  string            `xml:"ipProtocol"`
	FromPort    *int32            `xml:"fromPort,omitempty"`
	ToPort      *int32            `xml:"toPort,omitempty"`
	Groups      []xmlGroupPair    `xml:"groups>item"`
	IPRanges    []xmlIPRange      `xml:"ipRanges>item"`
	PrefixLists []xmlPrefixListID `xml:"prefixListIds>item"`
}

type xmlSecurityGroup struct {
	OwnerID          string          `xml:"ownerId"`
	GroupID          string          `xml:"groupId"`
	GroupName        string          `xml:"groupName"`
	GroupDescription string          `xml:"groupDescription"`
	VpcID            string          `xml:"vpcId"`
	IPPermissions    []xmlPermission `xml:"ipPermissions>item"`
	IPPermissionsOut []xmlPermission `xml:"ipPermissionsEgress>item"`
	Tags             []xmlTag        `xml:"tagSet>item"`
}

type xmlNatAddress struct {
	AllocationID       string `xml:"allocationId,omitempty"`
	NetworkInterfaceID string `xml:"networkInterfaceId,omitempty"`
	PrivateIP          string `xml:"privateIp,omitempty"`
	PublicIP           string `xml:"publicIp,omitempty"`
	IsPrimary          bool   `xml:"isPrimary"`
	Status             string `xml:"status"`
}

type xmlNatGateway struct {
	NatGatewayID     string          `xml:"natGatewayId"`
	VpcID            string          `xml:"vpcId"`
	SubnetID         string          `xml:"subnetId"`
	State            string          `xml:"state"`
	ConnectivityType string          `xml:"connectivityType"`
	CreateTime       string          `xml:"createTime"`
	Addresses        []xmlNatAddress `xml:"natGatewayAddressSet>item"`
	Tags             []xmlTag        `xml:"tagSet>item"`
}

// createTime is the fixed creation time of every resource.
const createTime = "2026-01-01T00:00:00.000Z"

func tags(m map[string]string) []xmlTag {
	var out []xmlTag
	for _, k := range sortedKeys(m) {
		out = append(out, xmlTag{Key: k, Value: m[k]})
	}
	return out
}

func sortedKeys(m map[string]string) []string { return slices.Sorted(maps.Keys(m)) }

// attrs are a resource's filterable attributes (filter name -> values).
type attrs map[string][]string

func withTags(a attrs, t map[string]string) attrs {
	for k, v := range t {
		a["tag:"+k] = append(a["tag:"+k], v)
		a["tag-key"] = append(a["tag-key"], k)
	}
	return a
}

// match applies the filters (AND across filters, OR across values, * and ?
// wildcards); an unknown filter name is an error, as on EC2.
func match(fs []filter, known []string, a attrs) (bool, error) {
	for _, f := range fs {
		if !strings.HasPrefix(f.name, "tag:") && !slices.Contains(known, f.name) && f.name != "tag-key" {
			return false, badRequest("InvalidParameterValue", "The filter '%s' is invalid", f.name)
		}
		ok := false
		for _, want := range f.values {
			for _, have := range a[f.name] {
				if m, _ := path.Match(want, have); m || want == have {
					ok = true
				}
			}
		}
		if !ok {
			return false, nil
		}
	}
	return true, nil
}

// selectItems filters items by an id list (every id must exist, else
// notFound) and the filters.
func selectItems[T any](q query, idParam string, known []string, items []T, id func(T) string, at func(T) attrs, notFound func(string) error) ([]T, error) {
	ids := q.List(idParam)
	for _, want := range ids {
		if !slices.ContainsFunc(items, func(t T) bool { return id(t) == want }) {
			return nil, notFound(want)
		}
	}
	fs := q.Filters()
	var out []T
	for _, it := range items {
		if len(ids) > 0 && !slices.Contains(ids, id(it)) {
			continue
		}
		ok, err := match(fs, known, at(it))
		if err != nil {
			return nil, err
		}
		if ok {
			out = append(out, it)
		}
	}
	return out, nil
}

// paginate cuts a page: MaxResults (within [min, max]) or the server's page
// size, from NextToken.
func paginate[T any](s *Server, q query, idParam string, minMax, maxMax int, items []T) ([]T, string, error) {
	limit := min(s.pageSize, maxMax)
	if m := q.Get("MaxResults"); m != "" {
		if len(q.List(idParam)) > 0 {
			return nil, "", badRequest("InvalidParameterCombination", "The parameter %s cannot be used with the parameter MaxResults", idParam)
		}
		n, err := strconv.Atoi(m)
		if err != nil || n < minMax || n > maxMax {
			return nil, "", badRequest("InvalidParameterValue", "Value ( %s ) for parameter maxResults is invalid. Expecting a value between %d and %d.", m, minMax, maxMax)
		}
		limit = min(n, s.pageSize)
	}
	start := 0
	if tok := q.Get("NextToken"); tok != "" {
		n, err := strconv.Atoi(strings.TrimPrefix(tok, "awsfake-page-"))
		if err != nil || !strings.HasPrefix(tok, "awsfake-page-") || n < 0 || n > len(items) {
			return nil, "", badRequest("InvalidPaginationToken", "Invalid pagination token: %s", tok)
		}
		start = n
	}
	end := min(start+limit, len(items))
	next := ""
	if end < len(items) {
		next = "awsfake-page-" + strconv.Itoa(end)
	}
	return items[start:end], next, nil
}

func notFound(code, format string) func(string) error {
	return func(id string) error { return badRequest(code, format, id) }
}

// checkIDs rejects malformed ids in an id list.
func checkIDs(q query, param, prefix, code string) error {
	for _, id := range q.List(param) {
		if !wellFormed(id, prefix) {
			return badRequest(code, "Invalid id: \"%s\" (expecting \"%s-...\")", id, prefix)
		}
	}
	return nil
}

func boolStr(b bool) string { return strconv.FormatBool(b) }

func orDefault(v, d string) string {
	if v == "" {
		return d
	}
	return v
}

func (s *Server) describeVpcs(q query) (any, error) {
	if err := checkIDs(q, "VpcId", "vpc", "InvalidVpcID.Malformed"); err != nil {
		return nil, err
	}
	items, err := selectItems(q, "VpcId", []string{"vpc-id", "cidr", "cidr-block-association.cidr-block", "is-default", "state", "owner-id"},
		s.world.Vpcs, func(v Vpc) string { return v.ID },
		func(v Vpc) attrs {
			return withTags(attrs{"vpc-id": {v.ID}, "cidr": {v.CidrBlock}, "cidr-block-association.cidr-block": append([]string{v.CidrBlock}, v.SecondaryCidrs...),
				"is-default": {boolStr(v.IsDefault)}, "state": {"available"}, "owner-id": {s.world.AccountID}}, v.Tags)
		}, notFound("InvalidVpcID.NotFound", "The vpc ID '%s' does not exist"))
	if err != nil {
		return nil, err
	}
	page, next, err := paginate(s, q, "VpcId", 5, 1000, items)
	if err != nil {
		return nil, err
	}
	out := struct {
		Vpcs      []xmlVpc `xml:"vpcSet>item"`
		NextToken string   `xml:"nextToken,omitempty"`
	}{NextToken: next}
	for _, v := range page {
		out.Vpcs = append(out.Vpcs, xmlVpc{VpcID: v.ID, OwnerID: s.world.AccountID, State: "available", CidrBlock: v.CidrBlock, CidrBlocks: cidrBlocks(v), IsDefault: v.IsDefault, Tags: tags(v.Tags)})
	}
	return out, nil
}

func (s *Server) vpc(id string) (*Vpc, error) {
	if !wellFormed(id, "vpc") {
		return nil, badRequest("InvalidVpcID.Malformed", "Invalid id: \"%s\" (expecting \"vpc-...\")", id)
	}
	for i := range s.world.Vpcs {
		if s.world.Vpcs[i].ID == id {
			return &s.world.Vpcs[i], nil
		}
	}
	return nil, badRequest("InvalidVpcID.NotFound", "The vpc ID '%s' does not exist", id)
}

func (s *Server) describeVpcAttribute(q query) (any, error) {
	v, err := s.vpc(q.Get("VpcId"))
	if err != nil {
		return nil, err
	}
	type value struct {
		Value bool `xml:"value"`
	}
	out := struct {
		VpcID     string `xml:"vpcId"`
		Support   *value `xml:"enableDnsSupport,omitempty"`
		Hostnames *value `xml:"enableDnsHostnames,omitempty"`
		NAU       *value `xml:"enableNetworkAddressUsageMetrics,omitempty"`
	}{VpcID: v.ID}
	switch a := q.Get("Attribute"); a {
	case "enableDnsSupport":
		out.Support = &value{v.DNSSupport()}
	case "enableDnsHostnames":
		out.Hostnames = &value{v.EnableDNSHostnames}
	case "enableNetworkAddressUsageMetrics":
		out.NAU = &value{false}
	default:
		return nil, badRequest("InvalidParameterValue", "Value (%s) for parameter attribute is invalid. Unknown attribute.", a)
	}
	return out, nil
}

func (s *Server) describeSubnets(q query) (any, error) {
	if err := checkIDs(q, "SubnetId", "subnet", "InvalidSubnetID.Malformed"); err != nil {
		return nil, err
	}
	items, err := selectItems(q, "SubnetId", []string{"subnet-id", "vpc-id", "availability-zone", "cidr-block", "cidr", "state", "owner-id"},
		s.world.Subnets, func(v Subnet) string { return v.ID },
		func(v Subnet) attrs {
			return withTags(attrs{"subnet-id": {v.ID}, "vpc-id": {v.VpcID}, "availability-zone": {v.AvailabilityZone},
				"cidr-block": {v.CidrBlock}, "cidr": {v.CidrBlock}, "state": {"available"}, "owner-id": {s.world.AccountID}}, v.Tags)
		}, notFound("InvalidSubnetID.NotFound", "The subnet ID '%s' does not exist"))
	if err != nil {
		return nil, err
	}
	page, next, err := paginate(s, q, "SubnetId", 5, 1000, items)
	if err != nil {
		return nil, err
	}
	out := struct {
		Subnets   []xmlSubnet `xml:"subnetSet>item"`
		NextToken string      `xml:"nextToken,omitempty"`
	}{NextToken: next}
	for _, v := range page {
		out.Subnets = append(out.Subnets, xmlSubnet{SubnetID: v.ID, VpcID: v.VpcID, OwnerID: s.world.AccountID, State: "available",
			CidrBlock: v.CidrBlock, AvailabilityZone: v.AvailabilityZone,
			SubnetArn: fmt.Sprintf("arn:aws:ec2:%s:%s:subnet/%s", s.world.Region, s.world.AccountID, v.ID), Tags: tags(v.Tags)})
	}
	return out, nil
}

func (s *Server) describeRouteTables(q query) (any, error) {
	if err := checkIDs(q, "RouteTableId", "rtb", "InvalidRouteTableID.Malformed"); err != nil {
		return nil, err
	}
	items, err := selectItems(q, "RouteTableId", []string{"route-table-id", "vpc-id", "association.subnet-id", "association.main", "route.nat-gateway-id", "route.gateway-id", "route.destination-cidr-block", "owner-id"},
		s.world.RouteTables, func(v RouteTable) string { return v.ID },
		func(v RouteTable) attrs {
			a := attrs{"route-table-id": {v.ID}, "vpc-id": {v.VpcID}, "association.subnet-id": v.Subnets, "owner-id": {s.world.AccountID}}
			if v.Main {
				a["association.main"] = []string{"true"}
			} else if len(v.Subnets) > 0 {
				a["association.main"] = []string{"false"}
			}
			for _, r := range s.routes(v) {
				a["route.nat-gateway-id"] = append(a["route.nat-gateway-id"], r.NatGatewayID)
				a["route.gateway-id"] = append(a["route.gateway-id"], r.GatewayID)
				a["route.destination-cidr-block"] = append(a["route.destination-cidr-block"], r.DestinationCidrBlock)
			}
			return withTags(a, v.Tags)
		}, notFound("InvalidRouteTableID.NotFound", "The routeTable ID '%s' does not exist"))
	if err != nil {
		return nil, err
	}
	page, next, err := paginate(s, q, "RouteTableId", 5, 100, items)
	if err != nil {
		return nil, err
	}
	out := struct {
		RouteTables []xmlRouteTable `xml:"routeTableSet>item"`
		NextToken   string          `xml:"nextToken,omitempty"`
	}{NextToken: next}
	for _, v := range page {
		rt := xmlRouteTable{RouteTableID: v.ID, VpcID: v.VpcID, OwnerID: s.world.AccountID, Routes: s.routes(v), Tags: tags(v.Tags)}
		n := 0
		assoc := func(subnet string, main bool) xmlAssociation {
			n++
			return xmlAssociation{ID: fmt.Sprintf("rtbassoc-%s%02d", strings.TrimPrefix(v.ID, "rtb-")[:min(15, len(v.ID)-4)], n),
				RouteTableID: v.ID, SubnetID: subnet, Main: main, State: "associated"}
		}
		if v.Main {
			rt.Associations = append(rt.Associations, assoc("", true))
		}
		for _, sub := range v.Subnets {
			rt.Associations = append(rt.Associations, assoc(sub, false))
		}
		out.RouteTables = append(out.RouteTables, rt)
	}
	return out, nil
}

// routes renders a table's routes: the VPC's local route, the table's own,
// then the prefix-list routes of the gateway endpoints that list it.
func (s *Server) routes(v RouteTable) []xmlRoute {
	var out []xmlRoute
	for _, vpc := range s.world.Vpcs {
		if vpc.ID != v.VpcID {
			continue
		}
		for _, c := range append([]string{vpc.CidrBlock}, vpc.SecondaryCidrs...) {
			if c != "" {
				out = append(out, xmlRoute{DestinationCidrBlock: c, GatewayID: "local", State: "active", Origin: "CreateRouteTable"})
			}
		}
	}
	for _, r := range v.Routes {
		x := xmlRoute{State: orDefault(r.State, "active"), Origin: "CreateRoute"}
		if strings.HasPrefix(r.Destination, "pl-") {
			x.DestinationPrefixListID = r.Destination
		} else {
			x.DestinationCidrBlock = r.Destination
		}
		switch prefix, _, _ := strings.Cut(r.Target, "-"); prefix {
		case "nat":
			x.NatGatewayID = r.Target
		case "tgw":
			x.TransitGatewayID = r.Target
		case "pcx":
			x.VpcPeeringConnectionID = r.Target
		case "eni":
			x.NetworkInterfaceID = r.Target
		case "i":
			x.InstanceID = r.Target
		default:
			x.GatewayID = r.Target
		}
		out = append(out, x)
	}
	for _, e := range s.world.VpcEndpoints {
		if strings.EqualFold(e.Type, "Gateway") && slices.Contains(e.RouteTableIDs, v.ID) {
			out = append(out, xmlRoute{DestinationPrefixListID: prefixList(e.ServiceName), GatewayID: e.ID, State: "active", Origin: "CreateRoute"})
		}
	}
	return out
}

// prefixList is a stable fake prefix list id for a service.
func prefixList(service string) string {
	h := 0
	for _, c := range service {
		h = h*31 + int(c)
	}
	return fmt.Sprintf("pl-%08x", uint32(h))
}

func (s *Server) describeVpcEndpoints(q query) (any, error) {
	if err := checkIDs(q, "VpcEndpointId", "vpce", "InvalidVpcEndpointId.Malformed"); err != nil {
		return nil, err
	}
	items, err := selectItems(q, "VpcEndpointId", []string{"vpc-endpoint-id", "vpc-id", "service-name", "vpc-endpoint-type", "vpc-endpoint-state"},
		s.world.VpcEndpoints, func(v VpcEndpoint) string { return v.ID },
		func(v VpcEndpoint) attrs {
			return withTags(attrs{"vpc-endpoint-id": {v.ID}, "vpc-id": {v.VpcID}, "service-name": {v.ServiceName},
				"vpc-endpoint-type": {orDefault(v.Type, "Interface")}, "vpc-endpoint-state": {orDefault(v.State, "available")}}, v.Tags)
		}, notFound("InvalidVpcEndpointId.NotFound", "The Vpc Endpoint Id '%s' does not exist"))
	if err != nil {
		return nil, err
	}
	page, next, err := paginate(s, q, "VpcEndpointId", 1, 1000, items)
	if err != nil {
		return nil, err
	}
	out := struct {
		Endpoints []xmlVpcEndpoint `xml:"vpcEndpointSet>item"`
		NextToken string           `xml:"nextToken,omitempty"`
	}{NextToken: next}
	for _, v := range page {
		out.Endpoints = append(out.Endpoints, s.xmlEndpoint(v))
	}
	return out, nil
}

// xmlEndpoint renders an endpoint (also for CreateVpcEndpoint answers).
func (s *Server) xmlEndpoint(v VpcEndpoint) xmlVpcEndpoint {
	x := xmlVpcEndpoint{VpcEndpointID: v.ID, VpcEndpointType: orDefault(v.Type, "Interface"), VpcID: v.VpcID,
		ServiceName: v.ServiceName, State: orDefault(v.State, "available"), PolicyDocument: v.PolicyDocument,
		RouteTableIDs: v.RouteTableIDs, SubnetIDs: v.SubnetIDs, PrivateDNSEnabled: v.PrivateDNS,
		OwnerID: s.world.AccountID, CreationTimestamp: createTime, Tags: tags(v.Tags)}
	for _, g := range v.SecurityGroupIDs {
		name := g
		for _, sg := range s.world.SecurityGroups {
			if sg.ID == g {
				name = sg.Name
			}
		}
		x.Groups = append(x.Groups, xmlGroupID{GroupID: g, GroupName: name})
	}
	if strings.EqualFold(x.VpcEndpointType, "Interface") {
		svc := strings.TrimPrefix(v.ServiceName, servicePrefix(s.world.Region))
		x.DNSEntries = append(x.DNSEntries, xmlDNSEntry{DNSName: fmt.Sprintf("%s-fake.%s.%s.vpce.amazonaws.com", v.ID, svc, s.world.Region), HostedZoneID: "Z7HUB22UULQXV"})
	}
	return x
}

func (s *Server) describeSecurityGroups(q query) (any, error) {
	if err := checkIDs(q, "GroupId", "sg", "InvalidGroupId.Malformed"); err != nil {
		return nil, err
	}
	items, err := selectItems(q, "GroupId", []string{"group-id", "group-name", "vpc-id", "description", "owner-id"},
		s.world.SecurityGroups, func(v SecurityGroup) string { return v.ID },
		func(v SecurityGroup) attrs {
			return withTags(attrs{"group-id": {v.ID}, "group-name": {v.Name}, "vpc-id": {v.VpcID}, "description": {v.Description}, "owner-id": {s.world.AccountID}}, v.Tags)
		}, notFound("InvalidGroup.NotFound", "The security group '%s' does not exist"))
	if err != nil {
		return nil, err
	}
	page, next, err := paginate(s, q, "GroupId", 5, 1000, items)
	if err != nil {
		return nil, err
	}
	out := struct {
		Groups    []xmlSecurityGroup `xml:"securityGroupInfo>item"`
		NextToken string             `xml:"nextToken,omitempty"`
	}{NextToken: next}
	for _, v := range page {
		out.Groups = append(out.Groups, xmlSecurityGroup{OwnerID: s.world.AccountID, GroupID: v.ID, GroupName: orDefault(v.Name, v.ID),
			GroupDescription: v.Description, VpcID: v.VpcID, IPPermissions: s.xmlPerms(v.Ingress), IPPermissionsOut: s.xmlPerms(v.Egress), Tags: tags(v.Tags)})
	}
	return out, nil
}

func (s *Server) xmlPerms(ps []Permission) []xmlPermission {
	var out []xmlPermission
	for _, p := range ps {
		x := xmlPermission{IPProtocol: orDefault(p.Protocol, "tcp")}
		if x.IPProtocol != "-1" {
			from, to := p.FromPort, p.ToPort
			x.FromPort, x.ToPort = &from, &to
		}
		for _, c := range p.Cidrs {
			x.IPRanges = append(x.IPRanges, xmlIPRange{CidrIP: c})
		}
		for _, g := range p.Groups {
			x.Groups = append(x.Groups, xmlGroupPair{UserID: s.world.AccountID, GroupID: g})
		}
		for _, pl := range p.PrefixLists {
			x.PrefixLists = append(x.PrefixLists, xmlPrefixListID{PrefixListID: pl})
		}
		out = append(out, x)
	}
	return out
}

func (s *Server) describeNatGateways(q query) (any, error) {
	items, err := selectItems(q, "NatGatewayId", []string{"nat-gateway-id", "vpc-id", "subnet-id", "state"},
		s.world.NatGateways, func(v NatGateway) string { return v.ID },
		func(v NatGateway) attrs {
			return withTags(attrs{"nat-gateway-id": {v.ID}, "vpc-id": {v.VpcID}, "subnet-id": {v.SubnetID}, "state": {orDefault(v.State, "available")}}, v.Tags)
		}, notFound("NatGatewayNotFound", "The Nat Gateway %s was not found"))
	if err != nil {
		return nil, err
	}
	page, next, err := paginate(s, q, "NatGatewayId", 5, 1000, items)
	if err != nil {
		return nil, err
	}
	out := struct {
		NatGateways []xmlNatGateway `xml:"natGatewaySet>item"`
		NextToken   string          `xml:"nextToken,omitempty"`
	}{NextToken: next}
	for _, v := range page {
		x := xmlNatGateway{NatGatewayID: v.ID, VpcID: v.VpcID, SubnetID: v.SubnetID, State: orDefault(v.State, "available"),
			ConnectivityType: orDefault(v.ConnectivityType, "public"), CreateTime: createTime, Tags: tags(v.Tags)}
		n := max(len(v.PublicIPs), len(v.PrivateIPs))
		for i := range n {
			a := xmlNatAddress{IsPrimary: i == 0, Status: "succeeded", NetworkInterfaceID: fmt.Sprintf("eni-%017x", 0xa7e0000+i)}
			if i < len(v.PublicIPs) {
				a.PublicIP = v.PublicIPs[i]
				a.AllocationID = fmt.Sprintf("eipalloc-%017x", 0xa110c+i)
			}
			if i < len(v.PrivateIPs) {
				a.PrivateIP = v.PrivateIPs[i]
			}
			x.Addresses = append(x.Addresses, a)
		}
		out.NatGateways = append(out.NatGateways, x)
	}
	return out, nil
}
