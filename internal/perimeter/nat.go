package perimeter

import (
	"context"
	"fmt"
	"sort"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	"github.com/aws/aws-sdk-go-v2/service/ec2/types"
)

// NATGatewayAPI is the part of the EC2 client that NATGateways needs.
type NATGatewayAPI interface {
	DescribeNatGateways(ctx context.Context, in *ec2.DescribeNatGatewaysInput, optFns ...func(*ec2.Options)) (*ec2.DescribeNatGatewaysOutput, error)
}

// NATGateway is an available public NAT gateway of one of the VPCs.
type NATGateway struct {
	ID        string
	VPCID     string
	SubnetID  string
	PublicIPs []string
}

// NATGateways returns the available public NAT gateways of the VPCs, with
// their public addresses, sorted by VPC and ID. It makes one paginated
// DescribeNatGateways call with a vpc-id filter naming every VPC. States are
// compared case-insensitively; private NAT gateways (no public address) and
// gateways in other states are left out.
func NATGateways(ctx context.Context, api NATGatewayAPI, vpcs []string) ([]NATGateway, error) {
	if len(vpcs) == 0 {
		return nil, nil
	}
	in := &ec2.DescribeNatGatewaysInput{
		Filter: []types.Filter{{Name: aws.String("vpc-id"), Values: vpcs}},
	}
	var out []NATGateway
	p := ec2.NewDescribeNatGatewaysPaginator(api, in)
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			return nil, fmt.Errorf("reading the NAT gateways of %s (ec2:DescribeNatGateways): %w", strings.Join(vpcs, ", "), err)
		}
		for _, g := range page.NatGateways {
			if !strings.EqualFold(string(g.State), string(types.NatGatewayStateAvailable)) {
				continue
			}
			if g.ConnectivityType != "" && !strings.EqualFold(string(g.ConnectivityType), string(types.ConnectivityTypePublic)) {
				continue
			}
			n := NATGateway{ID: aws.ToString(g.NatGatewayId), VPCID: aws.ToString(g.VpcId), SubnetID: aws.ToString(g.SubnetId)}
			for _, a := range g.NatGatewayAddresses {
				if ip := aws.ToString(a.PublicIp); ip != "" {
					n.PublicIPs = append(n.PublicIPs, ip)
				}
			}
			sort.Strings(n.PublicIPs)
			if len(n.PublicIPs) > 0 {
				out = append(out, n)
			}
		}
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].VPCID != out[j].VPCID {
			return out[i].VPCID < out[j].VPCID
		}
		return out[i].ID < out[j].ID
	})
	return out, nil
}

// PublicIPs returns every public address of the gateways, sorted.
func PublicIPs(gws []NATGateway) []string {
	var ips []string
	for _, g := range gws {
		ips = append(ips, g.PublicIPs...)
	}
	sort.Strings(ips)
	return ips
}
