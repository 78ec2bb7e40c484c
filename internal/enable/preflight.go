package enable

import (
	"context"
	"fmt"
	"strings"

	"github.com/quiltdata/quilt-private-endpoints/internal/finding"
	"github.com/quiltdata/quilt-private-endpoints/internal/preflight"
	contract "github.com/quiltdata/quilt-private-endpoints/internal/preflightcontract"
	"github.com/quiltdata/quilt-private-endpoints/internal/preflightresource"
	"github.com/quiltdata/quilt-private-endpoints/internal/template"
	"github.com/quiltdata/quilt-private-endpoints/internal/transform"
)

// network is the VPC, subnets and execute-api endpoint the stack will use,
// from the macro's settings and the stack's parameter values.
type network struct {
	VpcID, EndpointID string
	SubnetIDs         []string
	SecurityGroupIDs  []string
	// CreateEndpoint: the preflight resource creates the endpoint (mode
	// create, no id given), so there is none to check yet.
	CreateEndpoint bool
}

// networkOf reads the network settings the way the macro does: a literal
// setting, else the value of the parameter the setting names.
func networkOf(s transform.Settings, params map[string]string) (network, error) {
	n := network{VpcID: s.VpcID, EndpointID: s.EndpointID, SubnetIDs: s.SubnetIDs}
	if n.VpcID == "" {
		n.VpcID = params[s.VpcParameter]
	}
	if len(n.SubnetIDs) == 0 {
		n.SubnetIDs = template.SplitList(params[s.SubnetsParameter])
	}
	if n.EndpointID == "" {
		n.EndpointID = params[s.EndpointParameter]
	}
	for _, g := range s.SecurityGroupIds {
		if strings.HasPrefix(g, "sg-") {
			n.SecurityGroupIDs = append(n.SecurityGroupIDs, g)
		}
	}
	n.CreateEndpoint = n.EndpointID == "" && s.PreflightMode == transform.ModeCreate
	var missing []string
	if n.VpcID == "" {
		missing = append(missing, fmt.Sprintf("the VPC (stack parameter %s, or --set %s=vpc-...)", s.VpcParameter, transform.SetVpcID))
	}
	if len(n.SubnetIDs) == 0 {
		missing = append(missing, fmt.Sprintf("the private subnets (stack parameter %s, or --set %s=subnet-a,subnet-b)", s.SubnetsParameter, transform.SetSubnetIDs))
	}
	if n.EndpointID == "" && !n.CreateEndpoint {
		missing = append(missing, fmt.Sprintf("the execute-api VPC endpoint (stack parameter %s, or --set %s=vpce-..., or --set %s=%s to create one)",
			s.EndpointParameter, transform.SetEndpointID, transform.SetPreflightMode, transform.ModeCreate))
	}
	if len(missing) > 0 {
		return n, fmt.Errorf("the stack does not say %s", strings.Join(missing, "; nor "))
	}
	return n, nil
}

// preflight is step 2: the deploy-time check, from the laptop. The input
// is the one the custom resource will get: the preflight resource of the
// rendered template, its properties resolved with the stack's values and
// parsed by the custom resource's parser (preflightresource.FromTemplate),
// so egress services, buckets, client CIDRs and user subnets are checked
// as at deploy time, and nothing is added that the deploy-time check does
// not know. Without a preflight resource (PreflightMode none) the network
// is read from the settings and parameters (networkOf). Errors stop here,
// before any change set exists.
func (r *Result) preflight(ctx context.Context, sg *Stage, rd *rendering) bool {
	if sg.Name == StageLeave { // leaving: the stack no longer needs the private network
		return false
	}
	st := r.stack
	p, found, err := preflightresource.FromTemplate(rd.Processed, contract.Stack{Params: rd.Params,
		Partition: st.Partition, Region: st.Region, AccountID: st.AccountID, StackName: st.Name, StackID: st.ID})
	if err != nil {
		return r.stopped(OutcomePreflightFailed, 1, "reading the preflight's input from the rendered template: "+err.Error())
	}
	var in preflight.Input
	if found {
		in = p.Input(st.Region, st.AccountID)
	} else {
		n, err := networkOf(rd.Result.Settings, rd.Params)
		if err != nil {
			return r.stopped(OutcomePreflightFailed, 1, err.Error())
		}
		in = preflight.Input{Region: st.Region, VpcID: n.VpcID, SubnetIDs: n.SubnetIDs, APIEndpointID: n.EndpointID,
			CallerSecurityGroupIDs: n.SecurityGroupIDs,
			// The preflight resource creates the endpoint: "no endpoint id"
			// is not a problem here.
			EndpointOptional: n.CreateEndpoint,
		}
	}
	in.Progress = r.observer.Step
	r.step("checking the network: %s, subnets %s, endpoint %s", in.VpcID, strings.Join(in.SubnetIDs, ","), orNone(in.APIEndpointID))
	rep := preflight.Run(ctx, r.clients.Network, in)
	sg.Preflight = &rep
	r.observer.Preflight(sg)
	if !rep.OK {
		errs := rep.Count(finding.Error)
		return r.stopped(OutcomePreflightFailed, 1, fmt.Sprintf("the network check found %d error(s): fix them (each finding says how) and run qpe %s again; nothing was changed", errs, r.command()))
	}
	return false
}

func orNone(s string) string {
	if s == "" {
		return "(none)"
	}
	return s
}
