package verify

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
	elbv2 "github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2"
	"github.com/aws/smithy-go"

	"github.com/quiltdata/quilt-private-endpoints/internal/fanout"
)

// ecsBatch is how many services one DescribeServices call may name.
const ecsBatch = 10

// expectLB reads the Scheme the processed template asks for.
func (st *state) expectLB(r res) *lbState {
	scheme, _ := st.resolveString(st.properties(r.logical)["Scheme"])
	lb := &lbState{res: r, wantInternal: scheme == "internal", wantFrom: "the processed template asks for Scheme internal"}
	if lb.wantInternal {
		st.internalLBs = append(st.internalLBs, r.logical)
	} else {
		st.publicLBs = append(st.publicLBs, r.logical)
	}
	if _, retire := st.render.internalScheme(); retire && !lb.wantInternal {
		lb.wantInternal, lb.wantFrom = true, "the render's settings retire the public side (PublicLoadBalancer=retire): no load balancer of the stack may stay internet-facing"
	}
	return lb
}

// expectService works out the service's cluster and whether the template
// itself asks for public addresses.
func (st *state) expectService(r res) *serviceState {
	s := &serviceState{res: r}
	props := st.properties(r.logical)
	if _, rest, ok := strings.Cut(r.physical, ":service/"); ok {
		if c, _, long := strings.Cut(rest, "/"); long {
			s.cluster = c
		}
	}
	if s.cluster == "" {
		if c, ok := st.resolveString(props["Cluster"]); ok {
			s.cluster = c
		}
	}
	if i := strings.LastIndex(s.cluster, ":cluster/"); i >= 0 {
		s.cluster = s.cluster[i+len(":cluster/"):]
	}
	if s.cluster == "" {
		s.cluster = "default"
	}
	nc, _ := props["NetworkConfiguration"].(map[string]any)
	vc, _ := nc["AwsvpcConfiguration"].(map[string]any)
	if v, ok := st.resolveString(vc["AssignPublicIp"]); ok {
		s.templatePublic = strings.EqualFold(v, "ENABLED")
	}
	return s
}

// readLBs reads each load balancer the template wants internal, one
// DescribeLoadBalancers call each (a stack has one or two).
func (st *state) readLBs(c Clients, g *fanout.Group[read]) {
	for _, lb := range st.lbs {
		if lb.physical == "" {
			st.fail(lb.name(), "the load balancer", fmt.Errorf("the stack has no physical id for it (status %s)", lb.status))
			continue
		}
		g.Go(read{lb.name(), "the load balancer (DescribeLoadBalancers)"}, func(ctx context.Context) error {
			out, err := c.LoadBalancing.DescribeLoadBalancers(ctx, &elbv2.DescribeLoadBalancersInput{LoadBalancerArns: []string{lb.physical}})
			if err == nil && len(out.LoadBalancers) == 1 {
				lb.lb = &out.LoadBalancers[0]
			} else if err == nil {
				err = fmt.Errorf("DescribeLoadBalancers returned %d load balancers for one ARN", len(out.LoadBalancers))
			}
			return err
		})
	}
}

// readServices reads the ECS services, by cluster, ten per
// DescribeServices call; a service ECS reports as a failure (MISSING) is a
// QPE-VF-090 finding.
func (st *state) readServices(c Clients, g *fanout.Group[read]) {
	byCluster := map[string][]*serviceState{}
	var clusters []string
	for _, s := range st.services {
		if s.physical == "" {
			st.fail(s.name(), "the ECS service", fmt.Errorf("the stack has no physical id for it (status %s)", s.status))
			continue
		}
		if byCluster[s.cluster] == nil {
			clusters = append(clusters, s.cluster)
		}
		byCluster[s.cluster] = append(byCluster[s.cluster], s)
	}
	slices.Sort(clusters)
	for _, cluster := range clusters {
		for batch := range slices.Chunk(byCluster[cluster], ecsBatch) {
			refs := make([]string, len(batch))
			for i, s := range batch {
				refs[i] = s.physical
			}
			// One call for the batch; its failure is each service's.
			g.Go(read{"ECS services " + strings.Join(refs, ", "), "the ECS services (DescribeServices)"}, func(ctx context.Context) error {
				out, err := c.ECS.DescribeServices(ctx, &ecs.DescribeServicesInput{Cluster: aws.String(cluster), Services: refs})
				for _, s := range batch {
					if err != nil {
						st.fail(s.name(), "the ECS service (DescribeServices)", err)
						continue
					}
					st.matchService(s, out)
				}
				return nil
			})
		}
	}
}

// matchService finds s in the answer, by ARN or name.
func (st *state) matchService(s *serviceState, out *ecs.DescribeServicesOutput) {
	for i, sv := range out.Services {
		if aws.ToString(sv.ServiceArn) == s.physical || aws.ToString(sv.ServiceName) == s.physical {
			s.svc = &out.Services[i]
			return
		}
	}
	reason := "not in the answer"
	for _, f := range out.Failures {
		if a := aws.ToString(f.Arn); a == s.physical || strings.HasSuffix(a, "/"+s.physical) {
			reason = aws.ToString(f.Reason)
		}
	}
	// ECS's MISSING: the service is gone (deleted outside CloudFormation).
	st.fail(s.name(), "the ECS service (DescribeServices)", &smithy.GenericAPIError{Code: "ResourceNotFoundException",
		Message: fmt.Sprintf("ECS answers %s for it in cluster %s", reason, s.cluster)})
}
