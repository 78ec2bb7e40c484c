package preflight

import (
	"fmt"
	"net/netip"
	"strings"

	"github.com/quiltdata/quilt-private-endpoints/internal/finding"
	"github.com/quiltdata/quilt-private-endpoints/internal/vpcrules"
)

func checkClientCidrs() finding.Check[*inventory] {
	c := finding.Check[*inventory]{Rule: finding.Rule{
		ID:       "QPE-EP-010",
		Severity: finding.Error,
		Title:    "the users' networks on the execute-api endpoint",
		Meaning:  "A network the catalog's users come from (ClientCidrs: office, VPN) is not let in on TCP 443 by the execute-api endpoint's security groups (or is not a CIDR): their browsers cannot call the private API. A rule through a managed prefix list or a security group reference cannot be proven and is a warning.",
		Remedy:   "Allow TCP 443 from each of the users' CIDRs in the endpoint's security group (they also need a network route to the VPC).",
	}, Needs: names(itemAPIEndpoint, itemGroups)}
	c.Run = func(inv *inventory) []finding.Finding {
		e := inv.apiEndpointInVPC()
		if e == nil || len(inv.in.ClientCidrs) == 0 {
			return nil
		}
		groups := groupIDs(e)
		var fs []finding.Finding
		var closed, unproven []string
		for _, cidr := range inv.in.ClientCidrs {
			if _, err := netip.ParsePrefix(cidr); err != nil && !validAddr(cidr) {
				fs = append(fs, c.New(cidr, "pass the users' networks as CIDRs, such as 192.0.2.0/24",
					"client CIDR %q is not a CIDR block", cidr))
				continue
			}
			switch vpcrules.Ingress443(inv.endpointGroups(e), cidr, nil) {
			case vpcrules.Closed:
				closed = append(closed, cidr)
			case vpcrules.Unproven:
				unproven = append(unproven, cidr)
			}
		}
		if len(closed) > 0 {
			var remedy string
			if len(groups) == 0 {
				remedy = fmt.Sprintf("attach a security group allowing TCP 443 from %s to the endpoint (aws ec2 modify-vpc-endpoint --vpc-endpoint-id %s --add-security-group-ids sg-...)", strings.Join(closed, ", "), inv.in.APIEndpointID)
			} else {
				remedy = fmt.Sprintf("allow TCP 443 from %s in %s: %s",
					strings.Join(closed, ", "), groups[0], authorize443(groups[0], closed))
			}
			fs = append(fs, c.New(inv.in.APIEndpointID, remedy,
				"the security groups of %s (%s) do not allow TCP 443 from the users' %s %s: their browsers cannot reach the private API",
				inv.in.APIEndpointID, orNone(strings.Join(groups, ", ")), plural(len(closed), "network", "networks"), strings.Join(closed, ", ")))
		}
		if len(unproven) > 0 {
			fs = append(fs, c.NewSeverity(finding.Warning, inv.in.APIEndpointID,
				"make sure the prefix lists or groups that "+strings.Join(groups, ", ")+" allow hold "+strings.Join(unproven, ", ")+", or allow TCP 443 from them by CIDR",
				"the security groups of %s allow TCP 443 from %s only through references that cannot be proven here (%s)",
				inv.in.APIEndpointID, strings.Join(unproven, ", "), strings.Join(inv.ingressRefs(e), ", ")))
		}
		return fs
	}
	return c
}

// validAddr reports whether s is a bare IP address (a /32 or /128 network).
func validAddr(s string) bool {
	_, err := netip.ParseAddr(s)
	return err == nil
}
