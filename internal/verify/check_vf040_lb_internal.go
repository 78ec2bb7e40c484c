package verify

import (
	"github.com/aws/aws-sdk-go-v2/aws"
	elbtypes "github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2/types"

	"github.com/quiltdata/quilt-private-endpoints/internal/finding"
)

func checkLBInternal() finding.Check[*state] {
	c := finding.Check[*state]{Rule: finding.Rule{
		ID:       "QPE-VF-040",
		Severity: finding.Error,
		Title:    "the load balancer is internal when the template asks for it",
		Meaning: "The processed template gives the load balancer Scheme internal (the Private Endpoints macro does with " +
			"LoadBalancerScheme=internal), or the render's recorded settings retire the public side (PublicLoadBalancer=retire), " +
			"but the live load balancer is internet-facing: the catalog is still reachable from the internet, the change did not apply.",
		Remedy: "Update the stack again: a new Scheme replaces the load balancer (CloudFormation creates the internal one on " +
			"UserSubnets, then deletes the old), so read the change set first; if the last update rolled back, fix its " +
			"first failure (QPE-VF-001).",
		Source: "https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-elasticloadbalancingv2-loadbalancer.html#cfn-elasticloadbalancingv2-loadbalancer-scheme",
	}}
	c.Run = func(st *state) []finding.Finding {
		var out []finding.Finding
		for _, lb := range st.lbs {
			if lb.lb == nil || !lb.wantInternal || lb.lb.Scheme == elbtypes.LoadBalancerSchemeEnumInternal {
				continue
			}
			scheme := string(lb.lb.Scheme)
			if scheme == "" {
				scheme = "of an unknown scheme"
			}
			out = append(out, c.New(lb.name(), "",
				"load balancer %s is %s (DNS name %s) although %s",
				lb.name(), scheme, aws.ToString(lb.lb.DNSName), lb.wantFrom))
		}
		return out
	}
	return c
}
