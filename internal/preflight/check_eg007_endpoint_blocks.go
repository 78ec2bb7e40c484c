package preflight

import (
	"fmt"
	"slices"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2/types"

	"github.com/quiltdata/quilt-private-endpoints/internal/finding"
	"github.com/quiltdata/quilt-private-endpoints/internal/vpcrules"
)

func checkEgressEndpointBlocks() finding.Check[*inventory] {
	c := finding.Check[*inventory]{Rule: finding.Rule{
		ID:       "QPE-EG-007",
		Severity: finding.Error,
		Title:    "interface endpoints that take over egress",
		Meaning:  "An interface endpoint for an AWS service the stack calls has private DNS on, so the private subnets resolve that service's names to it instead of using their 0.0.0.0/0 route, but its security groups do not let TCP 443 in from them: those calls time out although the NAT gateway works.",
		Remedy:   "Allow TCP 443 from the private subnets' CIDRs in the endpoint's security group, or turn off the endpoint's private DNS.",
	}, Needs: names(egressNeeds()...)}
	c.Run = func(inv *inventory) []finding.Finding {
		type blocked struct {
			e       types.VpcEndpoint
			subnets []string
			cidrs   []string
		}
		var order []string
		byID := map[string]*blocked{}
		for _, eg := range inv.egresses() {
			if !eg.active() {
				continue // no route to take over: QPE-EG-001/002 judge the endpoints
			}
			for _, svc := range inv.interfaceEgressServices() {
				for _, e := range inv.endpointsNamed(svc, types.VpcEndpointTypeInterface) {
					if !vpcrules.Is(e.State, "available") || !aws.ToBool(e.PrivateDnsEnabled) {
						continue
					}
					id := aws.ToString(e.VpcEndpointId)
					for _, sid := range eg.group.subnets {
						s := inv.subnets[sid]
						if inv.ingressFor(&e, s) != accessNone {
							continue
						}
						b := byID[id]
						if b == nil {
							b = &blocked{e: e}
							byID[id] = b
							order = append(order, id)
						}
						if !slices.Contains(b.subnets, sid) {
							b.subnets = append(b.subnets, sid)
							b.cidrs = append(b.cidrs, aws.ToString(s.CidrBlock))
						}
					}
				}
			}
		}
		var fs []finding.Finding
		for _, id := range order {
			b := byID[id]
			svc := aws.ToString(b.e.ServiceName)
			var list []string
			for i, sid := range b.subnets {
				list = append(list, fmt.Sprintf("%s (%s)", sid, b.cidrs[i]))
			}
			noDNS := fmt.Sprintf("or, if the subnets should use the NAT gateway for %s, turn off the endpoint's private DNS: aws ec2 modify-vpc-endpoint --vpc-endpoint-id %s --no-private-dns-enabled", svc, id)
			groups := groupIDs(&b.e)
			var remedy string
			if len(groups) == 0 {
				remedy = fmt.Sprintf("attach a security group allowing TCP 443 from %s to the endpoint (aws ec2 modify-vpc-endpoint --vpc-endpoint-id %s --add-security-group-ids sg-...); %s",
					strings.Join(b.cidrs, ", "), id, noDNS)
			} else {
				remedy = fmt.Sprintf("allow TCP 443 from %s in %s: %s; %s",
					strings.Join(b.cidrs, ", "), groups[0], authorize443(groups[0], b.cidrs), noDNS)
			}
			fs = append(fs, c.New(id, remedy,
				"interface endpoint %s (%s) has private DNS on, so %s reach %s through it rather than through their 0.0.0.0/0 route, but its security groups (%s) do not allow TCP 443 from them: those calls time out",
				id, svc, strings.Join(list, ", "), svc, orNone(strings.Join(groups, ", "))))
		}
		return fs
	}
	return c
}

// orNone is s, or "none" when s is empty.
func orNone(s string) string {
	if s == "" {
		return "none"
	}
	return s
}
