package updatepath

import (
	"fmt"
	"io"
	"slices"
	"sort"
	"strings"
)

// Decision is the verdict: what a report says first, in a few lines: can every step
// roll back, who loses what and when (by network), what must be done
// outside the stack and in which order, and the blockers. Review adds the
// steps its risks call for (AddStep).
type Decision struct {
	// Outcome is "safe", "blocked" or "not rollback-safe".
	Outcome      string `json:"outcome"`
	RollbackSafe bool   `json:"rollbackSafe"`
	// PrivateNetworkDowntime is the availability model's: users on the
	// private network lose an entry point the update takes away.
	PrivateNetworkDowntime bool `json:"privateNetworkDowntime"`
	// Rollback says whether every step can roll back and, if not, which
	// resources would be stuck.
	Rollback string `json:"rollback"`
	// Losses say who loses what and when, one per client network.
	Losses []Loss `json:"losses"`
	// Outside are the steps outside the stack, in the order to take them.
	Outside []Step `json:"outside"`
	// Blockers are "<rule id> <resource>: <detail>".
	Blockers []string `json:"blockers"`
}

// Loss is what the users of one client network lose during or after the
// update.
type Loss struct {
	Network string `json:"network"`
	// What lists the host names or URLs lost.
	What []string `json:"what"`
	// When is the stretch: "wave 2 until DNS moves", ...
	When string `json:"when"`
	Why  string `json:"why,omitempty"`
}

// Step is one thing to do outside the stack.
type Step struct {
	// When is StepBefore or StepAfter (the update).
	When string `json:"when"`
	What string `json:"what"`
	// Records are DNS records to create or repoint, with their new value.
	Records []Record `json:"records,omitempty"`
	// Rule names the finding the step comes from, if any.
	Rule string `json:"rule,omitempty"`
}

// When a step is taken.
const (
	StepBefore = "before the update"
	StepAfter  = "after the update"
)

// Record is a DNS record to create or repoint.
type Record struct {
	Name  string `json:"name"`
	Type  string `json:"type"`
	Value string `json:"value"`
}

// AddStep adds a step outside the stack, keeping the order: the steps
// before the update first, then those after, each in the order added.
func (v *Decision) AddStep(s Step) {
	v.Outside = append(v.Outside, s)
	sort.SliceStable(v.Outside, func(i, j int) bool {
		return v.Outside[i].When == StepBefore && v.Outside[j].When != StepBefore
	})
}

// verdict builds the plan's verdict from its rollout.
func (m *model) verdict(p *Plan) Decision {
	ro := &p.Rollout
	v := Decision{RollbackSafe: ro.RollbackSafe, PrivateNetworkDowntime: ro.Availability.PrivateNetworkDowntime, Losses: []Loss{}, Outside: []Step{}, Blockers: []string{}}
	switch {
	case !ro.RollbackSafe:
		v.Outcome = "not rollback-safe"
	case len(ro.Blockers) > 0:
		v.Outcome = "blocked"
	default:
		v.Outcome = "safe"
	}
	var stuck []string
	for _, s := range ro.Rollback {
		if !s.Possible {
			stuck = append(stuck, s.Resource+" ("+s.Rule+")")
		}
	}
	if len(stuck) == 0 {
		v.Rollback = fmt.Sprintf("every step can roll back (%d waves, then cleanup of %d)", len(ro.Waves), len(ro.Cleanup))
	} else {
		v.Rollback = "a failure leaves the stack in UPDATE_ROLLBACK_FAILED: " + strings.Join(stuck, ", ") + " cannot roll back"
	}
	for _, b := range ro.Blockers {
		line := b.ID + " " + b.Resource + ": " + b.Detail
		if b.Inherent {
			line += " (" + InherentText + ")"
		}
		v.Blockers = append(v.Blockers, line)
	}
	v.Losses = losses(ro)
	for _, s := range m.dnsSteps(p) {
		v.AddStep(s)
	}
	return v
}

// losses groups the availability model's gaps by client network: the
// entry points lost for a reason the update causes, and from when until
// when (the earliest start and the latest end; "after" is until DNS
// moves). Inherent gaps (a service's own deployment configuration) are
// counted apart.
func losses(ro *Rollout) []Loss {
	out := []Loss{}
	for _, network := range []string{NetworkPrivate, NetworkInternet} {
		var what, inherent []string
		from, until := "", ""
		for _, e := range ro.Availability.Entries {
			if e.Network != network {
				continue
			}
			for _, g := range e.Lost {
				if g.Inherent {
					if !slices.Contains(inherent, e.Host) {
						inherent = append(inherent, e.Host)
					}
					continue
				}
				if !slices.Contains(what, e.Host) {
					what = append(what, e.Host)
				}
				if from == "" || pointRank(g.From) < pointRank(from) {
					from = g.From
				}
				if until == "" || pointRank(g.Until) > pointRank(until) {
					until = g.Until
				}
			}
		}
		if len(what) == 0 && len(inherent) == 0 {
			continue
		}
		l := Loss{Network: network, What: what}
		switch {
		case len(what) == 0:
			l.What = inherent
			l.When = "briefly while their services deploy"
			l.Why = "inherent: the services' own deployment configuration, on every update"
		case until == "after" && network == NetworkInternet:
			l.When = "from " + from + " on: still lost after the update (served on the private network only)"
		case until == "after":
			l.When = "from " + from + " until DNS moves to the new load balancer, after the update"
		case from == until:
			l.When = "during " + from
		default:
			l.When = "from " + from + " to " + until
		}
		if len(what) > 0 && len(inherent) > 0 {
			l.Why = fmt.Sprintf("and %d entry point(s) briefly, inherent to their services' deployment configuration", len(inherent))
		}
		out = append(out, l)
	}
	return out
}

// pointRank orders the points of the update: "wave N", "cleanup", "after".
func pointRank(p string) int {
	switch p {
	case "cleanup":
		return 1 << 20
	case "after":
		return 1 << 21
	}
	var n int
	if _, err := fmt.Sscanf(p, "wave %d", &n); err == nil {
		return n
	}
	return 0
}

// dnsSteps: a load balancer that serves host names and gets a new DNS
// name (added, or replaced) needs the host names' records repointed after
// the update; an internal one also needs users' networks routed to it
// before.
func (m *model) dnsSteps(p *Plan) []Step {
	var out []Step
	for _, r := range p.Resources {
		if r.Type != "AWS::ElasticLoadBalancingV2::LoadBalancer" || (r.Action != Add && r.Action != Replace) {
			continue
		}
		hosts := m.hostsOf(r.LogicalID)
		if len(hosts) == 0 {
			continue
		}
		value := r.LogicalID + ".DNSName"
		if o := m.outputOf(r.LogicalID, "DNSName"); o != "" {
			value = "the stack output " + o + " (" + value + ") after the update"
		}
		if lb := m.new.resources[r.LogicalID]; lb != nil && lb.Props["Scheme"] == "internal" {
			out = append(out, Step{When: StepBefore,
				What: "route users' networks (VPN, Direct Connect) to the subnets of the internal load balancer " + r.LogicalID +
					" and allow them in its security group: " + strings.Join(hosts, ", ") + " answer only there"})
		}
		until := "until then these host names reach nothing: the load balancer their records name is gone after the update"
		if m.otherLoadBalancerStays(r.LogicalID) {
			until = "until then users keep reaching the load balancer their records name now, which the update keeps"
		}
		s := Step{When: StepAfter, What: "repoint DNS: " + strings.Join(hosts, ", ") + " to " + r.LogicalID +
			"'s new DNS name (CNAME, or an alias A record with its CanonicalHostedZoneID); " + until}
		for _, h := range hosts {
			s.Records = append(s.Records, Record{Name: h, Type: "CNAME", Value: value})
		}
		out = append(out, s)
	}
	return out
}

// otherLoadBalancerStays: the new template keeps a load balancer other
// than id that was deployed before (the public side of a side-by-side
// update), so records that name it still lead somewhere.
func (m *model) otherLoadBalancerStays(id string) bool {
	for lid, r := range m.new.resources {
		if lid != id && r.Type == "AWS::ElasticLoadBalancingV2::LoadBalancer" && m.old.resources[lid] != nil &&
			(m.res[lid] == nil || m.res[lid].Action != Replace) {
			return true
		}
	}
	return false
}

// hostsOf lists the host names the load balancer's listener rules route
// (host-header conditions), resolved, sorted.
func (m *model) hostsOf(lb string) []string {
	var hosts []string
	for _, id := range sortedKeys(m.new.resources) {
		r := m.new.resources[id]
		if r.Type != "AWS::ElasticLoadBalancingV2::ListenerRule" || !m.refersTo(r, "ListenerArn", lb) {
			continue
		}
		conds, _ := r.Props["Conditions"].([]any)
		for _, c := range conds {
			cm, _ := c.(map[string]any)
			var vals []any
			if cm["Field"] == "host-header" {
				vals, _ = cm["Values"].([]any)
			}
			if hc, ok := cm["HostHeaderConfig"].(map[string]any); ok {
				l, _ := hc["Values"].([]any)
				vals = append(vals, l...)
			}
			for _, v := range vals {
				// A host name from a parameter without a value stays
				// symbolic ({QuiltWebHost part 0}-registry...), as the
				// availability model shows it.
				if h := display(v); h != "" && !slices.Contains(hosts, h) {
					hosts = append(hosts, h)
				}
			}
		}
	}
	sort.Strings(hosts)
	return hosts
}

// refersTo reports whether a listener rule's property (ListenerArn) names
// a listener of the load balancer lb.
func (m *model) refersTo(rule *resolved, prop, lb string) bool {
	for _, rf := range rule.Refs {
		if topKey(rf.Path) != prop {
			continue
		}
		l := m.new.resources[rf.Target]
		if l == nil {
			continue
		}
		for _, lr := range l.Refs {
			if topKey(lr.Path) == "LoadBalancerArn" && lr.Target == lb {
				return true
			}
		}
	}
	return false
}

// outputOf names the output whose value is resource.attr, or "".
func (m *model) outputOf(resource, attr string) string {
	names := make([]string, 0, len(m.new.outputs))
	for n := range m.new.outputs {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		for _, rf := range m.new.outputs[n].Refs {
			if rf.Target == resource && rf.Attr == attr {
				return n
			}
		}
	}
	return ""
}

// VerdictLines is the verdict in Markdown, at most ten lines: the outcome
// and rollback, the losses by network, the steps outside the stack in
// order, the blockers.
func (v *Decision) VerdictLines() []string {
	var out []string
	head := "**Safe**"
	switch v.Outcome {
	case "blocked":
		head = "**Blocked**"
	case "not rollback-safe":
		head = "**Not rollback-safe**"
	}
	if v.PrivateNetworkDowntime {
		head += ", **with private-network downtime**"
	}
	out = append(out, "- "+head+": "+v.Rollback+".")
	for _, l := range v.Losses {
		line := "- **" + networkTitle(l.Network) + "** loses " + clip(l.What, 4) + " " + l.When
		if l.Why != "" {
			line += " (" + l.Why + ")"
		}
		out = append(out, line+".")
	}
	if len(v.Losses) == 0 {
		out = append(out, "- **Availability**: every entry point stays served on both networks.")
	}
	for _, when := range []string{StepBefore, StepAfter} {
		var parts []string
		for i, s := range v.Outside {
			if s.When != when {
				continue
			}
			t := fmt.Sprintf("%d. %s", i+1, s.What)
			if s.Rule != "" {
				t += " (" + s.Rule + ")"
			}
			parts = append(parts, t)
		}
		if len(parts) > 0 {
			out = append(out, "- **Outside the stack, "+when+"**: "+strings.Join(parts, "; ")+".")
		}
	}
	if len(v.Outside) == 0 {
		out = append(out, "- **Outside the stack**: nothing to do.")
	}
	if len(v.Blockers) == 0 {
		out = append(out, "- **Blockers**: none.")
	} else {
		out = append(out, "- **Blockers**: "+strings.Join(v.Blockers, "; ")+".")
	}
	if len(out) > 10 {
		// Losses beyond the room left are counted, never dropped silently.
		extra := len(out) - 10
		out = append(out[:9], fmt.Sprintf("- (%d more lines: see the Availability and Update plan sections)", extra+1))
	}
	return out
}

func networkTitle(n string) string {
	switch n {
	case "private":
		return "Private network"
	case "internet":
		return "Internet"
	}
	return n
}

// WriteVerdictMarkdown writes the verdict section under a heading of the
// given level.
func WriteVerdictMarkdown(w io.Writer, v *Decision, level string) error {
	_, err := io.WriteString(w, level+" Verdict\n\n"+strings.Join(v.VerdictLines(), "\n")+"\n\n")
	return err
}

// clip joins the first n items and counts the others.
func clip(l []string, n int) string {
	if len(l) <= n {
		return strings.Join(l, ", ")
	}
	return strings.Join(l[:n], ", ") + fmt.Sprintf(" and %d more", len(l)-n)
}
