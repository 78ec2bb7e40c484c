package enable

import (
	"context"
	"fmt"
	"strings"

	"github.com/quiltdata/quilt-private-endpoints/internal/livestack"
	"github.com/quiltdata/quilt-private-endpoints/internal/transform"
)

// publicLB is the public load balancer the host names move back to (qpe
// disable's DNS step): the first internet-facing application load balancer
// of the deployed template, read through the one live-stack reader, then
// elasticloadbalancing:DescribeLoadBalancers (its DNS name and hosted zone,
// for an alias record).
func (r *Result) publicLB(ctx context.Context) (*InternalLB, error) {
	st := r.stack
	ids := transform.PublicLoadBalancers(st.Processed, nil)
	if len(ids) == 0 {
		return nil, fmt.Errorf("stack %s has no internet-facing load balancer to point the host names back at", st.Name)
	}
	if len(ids) > 1 {
		r.step("the stack has %d internet-facing load balancers (%s): the host names go back to %s", len(ids), strings.Join(ids, ", "), ids[0])
	}
	lb, err := r.liveLB(ctx, func(res livestack.Resource) bool { return res.LogicalID == ids[0] })
	if lb != nil || err != nil {
		return lb, err
	}
	return nil, fmt.Errorf("stack %s lists no live load balancer %s (cloudformation:ListStackResources)", st.Name, ids[0])
}
