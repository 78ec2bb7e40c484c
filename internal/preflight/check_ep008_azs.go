package preflight

import (
	"fmt"
	"slices"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"

	"github.com/quiltdata/quilt-private-endpoints/internal/finding"
)

func checkAPIEndpointAZs() finding.Check[*inventory] {
	c := finding.Check[*inventory]{Rule: finding.Rule{
		ID:       "QPE-EP-008",
		Severity: finding.Warning,
		Title:    "the execute-api endpoint's Availability Zones",
		Meaning:  "The endpoint has no subnet in an Availability Zone of a private subnet: calls from that zone cross zones and fail when the endpoint's zone is down.",
		Remedy:   "Add a subnet in each private subnet's Availability Zone to the endpoint.",
	}, Needs: names(itemAPIEndpoint, itemSubnets, itemVPCSubnets)}
	c.Run = func(inv *inventory) []finding.Finding {
		e := inv.apiEndpointInVPC()
		if e == nil {
			return nil
		}
		covered := map[string]bool{}
		for _, id := range e.SubnetIds {
			if s, ok := inv.vpcSubnets[id]; ok {
				covered[aws.ToString(s.AvailabilityZone)] = true
			}
		}
		missing := map[string][]string{} // AZ -> private subnets in it
		for _, s := range inv.privateSubnets() {
			az := aws.ToString(s.AvailabilityZone)
			if !covered[az] {
				missing[az] = append(missing[az], aws.ToString(s.SubnetId))
			}
		}
		if len(missing) == 0 {
			return nil
		}
		azs := make([]string, 0, len(missing))
		var add []string
		for az := range missing {
			azs = append(azs, az)
		}
		slices.Sort(azs)
		for _, az := range azs {
			add = append(add, missing[az][0])
		}
		return []finding.Finding{c.New(inv.in.APIEndpointID,
			fmt.Sprintf("add a subnet in %s to the endpoint: aws ec2 modify-vpc-endpoint --vpc-endpoint-id %s --add-subnet-ids %s",
				strings.Join(azs, ", "), inv.in.APIEndpointID, strings.Join(add, " ")),
			"VPC endpoint %s has no subnet in %s, where private subnets are", inv.in.APIEndpointID, strings.Join(azs, ", "))}
	}
	return c
}
