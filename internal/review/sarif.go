package review

import (
	"strings"

	"github.com/quiltdata/quilt-private-endpoints/internal/finding"
	"github.com/quiltdata/quilt-private-endpoints/internal/sarif"
)

// SARIFItems are the review's risks as SARIF items: one per resource, with
// that resource's note; a risk about no resource is one item with its
// notes.
func SARIFItems(rs []Risk) []sarif.Item {
	var out []sarif.Item
	for _, k := range rs {
		sev := finding.Severity(k.Severity)
		if len(k.Resources) == 0 {
			msg := k.Title
			if len(k.Notes) > 0 {
				msg += ": " + strings.Join(k.Notes, "; ")
			}
			out = append(out, sarif.Item{Finding: finding.Finding{ID: k.ID, Severity: sev, Message: msg, Remedy: k.Action}})
			continue
		}
		for _, res := range k.Resources {
			msg := k.Title + " (" + res + ")"
			for _, n := range k.Notes {
				if strings.HasPrefix(n, res+":") || strings.HasPrefix(n, res+" (") {
					msg = k.Title + ": " + n
				}
			}
			out = append(out, sarif.Item{Finding: finding.Finding{ID: k.ID, Severity: sev, Resource: res, Message: msg, Remedy: k.Action}, Where: []string{res}})
		}
	}
	return out
}
