package verify

import (
	"context"
	"slices"
	"time"

	"github.com/quiltdata/quilt-private-endpoints/internal/finding"
	"github.com/quiltdata/quilt-private-endpoints/internal/preflight"
)

// runNetwork runs the network preflight of `qpe check` on the stack's own
// VPC, subnets and execute-api endpoint. The security groups the template
// gives the functions are the endpoint's callers. Its findings keep their
// own ids (QPE-EP-*, QPE-S3-*, QPE-EG-*, ...), documented with qpe check.
// Its input is the preflight resource's, as the custom resource read it at
// deploy time; without a VPC there is nothing to check: QPE-VF-002 says so.
// The endpoint is the stack's (parameter or --api-endpoint), else the one
// the processed template gives the REST API.
func runNetwork(ctx context.Context, c preflight.Clients, st *state) []finding.Finding {
	if st.vpcID == "" || len(st.subnets) == 0 {
		return nil
	}
	var groups []string
	for _, f := range st.functions {
		for _, g := range f.wantGroups {
			if !slices.Contains(groups, g) {
				groups = append(groups, g)
			}
		}
	}
	slices.Sort(groups)
	endpoint := st.endpointID
	for _, a := range st.apis {
		if endpoint == "" {
			endpoint = a.wantEndpoint // a literal in the processed template
		}
	}
	// The deploy-time input when the stack has a preflight resource (the
	// same egress services, buckets, client CIDRs and user subnets), plus
	// what is known only after the deploy: the endpoint (created in create
	// mode) and the functions' security groups.
	in := preflight.Input{Region: st.in.Region, VpcID: st.vpcID, SubnetIDs: st.subnets}
	if st.preflight != nil {
		_, _, account := arnParts(st.stackID)
		in = st.preflight.Input(st.in.Region, account)
	}
	in.APIEndpointID = endpoint
	in.CallerSecurityGroupIDs = groups
	in.Progress = st.in.Progress
	if dl, ok := ctx.Deadline(); ok {
		in.Timeout = time.Until(dl)
	}
	// QPE-VF-002 already says the stack names no endpoint; the preflight's
	// "no endpoint id given" would repeat it as an error.
	in.EndpointOptional = true
	return preflight.Run(ctx, c, in).Findings
}
