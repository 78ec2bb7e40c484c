package preflight

import (
	"cmp"
	"fmt"
	"maps"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2/types"

	"github.com/quiltdata/quilt-private-endpoints/internal/perimeter"
	"github.com/quiltdata/quilt-private-endpoints/internal/perimeter/policy"
)

// call is one request the stack makes through an endpoint. own: the
// resource is in the stack's account (else its account is not known, as
// for ECR's layer bucket, which AWS owns).
type call struct {
	action, resource string
	own              bool
}

// policyVerdict is what an endpoint policy says about the stack's calls.
type policyVerdict struct {
	denied   []string // "action on resource: reason"
	unproven []string // no Allow matched for an unknown principal
	err      error    // the policy could not be read or evaluated
}

// evaluatePolicy evaluates an endpoint's policy document for the calls,
// made through that endpoint (aws:SourceVpce, aws:SourceVpc) by a principal
// of the stack's account that is not known yet. An empty document is the
// default full-access policy.
func (inv *inventory) evaluatePolicy(e *types.VpcEndpoint, calls []call) policyVerdict {
	doc := aws.ToString(e.PolicyDocument)
	if strings.TrimSpace(doc) == "" {
		return policyVerdict{}
	}
	p, err := policy.Parse([]byte(doc))
	if err != nil {
		return policyVerdict{err: err}
	}
	ctx := map[string][]string{
		"aws:SourceVpce": {aws.ToString(e.VpcEndpointId)},
		"aws:SourceVpc":  {inv.in.VpcID},
	}
	acct := inv.account(e)
	if acct != "*" {
		ctx["aws:PrincipalAccount"] = []string{acct}
	}
	var v policyVerdict
	for _, c := range calls {
		cctx := maps.Clone(ctx)
		if c.own && acct != "*" {
			cctx["aws:ResourceAccount"] = []string{acct}
		}
		res, err := policy.Evaluate(p, policy.Request{Action: c.action, Resource: c.resource, Context: cctx})
		switch {
		case err != nil:
			return policyVerdict{err: fmt.Errorf("%s on %s: %w", c.action, c.resource, err)}
		case res.Decision == policy.Denied:
			v.denied = append(v.denied, fmt.Sprintf("%s on %s (%s)", c.action, c.resource, res.Reason))
		case res.ResourcePolicy && !res.AllowMatched:
			v.unproven = append(v.unproven, c.action+" on "+c.resource)
		}
	}
	return v
}

// account is the stack's account: the input's, else the endpoint owner's,
// else "*".
func (inv *inventory) account(e *types.VpcEndpoint) string {
	return cmp.Or(inv.in.AccountID, aws.ToString(e.OwnerId), "*")
}

// partition is the AWS partition of the Region, for ARNs.
func (inv *inventory) partition() string { return perimeter.PartitionOf(inv.in.Region) }
