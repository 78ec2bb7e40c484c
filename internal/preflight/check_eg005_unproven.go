package preflight

import (
	"strings"

	"github.com/quiltdata/quilt-private-endpoints/internal/finding"
)

func checkEgressUnproven() finding.Check[*inventory] {
	c := finding.Check[*inventory]{Rule: finding.Rule{
		ID:       "QPE-EG-005",
		Severity: finding.Warning,
		Title:    "egress through another network",
		Meaning:  "The 0.0.0.0/0 route goes to a Transit Gateway, peering connection, virtual private gateway or NAT instance (eni-/i-): internet access cannot be proven from this account.",
		Remedy:   "Make sure that network gives the subnets HTTPS access to the AWS services the stack calls, or add the interface endpoints.",
	}, Needs: names(egressNeeds()...)}
	c.Run = func(inv *inventory) []finding.Finding {
		var fs []finding.Finding
		for _, e := range inv.egresses() {
			if !e.active() || e.viaEndpoints() || strings.HasPrefix(e.target, "nat-") || strings.HasPrefix(e.target, "igw-") {
				continue
			}
			fs = append(fs, c.New(e.target,
				inv.unprovenRemedy(e),
				"the 0.0.0.0/0 route of %s (used by %s) goes to %s (%s): internet access cannot be proven from this account",
				e.group.id, e.group.subnetList(), e.target, targetKind(e.target)))
		}
		return fs
	}
	return c
}

// targetKind names the kind of a route target from its id prefix.
func targetKind(id string) string {
	prefix, _, _ := strings.Cut(id, "-")
	switch prefix {
	case "tgw":
		return "a Transit Gateway"
	case "pcx":
		return "a VPC peering connection"
	case "vgw":
		return "a virtual private gateway"
	case "eni":
		return "a network interface, such as a NAT instance"
	case "i":
		return "an EC2 instance, such as a NAT instance"
	case "vpce":
		return "a Gateway Load Balancer endpoint"
	default:
		return "an unusual target"
	}
}

// unprovenRemedy asks for proof that another network reaches the stack's
// services, or for the endpoints that would replace it.
func (inv *inventory) unprovenRemedy(e egress) string {
	r := "make sure " + e.target + " gives " + e.group.subnetList() + " HTTPS access to the AWS services the stack calls in " + inv.in.Region + " (ask the network team)"
	if len(e.noEndpoint) > 0 {
		return r + "; it must reach the internet, because no VPC endpoint serves " + strings.Join(serviceNames(e.noEndpoint), ", ")
	}
	return r + ", or create " + strings.Join(e.missing, ", ")
}
