package preflight

import (
	"fmt"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2/types"

	"github.com/quiltdata/quilt-private-endpoints/internal/finding"
	"github.com/quiltdata/quilt-private-endpoints/internal/vpcrules"
)

func checkS3GatewayRoutes() finding.Check[*inventory] {
	c := finding.Check[*inventory]{Rule: finding.Rule{
		ID:       "QPE-S3-001",
		Severity: finding.Error,
		Title:    "the S3 gateway endpoint routes",
		Meaning:  "The effective route table of a private subnet (its explicit association, else the VPC's main table) is not routed by an available S3 gateway endpoint. A VPC may have several S3 gateway endpoints: what counts is the route table.",
		Remedy:   "Add the route table to the VPC's S3 gateway endpoint, or create one for com.amazonaws.<region>.s3 with that route table.",
	}, Needs: names(itemEndpoints, itemRouteTables, itemSubnets)}
	c.Run = func(inv *inventory) []finding.Finding {
		gateways := inv.endpointsFor("s3", types.VpcEndpointTypeGateway)
		var available []string
		var unavailable, pending []string
		for _, e := range gateways {
			if vpcrules.Is(e.State, "available") {
				available = append(available, aws.ToString(e.VpcEndpointId))
			} else {
				unavailable = append(unavailable, fmt.Sprintf("%s (%s)", aws.ToString(e.VpcEndpointId), e.State))
				if vpcrules.Is(e.State, "pending") {
					pending = append(pending, aws.ToString(e.VpcEndpointId))
				}
			}
		}
		var fs []finding.Finding
		var unrouted []tableGroup // tables for one create-vpc-endpoint command
		for _, g := range inv.tableGroups() {
			if g.id == "" {
				fs = append(fs, c.New(g.resource(), "associate the subnets with a route table of "+inv.in.VpcID+" that routes S3 through the gateway endpoint",
					"no route table applies to subnets %s (no explicit association and no main route table found)", g.subnetList()))
				continue
			}
			if inv.s3GatewayFor(g.id) != "" {
				continue
			}
			how := "explicitly associated"
			if !g.explicit {
				how = "the VPC's main route table"
			}
			if len(available) == 0 {
				unrouted = append(unrouted, g)
				continue
			}
			fs = append(fs, c.New(g.id,
				fmt.Sprintf("add the route table to the endpoint: aws ec2 modify-vpc-endpoint --vpc-endpoint-id %s --add-route-table-ids %s", available[0], g.id),
				"route table %s (%s, used by %s) is not routed by the S3 gateway endpoint %s", g.id, how, g.subnetList(), strings.Join(available, ", ")))
		}
		if len(unrouted) == 0 {
			return fs
		}
		// One gateway endpoint for every table: a command per table would
		// make as many endpoints.
		var tables, uses []string
		for _, g := range unrouted {
			how := "explicitly associated"
			if !g.explicit {
				how = "the VPC's main route table"
			}
			tables = append(tables, g.id)
			uses = append(uses, fmt.Sprintf("%s (%s, used by %s)", g.id, how, g.subnetList()))
		}
		create := fmt.Sprintf("aws ec2 create-vpc-endpoint --region %s --vpc-id %s --vpc-endpoint-type Gateway --service-name %s --route-table-ids %s",
			inv.in.Region, inv.in.VpcID, inv.service("s3"), strings.Join(tables, " "))
		tablesHave := plural(len(unrouted), "route table "+uses[0]+" has", "route tables "+strings.Join(uses, ", ")+" have")
		var msg, remedy string
		if len(unavailable) > 0 {
			msg = fmt.Sprintf("the VPC's S3 gateway endpoints are not available (%s), so %s no S3 route", strings.Join(unavailable, ", "), tablesHave)
			remedy = "recreate the S3 gateway endpoint: " + create
			if len(pending) > 0 {
				remedy = fmt.Sprintf("wait until %s is available (usually within a minute), then run the check again; if it stays pending, recreate it: %s", strings.Join(pending, ", "), create)
			}
		} else {
			msg = fmt.Sprintf("%s has no S3 gateway endpoint, so %s no private route to S3", inv.in.VpcID, tablesHave)
			remedy = "create one S3 gateway endpoint for all of them: " + create
		}
		return append(fs, c.New(strings.Join(tables, ", "), remedy, "%s", msg))
	}
	return c
}
