package preflight

import (
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"

	"github.com/quiltdata/quilt-private-endpoints/internal/finding"
)

func checkUserSubnetZones() finding.Check[*inventory] {
	c := finding.Check[*inventory]{Rule: finding.Rule{
		ID:       "QPE-NET-006",
		Severity: finding.Error,
		Title:    "the internal load balancer's zones cover the services' zones",
		Meaning: "An ECS service behind the internal load balancer has a subnet in an Availability Zone where the load balancer (UserSubnets) has none: " +
			"a task placed there is registered but gets no traffic (target health unused, Target.NotInUse), so a service whose only task is there " +
			"never stabilises and the update fails or hangs.",
		Remedy: "Add a subnet of that Availability Zone to UserSubnets, or move the services' subnets into the load balancer's zones.",
		Source: "cutover-and-trust.md section 1 (How Elastic Load Balancing works; ALB target health)",
	}, Needs: names(itemUserSubnets, itemVPCSubnets)}
	c.Run = func(inv *inventory) []finding.Finding {
		if len(inv.in.ServiceSubnets) == 0 {
			return nil
		}
		covered := map[string]bool{}
		for _, id := range inv.in.UserSubnets {
			if s, ok := inv.userSubnets[id]; ok && aws.ToString(s.VpcId) == inv.in.VpcID {
				covered[aws.ToString(s.AvailabilityZone)] = true
			}
		}
		if len(covered) == 0 {
			return nil // QPE-NET-005 reports user subnets that are not usable
		}
		missing := map[string][]string{} // zone -> service subnets in it
		for _, id := range inv.in.ServiceSubnets {
			s, ok := inv.vpcSubnets[id]
			if !ok {
				continue // not in the VPC: the services' own deployment reports it
			}
			if az := aws.ToString(s.AvailabilityZone); !covered[az] && !slices.Contains(missing[az], id) {
				missing[az] = append(missing[az], id)
			}
		}
		var fs []finding.Finding
		have := slices.Sorted(maps.Keys(covered))
		for _, az := range slices.Sorted(maps.Keys(missing)) {
			var candidates []string
			for _, s := range inv.vpcSubnets {
				if aws.ToString(s.AvailabilityZone) == az {
					candidates = append(candidates, aws.ToString(s.SubnetId))
				}
			}
			slices.Sort(candidates)
			fix := fmt.Sprintf("add a subnet of %s in %s to UserSubnets", inv.in.VpcID, az)
			if len(candidates) > 0 {
				fix += " (subnets there: " + strings.Join(candidates, ", ") + ")"
			}
			fs = append(fs, c.New(strings.Join(missing[az], ", "), fix,
				"the services' subnet %s is in %s, where the internal load balancer has no subnet (UserSubnets are in %s): tasks there get no traffic",
				strings.Join(missing[az], ", "), az, strings.Join(have, ", ")))
		}
		return fs
	}
	return c
}
