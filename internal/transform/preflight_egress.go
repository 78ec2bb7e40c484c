package transform

import (
	"maps"
	"path"
	"slices"
	"strings"

	"github.com/quiltdata/quilt-private-endpoints/internal/awsservices"
	"github.com/quiltdata/quilt-private-endpoints/internal/template"
)

// egressServices derives the AWS services the template's VPC resources
// call (awsservices names, sorted): the actions their roles allow (inline
// policies, managed policy resources and AWS::IAM::Policy resources of the
// template, known AWS-managed policies) and what the kind of resource
// needs by itself. A role from outside the template adds what a Quilt
// stack calls (awsservices.QuiltDefault), as does a template whose VPC
// resources name no role at all. Besides the roles: the registries of the
// images the VPC's ECS tasks and Lambda functions pull
// (awsservices.FromImage), and the key policies that grant KMS actions to
// those roles.
func egressServices(st *state) []any {
	attached := rolePolicyActions(st)
	var actions, names []string
	external, inVPC := false, false
	counted := map[string]bool{} // roles whose actions are in (many resources share one)
	roles := func(v any) {
		if v == nil {
			return // no role (an ECS task without a task role, say)
		}
		ids, ext := roleTargets(st, v)
		if len(ext) > 0 {
			external = true
		}
		for _, r := range ids {
			if st.typeOf(r) == "AWS::IAM::Role" && !counted[r] {
				counted[r] = true
				actions = append(actions, roleActionsBy(st, r, attached, mayAllowActions)...)
			}
		}
	}
	// task adds what the tasks of a task definition value call: their
	// roles and the registries of their images (ECS pulls the images
	// from the task's network).
	task := func(v any) {
		for _, td := range template.ReferencedIDs(v) {
			if st.typeOf(td) == "AWS::ECS::TaskDefinition" {
				tp := st.props(td)
				roles(tp["TaskRoleArn"])
				roles(tp["ExecutionRoleArn"])
				for _, c := range asList(tp["ContainerDefinitions"]) {
					if cm, ok := c.(map[string]any); ok {
						names = append(names, imageServices(cm["Image"])...)
					}
				}
			}
		}
	}
	// profile adds the roles of an instance profile value (of an EC2 host
	// in the VPC); a profile from outside the template is an external role.
	profile := func(v any) {
		if v == nil {
			return
		}
		found := false
		for _, ip := range template.ReferencedIDs(v) {
			if st.typeOf(ip) == "AWS::IAM::InstanceProfile" {
				found = true
				for _, r := range asList(st.props(ip)["Roles"]) {
					roles(r)
				}
			}
		}
		if !found {
			external = true
		}
	}
	for _, id := range st.ids {
		p := st.props(id)
		switch t := st.typeOf(id); t {
		case "AWS::AutoScaling::AutoScalingGroup", "AWS::EC2::Instance":
			if p["VPCZoneIdentifier"] == nil && p["SubnetId"] == nil && p["NetworkInterfaces"] == nil {
				continue
			}
			inVPC = true
			if t == "AWS::EC2::Instance" {
				profile(p["IamInstanceProfile"])
				continue
			}
			// The ASG's launch template or launch configuration.
			for _, lt := range template.ReferencedIDs([]any{p["LaunchTemplate"], p["MixedInstancesPolicy"], p["LaunchConfigurationName"]}) {
				switch st.typeOf(lt) {
				case "AWS::EC2::LaunchTemplate":
					data, _ := st.props(lt)["LaunchTemplateData"].(map[string]any)
					profile(data["IamInstanceProfile"])
				case "AWS::AutoScaling::LaunchConfiguration":
					profile(st.props(lt)["IamInstanceProfile"])
				}
			}
		case "AWS::Lambda::Function", "AWS::Serverless::Function":
			if vc, _ := p["VpcConfig"].(map[string]any); len(vc) == 0 {
				continue
			}
			inVPC = true
			if code, ok := p["Code"].(map[string]any); ok {
				names = append(names, imageServices(code["ImageUri"])...)
			}
			if p["ImageUri"] != nil { // AWS::Serverless::Function
				names = append(names, imageServices(p["ImageUri"])...)
			}
			if p["Role"] != nil {
				roles(p["Role"])
			} else if t == "AWS::Serverless::Function" {
				for _, pol := range asList(p["Policies"]) {
					actions = mayAllowActions(pol, actions)
					if name, ok := pol.(string); ok {
						actions = append(actions, awsservices.ManagedPolicyCallsOf(name)...)
					}
				}
			}
		case "AWS::ECS::Service":
			// In the VPC: awsvpc tasks, or tasks on EC2 hosts (the
			// hosts pull the images).
			if lt, _ := p["LaunchType"].(string); p["NetworkConfiguration"] == nil && lt != "EC2" {
				continue
			}
			inVPC = true
			actions = append(actions, awsservices.SelfCalls(t)...)
			task(p["TaskDefinition"])
		case "AWS::Events::Rule":
			// A scheduled ECS task in the VPC (EcsParameters with a
			// NetworkConfiguration) runs like a service's task.
			for _, tg := range asList(p["Targets"]) {
				tm, _ := tg.(map[string]any)
				ecs, _ := tm["EcsParameters"].(map[string]any)
				if ecs == nil || ecs["NetworkConfiguration"] == nil {
					continue
				}
				inVPC = true
				actions = append(actions, awsservices.SelfCalls("AWS::ECS::Service")...)
				task(ecs["TaskDefinitionArn"])
			}
		case "AWS::Synthetics::Canary":
			if p["VPCConfig"] == nil {
				continue
			}
			inVPC = true
			actions = append(actions, awsservices.SelfCalls(t)...)
			roles(p["ExecutionRoleArn"])
		}
	}
	for _, r := range assumedRoles(st, counted) {
		roles(map[string]any{"Ref": r})
	}
	actions = append(actions, keyPolicyActions(st, counted)...)
	names = append(names, awsservices.FromActions(st.req.Region, actions)...)
	if external || !inVPC {
		names = append(names, awsservices.QuiltDefault()...)
	}
	slices.Sort(names)
	return toAny(slices.Compact(names))
}

// imageServices are the services the pull of an image value reaches (a
// literal, Fn::Sub or Fn::Join; both branches of a Fn::If), by
// awsservices.FromImage on its text, with ${} where it is not literal.
func imageServices(v any) []string {
	if _, yes, no, ok := ifBranches(v); ok {
		return append(imageServices(yes), imageServices(no)...)
	}
	return awsservices.FromImage(exprText(v))
}

// exprText is the text of a string value: a literal as is, a Fn::Sub's
// string, a Fn::Join of its parts' texts; anything else is "${}".
func exprText(v any) string {
	switch t := v.(type) {
	case string:
		return t
	case map[string]any:
		if sub, ok := t["Fn::Sub"]; ok && len(t) == 1 {
			s, _, _ := template.SubArgs(sub)
			return s
		}
		if j, ok := t["Fn::Join"].([]any); ok && len(t) == 1 && len(j) == 2 {
			sep, _ := j[0].(string)
			parts := asList(j[1])
			out := make([]string, len(parts))
			for i, e := range parts {
				out[i] = exprText(e)
			}
			return strings.Join(out, sep)
		}
	}
	return "${}"
}

// assumedRoles are the template roles that the roles (by logical id), or
// roles these assume in turn, may assume (a trust policy statement allowing
// sts:AssumeRole to an AWS principal that refers to one of them): the VPC
// resource then calls AWS with their credentials from the VPC (Quilt's
// registry assumes the user roles). Sorted; roles is not changed.
func assumedRoles(st *state, roles map[string]bool) []string {
	have := maps.Clone(roles)
	var out []string
	for grew := true; grew; {
		grew = false
		for _, id := range st.ofType("AWS::IAM::Role") {
			if have[id] || !trusts(st.props(id)["AssumeRolePolicyDocument"], have) {
				continue
			}
			have[id] = true
			out = append(out, id)
			grew = true
		}
	}
	slices.Sort(out)
	return out
}

// trusts reports whether a trust policy lets one of the roles (by logical
// id) assume the role: an Allow statement with sts:AssumeRole (or a
// wildcard covering it) whose AWS principal refers to one of them.
func trusts(doc any, roles map[string]bool) bool {
	m, _ := doc.(map[string]any)
	for _, s := range asList(m["Statement"]) {
		stmt, _ := s.(map[string]any)
		pr, _ := stmt["Principal"].(map[string]any)
		if pr == nil || !slices.ContainsFunc(template.ReferencedIDs(pr["AWS"]), func(r string) bool { return roles[r] }) {
			continue
		}
		for _, a := range allowedActions(map[string]any{"Statement": []any{stmt}}, nil) {
			if ok, err := path.Match(strings.ToLower(a), "sts:assumerole"); err == nil && ok {
				return true
			}
		}
	}
	return false
}

// mayAllowActions appends the actions of a policy document's Allow
// statements, those a Fn::If chooses (either branch) included: what a role
// may call, the safe side for EgressServices (never for a permission check
// such as grantsENI, which needs what the role surely allows).
func mayAllowActions(doc any, out []string) []string {
	m, ok := doc.(map[string]any)
	if !ok {
		return out
	}
	var stmts []any
	var add func(any)
	add = func(s any) {
		if _, yes, no, ok := ifBranches(s); ok {
			add(yes)
			add(no)
			return
		}
		stmts = append(stmts, s)
	}
	for _, s := range asList(m["Statement"]) {
		add(s)
	}
	return allowedActions(map[string]any{"Statement": stmts}, out)
}

// keyPolicyActions are the actions the template's KMS key policies allow
// to the roles (by logical id): a statement whose AWS principal refers to
// one of them (Ref, Fn::GetAtt, Fn::Sub).
func keyPolicyActions(st *state, roles map[string]bool) []string {
	var out []string
	for _, id := range st.ofType("AWS::KMS::Key", "AWS::KMS::ReplicaKey") {
		doc, _ := st.props(id)["KeyPolicy"].(map[string]any)
		for _, s := range asList(doc["Statement"]) {
			stmt, _ := s.(map[string]any)
			pr, _ := stmt["Principal"].(map[string]any)
			if pr == nil || !slices.ContainsFunc(template.ReferencedIDs(pr["AWS"]), func(r string) bool { return roles[r] }) {
				continue
			}
			out = allowedActions(map[string]any{"Statement": []any{stmt}}, out)
		}
	}
	return out
}

// roleActions are the actions a template role allows: its inline policies,
// the managed policy resources and known AWS-managed policies it lists,
// and the policy resources attached to it (attached, from
// rolePolicyActions).
func roleActions(st *state, role string, attached map[string][]string) []string {
	return roleActionsBy(st, role, attached, allowedActions)
}

// roleActionsBy is roleActions with the function that reads a policy
// document's actions (allowedActions, or mayAllowActions for what the role
// may call).
func roleActionsBy(st *state, role string, attached map[string][]string, allow func(any, []string) []string) []string {
	p := st.props(role)
	actions := append([]string(nil), attached[role]...)
	for _, ref := range template.ReferencedIDs(p["ManagedPolicyArns"]) {
		if st.typeOf(ref) == "AWS::IAM::ManagedPolicy" {
			actions = allow(st.props(ref)["PolicyDocument"], actions)
		}
	}
	// The ARNs lowered once rather than once per policy.
	var arns []string
	collectStrings(p["ManagedPolicyArns"], func(s string) { arns = append(arns, strings.ToLower(s)) })
	actions = append(actions, awsservices.ManagedPolicyCalls(arns)...)
	for _, pol := range asList(p["Policies"]) {
		if m, ok := pol.(map[string]any); ok {
			actions = allow(m["PolicyDocument"], actions)
		}
	}
	return actions
}
