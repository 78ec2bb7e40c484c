package transform

import (
	"fmt"
	"slices"
	"strings"

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
	if existing == nil && len(st.rewritten) == 0 && len(st.privateAPIs) == 0 && len(st.moved) == 0 {
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
	want, err := fromGoformation(&cloudformation.CustomResource{Type: PreflightType, Properties: props})
	if err != nil {
		return err
	}
	if v, ok := want["Version"]; ok && v == "" {
		delete(want, "Version")
	}
	if existing != nil {
		keepUserProperties(existing, want, st.set.ServiceToken != "")
	}
	if cur := st.resource(PreflightLogicalID); cur == nil {
		st.add(PreflightLogicalID, want)
		st.change("preflight", PreflightLogicalID, "added %s (mode %s)", PreflightType, st.set.PreflightMode)
	} else if !equal(cur["Properties"], want["Properties"]) {
		st.edit(PreflightLogicalID)["Properties"] = want["Properties"]
		st.change("preflight", PreflightLogicalID, "updated properties (mode %s)", st.set.PreflightMode)
	}
	if st.set.PreflightMode == ModeCreate {
		conds := template.Section(st.doc, "Conditions")
		want := map[string]any{"Fn::Equals": []any{st.param(st.set.EndpointParameter), ""}}
		if cur, ok := conds[CreateEndpointCondition]; !ok || !equal(cur, want) {
			st.section("Conditions")[CreateEndpointCondition] = want
			st.change("preflight", "Conditions."+CreateEndpointCondition, "added: true when %s is empty, so the preflight creates the endpoint", st.set.EndpointParameter)
		}
	}
	upstream := dependencies(st, PreflightLogicalID)
	for _, id := range st.ids {
		if !st.rewritten[id] || id == PreflightLogicalID {
			continue
		}
		if dependsOn(st.resource(id), PreflightLogicalID) {
			continue
		}
		if upstream[id] {
			st.warn(tfPreflightCycle, id, "%s depends on it (DependsOn or a reference), so it cannot also wait for the preflight without a circular dependency; it is created before the network is checked",
				PreflightLogicalID)
			continue
		}
		mergeDependsOn(st.edit(id), PreflightLogicalID)
		st.change("preflight", id, "DependsOn += %s", PreflightLogicalID)
	}
	return nil
}

func dependsOn(r map[string]any, id string) bool {
	switch t := r["DependsOn"].(type) {
	case string:
		return t == id
	case []any:
		return containsValue(t, id)
	}
	return false
}

// bucketNames lists the template's String parameters that name data buckets
// (names ending in Bucket or BucketName), for the preflight's S3 checks.
func bucketNames(st *state) []any {
	params := template.Section(st.doc, "Parameters")
	var out []any
	for _, name := range template.SortedKeys(params) {
		p, _ := params[name].(map[string]any)
		if t, _ := p["Type"].(string); t != "String" {
			continue
		}
		if strings.HasSuffix(name, "Bucket") || strings.HasSuffix(name, "BucketName") {
			out = append(out, map[string]any{"Ref": name})
		}
	}
	return out
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

// dependencies returns the resources id depends on, directly or through
// others: its DependsOn and the resources its properties reference.
func dependencies(st *state, id string) map[string]bool {
	seen := map[string]bool{}
	queue := []string{id}
	for len(queue) > 0 {
		r := st.resource(queue[0])
		queue = queue[1:]
		if r == nil {
			continue
		}
		var next []string
		switch d := r["DependsOn"].(type) {
		case string:
			next = append(next, d)
		case []any:
			for _, e := range d {
				if s, ok := e.(string); ok {
					next = append(next, s)
				}
			}
		}
		next = append(next, referenced(r["Properties"])...)
		for _, n := range next {
			if !seen[n] && n != id && st.resource(n) != nil {
				seen[n] = true
				queue = append(queue, n)
			}
		}
	}
	return seen
}
