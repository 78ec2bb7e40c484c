package transform

import (
	"fmt"
	"strings"

	"github.com/quiltdata/quilt-private-endpoints/internal/template"
)

const (
	typeLoadBalancer = "AWS::ElasticLoadBalancingV2::LoadBalancer"
	typeListener     = "AWS::ElasticLoadBalancingV2::Listener"
	typeListenerRule = "AWS::ElasticLoadBalancingV2::ListenerRule"
	typeTargetGroup  = "AWS::ElasticLoadBalancingV2::TargetGroup"
	typeWebACL       = "AWS::WAFv2::WebACL"
	typeWebACLAssoc  = "AWS::WAFv2::WebACLAssociation"
)

// passLoadBalancer makes the replacement of each load balancer that the
// compute pass made internal (Scheme is create-only) one that can complete
// and roll back:
//   - its target groups get new logical ids (<old id>Internal), so they are
//     replaced with it: ELBv2 lets one load balancer hold a target group, and
//     the old one holds the old groups until the cleanup. The listener rules'
//     actions and the ECS services' LoadBalancers follow (the services update
//     in place and start a new deployment);
//   - a fixed Name on the load balancer or a target group, which the new copy
//     could not take while the old one exists, is refused;
//   - the web ACL associated with it loses its geo-match Block rules:
//     private clients have no country, so such a rule would block them all.
func passLoadBalancer(st *state) error {
	lbs := sortedSet(st.internalLBs)
	renames := map[string]string{}
	for _, lb := range lbs {
		if err := fixedName(st, lb, "Scheme internal replaces it (Scheme is create-only)"); err != nil {
			return err
		}
		tgs, err := targetGroupsOf(st, lb)
		if err != nil {
			return err
		}
		for _, tg := range tgs {
			if err := fixedName(st, tg, "it is replaced with load balancer "+lb+", which becomes internal"); err != nil {
				return err
			}
			if st.excluded[tg] {
				return &Error{Resource: tg, Message: fmt.Sprintf("the target group is excluded, but load balancer %s becomes internal and is replaced: "+
					"the new load balancer cannot hold a target group the old one still holds (one load balancer per target group)", lb),
					Remedy: "remove the target group from the Exclude setting (it is replaced with the load balancer), or set LoadBalancerScheme=unchanged"}
			}
			renames[tg] = st.freeID(tg, "Internal", renames)
		}
		if err := geofence(st, lb); err != nil {
			return err
		}
	}
	st.renameResources("loadbalancer", renames,
		"new target group replacing %s, with its load balancer: ELBv2 allows one load balancer per target group, and the old load balancer holds the old group until the cleanup")
	return nil
}

// fixedName refuses a replaced resource with a Name.
func fixedName(st *state, id, why string) error {
	n, ok := st.props(id)["Name"]
	if !ok || n == nil || template.IsNoValue(n) {
		return nil
	}
	return &Error{Resource: id, Message: fmt.Sprintf("it has a fixed Name, and %s: CloudFormation creates "+
		"the new copy before it deletes the old one, which still holds the name, so the update would fail", why),
		Remedy: "remove Name (CloudFormation then generates one), or set LoadBalancerScheme=unchanged"}
}

// targetGroupsOf returns the target groups that the listeners of load
// balancer lb, and their rules, forward to (sorted). A target group from
// outside the template cannot be replaced with the load balancer: refused.
func targetGroupsOf(st *state, lb string) ([]string, error) {
	listeners := map[string]bool{}
	for _, id := range st.ofType(typeListener) {
		if refersTo(st.props(id)["LoadBalancerArn"], lb) {
			listeners[id] = true
		}
	}
	holders := sortedSet(listeners)
	for _, id := range st.ofType(typeListenerRule) {
		for _, l := range template.ReferencedIDs(st.props(id)["ListenerArn"]) {
			if listeners[l] {
				holders = append(holders, id)
				break
			}
		}
	}
	seen := map[string]bool{}
	for _, h := range holders {
		p := st.props(h)
		var arns []any
		collectKey(p["DefaultActions"], "TargetGroupArn", &arns)
		collectKey(p["Actions"], "TargetGroupArn", &arns)
		for _, arn := range arns {
			ids := template.ReferencedIDs(arn)
			inTemplate := false
			for _, id := range ids {
				if st.typeOf(id) == typeTargetGroup {
					seen[id], inTemplate = true, true
				}
			}
			if !inTemplate && !template.IsNoValue(arn) {
				return nil, &Error{Resource: h, Message: fmt.Sprintf("forwards to a target group from outside the template (%s), but load balancer %s becomes internal and is replaced: "+
					"the new load balancer cannot hold a target group the old one still holds (one load balancer per target group)", describe(arn, ""), lb),
					Remedy: "define the target group in the template, or set LoadBalancerScheme=unchanged"}
			}
		}
	}
	return sortedSet(seen), nil
}

// refersTo reports whether v refers to the resource id.
func refersTo(v any, id string) bool {
	for _, r := range template.ReferencedIDs(v) {
		if r == id {
			return true
		}
	}
	return false
}

// geofence drops the geo-match Block rules of the web ACLs associated with
// load balancer lb, now internal: WAF finds no country for a private
// (RFC 1918) address, so "block unless the country is X" blocks every
// private client. A web ACL also protecting something else is refused; one
// from outside the template is reported.
func geofence(st *state, lb string) error {
	for _, assoc := range st.ofType(typeWebACLAssoc) {
		ap := st.props(assoc)
		if !refersTo(ap["ResourceArn"], lb) {
			continue
		}
		var acls []string
		for _, id := range template.ReferencedIDs(ap["WebACLArn"]) {
			if st.typeOf(id) == typeWebACL {
				acls = append(acls, id)
			}
		}
		if len(acls) == 0 {
			st.warn(tfExternalWebACL, assoc, "associates load balancer %s, now internal, with a web ACL from outside the template (%s); a geo-match Block rule in it would block every private client",
				lb, describe(ap["WebACLArn"], ""))
			continue
		}
		for _, acl := range acls {
			rules, dropped := dropGeoBlocks(st.props(acl)["Rules"])
			if len(dropped) == 0 {
				continue
			}
			if other := otherProtected(st, acl, lb); other != "" {
				return &Error{Resource: acl, Message: fmt.Sprintf("the web ACL blocks by country (rules %s) and protects both load balancer %s, which becomes internal, and %s: "+
					"private clients have no country, so the rules would block all of them, and dropping the rules would change what protects %s", strings.Join(dropped, ", "), lb, other, other),
					Remedy: "give the internal load balancer a web ACL of its own without geo-match rules, or set LoadBalancerScheme=unchanged"}
			}
			st.editProps(acl)["Rules"] = rules
			st.change("loadbalancer", acl, "removed geo-match Block rules %s (load balancer %s is internal: private clients have no country)", strings.Join(dropped, ", "), lb)
			st.warn(tfGeofenceRemoved, acl, "geo-match Block rules %s removed: load balancer %s becomes internal, and WAF finds no country for private client addresses, so the rules would block every private client",
				strings.Join(dropped, ", "), lb)
			st.rewritten[acl] = true
		}
	}
	return nil
}

// otherProtected names a resource other than lb that a web ACL protects
// (through another association), or "".
func otherProtected(st *state, acl, lb string) string {
	for _, assoc := range st.ofType(typeWebACLAssoc) {
		ap := st.props(assoc)
		if !refersTo(ap["WebACLArn"], acl) || refersTo(ap["ResourceArn"], lb) {
			continue
		}
		return describe(ap["ResourceArn"], assoc)
	}
	return ""
}

// dropGeoBlocks returns a web ACL's Rules without the Block rules whose
// statement matches the source IP's country (a GeoMatchStatement without
// ForwardedIPConfig), in each branch of an Fn::If too, and the names of
// the rules dropped (sorted, unique).
func dropGeoBlocks(v any) (any, []string) {
	names := map[string]bool{}
	var walk func(any) any
	walk = func(v any) any {
		if c, yes, no, ok := ifBranches(v); ok {
			return map[string]any{"Fn::If": []any{c, walk(yes), walk(no)}}
		}
		l, ok := v.([]any)
		if !ok {
			return v
		}
		var out []any
		changed := false
		for i, r := range l {
			nr := walkRule(r, i, names)
			if template.Equal(nr, r) {
				out = append(out, r)
				continue
			}
			changed = true
			if !template.IsNoValue(nr) {
				out = append(out, nr) // a rule chosen by a condition: the dropped branch is no rule
			}
		}
		if !changed {
			return v
		}
		if out == nil {
			out = []any{}
		}
		return out
	}
	nv := walk(v)
	if len(names) == 0 {
		return v, nil
	}
	return nv, sortedSet(names)
}

// walkRule returns a rule (a branch of an Fn::If in Rules), or
// AWS::NoValue when it is a geo-match Block rule, recording its name.
func walkRule(r any, i int, names map[string]bool) any {
	if c, yes, no, ok := ifBranches(r); ok {
		return map[string]any{"Fn::If": []any{c, walkRule(yes, i, names), walkRule(no, i, names)}}
	}
	rm, _ := r.(map[string]any)
	act, _ := rm["Action"].(map[string]any)
	if _, block := act["Block"]; block && sourceGeoMatch(rm["Statement"]) {
		name, _ := rm["Name"].(string)
		if name == "" {
			name = fmt.Sprintf("Rules[%d]", i)
		}
		names[name] = true
		return map[string]any{"Ref": "AWS::NoValue"}
	}
	return r
}

// sourceGeoMatch reports whether a statement holds a GeoMatchStatement on
// the source IP (no ForwardedIPConfig).
func sourceGeoMatch(v any) bool {
	var geo []any
	collectKey(v, "GeoMatchStatement", &geo)
	for _, g := range geo {
		if m, ok := g.(map[string]any); !ok || m["ForwardedIPConfig"] == nil {
			return true
		}
	}
	return false
}
