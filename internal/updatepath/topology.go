package updatepath

import (
	"strconv"
	"strings"
)

// Resource types the load balancer rules read.
const (
	typeLoadBalancer = "AWS::ElasticLoadBalancingV2::LoadBalancer"
	typeListener     = "AWS::ElasticLoadBalancingV2::Listener"
	typeListenerRule = "AWS::ElasticLoadBalancingV2::ListenerRule"
	typeTargetGroup  = "AWS::ElasticLoadBalancingV2::TargetGroup"
)

// holder is a listener or rule that forwards to a target group, with the
// load balancer it belongs to.
type holder struct {
	Via, LoadBalancer string
}

// tgHolders maps each target group of a side to the listeners and rules
// forwarding to it.
func (s *side) tgHolders() map[string][]holder {
	out := map[string][]holder{}
	for _, id := range sortedKeys(s.resources) {
		r := s.resources[id]
		var lb string
		var actions []string
		switch r.Type {
		case typeListener:
			lb = s.refTarget(r, "LoadBalancerArn")
			actions = []string{"DefaultActions"}
		case typeListenerRule:
			if l := s.resources[s.refTarget(r, "ListenerArn")]; l != nil {
				lb = s.refTarget(l, "LoadBalancerArn")
			}
			actions = []string{"Actions"}
		default:
			continue
		}
		for _, rf := range r.Refs {
			if t := s.resources[rf.Target]; t == nil || t.Type != typeTargetGroup {
				continue
			}
			for _, a := range actions {
				if strings.HasPrefix(rf.Path, a) {
					out[rf.Target] = append(out[rf.Target], holder{Via: id, LoadBalancer: lb})
				}
			}
		}
	}
	return out
}

// refTarget is the resource a property of r references directly.
func (s *side) refTarget(r *resolved, prop string) string {
	for _, rf := range r.Refs {
		if rf.Path == prop {
			return rf.Target
		}
	}
	return ""
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make(map[string]bool, len(m))
	for k := range m {
		keys[k] = true
	}
	return sortedSet(keys)
}

func itoa(i int) string { return strconv.Itoa(i) }

func joinComma(s []string) string { return strings.Join(s, ", ") }
