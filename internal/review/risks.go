package review

import (
	"fmt"
	"slices"
	"strings"

	"github.com/quiltdata/quilt-private-endpoints/internal/cfnspec"
	"github.com/quiltdata/quilt-private-endpoints/internal/finding"
	"github.com/quiltdata/quilt-private-endpoints/internal/template"
	"github.com/quiltdata/quilt-private-endpoints/internal/updatepath"
)

const vpcAccessPolicyName = "AWSLambdaVPCAccessExecutionRole"

// Risk is something that can go wrong, with the resources it applies to
// and what to do about it. Its ID is its rule's catalogue id (QPE-RV-nnn,
// the README's), Name the risk's short name (RiskReplacement, ...); Title,
// Detail and Action are its rule's title, meaning and remedy.
type Risk struct {
	ID        string   `json:"id"`
	Name      string   `json:"name"`
	Severity  string   `json:"severity"`
	Title     string   `json:"title"`
	Detail    string   `json:"detail"`
	Action    string   `json:"action"`
	Resources []string `json:"resources"`
	// Notes are per-resource specifics ("SearchIndexer: role !Ref X").
	Notes []string `json:"notes,omitempty"`
}

// riskInput is what the risk checks read: the review's input, the report's
// resource diff, and the transform's facts.
type riskInput struct {
	in    Input
	r     *Report
	spec  *cfnspec.Spec
	after map[string]any // Resources of in.After
	moved []string       // functions the engine puts into the VPC
}

// riskCheck is a review risk: its rule (id QPE-RV-nnn), the stable name
// its Risk carries, and the check. A check reports one finding per
// resource (Message: the resource's note, if any), or resourceless notes.
type riskCheck struct {
	name  string
	check finding.Check[*riskInput]
}

// riskChecks are the review's risks, one file each (risk_*.go), in id
// order (the report's order).
func riskChecks() []riskCheck {
	return []riskCheck{
		{RiskExternalRole, finding.Check[*riskInput]{Rule: ruleExternalRole, Run: checkExternalRole}},
		{RiskNoEdgeRollback, finding.Check[*riskInput]{Rule: ruleNoEdgeRollback, Run: checkPrivateAPIs}},
		{RiskPrivateCallers, finding.Check[*riskInput]{Rule: rulePrivateCallers, Run: checkPrivateCallers}},
		{RiskPrivateDNS, finding.Check[*riskInput]{Rule: rulePrivateDNS, Run: checkPrivateDNS}},
		{RiskVPCDeletion, finding.Check[*riskInput]{Rule: ruleVPCDeletion, Run: checkVPCDeletion}},
		{RiskNATPerimeter, finding.Check[*riskInput]{Rule: ruleNATPerimeter, Run: checkNATPerimeter}},
		{RiskHTTPAPIPublic, finding.Check[*riskInput]{Rule: ruleHTTPAPIPublic, Run: checkHTTPAPIPublic}},
		{RiskReplacement, finding.Check[*riskInput]{Rule: ruleReplacement, Run: checkReplacement}},
		{RiskEngineWarnings, finding.Check[*riskInput]{Rule: ruleEngineWarnings, Run: checkEngineWarnings}},
		{RiskPublicFunctionURL, finding.Check[*riskInput]{Rule: rulePublicFunctionURL, Run: checkPublicFunctionURL}},
	}
}

// Rules lists the review's risk rules, in id order (for the README).
func Rules() []finding.Rule {
	var cs []finding.Check[*riskInput]
	for _, rc := range riskChecks() {
		cs = append(cs, rc.check)
	}
	return finding.NewCatalogue(cs...).Rules()
}

// risks decides which risks apply to this change.
func risks(in Input, r *Report, spec *cfnspec.Spec) []Risk {
	c := &riskInput{in: in, r: r, spec: spec, after: template.Resources(in.After), moved: slices.Clone(in.Moved)}
	slices.Sort(c.moved)
	var out []Risk
	for _, rc := range riskChecks() {
		fs := rc.check.Run(c)
		if len(fs) == 0 {
			continue
		}
		k := Risk{ID: rc.check.ID, Name: rc.name, Severity: string(rc.check.Severity), Title: rc.check.Title, Detail: rc.check.Meaning, Action: rc.check.Remedy, Resources: []string{}}
		for _, f := range fs {
			if f.Resource != "" {
				k.Resources = append(k.Resources, f.Resource)
			}
			if f.Message != "" {
				k.Notes = append(k.Notes, f.Message)
			}
		}
		k.Resources = dedupe(k.Resources)
		out = append(out, k)
	}
	return out
}

// note builds a risk finding: the resource and its note ("" for none).
func note(rule finding.Rule, resource, text string) finding.Finding {
	return finding.Finding{ID: rule.ID, Severity: rule.Severity, Resource: resource, Message: text, Remedy: rule.Remedy}
}

// touches reports whether a resource's property changes include prop.
func touches(res Resource, prop string) bool {
	for _, c := range res.Changes {
		if c.Attribute == "Properties" && (c.Path == prop || strings.HasPrefix(c.Path, prop+".") || strings.HasPrefix(c.Path, prop+"[")) {
			return true
		}
	}
	return false
}

// becamePrivate reports a REST API whose endpoint configuration changed and
// now says PRIVATE, with its endpoint type before.
func becamePrivate(res Resource, ar map[string]any) (before string, ok bool) {
	if res.Type != "AWS::ApiGateway::RestApi" && res.Type != "AWS::Serverless::Api" {
		return "", false
	}
	if !touches(res, "EndpointConfiguration") {
		return "", false
	}
	m, _ := ar[res.LogicalID].(map[string]any)
	ec := template.Section(m, "Properties")["EndpointConfiguration"]
	if !strings.Contains(Short(ec), "PRIVATE") {
		return "", false
	}
	for _, c := range res.Changes {
		if c.Path == "EndpointConfiguration.Types" || c.Path == "EndpointConfiguration.Types[0]" ||
			c.Path == "EndpointConfiguration.Type" || c.Path == "EndpointConfiguration" {
			before = c.Before
		}
	}
	if res.Action == ActionAdd {
		before = ""
	}
	return before, true
}

func dedupe(l []string) []string {
	out := l[:0:0]
	seen := map[string]bool{}
	for _, s := range l {
		if !seen[s] {
			seen[s] = true
			out = append(out, s)
		}
	}
	return out
}

// replacementNote says what a replacement means for the types Private
// Endpoints replaces.
func replacementNote(typ, id string, ar map[string]any) string {
	switch typ {
	case "AWS::ECS::TaskDefinition":
		var users []string
		for _, sid := range template.SortedKeys(ar) {
			m, _ := ar[sid].(map[string]any)
			if m["Type"] != "AWS::ECS::Service" {
				continue
			}
			if ref, ok := template.Ref(template.Section(m, "Properties")["TaskDefinition"]); ok && ref == id {
				users = append(users, sid)
			}
		}
		if len(users) == 0 {
			return "A new task definition revision"
		}
		return "A new task definition revision: the services that use it (" + strings.Join(users, ", ") + ") start new tasks and stop the old ones (a rolling deployment)"
	case "AWS::ElasticLoadBalancingV2::LoadBalancer":
		return "A new load balancer with a new DNS name: DNS records (CNAME or alias) that point at the old one must follow, and users lose the catalog until they do"
	case "AWS::EC2::SecurityGroup":
		return "A new security group id: rules elsewhere that name the old group must follow"
	}
	return ""
}

// customName is the name property (cfnspec's NameProperty, as for
// updatepath's QPE-UP-004) a replaced resource keeps: set after the change
// to the value it had before, so the new copy cannot take the name. ""
// when the type has none, or the name is unset or changes.
func customName(res Resource, before, after map[string]any, spec *cfnspec.Spec) string {
	prop := spec.NameProperty(res.Type)
	if prop == "" {
		return ""
	}
	ob, _ := before[res.LogicalID].(map[string]any)
	na, _ := after[res.LogicalID].(map[string]any)
	n, ok := template.Section(na, "Properties")[prop]
	if !ok || !template.Equal(template.Section(ob, "Properties")[prop], n) {
		return ""
	}
	return prop
}

// RiskRule returns the rule of a risk by its catalogue id (Risk.ID) or
// its short name (Risk.Name).
func RiskRule(name string) (finding.Rule, bool) {
	for _, rc := range riskChecks() {
		if rc.name == name || rc.check.ID == name {
			return rc.check.Rule, true
		}
	}
	return finding.Rule{}, false
}

// outsideSteps are the steps outside the stack that the risks call for,
// before the update: users' routes to a private API's endpoint, the data
// perimeter's entries for calls through the NAT, the ENI permissions of
// roles from outside the template.
func outsideSteps(rs []Risk) []updatepath.Step {
	var out []updatepath.Step
	for _, k := range rs {
		var what string
		switch k.ID {
		case rulePrivateCallers.ID:
			what = "route users' networks (VPN, Direct Connect) to the execute-api endpoint and allow TCP 443 from them in its security group: " +
				strings.Join(k.Resources, ", ") + " answer only through it"
		case ruleNATPerimeter.ID:
			what = "data perimeter: list the NAT gateways' Elastic IPs in aws:SourceIp, or the VPC in aws:SourceVpc with VPC endpoints (qpe perimeter), for " +
				clipList(k.Resources, 3)
		case ruleExternalRole.ID:
			what = "attach AWSLambdaVPCAccessExecutionRole to the execution roles from outside the template of " + clipList(k.Resources, 3)
		default:
			continue
		}
		out = append(out, updatepath.Step{When: updatepath.StepBefore, What: what, Rule: k.ID})
	}
	return out
}

// clipList joins the first n items and counts the others.
func clipList(l []string, n int) string {
	if len(l) <= n {
		return strings.Join(l, ", ")
	}
	return strings.Join(l[:n], ", ") + fmt.Sprintf(" and %d more", len(l)-n)
}
