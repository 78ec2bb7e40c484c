package preflight

import (
	"cmp"
	"fmt"
	"slices"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2/types"

	"github.com/quiltdata/quilt-private-endpoints/internal/finding"
	"github.com/quiltdata/quilt-private-endpoints/internal/vpcrules"
)

func checkAPIEndpointIngress() finding.Check[*inventory] {
	c := finding.Check[*inventory]{Rule: finding.Rule{
		ID:       "QPE-EP-006",
		Severity: finding.Error,
		Title:    "the execute-api endpoint's security groups",
		Meaning:  "No security group of the endpoint lets TCP 443 in from a private subnet (neither by a CIDR that contains the subnet, nor by a security group the callers use): calls to the private API time out.",
		Remedy:   "Add an inbound rule TCP 443 from the private subnets' CIDRs (or the VPC CIDR) to the endpoint's security group.",
	}, Needs: names(itemAPIEndpoint, itemGroups, itemSubnets)}
	c.Run = func(inv *inventory) []finding.Finding {
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
			return []finding.Finding{c.New(inv.in.APIEndpointID,
				"attach a security group allowing TCP 443 from "+strings.Join(cidrs, ", ")+" to the endpoint (aws ec2 modify-vpc-endpoint --vpc-endpoint-id "+inv.in.APIEndpointID+" --add-security-group-ids sg-...)",
				"VPC endpoint %s has no security group, so nothing can reach it on TCP 443", inv.in.APIEndpointID)}
		}
		remedy := fmt.Sprintf("allow TCP 443 from %s (or from %s) in %s: %s",
			strings.Join(cidrs, ", "), cmp.Or(inv.vpcCIDRs(), "the VPC CIDR"), groups[0], authorize443(groups[0], cidrs))
		return []finding.Finding{c.New(strings.Join(groups, ", "), remedy,
			"the security groups of %s (%s) do not allow TCP 443 from the private subnets %s",
			inv.in.APIEndpointID, strings.Join(groups, ", "), strings.Join(blocked, ", "))}
	}
	return c
}

// access is how a subnet may reach an endpoint on TCP 443.
type access = vpcrules.Reach

const (
	accessNone    = vpcrules.Closed
	accessByGroup = vpcrules.Unproven // only through security groups not known to be the callers', or managed prefix lists
	accessProven  = vpcrules.Open     // by CIDR, or by a group the callers use
)

// ingressFor tells whether the endpoint's groups let TCP 443 in from the
// subnet.
func (inv *inventory) ingressFor(e *types.VpcEndpoint, s types.Subnet) access {
	return vpcrules.Ingress443(inv.endpointGroups(e), aws.ToString(s.CidrBlock), inv.in.CallerSecurityGroupIDs)
}

// endpointGroups are the endpoint's security groups that were read.
func (inv *inventory) endpointGroups(e *types.VpcEndpoint) []types.SecurityGroup {
	var out []types.SecurityGroup
	for _, gid := range groupIDs(e) {
		if g, ok := inv.groups[gid]; ok {
			out = append(out, g)
		}
	}
	return out
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
			if !vpcrules.AllowsTCP443(p) {
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

// vpcCIDRs names every CIDR block of the VPC ("the VPC CIDR 10.0.0.0/16",
// "the VPC CIDR blocks 10.0.0.0/16, 100.64.0.0/16"), "" when unknown: a
// rule for the primary block alone would not cover a subnet of a
// secondary one.
func (inv *inventory) vpcCIDRs() string {
	if inv.vpc == nil {
		return ""
	}
	blocks := vpcrules.VPCCIDRs(*inv.vpc)
	if len(blocks) == 0 {
		return ""
	}
	return plural(len(blocks), "the VPC CIDR ", "the VPC CIDR blocks ") + strings.Join(blocks, ", ")
}

// authorize443 is the command that lets TCP 443 in from the CIDRs.
func authorize443(group string, cidrs []string) string {
	perms := make([]string, len(cidrs))
	for i, cidr := range cidrs {
		perms[i] = "IpProtocol=tcp,FromPort=443,ToPort=443,IpRanges=[{CidrIp=" + cidr + "}]"
	}
	return "aws ec2 authorize-security-group-ingress --group-id " + group + " --ip-permissions " + strings.Join(perms, " ")
}
