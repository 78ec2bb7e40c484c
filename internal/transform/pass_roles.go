package transform

import (
	"fmt"
	"slices"
	"strings"

	"github.com/quiltdata/quilt-private-endpoints/internal/perimeter/policy"
	"github.com/quiltdata/quilt-private-endpoints/internal/template"
)

// vpcAccessPolicyArn is the partition-aware managed policy ARN.
func vpcAccessPolicyArn() any {
	return map[string]any{"Fn::Sub": "arn:${AWS::Partition}:iam::aws:policy/service-role/" + VPCAccessPolicy}
}

// passRoles gives each in-template execution role of a moved function or
// canary the AWSLambdaVPCAccessExecutionRole managed policy, unless it
// already grants ec2:CreateNetworkInterface. Roles from outside the
// template are reported.
func passRoles(st *state) error {
	users := map[string][]string{}
	for _, id := range resMoved.of(st).Sorted() {
		key := "Role"
		if st.typeOf(id) == "AWS::Synthetics::Canary" {
			key = "ExecutionRoleArn"
		}
		v, ok := st.props(id)[key]
		if !ok {
			if st.typeOf(id) == "AWS::Serverless::Function" {
				continue // SAM's generated role gets the VPC policy from SAM itself
			}
			st.warn(tfRoleUnchecked, id, "has no %s; give it an execution role with %s", key, VPCAccessPolicy)
			continue
		}
		roles, external := roleTargets(st, v)
		for _, r := range roles {
			users[r] = append(users[r], id)
		}
		for _, e := range external {
			st.warn(tfExternalRole, id, "execution role %s is defined outside the template; make sure it grants %s (ec2:CreateNetworkInterface, ec2:DescribeNetworkInterfaces, ec2:DeleteNetworkInterface), or the function cannot start in the VPC",
				e, VPCAccessPolicy)
		}
	}
	attached := rolePolicyActions(st)
	for _, role := range template.SortedKeys(toAnyMap(users)) {
		fns := users[role]
		if t := st.typeOf(role); t != "AWS::IAM::Role" {
			st.warn(tfRoleUnchecked, role, "execution role of %s is a %s, not an AWS::IAM::Role; check that it grants %s", strings.Join(fns, ", "), t, VPCAccessPolicy)
			continue
		}
		if grantsENI(st, role, attached) {
			continue
		}
		if st.excluded[role] {
			st.warn(tfExcludedRole, role, "excluded by the Exclude setting; it must grant %s itself, because these now run in the VPC: %s", VPCAccessPolicy, strings.Join(fns, ", "))
			continue
		}
		cur := st.props(role)["ManagedPolicyArns"]
		nv, ok := appendPolicy(cur)
		if !ok {
			st.warn(tfRolePolicyIntrinsic, role, "ManagedPolicyArns is built by an intrinsic function the macro cannot extend; add %s to it (used by %s)", VPCAccessPolicy, strings.Join(fns, ", "))
			continue
		}
		st.editProps(role)["ManagedPolicyArns"] = nv
		st.change("roles", role, "added managed policy %s (for %s)", VPCAccessPolicy, strings.Join(fns, ", "))
		resRewritten.of(st).Add(role)
	}
	return nil
}

func toAnyMap(m map[string][]string) map[string]any {
	out := make(map[string]any, len(m))
	for k, v := range m {
		out[k] = v
	}
	return out
}

// roleTargets returns the in-template resources a role value names and a
// description of each role that comes from outside the template.
func roleTargets(st *state, v any) (ids, external []string) {
	if _, yes, no, ok := ifBranches(v); ok {
		for _, b := range []any{yes, no} {
			if template.IsNoValue(b) {
				continue
			}
			i, e := roleTargets(st, b)
			ids = append(ids, i...)
			external = append(external, e...)
		}
		return ids, external
	}
	switch t := v.(type) {
	case string:
		return nil, []string{fmt.Sprintf("%q", t)}
	case map[string]any:
		refs := template.ReferencedIDs(t)
		if len(refs) == 0 {
			return nil, []string{describe(t, "")}
		}
		for _, r := range refs {
			switch {
			case strings.HasPrefix(r, "AWS::"):
			case st.resource(r) != nil:
				ids = append(ids, r)
			default:
				external = append(external, fmt.Sprintf("from parameter %s", r))
			}
		}
		if len(ids) == 0 && len(external) == 0 {
			external = append(external, describe(t, ""))
		}
		return ids, external
	}
	return nil, []string{describe(v, "")}
}

// grantsENI reports whether a role already has the VPC access permissions:
// the managed policy (in any form), or Allow statements covering
// ec2:CreateNetworkInterface, ec2:DescribeNetworkInterfaces and
// ec2:DeleteNetworkInterface (which Lambda checks when it puts a function
// into a VPC) across its inline policies, in-template managed policies and
// the AWS::IAM::Policy resources attached to it.
func grantsENI(st *state, role string, attached map[string][]string) bool {
	if mentions(st.props(role)["ManagedPolicyArns"], VPCAccessPolicy) {
		return true
	}
	return coversENI(roleActions(st, role, attached))
}

// rolePolicyActions returns, per role, the actions that in-template
// AWS::IAM::Policy, ManagedPolicy and RolePolicy resources attached to it
// allow.
func rolePolicyActions(st *state) map[string][]string {
	out := map[string][]string{}
	for _, id := range st.ofType("AWS::IAM::Policy", "AWS::IAM::ManagedPolicy", "AWS::IAM::RolePolicy") {
		pp := st.props(id)
		actions := allowedActions(pp["PolicyDocument"], nil)
		if len(actions) == 0 {
			continue
		}
		for _, ref := range append(template.ReferencedIDs(pp["Roles"]), template.ReferencedIDs(pp["RoleName"])...) {
			out[ref] = append(out[ref], actions...)
		}
	}
	return out
}

// allowedActions appends the action patterns of a policy document's Allow
// statements.
func allowedActions(doc any, out []string) []string {
	m, ok := doc.(map[string]any)
	if !ok {
		return out
	}
	for _, s := range asList(m["Statement"]) {
		stmt, ok := s.(map[string]any)
		if !ok {
			continue
		}
		if e, _ := stmt["Effect"].(string); !strings.EqualFold(e, "Allow") {
			continue
		}
		for _, a := range asList(stmt["Action"]) {
			if s, ok := a.(string); ok {
				out = append(out, s)
			}
		}
	}
	return out
}

// coversENI reports whether the action patterns allow every EC2 call that
// Lambda checks the execution role for, matched as IAM matches them
// (perimeter/policy: * and ? only, case-insensitive).
func coversENI(patterns []string) bool {
	for _, want := range [...]string{"ec2:CreateNetworkInterface", "ec2:DescribeNetworkInterfaces", "ec2:DeleteNetworkInterface"} {
		if !slices.ContainsFunc(patterns, func(p string) bool { return policy.MatchAction(p, want) }) {
			return false
		}
	}
	return true
}

// appendPolicy adds the VPC access policy to a ManagedPolicyArns value.
func appendPolicy(v any) (any, bool) {
	if cond, yes, no, ok := ifBranches(v); ok {
		ny, oy := appendPolicy(yes)
		nn, on := appendPolicy(no)
		if !oy || !on {
			return nil, false
		}
		return map[string]any{"Fn::If": []any{cond, ny, nn}}, true
	}
	switch t := v.(type) {
	case nil:
		return []any{vpcAccessPolicyArn()}, true
	case []any:
		return append(append([]any(nil), t...), vpcAccessPolicyArn()), true
	case map[string]any:
		if template.IsNoValue(t) {
			return []any{vpcAccessPolicyArn()}, true
		}
	}
	return nil, false
}
