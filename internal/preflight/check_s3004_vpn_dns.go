package preflight

import (
	"fmt"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2/types"

	"github.com/quiltdata/quilt-private-endpoints/internal/finding"
)

func checkVPNDNSNote() finding.Check[*inventory] {
	c := finding.Check[*inventory]{Rule: finding.Rule{
		ID:       "QPE-S3-004",
		Severity: finding.Info,
		Title:    "the VPN clients' DNS",
		Meaning:  "With --vpn-clients: a reminder that the VPN clients' DNS must resolve the AWS global and regional S3 names to the S3 interface endpoint's IP addresses (this cannot be checked from the account).",
		Remedy:   "Configure the VPN's DNS (e.g. a Route 53 Resolver inbound endpoint and forwarding rules) so S3 names resolve to the interface endpoint.",
	}}
	c.Run = func(inv *inventory) []finding.Finding {
		if !inv.in.VPNClients {
			return nil
		}
		resource := inv.in.VpcID
		for _, e := range inv.endpointsFor("s3", types.VpcEndpointTypeInterface) {
			resource = aws.ToString(e.VpcEndpointId)
			break
		}
		r := inv.in.Region
		return []finding.Finding{c.New(resource,
			"have the VPN's DNS forward S3 names to the VPC (e.g. a Route 53 Resolver inbound endpoint) so they resolve to the S3 interface endpoint's IP addresses",
			"%s", fmt.Sprintf("the DNS of VPN clients must resolve the AWS global and regional S3 service names (s3.amazonaws.com, s3.%s.amazonaws.com, *.s3.%s.amazonaws.com) to the S3 interface endpoint's IP addresses", r, r))}
	}
	return c
}
