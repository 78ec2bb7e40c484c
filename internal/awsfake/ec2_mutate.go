package awsfake

// The EC2 actions that change the World (the custom-resource helper's file):
// CreateVpcEndpoint (with ClientToken idempotency and TagSpecification),
// ModifyVpcEndpoint, DeleteVpcEndpoints, CreateSecurityGroup,
// AuthorizeSecurityGroupIngress, DeleteSecurityGroup and CreateTags. Handlers
// run with s.mu held and mutate s.world directly.
//
// Endpoint life cycle, as on EC2: a created endpoint is "pending" and becomes
// "available" after a number of DescribeVpcEndpoints calls (default 2; set it
// per VPC with the tag awsfake:pending-describes, e.g. "1000" for an endpoint
// that never becomes available). A deleted endpoint is "deleting", then gone
// after two more DescribeVpcEndpoints or DeleteSecurityGroup calls; until then
// its security groups cannot be deleted (DependencyViolation).

import (
	"crypto/sha256"
	"encoding/hex"
	"net/http"
	"slices"
	"strconv"
	"strings"
)

// PendingDescribesTag is the VPC tag that sets how many DescribeVpcEndpoints
// calls a new endpoint of that VPC stays pending for.
const PendingDescribesTag = "awsfake:pending-describes"

const defaultPendingDescribes = 2

// mutator holds the state of the mutating actions that the World does not
// show: client tokens and endpoints in transition.
type mutator struct {
	s       *Server
	tokens  map[string]token // ClientToken -> what it created
	pending map[string]int   // endpoint id -> describes left before available
	leaving map[string]int   // endpoint id -> calls left before gone
}

type token struct {
	endpointID string
	params     string // digest of the request's parameters
}

// mutatingHandlers returns the EC2 actions that change the World (and a
// DescribeVpcEndpoints that advances endpoint states).
func (s *Server) mutatingHandlers() map[string]handler {
	m := &mutator{s: s, tokens: map[string]token{}, pending: map[string]int{}, leaving: map[string]int{}}
	return map[string]handler{
		"CreateVpcEndpoint":             m.createVpcEndpoint,
		"ModifyVpcEndpoint":             m.modifyVpcEndpoint,
		"DeleteVpcEndpoints":            m.deleteVpcEndpoints,
		"DescribeVpcEndpoints":          m.describeVpcEndpoints,
		"CreateSecurityGroup":           m.createSecurityGroup,
		"AuthorizeSecurityGroupIngress": m.authorizeIngress,
		"DeleteSecurityGroup":           m.deleteSecurityGroup,
		"CreateTags":                    m.createTags,
		"DeleteTags":                    m.deleteTags,
	}
}

type xmlReturn struct {
	Return bool `xml:"return"`
}

// tagSpecs reads TagSpecification.N for a resource type.
func tagSpecs(q query, resourceType string) (map[string]string, error) {
	out := map[string]string{}
	for _, spec := range q.Structs("TagSpecification") {
		if rt := spec.Get("ResourceType"); rt != resourceType {
			return nil, badRequest("InvalidParameterValue", "'%s' is not a valid taggable resource type for this operation.", rt)
		}
		for _, t := range spec.Structs("Tag") {
			if strings.HasPrefix(t.Get("Key"), "aws:") {
				return nil, badRequest("InvalidParameterValue", "Tag keys starting with 'aws:' are reserved for internal use")
			}
			out[t.Get("Key")] = t.Get("Value")
		}
	}
	if len(out) == 0 {
		return nil, nil
	}
	return out, nil
}

// digest is a stable summary of every parameter but ClientToken.
func digest(q query) string {
	keys := make([]string, 0, len(q.v))
	for k := range q.v {
		if k != "ClientToken" {
			keys = append(keys, k)
		}
	}
	slices.Sort(keys)
	h := sha256.New()
	for _, k := range keys {
		h.Write([]byte(k + "=" + strings.Join(q.v[k], ",") + "\x00"))
	}
	return hex.EncodeToString(h.Sum(nil))
}

func (m *mutator) endpoint(id string) (int, error) {
	if !wellFormed(id, "vpce") {
		return -1, badRequest("InvalidVpcEndpointId.Malformed", "The Vpc Endpoint Id '%s' is malformed", id)
	}
	for i, e := range m.s.world.VpcEndpoints {
		if e.ID == id {
			return i, nil
		}
	}
	return -1, badRequest("InvalidVpcEndpointId.NotFound", "The Vpc Endpoint Id '%s' does not exist", id)
}

func (m *mutator) subnet(id, vpc string) (*Subnet, error) {
	for i, sn := range m.s.world.Subnets {
		if sn.ID == id {
			if sn.VpcID != vpc {
				return nil, badRequest("InvalidParameter", "The subnet ID '%s' does not belong to the VPC '%s'", id, vpc)
			}
			return &m.s.world.Subnets[i], nil
		}
	}
	if !wellFormed(id, "subnet") {
		return nil, badRequest("InvalidSubnetID.Malformed", "Invalid id: \"%s\"", id)
	}
	return nil, badRequest("InvalidSubnetID.NotFound", "The subnet ID '%s' does not exist", id)
}

func (m *mutator) routeTable(id, vpc string) error {
	for _, rt := range m.s.world.RouteTables {
		if rt.ID == id {
			if rt.VpcID != vpc {
				return badRequest("InvalidParameter", "The route table '%s' does not belong to the VPC '%s'", id, vpc)
			}
			return nil
		}
	}
	return badRequest("InvalidRouteTableId.NotFound", "The routeTable ID '%s' does not exist", id)
}

func (m *mutator) group(id string) int {
	for i, g := range m.s.world.SecurityGroups {
		if g.ID == id {
			return i
		}
	}
	return -1
}

// checkSubnets enforces one subnet per Availability Zone.
func (m *mutator) checkSubnets(vpc string, ids []string) error {
	seen := map[string]string{}
	for _, id := range ids {
		sn, err := m.subnet(id, vpc)
		if err != nil {
			return err
		}
		zone := sn.AvailabilityZone
		if other, ok := seen[zone]; ok {
			return badRequest("DuplicateSubnetsInSameZone", "Found another VPC endpoint subnet in the availability zone of %s. VPC endpoint subnets should be in different availability zones supported by the VPC endpoint service (%s).", id, other)
		}
		seen[zone] = id
	}
	return nil
}

// checkRouteTables rejects a route table that already routes to another
// gateway endpoint of the same service.
func (m *mutator) checkRouteTables(vpc, service, self string, ids []string) error {
	for _, id := range ids {
		if err := m.routeTable(id, vpc); err != nil {
			return err
		}
		for _, e := range m.s.world.VpcEndpoints {
			if e.ID != self && e.ServiceName == service && strings.EqualFold(e.Type, "Gateway") && e.State != "deleted" && slices.Contains(e.RouteTableIDs, id) {
				return badRequest("RouteAlreadyExists", "route table %s already has a route with destination-prefix-list-id %s", id, prefixList(service))
			}
		}
	}
	return nil
}

func (m *mutator) createVpcEndpoint(q query) (any, error) {
	tok := q.Get("ClientToken")
	sum := digest(q)
	if tok != "" {
		if t, ok := m.tokens[tok]; ok {
			if t.params != sum {
				return nil, badRequest("IdempotentParameterMismatch", "The client token %s has already been used with different parameters", tok)
			}
			if i, err := m.endpoint(t.endpointID); err == nil {
				return m.created(m.s.world.VpcEndpoints[i], tok), nil
			}
		}
	}
	vpc, err := m.s.vpc(q.Get("VpcId"))
	if err != nil {
		return nil, err
	}
	svc := q.Get("ServiceName")
	if !strings.HasPrefix(svc, servicePrefix(m.s.world.Region)) {
		return nil, badRequest("InvalidServiceName", "The Vpc Endpoint Service '%s' does not exist", svc)
	}
	typ := orDefault(q.Get("VpcEndpointType"), "Gateway")
	tagMap, err := tagSpecs(q, "vpc-endpoint")
	if err != nil {
		return nil, err
	}
	e := VpcEndpoint{ID: m.s.newID("vpce"), VpcID: vpc.ID, Type: typ, ServiceName: svc, State: "pending",
		PolicyDocument: q.Get("PolicyDocument"), Tags: tagMap}
	switch typ {
	case "Interface":
		e.SubnetIDs = q.List("SubnetId")
		if err := m.checkSubnets(vpc.ID, e.SubnetIDs); err != nil {
			return nil, err
		}
		e.SecurityGroupIDs = q.List("SecurityGroupId")
		for _, g := range e.SecurityGroupIDs {
			i := m.group(g)
			if i < 0 {
				return nil, badRequest("InvalidGroup.NotFound", "The security group '%s' does not exist", g)
			}
			if m.s.world.SecurityGroups[i].VpcID != vpc.ID {
				return nil, badRequest("InvalidParameter", "The security group '%s' does not belong to the VPC '%s'", g, vpc.ID)
			}
		}
		e.PrivateDNS = q.Get("PrivateDnsEnabled") != "false" // EC2's default for AWS services
		if e.PrivateDNS {
			if !vpc.DNSSupport() || !vpc.EnableDNSHostnames {
				return nil, badRequest("InvalidParameter", "Enabling private DNS requires both enableDnsSupport and enableDnsHostnames VPC attributes set to true for %s", vpc.ID)
			}
			for _, o := range m.s.world.VpcEndpoints {
				if o.VpcID == vpc.ID && o.ServiceName == svc && o.PrivateDNS && o.State != "deleted" && o.State != "deleting" {
					name := strings.TrimPrefix(svc, servicePrefix(m.s.world.Region)) + "." + m.s.world.Region + ".amazonaws.com"
					return nil, badRequest("InvalidParameter", "private-dns-enabled cannot be set because there is already a conflicting DNS domain for %s in the VPC %s", name, vpc.ID)
				}
			}
		}
	case "Gateway":
		e.RouteTableIDs = q.List("RouteTableId")
		if err := m.checkRouteTables(vpc.ID, svc, "", e.RouteTableIDs); err != nil {
			return nil, err
		}
	default:
		return nil, badRequest("InvalidParameterValue", "Value (%s) for parameter vpcEndpointType is invalid.", typ)
	}
	m.s.world.VpcEndpoints = append(m.s.world.VpcEndpoints, e)
	n := defaultPendingDescribes
	if v, err := strconv.Atoi(vpc.Tags[PendingDescribesTag]); err == nil && v >= 0 {
		n = v
	}
	m.pending[e.ID] = n
	if tok != "" {
		m.tokens[tok] = token{endpointID: e.ID, params: sum}
	}
	return m.created(e, tok), nil
}

func (m *mutator) created(e VpcEndpoint, tok string) any {
	return struct {
		Endpoint    xmlVpcEndpoint `xml:"vpcEndpoint"`
		ClientToken string         `xml:"clientToken,omitempty"`
	}{Endpoint: m.s.xmlEndpoint(e), ClientToken: tok}
}

// describeVpcEndpoints advances endpoint states, then describes.
func (m *mutator) describeVpcEndpoints(q query) (any, error) {
	out, err := m.s.describeVpcEndpoints(q)
	m.advance(true)
	return out, err
}

// advance moves endpoints in transition one step (after the answer: the
// caller sees "pending" at least once).
func (m *mutator) advance(describe bool) {
	w := m.s.world
	for id, n := range m.pending {
		if !describe {
			continue
		}
		if n <= 1 {
			delete(m.pending, id)
			if i, err := m.endpoint(id); err == nil && w.VpcEndpoints[i].State == "pending" {
				w.VpcEndpoints[i].State = "available"
			}
		} else {
			m.pending[id] = n - 1
		}
	}
	for id, n := range m.leaving {
		if n <= 1 {
			delete(m.leaving, id)
			w.VpcEndpoints = slices.DeleteFunc(w.VpcEndpoints, func(e VpcEndpoint) bool { return e.ID == id })
		} else {
			m.leaving[id] = n - 1
		}
	}
}

func (m *mutator) modifyVpcEndpoint(q query) (any, error) {
	i, err := m.endpoint(q.Get("VpcEndpointId"))
	if err != nil {
		return nil, err
	}
	e := m.s.world.VpcEndpoints[i]
	if e.State == "deleting" || e.State == "deleted" {
		return nil, badRequest("IncorrectState", "The Vpc Endpoint %s is in state %s", e.ID, e.State)
	}
	add, remove := q.List("AddSubnetId"), q.List("RemoveSubnetId")
	if len(add)+len(remove) > 0 {
		if !strings.EqualFold(e.Type, "Interface") {
			return nil, badRequest("InvalidParameter", "Subnets can only be modified on Interface endpoints")
		}
		subnets := slices.DeleteFunc(slices.Clone(e.SubnetIDs), func(s string) bool { return slices.Contains(remove, s) })
		for _, s := range add {
			if !slices.Contains(subnets, s) {
				subnets = append(subnets, s)
			}
		}
		if err := m.checkSubnets(e.VpcID, subnets); err != nil {
			return nil, err
		}
		e.SubnetIDs = subnets
	}
	addRT, removeRT := q.List("AddRouteTableId"), q.List("RemoveRouteTableId")
	if len(addRT)+len(removeRT) > 0 {
		if !strings.EqualFold(e.Type, "Gateway") {
			return nil, badRequest("InvalidParameter", "Route tables can only be modified on Gateway endpoints")
		}
		if err := m.checkRouteTables(e.VpcID, e.ServiceName, e.ID, addRT); err != nil {
			return nil, err
		}
		rts := slices.DeleteFunc(slices.Clone(e.RouteTableIDs), func(s string) bool { return slices.Contains(removeRT, s) })
		for _, r := range addRT {
			if !slices.Contains(rts, r) {
				rts = append(rts, r)
			}
		}
		e.RouteTableIDs = rts
	}
	for _, g := range q.List("AddSecurityGroupId") {
		if m.group(g) < 0 {
			return nil, badRequest("InvalidGroup.NotFound", "The security group '%s' does not exist", g)
		}
		if !slices.Contains(e.SecurityGroupIDs, g) {
			e.SecurityGroupIDs = append(e.SecurityGroupIDs, g)
		}
	}
	rmSG := q.List("RemoveSecurityGroupId")
	e.SecurityGroupIDs = slices.DeleteFunc(e.SecurityGroupIDs, func(s string) bool { return slices.Contains(rmSG, s) })
	m.s.world.VpcEndpoints[i] = e
	return xmlReturn{Return: true}, nil
}

func (m *mutator) deleteVpcEndpoints(q query) (any, error) {
	ids := q.List("VpcEndpointId")
	if len(ids) == 0 {
		return nil, badRequest("MissingParameter", "The request must contain the parameter VpcEndpointId")
	}
	type xmlErr struct {
		Code    string `xml:"code"`
		Message string `xml:"message"`
	}
	type item struct {
		Error      xmlErr `xml:"error"`
		ResourceID string `xml:"resourceId"`
	}
	out := struct {
		Unsuccessful []item `xml:"unsuccessful>item"`
	}{}
	for _, id := range ids {
		i, err := m.endpoint(id)
		if err != nil {
			code := "InvalidVpcEndpoint.NotFound"
			if strings.Contains(err.Error(), "Malformed") {
				code = "InvalidVpcEndpointId.Malformed"
			}
			out.Unsuccessful = append(out.Unsuccessful, item{Error: xmlErr{Code: code, Message: "The VPC endpoint " + id + " does not exist"}, ResourceID: id})
			continue
		}
		if m.s.world.VpcEndpoints[i].State != "deleting" {
			m.s.world.VpcEndpoints[i].State = "deleting"
			delete(m.pending, id)
			m.leaving[id] = 2
		}
	}
	return out, nil
}

func (m *mutator) createSecurityGroup(q query) (any, error) {
	vpc, err := m.s.vpc(q.Get("VpcId"))
	if err != nil {
		return nil, err
	}
	name, desc := q.Get("GroupName"), q.Get("GroupDescription")
	if name == "" || desc == "" {
		return nil, badRequest("MissingParameter", "The request must contain the parameters GroupName and GroupDescription")
	}
	if strings.HasPrefix(strings.ToLower(name), "sg-") {
		return nil, badRequest("InvalidParameterValue", "Group names may not be in the format sg-*")
	}
	for _, g := range m.s.world.SecurityGroups {
		if g.VpcID == vpc.ID && g.Name == name {
			return nil, badRequest("InvalidGroup.Duplicate", "The security group '%s' already exists for VPC '%s'", name, vpc.ID)
		}
	}
	tagMap, err := tagSpecs(q, "security-group")
	if err != nil {
		return nil, err
	}
	g := SecurityGroup{ID: m.s.newID("sg"), VpcID: vpc.ID, Name: name, Description: desc, Tags: tagMap,
		Egress: []Permission{{Protocol: "-1", Cidrs: []string{"0.0.0.0/0"}}}}
	m.s.world.SecurityGroups = append(m.s.world.SecurityGroups, g)
	return struct {
		GroupID string   `xml:"groupId"`
		Tags    []xmlTag `xml:"tagSet>item"`
	}{GroupID: g.ID, Tags: tags(tagMap)}, nil
}

func (m *mutator) authorizeIngress(q query) (any, error) {
	id := q.Get("GroupId")
	i := m.group(id)
	if i < 0 {
		if !wellFormed(id, "sg") {
			return nil, badRequest("InvalidGroupId.Malformed", "Invalid id: \"%s\"", id)
		}
		return nil, badRequest("InvalidGroup.NotFound", "The security group '%s' does not exist", id)
	}
	g := &m.s.world.SecurityGroups[i]
	var add []Permission
	for _, p := range q.Structs("IpPermissions") {
		perm := Permission{Protocol: p.Get("IpProtocol")}
		if perm.Protocol == "" {
			return nil, badRequest("MissingParameter", "The request must contain the parameter ipProtocol")
		}
		if perm.Protocol != "-1" {
			from, err1 := strconv.Atoi(p.Get("FromPort"))
			to, err2 := strconv.Atoi(p.Get("ToPort"))
			if err1 != nil || err2 != nil {
				return nil, badRequest("InvalidParameterValue", "Invalid port range")
			}
			perm.FromPort, perm.ToPort = int32(from), int32(to)
		}
		for _, r := range p.Structs("IpRanges") {
			perm.Cidrs = append(perm.Cidrs, r.Get("CidrIp"))
		}
		for _, gp := range p.Structs("Groups") {
			perm.Groups = append(perm.Groups, gp.Get("GroupId"))
		}
		for _, have := range g.Ingress {
			if have.Protocol == perm.Protocol && have.FromPort == perm.FromPort && have.ToPort == perm.ToPort {
				for _, c := range perm.Cidrs {
					if slices.Contains(have.Cidrs, c) {
						return nil, badRequest("InvalidPermission.Duplicate", "the specified rule \"peer: %s, TCP, from port: %d, to port: %d, ALLOW\" already exists", c, perm.FromPort, perm.ToPort)
					}
				}
			}
		}
		add = append(add, perm)
	}
	if len(add) == 0 {
		return nil, badRequest("MissingParameter", "The request must contain the parameter ipPermissions")
	}
	g.Ingress = append(g.Ingress, add...)
	return xmlReturn{Return: true}, nil
}

func (m *mutator) deleteSecurityGroup(q query) (any, error) {
	m.advance(false)
	id := q.Get("GroupId")
	i := m.group(id)
	if i < 0 {
		if !wellFormed(id, "sg") {
			return nil, badRequest("InvalidGroupId.Malformed", "Invalid id: \"%s\"", id)
		}
		return nil, badRequest("InvalidGroup.NotFound", "The security group '%s' does not exist", id)
	}
	for _, e := range m.s.world.VpcEndpoints {
		if slices.Contains(e.SecurityGroupIDs, id) {
			return nil, &APIError{Status: http.StatusBadRequest, Code: "DependencyViolation", Message: "resource " + id + " has a dependent object"}
		}
	}
	m.s.world.SecurityGroups = slices.Delete(m.s.world.SecurityGroups, i, i+1)
	return struct {
		Return  bool   `xml:"return"`
		GroupID string `xml:"groupId"`
	}{true, id}, nil
}

func (m *mutator) createTags(q query) (any, error) {
	ids := q.List("ResourceId")
	kv := map[string]string{}
	for _, t := range q.Structs("Tag") {
		kv[t.Get("Key")] = t.Get("Value")
	}
	if len(ids) == 0 || len(kv) == 0 {
		return nil, badRequest("MissingParameter", "The request must contain the parameters ResourceId and Tag")
	}
	return m.retag(ids, func(tags map[string]string) {
		for k, v := range kv {
			tags[k] = v
		}
	})
}

// deleteTags removes the named tag keys (a Tag.N with a Value removes the
// key only when the value matches, as EC2 does).
func (m *mutator) deleteTags(q query) (any, error) {
	ids := q.List("ResourceId")
	if len(ids) == 0 {
		return nil, badRequest("MissingParameter", "The request must contain the parameter ResourceId")
	}
	tagsQ := q.Structs("Tag")
	return m.retag(ids, func(tags map[string]string) {
		for _, t := range tagsQ {
			k := t.Get("Key")
			if v, ok := t.v["Value"]; ok && len(v) > 0 && tags[k] != v[0] {
				continue
			}
			delete(tags, k)
		}
	})
}

// retag applies edit to the tags of each resource, or fails (changing
// nothing after the first unknown id) with EC2's NotFound code.
func (m *mutator) retag(ids []string, edit func(map[string]string)) (any, error) {
	w := m.s.world
	for _, id := range ids {
		var target *map[string]string
		for i := range w.VpcEndpoints {
			if w.VpcEndpoints[i].ID == id {
				target = &w.VpcEndpoints[i].Tags
			}
		}
		for i := range w.SecurityGroups {
			if w.SecurityGroups[i].ID == id {
				target = &w.SecurityGroups[i].Tags
			}
		}
		for i := range w.Vpcs {
			if w.Vpcs[i].ID == id {
				target = &w.Vpcs[i].Tags
			}
		}
		for i := range w.Subnets {
			if w.Subnets[i].ID == id {
				target = &w.Subnets[i].Tags
			}
		}
		for i := range w.RouteTables {
			if w.RouteTables[i].ID == id {
				target = &w.RouteTables[i].Tags
			}
		}
		if target == nil {
			prefix, _, _ := strings.Cut(id, "-")
			return nil, badRequest("Invalid"+strings.ToUpper(prefix[:1])+prefix[1:]+"ID.NotFound", "The ID '%s' does not exist", id)
		}
		if *target == nil {
			*target = map[string]string{}
		}
		edit(*target)
	}
	return xmlReturn{Return: true}, nil
}
