package verify

import (
	"strings"

	"github.com/quiltdata/quilt-private-endpoints/internal/finding"
)

func checkLBInternalExists() finding.Check[*state] {
	c := finding.Check[*state]{Rule: finding.Rule{
		ID:       "QPE-VF-041",
		Severity: finding.Error,
		Title:    "the internal load balancer the render's settings ask for exists",
		Meaning: "The render's recorded settings say LoadBalancerScheme=internal, but the stack has no internal load " +
			"balancer: the template's load balancers are all internet-facing, or the internal one the render made is not " +
			"among the stack's resources. Users on the private network have no way to the catalog, and the template is " +
			"not the render the settings describe.",
		Remedy: "Update the stack with a render of its template with these settings (qpe enable --stack S), and read " +
			"the change set first; if the last update rolled back, fix its first failure (QPE-VF-001).",
		Source: "docs/transform.md (Stable identity and what a render records)",
	}}
	c.Run = func(st *state) []finding.Finding {
		internal, _ := st.render.internalScheme()
		if !internal || st.template == nil {
			return nil
		}
		if len(st.internalLBs) == 0 && len(st.publicLBs) > 0 {
			return []finding.Finding{c.New(st.stackName, "",
				"the render's settings ask for an internal load balancer (LoadBalancerScheme=internal) but every load balancer of the stack is internet-facing (%s)",
				strings.Join(st.publicLBs, ", "))}
		}
		var out []finding.Finding
		for _, id := range st.render.info.Resources {
			r, _ := st.template["Resources"].(map[string]any)[id].(map[string]any)
			if r["Type"] != typeLB || st.physical[id] != "" {
				continue
			}
			out = append(out, c.New(id, "",
				"the render made internal load balancer %s (LoadBalancerScheme=internal) but the stack has no physical resource for it", id))
		}
		return out
	}
	return c
}
