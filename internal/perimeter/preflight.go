package perimeter

import (
	"fmt"
	"strings"

	"github.com/quiltdata/quilt-private-endpoints/internal/perimeter/policy"
)

// PathPreflight: the preflight function of the Private Endpoints backend
// makes the call with its own role. It runs outside the VPC (it must answer
// CloudFormation however broken the VPC is), so its calls come from Lambda's
// public addresses and carry no aws:SourceVpc.
const PathPreflight Path = "preflight"

// preflightRole is the example name of the backend's preflight role.
const preflightRole = "quilt-private-endpoints-PreflightRole"

// PreflightCalls lists the calls the preflight function makes, read-only
// (what templates/template.yaml grants PreflightRole to read): the network
// Describe calls and, on the stack's data buckets, their Region.
func (s *Spec) PreflightCalls() []StackCall {
	const network = "network checks"
	bucket := fmt.Sprintf("arn:%s:s3:::%sdata", s.Partition, s.BucketPrefix)
	calls := []StackCall{
		{"bucket Region checks", "s3:GetBucketLocation", bucket, PathPreflight},
		{"bucket Region checks", "s3:ListBucket", bucket, PathPreflight},
	}
	for _, a := range []string{"DescribeNatGateways", "DescribeRouteTables", "DescribeSecurityGroups", "DescribeSubnets", "DescribeVpcAttribute", "DescribeVpcEndpoints", "DescribeVpcs"} {
		calls = append(calls, StackCall{network, "ec2:" + a, "*", PathPreflight})
	}
	return calls
}

// PreflightWarnings evaluates the preflight function's calls against the
// SCP text, without and with the exempt tag on its role, and says which it
// denies and how to exempt the role (none when it denies none).
func (s *Spec) PreflightWarnings(policyText []byte) ([]string, error) {
	p, err := policy.Parse(policyText)
	if err != nil {
		return nil, err
	}
	var denied []StackCall
	stillDenied := false
	for _, c := range s.PreflightCalls() {
		res, err := policy.Evaluate(p, s.Request(c, exampleServiceIP))
		if err != nil {
			return nil, fmt.Errorf("evaluating %s: %w", c.Action, err)
		}
		if res.Decision != policy.Denied {
			continue
		}
		denied = append(denied, c)
		tagged := s.Request(c, exampleServiceIP)
		tagged.Context["aws:PrincipalTag/"+s.ExemptTag] = []string{"true"}
		if res, err = policy.Evaluate(p, tagged); err != nil {
			return nil, fmt.Errorf("evaluating %s: %w", c.Action, err)
		}
		stillDenied = stillDenied || res.Decision == policy.Denied
	}
	if len(denied) == 0 {
		return nil, nil
	}
	fix := fmt.Sprintf("tag its role %s=true: deploy the Private Endpoints backend (templates/template.yaml) with PerimeterExemptTag=%s", s.ExemptTag, s.ExemptTag)
	if stillDenied {
		fix = "the exempt tag does not lift the denial: trust the preflight's calls another way (e.g. --scope s3), or the update fails at its first check"
	}
	return []string{fmt.Sprintf(
		"the preflight function of the Private Endpoints backend runs outside the VPC (its calls carry no aws:SourceVpc and come from Lambda's public addresses), so this policy denies its calls: %s; it then cannot read what it checks, and its checks fail or are skipped on every stack update. %s.",
		describeCalls(denied), strings.ToUpper(fix[:1])+fix[1:])}, nil
}
