package preflight

import (
	"fmt"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"

	"github.com/quiltdata/quilt-private-endpoints/internal/finding"
)

func checkAPIEndpointPrivateDNS() finding.Check[*inventory] {
	c := finding.Check[*inventory]{Rule: finding.Rule{
		ID:       "QPE-EP-007",
		Severity: finding.Error,
		Title:    "the VPC DNS attributes for the endpoint's private DNS",
		Meaning:  "The endpoint has private DNS on but the VPC lacks enableDnsSupport or enableDnsHostnames, so execute-api names do not resolve to the endpoint.",
		Remedy:   "Turn on enableDnsSupport and enableDnsHostnames on the VPC.",
	}, Needs: names(itemAPIEndpoint, itemDNS)}
	c.Run = func(inv *inventory) []finding.Finding {
		e := inv.apiEndpointInVPC()
		if e == nil || !aws.ToBool(e.PrivateDnsEnabled) {
			return nil
		}
		var off []string
		var cmds []string
		if !inv.dnsSupport {
			off = append(off, "enableDnsSupport")
			cmds = append(cmds, fmt.Sprintf("aws ec2 modify-vpc-attribute --vpc-id %s --enable-dns-support '{\"Value\":true}'", inv.in.VpcID))
		}
		if !inv.dnsHostnames {
			off = append(off, "enableDnsHostnames")
			cmds = append(cmds, fmt.Sprintf("aws ec2 modify-vpc-attribute --vpc-id %s --enable-dns-hostnames '{\"Value\":true}'", inv.in.VpcID))
		}
		if len(off) == 0 {
			return nil
		}
		return []finding.Finding{c.New(inv.in.VpcID, "turn on "+strings.Join(off, " and ")+": "+strings.Join(cmds, "; "),
			"%s has private DNS on, but %s has %s off, so the execute-api names do not resolve to the endpoint",
			inv.in.APIEndpointID, inv.in.VpcID, strings.Join(off, " and "))}
	}
	return c
}
