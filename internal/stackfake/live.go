package stackfake

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"maps"
	"regexp"
	"strings"

	"github.com/quiltdata/quilt-private-endpoints/internal/template"
)

// What a completed update changes besides the template and the resource
// summaries: the load balancers it created exist (with the Scheme their
// template gives), those it deleted are gone, and the stack's Outputs are
// the new template's, evaluated against the live resources.

const typeLoadBalancer = "AWS::ElasticLoadBalancingV2::LoadBalancer"

// subPattern is a ${Name} or ${Resource.Attribute} of a Fn::Sub (not ${!...}).
var subPattern = regexp.MustCompile(`\$\{[^}!][^}]*\}`)

// newPhysical is the physical id of a resource the update creates: an ARN
// for a load balancer (its Ref), else a CloudFormation-style name.
func (s *Server) newPhysical(typ, logicalID, salt string) string {
	if typ != typeLoadBalancer {
		return newPhysicalID(s.scn.Stack.Name, logicalID, salt)
	}
	h := sha256.Sum256([]byte(s.scn.Stack.Name + "/" + logicalID + "/" + salt))
	name := s.scn.Stack.Name + "-" + logicalID
	name = strings.TrimRight(name[:min(len(name), 26)], "-")
	return fmt.Sprintf("arn:aws:elasticloadbalancing:%s:%s:loadbalancer/app/%s/%s", s.scn.Region, s.scn.Account, name, hex.EncodeToString(h[:])[:16])
}

// syncLive brings the load balancers and the Outputs to the completed
// update's template.
func (s *Server) syncLive(u *update, before []Resource) {
	res := template.Resources(u.cs.Processed)
	kept := map[string]bool{}
	for _, r := range s.scn.Stack.Resources {
		if r.Type != typeLoadBalancer {
			continue
		}
		kept[r.PhysicalID] = true
		if _, ok := s.scn.LoadBalancers[r.PhysicalID]; ok {
			continue
		}
		props := template.Section(mapOf(res[r.LogicalID]), "Properties")
		scheme, _ := props["Scheme"].(string)
		if s.scn.LoadBalancers == nil {
			s.scn.LoadBalancers = map[string]LoadBalancer{}
		}
		s.scn.LoadBalancers[r.PhysicalID] = LoadBalancer{Scheme: or(scheme, "internet-facing")}
	}
	for _, r := range before {
		if r.Type == typeLoadBalancer && !kept[r.PhysicalID] {
			delete(s.scn.LoadBalancers, r.PhysicalID) // deleted by the update
		}
	}
	s.syncRestAPIs(u)
	s.scn.Stack.Outputs, s.scn.Stack.Exports = s.evaluateOutputs(u.cs.Processed)
}

// evaluateOutputs evaluates the template's Outputs. An output whose value
// the double cannot evaluate (a condition, an attribute it does not model)
// keeps its previous value, when it had one.
func (s *Server) evaluateOutputs(doc map[string]any) (map[string]string, map[string]string) {
	old := maps.Clone(s.scn.Stack.Outputs)
	outs, exports := map[string]string{}, map[string]string{}
	phys := s.physicalIDs()
	for key, o := range template.Section(doc, "Outputs") {
		m := mapOf(o)
		v, ok := s.eval(m["Value"], phys)
		if _, conditional := m["Condition"]; conditional || !ok {
			v, ok = old[key]
		}
		if !ok {
			continue
		}
		outs[key] = v
		if e, ok := s.eval(template.Section(m, "Export")["Name"], phys); ok {
			exports[key] = e
		}
	}
	return outs, exports
}

// eval evaluates Ref, Fn::GetAtt (a load balancer's DNSName and
// CanonicalHostedZoneID), Fn::Sub and Fn::Join over the stack's parameters,
// pseudo parameters and physical ids.
func (s *Server) eval(v any, phys map[string]string) (string, bool) {
	if str, ok := v.(string); ok {
		return str, true
	}
	if name, ok := template.Ref(v); ok {
		return s.refValue(name, phys)
	}
	if r, a, ok := template.GetAtt(v); ok {
		return s.attValue(r, a, phys)
	}
	m, _ := v.(map[string]any)
	if len(m) != 1 {
		return "", false
	}
	switch {
	case m["Fn::Sub"] != nil:
		str, _ := m["Fn::Sub"].(string)
		if str == "" {
			return "", false
		}
		okAll := true
		out := subPattern.ReplaceAllStringFunc(str, func(x string) string {
			name := x[2 : len(x)-1]
			var val string
			var ok bool
			if r, a, dotted := strings.Cut(name, "."); dotted {
				val, ok = s.attValue(r, a, phys)
			} else {
				val, ok = s.refValue(name, phys)
			}
			okAll = okAll && ok
			return val
		})
		return out, okAll
	case m["Fn::Join"] != nil:
		l, _ := m["Fn::Join"].([]any)
		if len(l) != 2 {
			return "", false
		}
		sep, _ := l[0].(string)
		items, _ := l[1].([]any)
		var parts []string
		for _, it := range items {
			p, ok := s.eval(it, phys)
			if !ok {
				return "", false
			}
			parts = append(parts, p)
		}
		return strings.Join(parts, sep), true
	}
	return "", false
}

func (s *Server) refValue(name string, phys map[string]string) (string, bool) {
	switch name {
	case "AWS::StackName":
		return s.scn.Stack.Name, true
	case "AWS::Region":
		return s.scn.Region, true
	case "AWS::AccountId":
		return s.scn.Account, true
	case "AWS::Partition":
		return "aws", true
	case "AWS::StackId":
		return s.scn.StackID(), true
	}
	if v, ok := s.scn.Stack.Parameters[name]; ok {
		return v, true
	}
	v, ok := phys[name]
	return v, ok && v != ""
}

func (s *Server) attValue(resource, attr string, phys map[string]string) (string, bool) {
	arn := phys[resource]
	lb, ok := s.scn.LoadBalancers[arn]
	if !ok {
		return "", false
	}
	switch attr {
	case "DNSName":
		return s.lbDNSName(arn, lb), true
	case "CanonicalHostedZoneID":
		return lbHostedZone, true
	case "LoadBalancerFullName":
		_, full, _ := strings.Cut(arn, ":loadbalancer/")
		return full, true
	}
	return "", false
}

func mapOf(v any) map[string]any {
	m, _ := v.(map[string]any)
	return m
}
