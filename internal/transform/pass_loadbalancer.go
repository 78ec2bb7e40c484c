package transform

import (
	"fmt"
	"sort"
	"strings"

	"github.com/quiltdata/quilt-private-endpoints/internal/template"
)

const (
	typeLoadBalancer  = "AWS::ElasticLoadBalancingV2::LoadBalancer"
	typeListener      = "AWS::ElasticLoadBalancingV2::Listener"
	typeListenerRule  = "AWS::ElasticLoadBalancingV2::ListenerRule"
	typeListenerCert  = "AWS::ElasticLoadBalancingV2::ListenerCertificate"
	typeTargetGroup   = "AWS::ElasticLoadBalancingV2::TargetGroup"
	typeWebACL        = "AWS::WAFv2::WebACL"
	typeWebACLAssoc   = "AWS::WAFv2::WebACLAssociation"
	typeECSService    = "AWS::ECS::Service"
	typeSGIngress     = "AWS::EC2::SecurityGroupIngress"
	typeSecurityGroup = "AWS::EC2::SecurityGroup"
	// internalSuffix makes the logical id of each resource of the internal
	// side from its public twin's: the same whichever path led there.
	internalSuffix = "Internal"
	// maxServiceTargetGroups is ECS's limit of LoadBalancers per service.
	maxServiceTargetGroups = 5
)

// passLoadBalancer serves the catalog from an internal load balancer
// (LoadBalancerScheme=internal), blue/green. For each internet-facing
// application load balancer it builds the internal side beside it under
// new logical ids (<id>Internal): the load balancer (Scheme internal, on
// UserSubnets, the same security groups), its listeners, listener rules and
// certificates, the target groups they forward to (ELBv2 lets one load
// balancer hold a target group), its web ACL (a copy judged for private
// clients: see waf.go) and association; each ECS service is registered in
// the new target groups too; outputs <lb>InternalDNSName and
// <lb>InternalCanonicalHostedZoneID name it; the canaries' security groups
// may reach it on its listener ports.
//
// PublicLoadBalancer=keep leaves the public side exactly as deployed (the
// side-by-side update: nobody loses the catalog until DNS moves).
// PublicLoadBalancer=retire then removes the public side: the load
// balancer, its listeners, rules, target groups, web ACL association (and
// the web ACL when nothing else uses it) and the services' registrations in
// the old groups; every other reference to them follows the internal twin
// (the outputs that named the public load balancer, an export warned by
// QPE-TF-021). The retire render is the keep render less the public side.
//
// With LoadBalancerScheme=unchanged, an internet-facing load balancer in
// front of a catalog whose API the run makes private is warned (QPE-TF-023).
func passLoadBalancer(st *state) error {
	public := publicOf(st)
	if st.set.LoadBalancerScheme != SchemeInternal {
		halfPrivate(st, public)
		return nil
	}
	for _, lb := range public {
		sd, err := sideOf(st, lb)
		if err != nil {
			return err
		}
		if err := sd.build(st); err != nil {
			return err
		}
		if err := sd.register(st); err != nil {
			return err
		}
		sd.outputs(st)
		canaryIngress(st, sd)
		if st.set.PublicLoadBalancer == PublicRetire {
			sd.retire(st)
		}
	}
	return nil
}

// publicOf returns the internet-facing application load balancers the run
// may change (not excluded), sorted.
func publicOf(st *state) []string {
	var out []string
	for _, id := range st.of(typeLoadBalancer) {
		if containsString(PublicLoadBalancers(map[string]any{"Resources": map[string]any{id: st.resource(id)}}, nil), id) {
			out = append(out, id)
		}
	}
	return out
}

// side is one public load balancer and the resources of its internal twin.
type side struct {
	lb string
	// twin maps each public resource copied to its internal id.
	twin map[string]string
	// order lists the public resources in the order they are copied.
	order []string
	// acls are the web ACLs (in the template) the public associations use;
	// external the associations whose web ACL is not in the template.
	acls     []string
	external map[string]bool
	tgs      []string
	// holders maps each public target group to the listeners and rules that
	// forward to it.
	holders map[string][]string
}

// sideOf finds the resources of load balancer lb's public side and checks
// that an internal twin can be built beside them.
func sideOf(st *state, lb string) (*side, error) {
	sd := &side{lb: lb, twin: map[string]string{}, external: map[string]bool{}, holders: map[string][]string{}}
	if err := fixedName(st, lb, "an internal load balancer is created beside it"); err != nil {
		return nil, err
	}
	sd.add(lb)
	listeners := map[string]bool{}
	for _, id := range st.ofType(typeListener) {
		if refersTo(st.props(id)["LoadBalancerArn"], lb) {
			listeners[id] = true
			sd.add(id)
		}
	}
	holders := sortedSet(listeners)
	for _, id := range st.ofType(typeListenerRule, typeListenerCert) {
		for _, l := range template.ReferencedIDs(st.props(id)["ListenerArn"]) {
			if listeners[l] {
				sd.add(id)
				if st.typeOf(id) == typeListenerRule {
					holders = append(holders, id)
				}
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
			inTemplate := false
			for _, id := range template.ReferencedIDs(arn) {
				if st.typeOf(id) != typeTargetGroup {
					continue
				}
				inTemplate = true
				if !containsString(sd.holders[id], h) {
					sd.holders[id] = append(sd.holders[id], h)
				}
				seen[id] = true
			}
			if !inTemplate && !template.IsNoValue(arn) {
				return nil, &Error{Resource: h, Message: fmt.Sprintf("forwards to a target group from outside the template (%s), but load balancer %s gets an internal twin: "+
					"the twin cannot forward to a target group the public one holds (one load balancer per target group)", describe(arn, ""), lb),
					Remedy: "define the target group in the template, or set LoadBalancerScheme=unchanged"}
			}
		}
	}
	sd.tgs = sortedSet(seen)
	for _, tg := range sd.tgs {
		if err := fixedName(st, tg, "a twin of it is created for the internal load balancer"); err != nil {
			return nil, err
		}
		if st.excluded[tg] {
			return nil, &Error{Resource: tg, Message: fmt.Sprintf("the target group is excluded, but load balancer %s gets an internal twin, which needs a target group of its own (one load balancer per target group)", lb),
				Remedy: "remove the target group from the Exclude setting, or set LoadBalancerScheme=unchanged"}
		}
		sd.add(tg)
	}
	for _, assoc := range st.ofType(typeWebACLAssoc) {
		ap := st.props(assoc)
		if !refersTo(ap["ResourceArn"], lb) {
			continue
		}
		sd.add(assoc)
		inTemplate := false
		for _, id := range template.ReferencedIDs(ap["WebACLArn"]) {
			if st.typeOf(id) == typeWebACL {
				inTemplate = true
				if _, ok := sd.twin[id]; !ok {
					sd.acls = append(sd.acls, id)
					sd.add(id)
				}
			}
		}
		if !inTemplate {
			sd.external[assoc] = true
		}
	}
	for _, pub := range sd.order {
		nid := sd.twin[pub]
		if cur := st.resource(nid); cur != nil && st.typeOf(nid) != st.typeOf(pub) {
			return nil, &Error{Resource: nid, Message: fmt.Sprintf("the template has a %v with this logical id, which the internal twin of %s needs", cur["Type"], pub),
				Remedy: "rename that resource, or set LoadBalancerScheme=unchanged"}
		}
		if _, ok := template.Section(st.doc, "Parameters")[nid]; ok {
			return nil, &Error{Resource: nid, Message: fmt.Sprintf("the template has a parameter with this logical id, which the internal twin of %s needs", pub),
				Remedy: "rename the parameter, or set LoadBalancerScheme=unchanged"}
		}
	}
	return sd, nil
}

func (sd *side) add(id string) {
	if _, ok := sd.twin[id]; ok {
		return
	}
	sd.twin[id] = id + internalSuffix
	sd.order = append(sd.order, id)
}

// build adds the internal twin of each public resource: a copy whose
// references to the public side name the twins.
func (sd *side) build(st *state) error {
	for _, pub := range sd.order {
		nid := sd.twin[pub]
		r := remap(template.Clone(st.resource(pub)), sd.twin).(map[string]any)
		p, _ := r["Properties"].(map[string]any)
		if p == nil {
			p = map[string]any{}
			r["Properties"] = p
		}
		var what string
		switch st.typeOf(pub) {
		case typeLoadBalancer:
			p["Scheme"] = SchemeInternal
			p["Subnets"] = st.param(st.set.UserSubnetsParameter)
			if _, ok := p["SubnetMappings"]; ok {
				delete(p, "SubnetMappings")
				st.warn(tfSubnetMappings, nid, "SubnetMappings (Elastic IPs) of %s not copied; an internal load balancer takes Subnets only", pub)
			}
			what = fmt.Sprintf("internal load balancer beside %s, on %s, with its security groups", pub, st.set.UserSubnetsParameter)
		case typeWebACL:
			if n, ok := p["Name"]; ok && !template.IsNoValue(n) {
				p["Name"] = suffixName(n, "-internal")
			}
			rules, dropped, err := judgeRules(st, pub, nid, p["Rules"])
			if err != nil {
				return err
			}
			p["Rules"] = rules
			what = "web ACL of the internal load balancer, a copy of " + pub
			if len(dropped) > 0 {
				what += " without the geo-match Block rules " + strings.Join(dropped, ", ")
				st.warn(tfGeofenceRemoved, nid, "geo-match Block rules %s left out of the internal load balancer's copy of %s: WAF finds no country for private client addresses, so the rules would block every private client (%s itself is unchanged)",
					strings.Join(dropped, ", "), pub, pub)
			}
			perIPRules(st, nid, rules)
		case typeWebACLAssoc:
			what = "associates the internal load balancer with its web ACL"
			if sd.external[pub] {
				st.warn(tfExternalWebACL, nid, "associates the internal load balancer %s with a web ACL from outside the template (%s), as %s does the public one; a geo-match Block rule in it would block every private client, a per-IP rule would count a VPN's users as one",
					sd.twin[sd.lb], describe(p["WebACLArn"], ""), pub)
			}
		default:
			what = "internal twin of " + pub
		}
		if cur := st.resource(nid); cur != nil && template.Equal(cur, r) {
			continue
		}
		st.add(nid, r)
		st.change("loadbalancer", nid, "%s", what)
		if st.typeOf(pub) == typeLoadBalancer {
			resRewritten.of(st).Add(nid) // waits for the preflight, which checks UserSubnets
		}
	}
	return nil
}

// register adds to each ECS service registered in a public target group a
// registration in its twin (same container and port), and a DependsOn on
// the listeners and rules that forward to the twin: ECS refuses a target
// group no load balancer uses yet.
func (sd *side) register(st *state) error {
	for _, svc := range st.ofType(typeECSService) {
		lbs := st.props(svc)["LoadBalancers"]
		if !mentionsAny(lbs, sd.tgs) {
			continue
		}
		if st.excluded[svc] {
			return &Error{Resource: svc, Message: fmt.Sprintf("the service is excluded, but it is registered in a target group of load balancer %s, whose internal twin needs the service registered in its own target group", sd.lb),
				Remedy: "remove the service from the Exclude setting, or set LoadBalancerScheme=unchanged"}
		}
		list, ok := lbs.([]any)
		if !ok {
			return &Error{Resource: svc, Message: fmt.Sprintf("LoadBalancers is %s, not a list the macro can add the internal load balancer's target groups to", template.AKindOf(lbs)),
				Remedy: "write LoadBalancers as a list (an Fn::If inside an entry is fine), or set LoadBalancerScheme=unchanged"}
		}
		out := append([]any(nil), list...)
		var deps, added []string
		for _, e := range list {
			for _, tg := range sd.tgs {
				if !mentionsAny(e, []string{tg}) {
					continue
				}
				ne := remap(template.Clone(e), sd.twin)
				if !containsValue(out, ne) {
					out = append(out, ne)
					added = append(added, sd.twin[tg])
				}
				for _, h := range sd.holders[tg] {
					deps = append(deps, sd.twin[h])
				}
			}
		}
		if len(out) > maxServiceTargetGroups {
			return &Error{Resource: svc, Message: fmt.Sprintf("the service would be registered in %d target groups (its own and the internal load balancer's); ECS allows at most %d", len(out), maxServiceTargetGroups),
				Remedy: "register the service in fewer target groups, or set LoadBalancerScheme=unchanged"}
		}
		sort.Strings(deps)
		changed := false
		if len(added) > 0 {
			st.editProps(svc)["LoadBalancers"] = out
			st.change("loadbalancer", svc, "registered in %s too (the internal load balancer's target groups)", strings.Join(added, ", "))
			changed = true
		}
		if tmp := map[string]any{"DependsOn": st.resource(svc)["DependsOn"]}; template.AddDependsOn(tmp, deps...) {
			st.edit(svc)["DependsOn"] = tmp["DependsOn"]
			st.change("loadbalancer", svc, "DependsOn += %s (ECS registers a target group only once a load balancer forwards to it)", strings.Join(compactStrings(deps), ", "))
			changed = true
		}
		if changed {
			resRewritten.of(st).Add(svc)
		}
	}
	return nil
}

// outputs adds the outputs naming the internal load balancer.
func (sd *side) outputs(st *state) {
	nid := sd.twin[sd.lb]
	for _, o := range []struct{ name, attr, desc string }{
		{nid + "DNSName", "DNSName", "DNS name of the internal load balancer: point the catalog's host names (CNAME) here"},
		{nid + "CanonicalHostedZoneID", "CanonicalHostedZoneID", "hosted zone of the internal load balancer, for Route 53 alias records"},
	} {
		want := map[string]any{"Description": o.desc, "Value": map[string]any{"Fn::GetAtt": []any{nid, o.attr}}}
		if cur, ok := template.Section(st.doc, "Outputs")[o.name]; ok && template.Equal(cur, want) {
			continue
		}
		st.section("Outputs")[o.name] = want
		st.change("loadbalancer", "Outputs."+o.name, "added: %s.%s", nid, o.attr)
	}
}

// retire removes the public side: its resources, the services'
// registrations in the public target groups and DependsOn on public
// resources; every other reference follows the twin (through the renames
// the references pass applies).
func (sd *side) retire(st *state) {
	gone := map[string]bool{}
	for _, pub := range sd.order {
		gone[pub] = true
	}
	for _, acl := range sd.acls {
		if still := usedOutside(st, acl, gone); still != "" {
			delete(gone, acl)
			st.change("loadbalancer", acl, "kept: %s still uses it", still)
		}
	}
	for _, svc := range st.ofType(typeECSService) {
		list, ok := st.props(svc)["LoadBalancers"].([]any)
		if !ok || !mentionsAny(list, sd.tgs) {
			continue
		}
		var out []any
		for _, e := range list {
			if !mentionsAny(e, sd.tgs) {
				out = append(out, e)
			}
		}
		st.editProps(svc)["LoadBalancers"] = out
		st.change("loadbalancer", svc, "registrations in the public load balancer's target groups removed")
	}
	for _, id := range st.ids {
		if gone[id] {
			continue
		}
		r := st.resource(id)
		if nd, ch := dropDependsOn(r["DependsOn"], gone, sd.twin); ch {
			st.edit(id)["DependsOn"] = nd
		}
	}
	for _, pub := range sd.order {
		if !gone[pub] {
			continue
		}
		delete(st.res, pub)
		delete(st.own, pub)
		resRewritten.of(st).Remove(pub)
		st.ids = removeSorted(st.ids, pub)
		resRenamed.of(st).Add(pub, sd.twin[pub])
		st.change("loadbalancer", pub, "removed (PublicLoadBalancer=retire): references follow %s", sd.twin[pub])
	}
	st.byType = nil
}

// dropDependsOn removes the ids of gone from a DependsOn value and adds
// their twins that are not there yet, after the ids it keeps.
func dropDependsOn(v any, gone map[string]bool, twin map[string]string) (any, bool) {
	var cur []any
	_, single := v.(string)
	switch t := v.(type) {
	case string:
		cur = []any{t}
	case []any:
		cur = t
	default:
		return v, false
	}
	var keep, add []any
	changed := false
	for _, e := range cur {
		s, _ := e.(string)
		if gone[s] {
			changed = true
			add = append(add, twin[s])
			continue
		}
		keep = append(keep, e)
	}
	if !changed {
		return v, false
	}
	for _, a := range add {
		if !containsValue(keep, a) {
			keep = append(keep, a)
		}
	}
	if single && len(keep) == 1 {
		return keep[0], true
	}
	return keep, true
}

// usedOutside names a resource, output or section entry other than the
// ones in gone that refers to id, or "".
func usedOutside(st *state, id string, gone map[string]bool) string {
	for _, other := range st.ids {
		if gone[other] || other == id {
			continue
		}
		r := st.resource(other)
		deps, _ := template.DependsOn(r)
		if refersTo(r["Properties"], id) || containsString(deps, id) {
			return other
		}
	}
	for _, sec := range []string{"Outputs", "Conditions", "Metadata", "Rules"} {
		m := template.Section(st.doc, sec)
		for _, name := range template.SortedKeys(m) {
			if refersTo(m[name], id) {
				return sec + "." + name
			}
		}
	}
	return ""
}

// mentionsAny reports whether v refers to one of ids.
func mentionsAny(v any, ids []string) bool {
	for _, r := range template.ReferencedIDs(v) {
		if containsString(ids, r) {
			return true
		}
	}
	return false
}

// remap makes the references of v (Ref, Fn::GetAtt, Fn::Sub) and a
// resource's DependsOn follow twin; v must be the caller's own copy.
func remap(v any, twin map[string]string) any {
	rn := renamer{renames: twin}
	nv, _ := rewrite(v, func(m map[string]any) (any, bool) {
		if len(m) != 1 {
			return nil, false
		}
		k, arg, ok := intrinsicOf(m)
		if !ok {
			return nil, false
		}
		return rn.node(k, arg)
	})
	if r, ok := nv.(map[string]any); ok {
		if nd, ch := rn.dependsOn(r); ch {
			r = shallow(r)
			r["DependsOn"] = nd
			nv = r
		}
	}
	return nv
}

// suffixName appends a suffix to a Name value (a string, or an intrinsic
// joined with it).
func suffixName(v any, suffix string) any {
	if s, ok := v.(string); ok {
		return s + suffix
	}
	return map[string]any{"Fn::Join": []any{"", []any{v, suffix}}}
}

// fixedName refuses a copied resource with a Name.
func fixedName(st *state, id, why string) error {
	n, ok := st.props(id)["Name"]
	if !ok || n == nil || template.IsNoValue(n) {
		return nil
	}
	return &Error{Resource: id, Message: fmt.Sprintf("it has a fixed Name, and %s: the copy cannot take the name the resource holds", why),
		Remedy: "remove Name (CloudFormation then generates one), or set LoadBalancerScheme=unchanged"}
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
