package preflight

import (
	"fmt"
	"slices"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2/types"

	"github.com/quiltdata/quilt-private-endpoints/internal/finding"
)

func checkAPIEndpointIngress() Check {
	c := Check{
		ID:       "QPE-EP-006",
		Severity: finding.Error,
		Title:    "the execute-api endpoint's security groups",
		Meaning:  "No security group of the endpoint lets TCP 443 in from a private subnet (neither by a CIDR that contains the subnet, nor by a security group the callers use): calls to the private API time out.",
		Remedy:   "Add an inbound rule TCP 443 from the private subnets' CIDRs (or the VPC CIDR) to the endpoint's security group.",
		needs:    []item{itemAPIEndpoint, itemGroups, itemSubnets},
	}
	c.run = func(inv *inventory) []finding.Finding {
		e := inv.apiEndpointInVPC()
		if e == nil {
			return nil
		}
		var blocked, cidrs []string
		for _, s := range inv.privateSubnets() {
			if a := inv.ingressFor(e, s); a == accessNone {
				blocked = append(blocked, fmt.Sprintf("%s (%s)", aws.ToString(s.SubnetId), aws.ToString(s.CidrBlock)))
				cidrs = append(cidrs, aws.ToString(s.CidrBlock))
			}
		}
		if len(blocked) == 0 {
			return nil
		}
		groups := groupIDs(e)
		if len(groups) == 0 {
			return []finding.Finding{c.f(inv.in.APIEndpointID,
				"attach a security group allowing TCP 443 from "+strings.Join(cidrs, ", ")+" to the endpoint (aws ec2 modify-vpc-endpoint --vpc-endpoint-id "+inv.in.APIEndpointID+" --add-security-group-ids sg-...)",
				"VPC endpoint %s has no security group, so nothing can reach it on TCP 443", inv.in.APIEndpointID)}
		}
		var perms []string
		for _, cidr := range cidrs {
			perms = append(perms, "IpProtocol=tcp,FromPort=443,ToPort=443,IpRanges=[{CidrIp="+cidr+"}]")
		}
		remedy := fmt.Sprintf("allow TCP 443 from %s (or from the VPC CIDR%s) in %s: aws ec2 authorize-security-group-ingress --group-id %s --ip-permissions %s",
			strings.Join(cidrs, ", "), vpcCIDRNote(inv), groups[0], groups[0], strings.Join(perms, " "))
		return []finding.Finding{c.f(strings.Join(groups, ", "), remedy,
			"the security groups of %s (%s) do not allow TCP 443 from the private subnets %s",
			inv.in.APIEndpointID, strings.Join(groups, ", "), strings.Join(blocked, ", "))}
	}
	return c
}

// access is how a subnet may reach an endpoint on TCP 443.
type access int

const (
	accessNone    access = iota
	accessByGroup        // only through security groups not known to be the callers', or managed prefix lists
	accessProven         // by CIDR, or by a group the callers use
)

// ingressFor tells whether the endpoint's groups let TCP 443 in from the
// subnet.
func (inv *inventory) ingressFor(e *types.VpcEndpoint, s types.Subnet) access {
	best := accessNone
	for _, gid := range groupIDs(e) {
		g, ok := inv.groups[gid]
		if !ok {
			continue
		}
		for _, p := range g.IpPermissions {
			if !allows443(p) {
				continue
			}
			for _, r := range p.IpRanges {
				if cidrCovers(aws.ToString(r.CidrIp), aws.ToString(s.CidrBlock)) {
					return accessProven
				}
			}
			for _, pair := range p.UserIdGroupPairs {
				if slices.Contains(inv.in.CallerSecurityGroupIDs, aws.ToString(pair.GroupId)) {
					return accessProven
				}
				best = accessByGroup
			}
			if len(p.PrefixListIds) > 0 {
				// The entries of a managed prefix list are not read: it may
				// hold the subnet's range.
				best = accessByGroup
			}
		}
	}
	return best
}

// ingressRefs names the security group references and prefix lists of the
// endpoint's groups that let TCP 443 in.
func (inv *inventory) ingressRefs(e *types.VpcEndpoint) []string {
	var out []string
	add := func(s string) {
		if !slices.Contains(out, s) {
			out = append(out, s)
		}
	}
	for _, gid := range groupIDs(e) {
		for _, p := range inv.groups[gid].IpPermissions {
			if !allows443(p) {
				continue
			}
			for _, pair := range p.UserIdGroupPairs {
				add("security group " + aws.ToString(pair.GroupId))
			}
			for _, pl := range p.PrefixListIds {
				add("prefix list " + aws.ToString(pl.PrefixListId))
			}
		}
	}
	return out
}

// vpcCIDRNote returns " <cidr>" when the VPC's CIDR is known.
func vpcCIDRNote(inv *inventory) string {
	if inv.vpc != nil && aws.ToString(inv.vpc.CidrBlock) != "" {
		return " " + aws.ToString(inv.vpc.CidrBlock)
	}
	return ""
}
