package enable

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	elbv2 "github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2"

	"github.com/quiltdata/quilt-private-endpoints/internal/livestack"
)

// InternalLB is the load balancer the host names move to: the internal one
// with qpe enable, the public one with qpe disable.
type InternalLB struct {
	// LogicalID is its logical id (<lb>Internal).
	LogicalID string `json:"logicalId"`
	DNSName   string `json:"dnsName"`
	// CanonicalHostedZoneID is its hosted zone, for an alias record.
	CanonicalHostedZoneID string `json:"canonicalHostedZoneId,omitempty"`
	// From says where enable read it: the stack's outputs or its
	// resources.
	From string `json:"from"`
}

// DNSRecord is one record to change: the host name, its type and the
// value it must hold, and what it resolves to from here.
type DNSRecord struct {
	Host  string `json:"host"`
	Type  string `json:"type"`
	Value string `json:"value"`
	// Resolves is the chain seen from this machine (the host, then the
	// CNAME targets).
	Resolves []string `json:"resolves,omitempty"`
	Moved    bool     `json:"moved"`
	Problem  string   `json:"problem,omitempty"`
}

// Output key suffixes of the internal side (the shared contract:
// <lb>InternalDNSName, <lb>InternalCanonicalHostedZoneID).
const (
	outInternalDNS  = "InternalDNSName"
	outInternalZone = "InternalCanonicalHostedZoneID"
)

// internalLB reads the internal load balancer's DNS name from the stack's
// outputs, else from its resources (the <lb>Internal load balancer, through
// the one live-stack reader, then elasticloadbalancing:DescribeLoadBalancers).
func (r *Result) internalLB(ctx context.Context) (*InternalLB, error) {
	st := r.stack
	var keys []string
	for k := range st.Outputs {
		if strings.HasSuffix(k, outInternalDNS) {
			keys = append(keys, k)
		}
	}
	slices.Sort(keys)
	if len(keys) > 0 {
		id := strings.TrimSuffix(keys[0], "DNSName")
		return &InternalLB{LogicalID: id, DNSName: st.Outputs[keys[0]], CanonicalHostedZoneID: st.Outputs[strings.TrimSuffix(id, "Internal")+outInternalZone],
			From: "stack output " + keys[0]}, nil
	}
	lb, err := r.liveLB(ctx, func(res livestack.Resource) bool {
		return res.Type == "AWS::ElasticLoadBalancingV2::LoadBalancer" && strings.HasSuffix(res.LogicalID, "Internal")
	})
	if lb != nil || err != nil {
		return lb, err
	}
	return nil, fmt.Errorf("stack %s has no internal load balancer: no output *%s and no load balancer resource *Internal", st.Name, outInternalDNS)
}

// liveLB reads the DNS name and zone of the first of the stack's load
// balancers that match, through the one live-stack reader and
// elasticloadbalancing:DescribeLoadBalancers; nil when none is live.
func (r *Result) liveLB(ctx context.Context, match func(livestack.Resource) bool) (*InternalLB, error) {
	ls, err := livestack.Read(ctx, r.clients.CloudFormation, r.stack.ID, livestack.Options{Parts: livestack.Resources})
	if err == nil {
		err = ls.Err(livestack.Resources)
	}
	if err != nil {
		return nil, fmt.Errorf("listing the stack's resources: %w", err)
	}
	for _, res := range ls.Resources {
		if !match(res) {
			continue
		}
		if r.clients.LoadBalancing == nil {
			return nil, fmt.Errorf("no load balancing client to read %s", res.LogicalID)
		}
		out, err := r.clients.LoadBalancing.DescribeLoadBalancers(ctx, &elbv2.DescribeLoadBalancersInput{LoadBalancerArns: []string{res.PhysicalID}})
		if err != nil {
			return nil, fmt.Errorf("reading load balancer %s (elasticloadbalancing:DescribeLoadBalancers): %w", res.LogicalID, err)
		}
		if len(out.LoadBalancers) == 1 {
			lb := out.LoadBalancers[0]
			return &InternalLB{LogicalID: res.LogicalID, DNSName: aws.ToString(lb.DNSName), CanonicalHostedZoneID: aws.ToString(lb.CanonicalHostedZoneId),
				From: "stack resource " + res.LogicalID}, nil
		}
	}
	return nil, nil
}
