package enable

import (
	"context"
	"fmt"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	elbv2 "github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2"

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
	ls, err := livestack.Read(ctx, r.clients.CloudFormation, st.ID, livestack.Options{Parts: livestack.Resources})
	if err == nil {
		err = ls.Err(livestack.Resources)
	}
	if err != nil {
		return nil, fmt.Errorf("listing the stack's resources: %w", err)
	}
	for _, res := range ls.Resources {
		if res.LogicalID != ids[0] {
			continue
		}
		if r.clients.LoadBalancing == nil {
			return nil, fmt.Errorf("no load balancing client to read %s", res.LogicalID)
		}
		out, err := r.clients.LoadBalancing.DescribeLoadBalancers(ctx, &elbv2.DescribeLoadBalancersInput{LoadBalancerArns: []string{res.PhysicalID}})
		if err != nil {
			return nil, fmt.Errorf("reading load balancer %s (elasticloadbalancing:DescribeLoadBalancers): %w", res.LogicalID, err)
		}
		if len(out.LoadBalancers) != 1 {
			break
		}
		lb := out.LoadBalancers[0]
		return &InternalLB{LogicalID: res.LogicalID, DNSName: aws.ToString(lb.DNSName), CanonicalHostedZoneID: aws.ToString(lb.CanonicalHostedZoneId),
			From: "stack resource " + res.LogicalID}, nil
	}
	return nil, fmt.Errorf("stack %s lists no live load balancer %s (cloudformation:ListStackResources)", st.Name, ids[0])
}
