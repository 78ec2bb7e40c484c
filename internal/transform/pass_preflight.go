package transform

import (
	"fmt"
	"slices"

	"github.com/awslabs/goformation/v7/cloudformation"

	contract "github.com/quiltdata/quilt-private-endpoints/internal/preflightcontract"
	"github.com/quiltdata/quilt-private-endpoints/internal/template"
)

// passPreflight adds the Custom::QuiltPrivateEndpoints resource that checks
// (validate) or creates (create) the network before anything private is
// created, and makes every rewritten resource depend on it.
func passPreflight(st *state) error {
	if st.set.PreflightMode == ModeNone {
		return nil
	}
	existing := st.resource(PreflightLogicalID)
	if existing == nil && resRewritten.of(st).Len() == 0 && resPrivateAPIs.of(st).Len() == 0 && resMoved.of(st).Len() == 0 {
		return nil // nothing private in this template
	}
	if cur := existing; cur != nil && cur["Type"] != PreflightType {
		return &Error{Resource: PreflightLogicalID, Message: fmt.Sprintf("the template already has a %v with this logical id", cur["Type"]),
			Remedy: "rename that resource, or set PreflightMode to none"}
	}
	props := map[string]any{
		contract.PropServiceToken:   DefaultServiceToken(),
		contract.PropServiceTimeout: numberValue(PreflightServiceTimeout),
		contract.PropMode:           st.set.PreflightMode,
		contract.PropVpcID:          st.vpc(),
		contract.PropSubnetIDs:      st.subnets(),
		contract.PropAPIEndpointID:  st.param(st.set.EndpointParameter),
	}
	if st.set.ServiceToken != "" {
		props[contract.PropServiceToken] = st.set.ServiceToken
	}
	if b := bucketNames(st); len(b) > 0 {
		props[contract.PropBucketNames] = b
	}
	props[contract.PropEgressServices] = egressServices(st)
	if st.set.LoadBalancerScheme == "internal" {
		props[contract.PropUserSubnets] = st.param(st.set.UserSubnetsParameter)
		if s := serviceSubnets(st); s != nil {
			props[contract.PropServiceSubnets] = s
		}
	}
	if len(st.set.ClientCidrs) > 0 {
		props[contract.PropClientCidrs] = toAny(st.set.ClientCidrs)
	}
	if st.set.EndpointPrivateDNS && st.set.PreflightMode == ModeCreate {
		props[contract.PropEndpointPrivateDNS] = "true"
	}
	want, err := fromGoformation(&cloudformation.CustomResource{Type: PreflightType, Properties: props})
	if err != nil {
		return err
	}
	if v, ok := want["Version"]; ok && v == "" {
		delete(want, "Version")
	}
	if existing != nil {
		keepUserProperties(existing, want, st.set.ServiceToken != "")
		// passPreflightSeal sets these last; keep them meanwhile, so that
		// only a real change of the other properties counts as one.
		cur, _ := existing["Properties"].(map[string]any)
		props, _ := want["Properties"].(map[string]any)
		for _, k := range []string{contract.PropFingerprint, contract.PropWarnings} {
			if v, ok := cur[k]; ok && props != nil {
				props[k] = v
			}
		}
	}
	if cur := st.resource(PreflightLogicalID); cur == nil {
		st.add(PreflightLogicalID, want)
		st.change("preflight", PreflightLogicalID, "added %s (mode %s)", PreflightType, st.set.PreflightMode)
	} else if !template.Equal(cur["Properties"], want["Properties"]) {
		st.edit(PreflightLogicalID)["Properties"] = want["Properties"]
		st.change("preflight", PreflightLogicalID, "updated properties (mode %s)", st.set.PreflightMode)
	}
	if st.set.PreflightMode == ModeCreate {
		conds := template.Section(st.doc, "Conditions")
		want := map[string]any{"Fn::Equals": []any{st.param(st.set.EndpointParameter), ""}}
		if cur, ok := conds[CreateEndpointCondition]; !ok || !template.Equal(cur, want) {
			st.section("Conditions")[CreateEndpointCondition] = want
			st.change("preflight", "Conditions."+CreateEndpointCondition, "added: true when %s is empty, so the preflight creates the endpoint", st.set.EndpointParameter)
		}
	}
	waitForPreflight(st)
	return nil
}

// keepUserProperties carries over what a preflight resource already in the
// template sets and the engine does not own: its ServiceToken (unless the
// ServiceToken setting is given), its BucketNames and any other property.
func keepUserProperties(existing, want map[string]any, tokenSetting bool) {
	cur, _ := existing["Properties"].(map[string]any)
	props, _ := want["Properties"].(map[string]any)
	if cur == nil || props == nil {
		return
	}
	for k, v := range cur {
		switch {
		case k == contract.PropServiceToken:
			if !tokenSetting && v != nil {
				props[k] = v
			}
		case slices.Contains(contract.MacroOwned(), k):
		default:
			props[k] = v
		}
	}
}

// serviceSubnets is the list of the subnets of the ECS services registered
// with a load balancer (the internal one serves them all), for the
// preflight's zone check: their one Subnets value, or the values joined and
// split again when they differ; nil without such a service.
func serviceSubnets(st *state) any {
	var vals []any
	for _, id := range st.ofType(typeECSService) {
		p := st.props(id)
		if _, ok := p["LoadBalancers"].([]any); !ok {
			continue
		}
		var subnets []any
		collectKey(p["NetworkConfiguration"], "Subnets", &subnets)
		for _, s := range subnets {
			if !containsValue(vals, s) {
				vals = append(vals, s)
			}
		}
	}
	switch len(vals) {
	case 0:
		return nil
	case 1:
		return vals[0]
	}
	joined := make([]any, len(vals))
	for i, v := range vals {
		joined[i] = map[string]any{"Fn::Join": []any{",", v}}
	}
	return map[string]any{"Fn::Split": []any{",", map[string]any{"Fn::Join": []any{",", joined}}}}
}
