package transform

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"maps"
	"path"
	"slices"
	"strings"

	"github.com/awslabs/goformation/v7/cloudformation"

	"github.com/quiltdata/quilt-private-endpoints/internal/awsservices"
	contract "github.com/quiltdata/quilt-private-endpoints/internal/preflightcontract"
	"github.com/quiltdata/quilt-private-endpoints/internal/template"
)

// passPreflight adds the Custom::QuiltPrivateEndpoints resource that checks
// (validate) or creates (create) the network before anything private is
// created, and makes every rewritten resource depend on it.
func passPreflight(st *state) error {
	if st.set.PreflightMode == ModeNone {
		return nil
	}
	existing := st.resource(PreflightLogicalID)
	if existing == nil && len(st.rewritten) == 0 && len(st.privateAPIs) == 0 && len(st.moved) == 0 {
		return nil // nothing private in this template
	}
	if cur := existing; cur != nil && cur["Type"] != PreflightType {
		return &Error{Resource: PreflightLogicalID, Message: fmt.Sprintf("the template already has a %v with this logical id", cur["Type"]),
			Remedy: "rename that resource, or set PreflightMode to none"}
	}
	props := map[string]any{
		contract.PropServiceToken:   DefaultServiceToken(),
		contract.PropServiceTimeout: numberValue(PreflightServiceTimeout),
		contract.PropMode:           st.set.PreflightMode,
		contract.PropVpcID:          st.vpc(),
		contract.PropSubnetIDs:      st.subnets(),
		contract.PropAPIEndpointID:  st.param(st.set.EndpointParameter),
	}
	if st.set.ServiceToken != "" {
		props[contract.PropServiceToken] = st.set.ServiceToken
	}
	if b := bucketNames(st); len(b) > 0 {
		props[contract.PropBucketNames] = b
	}
	props[contract.PropEgressServices] = egressServices(st)
	if st.set.LoadBalancerScheme == "internal" {
		props[contract.PropUserSubnets] = st.param(st.set.UserSubnetsParameter)
	}
	if len(st.set.ClientCidrs) > 0 {
		props[contract.PropClientCidrs] = toAny(st.set.ClientCidrs)
	}
	if st.set.EndpointPrivateDNS && st.set.PreflightMode == ModeCreate {
		props[contract.PropEndpointPrivateDNS] = "true"
	}
	want, err := fromGoformation(&cloudformation.CustomResource{Type: PreflightType, Properties: props})
	if err != nil {
		return err
	}
	if v, ok := want["Version"]; ok && v == "" {
		delete(want, "Version")
	}
	if existing != nil {
		keepUserProperties(existing, want, st.set.ServiceToken != "")
		// passPreflightSeal sets these last; keep them meanwhile, so that
		// only a real change of the other properties counts as one.
		cur, _ := existing["Properties"].(map[string]any)
		props, _ := want["Properties"].(map[string]any)
		for _, k := range []string{contract.PropFingerprint, contract.PropWarnings} {
			if v, ok := cur[k]; ok && props != nil {
				props[k] = v
			}
		}
	}
	if cur := st.resource(PreflightLogicalID); cur == nil {
		st.add(PreflightLogicalID, want)
		st.change("preflight", PreflightLogicalID, "added %s (mode %s)", PreflightType, st.set.PreflightMode)
	} else if !template.Equal(cur["Properties"], want["Properties"]) {
		st.edit(PreflightLogicalID)["Properties"] = want["Properties"]
		st.change("preflight", PreflightLogicalID, "updated properties (mode %s)", st.set.PreflightMode)
	}
	if st.set.PreflightMode == ModeCreate {
		conds := template.Section(st.doc, "Conditions")
		want := map[string]any{"Fn::Equals": []any{st.param(st.set.EndpointParameter), ""}}
		if cur, ok := conds[CreateEndpointCondition]; !ok || !template.Equal(cur, want) {
			st.section("Conditions")[CreateEndpointCondition] = want
			st.change("preflight", "Conditions."+CreateEndpointCondition, "added: true when %s is empty, so the preflight creates the endpoint", st.set.EndpointParameter)
		}
	}
	waitForPreflight(st)
	return nil
}

// waitForPreflight makes every resource wait for the preflight, directly or
// through its dependencies, except the ones the preflight itself needs (its
// own references and DependsOn, transitively). A resource rewritten by a
// pass gets a DependsOn of its own (unless it references the preflight: a
// DependsOn beside a Ref or GetAtt is redundant, cfn-lint W3005); any other
// one gets it only when none of its dependencies already waits. A path
// through a resource with a Condition does not count: it may not exist.
func waitForPreflight(st *state) {
	deps := depsOf(st)
	upstream := template.NewGraph(st.ids, deps).Upstream(PreflightLogicalID)
	waits := map[string]bool{PreflightLogicalID: true}
	add := func(id string) {
		template.AddDependsOn(st.edit(id), PreflightLogicalID)
		st.change("preflight", id, "DependsOn += %s", PreflightLogicalID)
		waits[id] = true
	}
	for _, id := range st.ids {
		if !st.rewritten[id] || id == PreflightLogicalID {
			continue
		}
		switch {
		case slices.Contains(deps(id), PreflightLogicalID):
			waits[id] = true
		case upstream[id]:
			st.warn(tfPreflightCycle, id, "%s depends on it (DependsOn or a reference), so it cannot also wait for the preflight without a circular dependency; it is created before the network is checked",
				PreflightLogicalID)
		default:
			add(id)
		}
	}
	for _, id := range template.NewGraph(st.ids, deps).Order() {
		if waits[id] || upstream[id] {
			continue
		}
		reached := false
		for _, d := range deps(id) {
			if waits[d] && (d == PreflightLogicalID || st.resource(d)["Condition"] == nil) {
				reached = true
				break
			}
		}
		if reached {
			waits[id] = true
		} else {
			add(id)
		}
	}
}

// depsOf returns template.ResourceDeps by logical id, walking each
// resource's Properties once: the DependsOn is read on every call
// (waitForPreflight adds to it), the Properties must not change meanwhile.
func depsOf(st *state) func(id string) []string {
	refs := map[string][]string{}
	return func(id string) []string {
		r := st.resource(id)
		props, ok := refs[id]
		if !ok {
			props = template.ReferencedIDs(r["Properties"])
			refs[id] = props
		}
		deps, _ := template.DependsOn(r)
		return append(deps, props...)
	}
}

// bucketNames lists the buckets the preflight checks the Region of: the
// BucketNames setting, then the template's data bucket parameters, told
// apart as String parameters named ...Bucket or ...BucketName that the
// template's resources use and that are not a trail or log bucket (never
// CloudTrailBucket: an organisation trail bucket, typically in another
// account, read by CloudTrail and Athena, not through the gateway endpoint).
func bucketNames(st *state) []any {
	out := toAny(st.set.BucketNames)
	params := template.Section(st.doc, "Parameters")
	var candidates []string
	for _, name := range template.SortedKeys(params) {
		p, _ := params[name].(map[string]any)
		if t, _ := p["Type"].(string); t != "String" {
			continue
		}
		if !strings.HasSuffix(name, "Bucket") && !strings.HasSuffix(name, "BucketName") {
			continue
		}
		desc, _ := p["Description"].(string)
		if l := strings.ToLower(name + " " + desc); strings.Contains(l, "trail") || strings.Contains(l, "log") {
			continue
		}
		candidates = append(candidates, name)
	}
	// Which of them the resources use: the walk stops when all are found.
	used := map[string]bool{}
	for _, name := range candidates {
		used[name] = false
	}
	left := len(candidates)
	for _, id := range st.ids {
		if left == 0 {
			break
		}
		for _, r := range template.ReferencedIDs(st.resource(id)) {
			if seen, ok := used[r]; ok && !seen {
				used[r] = true
				left--
			}
		}
	}
	for _, name := range candidates {
		if used[name] {
			out = append(out, map[string]any{"Ref": name})
		}
	}
	return out
}

func toAny(l []string) []any {
	out := make([]any, len(l))
	for i, s := range l {
		out[i] = s
	}
	return out
}

// selfNeeds are the calls a kind of VPC resource makes by itself, whatever
// its role allows: an ECS task pulls its image from ECR (the layers from
// S3) and ships its logs; a canary stores its artifacts in S3 and puts
// metrics. A Lambda function needs nothing from the VPC for itself (its
// logs go through the Lambda service).
var selfNeeds = map[string][]string{
	"AWS::ECS::Service":       {"ecr:BatchGetImage", "ecr:GetAuthorizationToken", "s3:GetObject", "logs:PutLogEvents"},
	"AWS::Synthetics::Canary": {"s3:PutObject", "cloudwatch:PutMetricData"},
}

// managedPolicyCalls maps the AWS-managed policies a Quilt stack's roles
// use to representative actions of the calls they allow from the network.
var managedPolicyCalls = map[string][]string{
	"AWSLambdaVPCAccessExecutionRole":  nil, // network interfaces: Lambda's own calls
	"AWSLambdaBasicExecutionRole":      nil, // logs: through the Lambda service
	"AmazonECSTaskExecutionRolePolicy": {"ecr:BatchGetImage", "logs:PutLogEvents"},
	"AmazonEventBridgeFullAccess":      {"events:PutEvents"},
	"CloudWatchSyntheticsFullAccess":   {"synthetics:DescribeCanaries", "s3:PutObject", "cloudwatch:PutMetricData"},
	"AmazonS3ReadOnlyAccess":           {"s3:GetObject"},
	"AmazonS3FullAccess":               {"s3:PutObject"},
	"AmazonSQSFullAccess":              {"sqs:SendMessage"},
	"AmazonSNSFullAccess":              {"sns:Publish"},
	"AmazonAthenaFullAccess":           {"athena:StartQueryExecution", "glue:GetTable", "s3:GetObject"},
	"CloudWatchAgentServerPolicy":      {"cloudwatch:PutMetricData", "logs:PutLogEvents"},
	"AmazonSSMManagedInstanceCore":     {"ssm:GetParameter", "ssmmessages:OpenDataChannel", "ec2messages:GetMessages"},
	// The ECS container agent of an EC2 host: registration, work polling
	// (ecs-agent), telemetry (ecs-telemetry), image pulls and logs.
	"AmazonEC2ContainerServiceforEC2Role": {"ecs:RegisterContainerInstance", "ecs:Poll", "ecs:StartTelemetrySession", "ecr:BatchGetImage", "logs:PutLogEvents"},
}

// managedPolicyPaths are, by managedPolicyCalls name, the lowered ARN
// paths a ManagedPolicyArns entry names the policy by: policy/NAME and
// policy/service-role/NAME (derived once, never changed).
var managedPolicyPaths = func() map[string][2]string {
	out := make(map[string][2]string, len(managedPolicyCalls))
	for name := range managedPolicyCalls {
		l := strings.ToLower(name)
		out[name] = [2]string{"policy/" + l, "policy/service-role/" + l}
	}
	return out
}()

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
						actions = append(actions, managedPolicyCalls[name]...)
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
			actions = append(actions, selfNeeds[t]...)
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
				actions = append(actions, selfNeeds["AWS::ECS::Service"]...)
				task(ecs["TaskDefinitionArn"])
			}
		case "AWS::Synthetics::Canary":
			if p["VPCConfig"] == nil {
				continue
			}
			inVPC = true
			actions = append(actions, selfNeeds[t]...)
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
	// mentions, with the ARNs lowered once rather than once per policy.
	var arns []string
	collectStrings(p["ManagedPolicyArns"], func(s string) { arns = append(arns, strings.ToLower(s)) })
	mention := func(sub string) bool {
		return slices.ContainsFunc(arns, func(a string) bool { return strings.Contains(a, sub) })
	}
	for name, calls := range managedPolicyCalls {
		if len(arns) > 0 && (mention(managedPolicyPaths[name][0]) || mention(managedPolicyPaths[name][1])) {
			actions = append(actions, calls...)
		}
	}
	for _, pol := range asList(p["Policies"]) {
		if m, ok := pol.(map[string]any); ok {
			actions = allow(m["PolicyDocument"], actions)
		}
	}
	return actions
}

// keepUserProperties carries over what a preflight resource already in the
// template sets and the engine does not own: its ServiceToken (unless the
// ServiceToken setting is given), its BucketNames and any other property.
func keepUserProperties(existing, want map[string]any, tokenSetting bool) {
	cur, _ := existing["Properties"].(map[string]any)
	props, _ := want["Properties"].(map[string]any)
	if cur == nil || props == nil {
		return
	}
	for k, v := range cur {
		switch {
		case k == contract.PropServiceToken:
			if !tokenSetting && v != nil {
				props[k] = v
			}
		case slices.Contains(contract.MacroOwned(), k):
		default:
			props[k] = v
		}
	}
}

// Bounds of the MacroWarnings property (it must stay small: the custom
// resource's Reason is at most 4 KB).
const (
	maxWarnings     = 20
	maxWarningBytes = 300
)

// passPreflightSeal runs after every other pass: it gives the preflight the
// macro's warnings (MacroWarnings, which the custom resource reports in its
// Data summary and its Reason) and the Fingerprint, so that the preflight
// runs on every stack update. The Fingerprint is the sha256 of the rendered
// template without the Fingerprint itself, joined with every parameter's
// value through a Ref (a list parameter joined with commas): a change of the
// template or of a parameter value changes it, identical input gives an
// identical value. NoEcho parameters are left out: their values must not be
// copied into a property, which CloudFormation shows and sends in events.
func passPreflightSeal(st *state) error {
	if st.set.PreflightMode == ModeNone || st.typeOf(PreflightLogicalID) != PreflightType {
		return nil
	}
	props := st.editProps(PreflightLogicalID)
	old := props[contract.PropFingerprint]
	delete(props, contract.PropFingerprint)
	// The warnings of this run, and those already there: a run on the
	// macro's own output (which warns of nothing it already did) keeps them.
	ws := make([]string, 0, len(st.warnings))
	for _, w := range st.warnings {
		ws = append(ws, warningText(w))
	}
	for _, w := range asList(props[contract.PropWarnings]) {
		if s, ok := w.(string); ok && !strings.HasPrefix(s, "... and ") {
			ws = append(ws, s)
		}
	}
	delete(props, contract.PropWarnings)
	slices.Sort(ws)
	ws = slices.Compact(ws)
	if len(ws) > maxWarnings {
		ws = append(ws[:maxWarnings-1], fmt.Sprintf("... and %d more warnings (see the macro's log)", len(ws)-maxWarnings+1))
	}
	for i, w := range ws {
		if len(w) > maxWarningBytes {
			ws[i] = strings.ToValidUTF8(w[:maxWarningBytes-3], "") + "..."
		}
	}
	if len(ws) > 0 {
		props[contract.PropWarnings] = toAny(ws)
	}
	fp, err := fingerprint(st)
	if err != nil {
		return err
	}
	props[contract.PropFingerprint] = fp
	if old != nil && !template.Equal(old, fp) {
		st.change("preflight", PreflightLogicalID, "Fingerprint updated (the template or its parameters changed)")
	}
	return nil
}

// fingerprint is the preflight's Fingerprint value for the template as it
// is now (the preflight's own Fingerprint removed by the caller).
func fingerprint(st *state) (any, error) {
	doc := shallow(st.doc)
	doc["Resources"] = st.res
	h := sha256.New()
	// The bytes of json.Marshal (map keys sorted: deterministic), streamed.
	if err := template.WriteMarshal(h, doc); err != nil {
		return nil, fmt.Errorf("transform: fingerprint: %w", err)
	}
	sum := h.Sum(nil)
	parts := []any{"sha256:" + hex.EncodeToString(sum[:16])}
	params := template.Section(st.doc, "Parameters")
	for _, name := range template.SortedKeys(params) {
		p, _ := params[name].(map[string]any)
		if strings.EqualFold(fmt.Sprint(p["NoEcho"]), "true") {
			continue
		}
		ref := map[string]any{"Ref": name}
		if t, _ := p["Type"].(string); strings.Contains(t, "List<") || t == "CommaDelimitedList" {
			parts = append(parts, map[string]any{"Fn::Join": []any{",", ref}})
		} else {
			parts = append(parts, ref)
		}
	}
	if len(parts) == 1 {
		return parts[0], nil
	}
	return map[string]any{"Fn::Join": []any{"|", parts}}, nil
}
