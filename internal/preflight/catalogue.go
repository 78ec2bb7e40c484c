package preflight

import (
	"fmt"
	"slices"
	"strings"

	"github.com/quiltdata/quilt-private-endpoints/internal/finding"
)

// Check is one entry of the catalogue: a stable id, the severity of the
// findings it reports, what it checks and the generic remedy (the findings
// carry a precise one).
type Check struct {
	ID       string
	Severity finding.Severity
	// Title names what is checked ("the S3 gateway endpoint routes").
	Title string
	// Meaning says what a finding of this check means (for docs).
	Meaning string
	// Remedy says what to create or change (for docs).
	Remedy string

	needs []item
	run   func(inv *inventory) []finding.Finding
}

// Catalogue lists every check, in id order. Run evaluates all of them.
func Catalogue() []Check {
	cs := []Check{
		checkEndpointIDFormat(),
		checkNetworkIDFormat(),
		checkVPCExists(),
		checkSubnetExists(),
		checkSubnetInVPC(),
		checkSubnetAZs(),
		checkAPIEndpointExists(),
		checkAPIEndpointType(),
		checkAPIEndpointService(),
		checkAPIEndpointState(),
		checkAPIEndpointVPC(),
		checkAPIEndpointIngress(),
		checkAPIEndpointIngressBySG(),
		checkAPIEndpointPrivateDNS(),
		checkAPIEndpointAZs(),
		checkS3GatewayRoutes(),
		checkBucketRegion(),
		checkS3InterfaceForVPN(),
		checkVPNDNSNote(),
		checkEgressRoute(),
		checkEgressBlackhole(),
		checkEgressPublicSubnet(),
		checkEgressNATGateway(),
		checkEgressUnproven(),
		checkEgressEndpoints(),
		checkEgressEndpointBlocks(),
		checkAWSAccess(),
	}
	slices.SortFunc(cs, func(a, b Check) int { return strings.Compare(a.ID, b.ID) })
	return cs
}

// evaluate runs the check unless an inventory item it needs was skipped
// (invalid input, reported by QPE-IN-*) or could not be read (reported once
// per item by QPE-AWS-001, which lists the checks it blocked).
func (c Check) evaluate(inv *inventory) []finding.Finding {
	if c.run == nil {
		return nil
	}
	blocked := false
	for _, it := range c.needs {
		if inv.skipped[it] {
			return nil
		}
		if inv.failed(it) != nil {
			inv.block(it, c.Title)
			blocked = true
		}
	}
	if blocked {
		return nil
	}
	return c.run(inv)
}

// f builds a finding of this check.
func (c Check) f(resource, remedy, format string, args ...any) finding.Finding {
	return finding.Finding{
		ID:       c.ID,
		Severity: c.Severity,
		Resource: resource,
		Message:  fmt.Sprintf(format, args...),
		Remedy:   remedy,
	}
}
