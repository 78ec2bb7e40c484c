package updatepath

import (
	"github.com/quiltdata/quilt-private-endpoints/internal/finding"
	"github.com/quiltdata/quilt-private-endpoints/internal/sarif"
)

// SARIFItems are the plan's blockers (errors) and warnings.
func SARIFItems(p *Plan) []sarif.Item {
	var out []sarif.Item
	for _, list := range []struct {
		sev finding.Severity
		bs  []Blocker
	}{{finding.Error, p.Rollout.Blockers}, {finding.Warning, p.Rollout.Warnings}} {
		for _, b := range list.bs {
			out = append(out, sarif.Item{Finding: finding.Finding{ID: b.ID, Severity: list.sev, Resource: b.Resource, Message: b.Detail, Remedy: b.Recovery},
				Where: []string{b.Resource}})
		}
	}
	return out
}
