package preflightresource

import (
	"github.com/quiltdata/quilt-private-endpoints/internal/preflight"
	contract "github.com/quiltdata/quilt-private-endpoints/internal/preflightcontract"
)

// FromTemplate is the one reader of the preflight's input from a processed
// template: the preflight resource's properties resolved with the stack's
// values (preflightcontract.ResolveProperties), then parsed by the custom
// resource's own parser. `qpe enable` (before the change set) and
// `qpe verify` (after the deploy) call it, so that the laptop runs the
// check the custom resource runs at deploy time, on the same input. found
// is false when the template has no preflight resource.
func FromTemplate(doc map[string]any, st contract.Stack) (p Properties, found bool, err error) {
	raw, found, err := contract.ResolveProperties(doc, st)
	if err != nil || !found {
		return Properties{}, found, err
	}
	p, err = ParseProperties(raw)
	return p, true, err
}

// Input is the preflight's input for these properties, in a stack of
// region and account: the one mapping from the resource's properties to
// the checks, used by the custom resource and by FromTemplate's callers.
// In create mode an absent endpoint id is not a finding (the custom
// resource creates the endpoint).
func (p Properties) Input(region, accountID string) preflight.Input {
	return preflight.Input{
		Region: region, VpcID: p.VpcID, SubnetIDs: p.SubnetIDs, APIEndpointID: p.APIEndpointID,
		Buckets: p.Buckets, VPNClients: p.VPNClients,
		EgressServices: p.EgressServices, UserSubnets: p.UserSubnets, ServiceSubnets: p.ServiceSubnets, ClientCidrs: p.ClientCidrs,
		AccountID:        accountID,
		EndpointOptional: p.Mode == contract.ModeCreate,
	}
}
