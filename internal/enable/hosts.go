package enable

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/quiltdata/quilt-private-endpoints/internal/template"
	"github.com/quiltdata/quilt-private-endpoints/internal/updatepath"
)

// hostNames are the host names users reach the catalog by: those of the
// load balancers' listener rules, resolved with the stack's parameter
// values. They come from the availability model's entry points (one home
// for reading listener rules), computed on the deployed template.
func (r *Result) hostNames(ctx context.Context) ([]string, error) {
	st := r.stack
	p, err := updatepath.Compute(ctx, updatepath.Input{
		Deployed: st.Processed, New: st.Processed, DeployedParams: st.Parameters, NewParams: st.Parameters,
		Partition: st.Partition, Region: st.Region, AccountID: st.AccountID, StackName: st.Name, Today: r.input.Now(),
	})
	if err != nil {
		return nil, fmt.Errorf("reading the host names of the listener rules: %w", err)
	}
	res := template.Resources(st.Processed)
	var hosts, unresolved []string
	for _, e := range p.Rollout.Availability.Entries {
		m, _ := res[e.Entry].(map[string]any)
		if m["Type"] != "AWS::ElasticLoadBalancingV2::ListenerRule" || e.Host == "*" || strings.HasPrefix(e.Host, "*/") {
			continue
		}
		h, _, _ := strings.Cut(e.Host, "/") // the rule's path patterns follow the host
		switch {
		case strings.Contains(h, "${") || strings.ContainsAny(h, "*?"):
			unresolved = append(unresolved, e.Entry+": "+h)
		case h != "":
			hosts = append(hosts, strings.ToLower(h))
		}
	}
	slices.Sort(hosts)
	hosts = slices.Compact(hosts)
	if len(unresolved) > 0 {
		r.step("host names enable cannot resolve (point them at the internal load balancer yourself): %s", strings.Join(slices.Compact(unresolved), "; "))
	}
	if len(hosts) == 0 {
		return nil, fmt.Errorf("stack %s's listener rules name no host name to move (host-header conditions)", st.Name)
	}
	return hosts, nil
}
