package transform

import (
	"fmt"
	"strings"

	"github.com/quiltdata/quilt-private-endpoints/internal/template"
)

// verdict is what a WAF statement does for a client WAF finds no country
// for (a private, RFC 1918 address): it never matches, always matches, or
// depends on the request.
type verdict int

const (
	never verdict = iota
	always
	depends
)

// noCountry evaluates a WAF statement for a client without a country:
// a GeoMatchStatement on the source IP never matches; Not, And and Or
// combine; any other statement (and a geo match on a forwarded IP, and a
// statement built by an intrinsic) depends on the request. geo reports a
// source geo match in the statement, other a statement of another kind.
func noCountry(v any) (res verdict, geo, other bool) {
	m, ok := v.(map[string]any)
	if !ok || isIntrinsicObject(v) {
		return depends, sourceGeoMatch(v), true
	}
	switch {
	case m["GeoMatchStatement"] != nil:
		if g, _ := m["GeoMatchStatement"].(map[string]any); g != nil && g["ForwardedIPConfig"] != nil {
			return depends, false, true
		}
		return never, true, false
	case m["NotStatement"] != nil:
		n, _ := m["NotStatement"].(map[string]any)
		r, g, o := noCountry(n["Statement"])
		switch r {
		case never:
			r = always
		case always:
			r = never
		}
		return r, g, o
	case m["AndStatement"] != nil || m["OrStatement"] != nil:
		and := m["AndStatement"] != nil
		c, _ := m["OrStatement"].(map[string]any)
		if and {
			c, _ = m["AndStatement"].(map[string]any)
		}
		list, ok := c["Statements"].([]any)
		if !ok {
			return depends, sourceGeoMatch(c), true
		}
		// And: never if one never, always if all always; Or: the dual.
		absorb, unit := never, always
		if !and {
			absorb, unit = always, never
		}
		res = unit
		for _, s := range list {
			r, g, o := noCountry(s)
			geo, other = geo || g, other || o
			switch {
			case r == absorb:
				res = absorb
			case r == depends && res != absorb:
				res = depends
			}
		}
		return res, geo, other
	}
	return depends, sourceGeoMatch(v), true
}

// judgeRules returns the Rules of the internal load balancer's web ACL acl
// (a copy of the public one's), judged rule by rule for clients without a
// country, in each branch of an Fn::If too: a Block rule that would block
// every such request and holds nothing but geo matches is dropped (its name
// returned); one that would block every such request but has other
// conditions is refused by name; one whose geo match is mixed with other
// conditions that decide is kept and warned (QPE-TF-025).
func judgeRules(st *state, pub, acl string, v any) (any, []string, error) {
	names := map[string]bool{}
	var err error
	var walkList func(any) any
	walkList = func(v any) any {
		if c, yes, no, ok := ifBranches(v); ok {
			return map[string]any{"Fn::If": []any{c, walkList(yes), walkList(no)}}
		}
		l, ok := v.([]any)
		if !ok {
			return v
		}
		out := []any{}
		for i, r := range l {
			nr, e := judgeRule(st, pub, acl, r, i, names)
			if e != nil && err == nil {
				err = e
			}
			if !template.IsNoValue(nr) {
				out = append(out, nr)
			}
		}
		if len(out) == len(l) {
			return v
		}
		return out
	}
	nv := walkList(v)
	if err != nil {
		return nil, nil, err
	}
	return nv, sortedSet(names), nil
}

// judgeRule judges one rule (or a branch of an Fn::If in Rules) of the
// copy acl of web ACL pub; it returns AWS::NoValue for a rule dropped.
func judgeRule(st *state, pub, acl string, r any, i int, names map[string]bool) (any, error) {
	if c, yes, no, ok := ifBranches(r); ok {
		ny, err := judgeRule(st, pub, acl, yes, i, names)
		if err != nil {
			return nil, err
		}
		nn, err := judgeRule(st, pub, acl, no, i, names)
		if err != nil {
			return nil, err
		}
		return map[string]any{"Fn::If": []any{c, ny, nn}}, nil
	}
	rm, _ := r.(map[string]any)
	act, _ := rm["Action"].(map[string]any)
	if _, block := act["Block"]; !block {
		return r, nil
	}
	res, geo, other := noCountry(rm["Statement"])
	if !geo {
		return r, nil
	}
	name := ruleName(rm, i)
	switch {
	case res == always && !other:
		names[name] = true
		return map[string]any{"Ref": "AWS::NoValue"}, nil
	case res == always:
		return nil, &Error{Resource: pub, Message: fmt.Sprintf("rule %s blocks every request from a client without a country (private clients have none): "+
			"its geo match decides for them, and it has other conditions, which dropping the whole rule would lose", name),
			Remedy: fmt.Sprintf("split rule %s into a geo-match rule of its own (which the macro leaves out of the internal load balancer's web ACL) and a rule with the other conditions, "+
				"give its GeoMatchStatement a ForwardedIPConfig, or set LoadBalancerScheme=unchanged", name)}
	case res == depends:
		st.warn(tfGeoCompound, acl, "rule %s mixes a geo match with other conditions: kept in the internal load balancer's web ACL; for private clients (no country) its geo match never matches, so its other conditions alone decide", name)
	}
	return r, nil
}

func ruleName(rm map[string]any, i int) string {
	if name, _ := rm["Name"].(string); name != "" {
		return name
	}
	return fmt.Sprintf("Rules[%d]", i)
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

// atpGroups are the managed rule groups that count per client IP.
var atpGroups = []string{"AWSManagedRulesATPRuleSet"}

// perIPRules warns about the rules of the internal load balancer's web ACL
// that count requests per source IP (QPE-TF-024): behind a VPN's source
// NAT every user has the same few addresses.
func perIPRules(st *state, acl string, rules any) {
	var list []any
	collectRules(rules, &list)
	for i, r := range list {
		rm, _ := r.(map[string]any)
		var why []string
		var rates, groups []any
		collectKey(rm["Statement"], "RateBasedStatement", &rates)
		for _, rb := range rates {
			m, _ := rb.(map[string]any)
			key, _ := m["AggregateKeyType"].(string)
			byIP := key == "" || key == "IP"
			if key == "CUSTOM_KEYS" {
				var ips []any
				collectKey(m["CustomKeys"], "IP", &ips)
				byIP = len(ips) > 0
			}
			if byIP {
				why = append(why, "a rate-based statement aggregated by source IP")
			}
		}
		collectKey(rm["Statement"], "ManagedRuleGroupStatement", &groups)
		for _, g := range groups {
			m, _ := g.(map[string]any)
			if n, _ := m["Name"].(string); containsString(atpGroups, n) {
				why = append(why, "the managed group "+n+", which counts login attempts per source IP")
			}
		}
		if len(why) > 0 {
			st.warn(tfPerIPRule, acl, "rule %s uses %s: behind the internal load balancer, users on a VPN reach it from the VPN's few NAT addresses, so they share one count", ruleName(rm, i), strings.Join(why, " and "))
		}
	}
}

// collectRules appends the rules of a Rules value, in each branch of an
// Fn::If too (a rule in both branches appears twice; warnings are deduped).
func collectRules(v any, out *[]any) {
	if _, yes, no, ok := ifBranches(v); ok {
		collectRules(yes, out)
		collectRules(no, out)
		return
	}
	l, _ := v.([]any)
	for _, r := range l {
		if _, yes, no, ok := ifBranches(r); ok {
			collectRules([]any{yes}, out)
			collectRules([]any{no}, out)
			continue
		}
		*out = append(*out, r)
	}
}
