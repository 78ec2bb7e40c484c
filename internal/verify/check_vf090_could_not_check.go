package verify

import (
	"github.com/quiltdata/quilt-private-endpoints/internal/awserr"
	"github.com/quiltdata/quilt-private-endpoints/internal/finding"
)

func checkCouldNotCheck() finding.Check[*state] {
	c := finding.Check[*state]{Rule: finding.Rule{
		ID:       "QPE-VF-090",
		Severity: finding.Error,
		Title:    "every AWS call needed succeeded",
		Meaning: "An AWS call kept failing after the SDK's retries (access denied, throttling, a deleted resource, the " +
			"deadline): what it would have read is not verified, so the stack is not proven private.",
		Remedy: "Grant the read-only permissions listed in docs/verify.md (cloudformation:DescribeStacks, " +
			"ListStackResources, GetTemplate; lambda:GetFunctionConfiguration; apigateway:GET; synthetics:GetCanary, " +
			"GetCanaryRuns; elasticloadbalancing:DescribeLoadBalancers; ecs:DescribeServices; the ec2 Describe calls of " +
			"qpe check), or raise --timeout, and run qpe verify again.",
	}}
	c.Run = func(st *state) []finding.Finding {
		out := make([]finding.Finding, 0, len(st.failures))
		for _, f := range st.failures {
			out = append(out, c.New(f.resource, remedyFor(f.err, c.Remedy), "could not check %s: %v", f.what, f.err))
		}
		return out
	}
	return c
}

func remedyFor(err error, def string) string {
	return awserr.Remedy(err, awserr.Remedies{
		Deadline:  "the run hit its deadline: raise --timeout and run qpe verify again",
		NotFound:  "the stack lists a resource that no longer exists (deleted outside CloudFormation): update the stack so CloudFormation recreates it",
		Throttled: "AWS kept throttling the call after the SDK's retries: run qpe verify again in a minute, or lower --concurrency",
		Denied:    "grant the caller the read-only permission this call needs (the list is in docs/verify.md), then run qpe verify again",
		Default:   def,
	})
}
