package updatepath

import (
	"strings"

	"github.com/quiltdata/quilt-private-endpoints/internal/finding"
)

// ruleTargetGroup: a target group that two load balancers would hold
// during the update.
var ruleTargetGroup = finding.Rule{
	ID:       "QPE-UP-002",
	Severity: finding.Error,
	Title:    "a target group two load balancers would hold",
	Meaning: "A listener or rule created by the update (a replaced load balancer's new listeners and rules, say) " +
		"forwards to a target group that the old load balancer still holds until cleanup. ELBv2 allows one load " +
		"balancer per target group (not adjustable): creating it fails with TargetGroupAssociationLimit and the " +
		"update rolls back.",
	Remedy: "Replace the target groups with the load balancer: give them new logical ids (the listener rules' " +
		"actions and the ECS services' LoadBalancers follow; the services update in place), or a Name derived " +
		"from the load balancer's id.",
	Source: "update-path.md section 3; https://docs.aws.amazon.com/elasticloadbalancing/latest/application/load-balancer-limits.html",
}

func checkTargetGroup(m *model) []finding.Finding {
	oldH, newH := m.old.tgHolders(), m.new.tgHolders()
	var fs []finding.Finding
	for _, tg := range sortedKeys(newH) {
		if m.old.resources[tg] == nil || m.newPhysical(tg) {
			continue // a new target group: no old holder
		}
		// Physical load balancers holding tg while the update runs: the
		// old holders (alive until cleanup) and the new ones.
		physical := map[string]bool{}
		for _, h := range oldH[tg] {
			if h.LoadBalancer != "" {
				physical[h.LoadBalancer+" (deployed)"] = true
			}
		}
		var creators []string
		for _, h := range newH[tg] {
			if h.LoadBalancer == "" {
				continue
			}
			r := m.res[h.Via]
			if r == nil || (r.Action != Add && r.Action != Replace) {
				continue // an association that already exists
			}
			gen := " (deployed)"
			if m.newPhysical(h.LoadBalancer) || m.old.resources[h.LoadBalancer] == nil {
				gen = " (new)"
			}
			physical[h.LoadBalancer+gen] = true
			creators = append(creators, h.Via)
		}
		if len(physical) > 1 && len(creators) > 0 {
			fs = append(fs, ruleTargetGroup.New(tg, "",
				"%s would be held by %s at once: creating %s fails with TargetGroupAssociationLimit (one load balancer per target group)",
				tg, strings.Join(sortedSet(physical), " and "), strings.Join(creators, ", ")))
		}
	}
	return fs
}
