package preflight

import (
	"github.com/quiltdata/quilt-private-endpoints/internal/finding"
)

// Catalogue lists every check, in id order. Each check's Needs name the
// inventory items it reads; Inspect runs a check only when they were all
// read (see runnable).
func Catalogue() finding.Catalogue[*inventory] {
	return finding.NewCatalogue(
		checkEndpointIDFormat(),
		checkNetworkIDFormat(),
		checkEgressServiceNames(),
		checkVPCExists(),
		checkSubnetExists(),
		checkSubnetInVPC(),
		checkSubnetAZs(),
		checkUserSubnets(),
		checkUserSubnetZones(),
		checkAPIEndpointExists(),
		checkAPIEndpointType(),
		checkAPIEndpointService(),
		checkAPIEndpointState(),
		checkAPIEndpointVPC(),
		checkAPIEndpointIngress(),
		checkAPIEndpointIngressBySG(),
		checkClientCidrs(),
		checkAPIEndpointPrivateDNS(),
		checkAPIEndpointAZs(),
		checkAPIEndpointPolicy(),
		checkS3GatewayRoutes(),
		checkBucketRegion(),
		checkBucketDenied(),
		checkS3GatewayPolicy(),
		checkS3InterfaceForVPN(),
		checkVPNDNSNote(),
		checkEgressRoute(),
		checkEgressBlackhole(),
		checkEgressPublicSubnet(),
		checkEgressNATGateway(),
		checkEgressUnproven(),
		checkEgressEndpoints(),
		checkEgressEndpointBlocks(),
		checkEgressNoEndpoint(),
		checkAWSAccess(),
	)
}

// names lists inventory items as a check's Needs.
func names(items ...item) []string {
	out := make([]string, len(items))
	for i, it := range items {
		out[i] = string(it)
	}
	return out
}

// runnable reports whether every inventory item a check needs was read: an
// item skipped for invalid input is reported by QPE-IN-*, one that could not
// be read by QPE-AWS-001 (once per item, naming the checks it blocked).
func (inv *inventory) runnable(c finding.Check[*inventory]) bool {
	for _, n := range c.Needs {
		if inv.skipped[item(n)] || inv.failed(item(n)) != nil {
			return false
		}
	}
	return true
}

// blockedTitles is, per inventory item that could not be read, the titles
// of the checks it kept from running, in id order. A check whose needs
// include a skipped item is not blocked by the items after it.
func (inv *inventory) blockedTitles(cat finding.Catalogue[*inventory]) map[item][]string {
	out := map[item][]string{}
	for _, c := range cat {
		for _, n := range c.Needs {
			it := item(n)
			if inv.skipped[it] {
				break
			}
			if inv.failed(it) != nil {
				out[it] = append(out[it], c.Title)
			}
		}
	}
	return out
}
