package updatepath

import (
	"github.com/quiltdata/quilt-private-endpoints/internal/finding"
	"github.com/quiltdata/quilt-private-endpoints/internal/template"
)

// ruleGeofence: a WAF geo-match block rule on a load balancer that becomes
// internal.
var ruleGeofence = finding.Rule{
	ID:       "QPE-UP-007",
	Severity: finding.Error,
	Title:    "a WAF geo-match block on a load balancer that becomes internal",
	Meaning: "The load balancer becomes internal but its web ACL keeps a Block rule built on a GeoMatchStatement. " +
		"Private (RFC 1918) client addresses have no country, so WAF sets \"-\" and a block-unless-country rule " +
		"blocks every private client: the catalog is silently unreachable.",
	Remedy: "Drop the geo-match rule (or the web ACL association) when the load balancer is internal, or restrict " +
		"by client CIDR with an IP set instead (in Quilt: WAFGeofenceCountries '*').",
	Source: "update-path.md section 5; https://docs.aws.amazon.com/waf/latest/developerguide/logging-fields.html",
}

func checkGeofence(m *model) []finding.Finding {
	var fs []finding.Finding
	for _, id := range sortedKeys(m.new.resources) {
		a := m.new.resources[id]
		if a.Type != "AWS::WAFv2::WebACLAssociation" {
			continue
		}
		lb := m.new.resources[m.new.refTarget(a, "ResourceArn")]
		acl := m.new.resources[m.new.refTarget(a, "WebACLArn")]
		if lb == nil || acl == nil || !m.becomesInternal(lb.ID) {
			continue
		}
		for _, rule := range geoBlockRules(acl.Props) {
			fs = append(fs, ruleGeofence.New(id, "",
				"%s becomes internal but web ACL %s keeps the geo-match block rule %s (via %s): private clients have no country and are all blocked",
				lb.ID, acl.ID, rule, id))
		}
	}
	return fs
}

// becomesInternal reports whether a load balancer is internal in the new
// template and was not (or did not exist) in the deployed one.
func (m *model) becomesInternal(id string) bool {
	scheme := func(s *side) string {
		p := s.props(id)
		if p == nil {
			return ""
		}
		if v, ok := p["Scheme"].(string); ok {
			return v
		}
		return "internet-facing"
	}
	return scheme(m.new) == "internal" && scheme(m.old) != "internal"
}

// geoBlockRules names the web ACL's rules that block on a geo match.
func geoBlockRules(props map[string]any) []string {
	var out []string
	rules, _ := props["Rules"].([]any)
	for i, r := range rules {
		rm, _ := r.(map[string]any)
		act, _ := rm["Action"].(map[string]any)
		if _, block := act["Block"]; !block || !hasGeoMatch(rm["Statement"]) {
			continue
		}
		name, _ := rm["Name"].(string)
		if name == "" {
			name = "Rules[" + itoa(i) + "]"
		}
		out = append(out, name)
	}
	return out
}

func hasGeoMatch(v any) bool {
	switch t := v.(type) {
	case map[string]any:
		if _, ok := t["GeoMatchStatement"]; ok {
			return true
		}
		for _, k := range template.SortedKeys(t) {
			if hasGeoMatch(t[k]) {
				return true
			}
		}
	case []any:
		for _, x := range t {
			if hasGeoMatch(x) {
				return true
			}
		}
	}
	return false
}
