package transform

import (
	"fmt"
	"github.com/quiltdata/quilt-private-endpoints/internal/template"
	"strings"
)

// canaryIngress lets the canaries in the VPC reach the internal load
// balancer of sd: for each listener of its twin, an
// AWS::EC2::SecurityGroupIngress (<listener twin>CanaryIngress, numbered
// after the first canary security group) on the twin's first security group
// of the template (else its first one), from each canary security group, on
// the listener's port. Load balancer security groups are a union, so one
// group suffices. A canary outside the VPC, or a load balancer without
// security groups, needs none.
func canaryIngress(st *state, sd *side) {
	lb := sd.twin[sd.lb]
	target := ingressTarget(st, st.props(lb)["SecurityGroups"])
	sources := canaryGroups(st)
	if target == nil || len(sources) == 0 {
		return
	}
	for _, l := range sd.order {
		if st.typeOf(l) != typeListener {
			continue
		}
		port := st.props(sd.twin[l])["Port"]
		if port == nil {
			continue
		}
		for n, src := range sources {
			id := sd.twin[l] + "CanaryIngress"
			if n > 0 {
				id += fmt.Sprint(n + 1)
			}
			want := map[string]any{"Type": typeSGIngress, "Properties": map[string]any{
				"GroupId": target, "SourceSecurityGroupId": src, "IpProtocol": "tcp", "FromPort": port, "ToPort": port,
				"Description": "Quilt canaries in the VPC reach the internal load balancer " + lb + " (QuiltPrivateEndpoints)",
			}}
			if cur := st.resource(id); cur != nil && template.Equal(cur, want) {
				continue
			}
			st.add(id, want)
			name := describe(src, "")
			if ids := template.ReferencedIDs(src); len(ids) == 1 {
				name = ids[0]
			}
			st.change("loadbalancer", id, "added: the canaries' security group %s may reach %s on port %s", name, lb, describe(port, ""))
		}
	}
}

// ingressTarget picks the security group of a load balancer that gets the
// canaries' ingress: the first one the template defines, else the first.
func ingressTarget(st *state, groups any) any {
	list, ok := groups.([]any)
	if !ok || len(list) == 0 {
		return nil
	}
	for _, g := range list {
		for _, id := range template.ReferencedIDs(g) {
			if st.typeOf(id) == typeSecurityGroup {
				return g
			}
		}
	}
	return list[0]
}

// canaryGroups returns the security groups of the canaries in the VPC (each
// branch of a conditional VPCConfig too), in order of first appearance.
func canaryGroups(st *state) []any {
	var out []any
	for _, id := range st.ofType(typeCanary) {
		var lists []any
		collectKey(st.props(id)["VPCConfig"], "SecurityGroupIds", &lists)
		for _, l := range lists {
			items, _ := l.([]any)
			for _, g := range items {
				if _, isStr := g.(string); (isStr || len(template.ReferencedIDs(g)) > 0) && !containsValue(out, g) {
					out = append(out, g)
				}
			}
		}
	}
	return out
}

// halfPrivate warns (QPE-TF-023) about each internet-facing load balancer
// left so (LoadBalancerScheme=unchanged) in front of a catalog whose REST
// API the run makes private.
func halfPrivate(st *state, public []string) {
	if st.set.LoadBalancerScheme != SchemeUnchanged || resPrivateAPIs.of(st).Len() == 0 {
		return
	}
	apis := strings.Join(resPrivateAPIs.of(st).Sorted(), ", ")
	for _, lb := range public {
		st.warn(tfHalfPrivate, lb, "stays internet-facing (LoadBalancerScheme=unchanged) while the REST API %s becomes private: users off the private network "+
			"load the catalog, but its API calls (previews, thumbnails, transcodes) hang; set LoadBalancerScheme=internal with PublicLoadBalancer=keep to serve it privately without an outage", apis)
	}
}
