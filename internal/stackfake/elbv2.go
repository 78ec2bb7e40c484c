package stackfake

import (
	"fmt"
	"net/http"
	"sort"
	"strconv"
	"strings"

	"github.com/quiltdata/quilt-private-endpoints/internal/fakeworld/wire"
)

// elbv2Version is the Query API version of Elastic Load Balancing v2: its
// calls share POST / with CloudFormation's and differ by Version.
const elbv2Version = "2015-12-01"

const elbv2NS = "http://elasticloadbalancing.amazonaws.com/doc/2015-12-01/"

// LoadBalancer is what DescribeLoadBalancers returns for one load balancer,
// keyed in the scenario by its ARN (the physical id of
// AWS::ElasticLoadBalancingV2::LoadBalancer).
type LoadBalancer struct {
	Name string `yaml:"name"`
	// Scheme is internet-facing (default) or internal.
	Scheme string `yaml:"scheme"`
	// Type is application (default), network or gateway.
	Type  string `yaml:"type"`
	State string `yaml:"state"` // default active
	VpcID string `yaml:"vpcId"`
	// Subnets are the load balancer's subnets, one per Availability Zone.
	Subnets        []string `yaml:"subnets"`
	SecurityGroups []string `yaml:"securityGroups"`
}

// isELBv2 tells an Elastic Load Balancing v2 Query call from a
// CloudFormation one on POST /.
func isELBv2(r *http.Request) bool {
	return r.ParseForm() == nil && r.PostForm.Get("Version") == elbv2Version
}

// elbv2 serves DescribeLoadBalancers (by LoadBalancerArns.member.N, by
// Names.member.N, or all of them, paginated with Marker and PageSize), in
// the Query protocol: XML answers, XML <ErrorResponse> errors. A fault's
// Target matches the first ARN or name asked for.
func (s *Server) elbv2(w http.ResponseWriter, r *http.Request) {
	action := r.PostForm.Get("Action")
	arns, names := formList(r, "LoadBalancerArns"), formList(r, "Names")
	target := ""
	if len(arns) > 0 {
		target = arns[0]
	} else if len(names) > 0 {
		target = names[0]
	}
	if f := s.begin(r, "elasticloadbalancing", action, target); f != nil {
		writeQueryError(w, f.Status, faultCodeQuery(f), faultMessage(f))
		return
	}
	if action != "DescribeLoadBalancers" {
		writeQueryError(w, http.StatusBadRequest, "InvalidAction", "stackfake: unsupported Elastic Load Balancing action "+action)
		return
	}
	if len(arns) > 0 && len(names) > 0 {
		writeQueryError(w, http.StatusBadRequest, "ValidationError", "Load balancer names and load balancer ARNs cannot be specified at the same time")
		return
	}
	if len(arns) > 20 || len(names) > 20 {
		writeQueryError(w, http.StatusBadRequest, "ValidationError", "A maximum of 20 load balancers can be described at once")
		return
	}
	var picked []string
	switch {
	case len(arns) > 0:
		for _, a := range arns {
			if _, ok := s.scn.LoadBalancers[a]; !ok {
				writeQueryError(w, http.StatusBadRequest, "LoadBalancerNotFound", fmt.Sprintf("Load balancers '[%s]' not found", a))
				return
			}
			picked = append(picked, a)
		}
	case len(names) > 0:
		for _, n := range names {
			arn := ""
			for a, lb := range s.scn.LoadBalancers {
				if lbName(a, lb) == n {
					arn = a
				}
			}
			if arn == "" {
				writeQueryError(w, http.StatusBadRequest, "LoadBalancerNotFound", fmt.Sprintf("Load balancers '[%s]' not found", n))
				return
			}
			picked = append(picked, arn)
		}
	default:
		for a := range s.scn.LoadBalancers {
			picked = append(picked, a)
		}
		sort.Strings(picked)
	}
	size := 400
	if v := r.PostForm.Get("PageSize"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > 400 {
			writeQueryError(w, http.StatusBadRequest, "ValidationError", "PageSize must be between 1 and 400")
			return
		}
		size = n
	}
	start := 0
	if m := r.PostForm.Get("Marker"); m != "" {
		n, err := strconv.Atoi(strings.TrimPrefix(m, "lb-"))
		if err != nil || !strings.HasPrefix(m, "lb-") || n < 0 || n > len(picked) {
			writeQueryError(w, http.StatusBadRequest, "ValidationError", "Invalid Marker")
			return
		}
		start = n
	}
	end := min(start+size, len(picked))
	var b strings.Builder
	b.WriteString("<LoadBalancers>")
	for _, a := range picked[start:end] {
		b.WriteString(s.loadBalancerXML(a, s.scn.LoadBalancers[a]))
	}
	b.WriteString("</LoadBalancers>")
	if end < len(picked) {
		b.WriteString(el("NextMarker", fmt.Sprintf("lb-%d", end)))
	}
	wire.Query(w, elbv2NS, action, b.String(), requestID)
}

func (s *Server) loadBalancerXML(arn string, lb LoadBalancer) string {
	name, scheme := lbName(arn, lb), or(lb.Scheme, "internet-facing")
	dns := s.lbDNSName(arn, lb)
	var b strings.Builder
	b.WriteString("<member>")
	b.WriteString(el("LoadBalancerArn", arn))
	b.WriteString(el("DNSName", dns))
	b.WriteString(el("CanonicalHostedZoneId", lbHostedZone))
	b.WriteString(el("CreatedTime", "2026-06-01T09:00:00.000Z"))
	b.WriteString(el("LoadBalancerName", name))
	b.WriteString(el("Scheme", scheme))
	b.WriteString(el("VpcId", lb.VpcID))
	b.WriteString("<State>" + el("Code", or(lb.State, "active")) + "</State>")
	b.WriteString(el("Type", or(lb.Type, "application")))
	b.WriteString("<AvailabilityZones>")
	for i, sn := range lb.Subnets {
		b.WriteString("<member>" + el("ZoneName", s.subnetZone(sn, i)) + el("SubnetId", sn) + "</member>")
	}
	b.WriteString("</AvailabilityZones>")
	b.WriteString("<SecurityGroups>")
	for _, g := range lb.SecurityGroups {
		b.WriteString("<member>" + esc(g) + "</member>")
	}
	b.WriteString("</SecurityGroups>")
	b.WriteString(el("IpAddressType", "ipv4"))
	b.WriteString("</member>")
	return b.String()
}

// subnetZone is the Availability Zone of the load balancer's i-th subnet:
// the shared world's (the zone EC2 DescribeSubnets answers) when the
// scenario's network has the subnet, else the Region's i-th zone.
func (s *Server) subnetZone(id string, i int) string {
	if z, ok := s.scn.Network.Zone(id); ok {
		return z
	}
	return fmt.Sprintf("%s%c", s.scn.Region, 'a'+i%26)
}

// lbHostedZone is the load balancers' canonical hosted zone (us-east-1's).
const lbHostedZone = "Z35SXDOTRQ7X7K"

// lbDNSName is the load balancer's DNS name: internal-NAME-... for an
// internal one, as ELB names them.
func (s *Server) lbDNSName(arn string, lb LoadBalancer) string {
	dns := lbName(arn, lb) + "-1234567890." + s.scn.Region + ".elb.amazonaws.com"
	if lb.Scheme == "internal" {
		dns = "internal-" + dns
	}
	return dns
}

// lbName is the load balancer's name: the scenario's, else the one in its
// ARN (…:loadbalancer/app/NAME/ID).
func lbName(arn string, lb LoadBalancer) string {
	if lb.Name != "" {
		return lb.Name
	}
	if p := strings.Split(arn, "/"); len(p) >= 3 {
		return p[len(p)-2]
	}
	return arn
}

// formList reads a Query list parameter: Name.member.1, Name.member.2, ...
func formList(r *http.Request, name string) []string {
	var out []string
	for i := 1; ; i++ {
		v, ok := r.PostForm[fmt.Sprintf("%s.member.%d", name, i)]
		if !ok || len(v) == 0 {
			return out
		}
		out = append(out, v[0])
	}
}
