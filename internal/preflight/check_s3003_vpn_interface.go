package preflight

import (
	"fmt"

	"github.com/aws/aws-sdk-go-v2/service/ec2/types"

	"github.com/quiltdata/quilt-private-endpoints/internal/finding"
	"github.com/quiltdata/quilt-private-endpoints/internal/vpcrules"
)

func checkS3InterfaceForVPN() finding.Check[*inventory] {
	c := finding.Check[*inventory]{Rule: finding.Rule{
		ID:       "QPE-S3-003",
		Severity: finding.Error,
		Title:    "the S3 interface endpoint for VPN clients",
		Meaning:  "With --vpn-clients: the VPC has no available S3 interface endpoint. Gateway endpoints do not work over VPN, peering, Transit Gateway or Direct Connect.",
		Remedy:   "Create an S3 interface endpoint in the VPC and point the VPN clients' DNS at it.",
	}, Needs: names(itemEndpoints)}
	c.Run = func(inv *inventory) []finding.Finding {
		if !inv.in.VPNClients {
			return nil
		}
		for _, e := range inv.endpointsFor("s3", types.VpcEndpointTypeInterface) {
			if vpcrules.Is(e.State, "available") {
				return nil
			}
		}
		return []finding.Finding{c.New(inv.in.VpcID,
			fmt.Sprintf("create an S3 interface endpoint: aws ec2 create-vpc-endpoint --region %s --vpc-id %s --vpc-endpoint-type Interface --service-name %s --subnet-ids %s --security-group-ids <sg allowing TCP 443 from the VPN client range>",
				inv.in.Region, inv.in.VpcID, inv.service("s3"), inv.subnetArgs()),
			"%s has no available S3 interface endpoint: VPN clients cannot use the S3 gateway endpoint (%s)", inv.in.VpcID, inv.service("s3"))}
	}
	return c
}
