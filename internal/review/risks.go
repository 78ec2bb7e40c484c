package review

import (
	"sort"
	"strings"

	"github.com/quiltdata/quilt-private-endpoints/internal/cfnspec"
	"github.com/quiltdata/quilt-private-endpoints/internal/template"
)

// Risk ids, stable: documentation and tooling refer to them.
const (
	RiskExternalRole    = "external-role"
	RiskNoEdgeRollback  = "no-edge-rollback"
	RiskPrivateDNS      = "private-dns"
	RiskPrivateCallers  = "private-api-callers"
	RiskVPCDeletion     = "vpc-function-deletion"
	RiskNATPerimeter    = "nat-perimeter"
	RiskHTTPAPIPublic   = "http-api-public"
	RiskReplacement     = "replacement"
	RiskEngineWarnings  = "engine-warnings"
	vpcAccessPolicyName = "AWSLambdaVPCAccessExecutionRole"
)

// Risk is something that can go wrong, with the resources it applies to
// and what to do about it.
type Risk struct {
	ID        string   `json:"id"`
	Title     string   `json:"title"`
	Detail    string   `json:"detail"`
	Action    string   `json:"action"`
	Resources []string `json:"resources"`
	// Notes are per-resource specifics ("SearchIndexer: role !Ref X").
	Notes []string `json:"notes,omitempty"`
}

// risks decides which risks apply to this change.
func risks(in Input, r *Report, spec *cfnspec.Spec) []Risk {
	ar := template.Resources(in.After)
	changed := map[string]*Resource{}
	for i := range r.Resources {
		changed[r.Resources[i].LogicalID] = &r.Resources[i]
	}
	moved := movedFunctions(in, r)
	var out []Risk

	// Roles from outside the template.
	var ext, extNotes []string
	for _, id := range moved {
		m, _ := ar[id].(map[string]any)
		props := template.Section(m, "Properties")
		if role, external := roleRef(props["Role"], ar); external {
			ext = append(ext, id)
			extNotes = append(extNotes, id+": role "+role)
		}
	}
	if len(ext) > 0 {
		out = append(out, Risk{
			ID:    RiskExternalRole,
			Title: "Execution roles from outside the template need the ENI permissions",
			Detail: "These functions move into the VPC but their execution role is not a role of this template, so the macro cannot attach " +
				vpcAccessPolicyName + ". Lambda needs ec2:CreateNetworkInterface, ec2:DescribeNetworkInterfaces, ec2:DeleteNetworkInterface, " +
				"ec2:AssignPrivateIpAddresses, ec2:UnassignPrivateIpAddresses and ec2:DescribeSubnets; without them the update fails with " +
				"\"The provided execution role does not have permissions to call CreateNetworkInterface on EC2\".",
			Action:    "Attach the managed policy service-role/" + vpcAccessPolicyName + " (arn:aws:iam::aws:policy/service-role/" + vpcAccessPolicyName + ", or the same under your partition) to each role below before executing the changeset.",
			Resources: ext,
			Notes:     extNotes,
		})
	}

	// REST APIs made private.
	var private, privNotes []string
	for _, res := range r.Resources {
		if res.Action != ActionModify && res.Action != ActionAdd {
			continue
		}
		if before, ok := becamePrivate(res, ar); ok {
			private = append(private, res.LogicalID)
			if before != "" {
				privNotes = append(privNotes, res.LogicalID+": endpoint type was "+before)
			}
		}
	}
	if len(private) > 0 {
		out = append(out, Risk{
			ID:    RiskNoEdgeRollback,
			Title: "Turning the feature off later: a PRIVATE API can go back to REGIONAL, not to EDGE",
			Detail: "API Gateway changes an endpoint type in place from EDGE or REGIONAL to PRIVATE, and from PRIVATE to REGIONAL, " +
				"but not from PRIVATE to EDGE. Removing Private Endpoints later leaves these APIs REGIONAL; getting EDGE back means a new API " +
				"(a new id and default hostname).",
			Action:    "Keep a record of each API's previous endpoint type (listed here); to turn the feature off, plan for REGIONAL (GovCloud already uses REGIONAL).",
			Resources: private,
			Notes:     privNotes,
		}, Risk{
			ID:    RiskPrivateCallers,
			Title: "Once private, the REST API answers only through the execute-api endpoint",
			Detail: "The specification calls the endpoint change an update without interruption, but from the new deployment on, callers that do not " +
				"come through the listed execute-api endpoint get 403 Forbidden. " +
				"The web catalog calls the API from the user's browser: users must reach the endpoint (VPN, Direct Connect or a network routed to the VPC).",
			Action:    "Make sure users' networks route to the execute-api endpoint and its security group allows TCP 443 from them before executing.",
			Resources: private,
		}, Risk{
			ID:    RiskPrivateDNS,
			Title: "Private DNS on the execute-api endpoint breaks calls from that VPC to public APIs",
			Detail: "With private DNS enabled on the execute-api interface endpoint, every call from that VPC to a public API's default hostname " +
				"({api-id}.execute-api.{region}.amazonaws.com), any team's, fails with 403. The rewritten references use the endpoint alias " +
				"{api-id}-{vpce-id}.execute-api.{region}.amazonaws.com, which works without private DNS.",
			Action:    "Agree with the VPC's owner before enabling private DNS on the endpoint; public APIs called from the VPC then need a custom domain name.",
			Resources: private,
		})
	}

	// Functions now in the VPC.
	if len(moved) > 0 {
		out = append(out, Risk{
			ID:    RiskVPCDeletion,
			Title: "Deleting VPC-attached functions can take 20-45 minutes",
			Detail: "Once these functions are in the VPC, deleting them (stack deletion, a rollback, turning the feature off) waits for Lambda to " +
				"release their network interfaces: 20-45 minutes, with the stack showing DELETE_IN_PROGRESS.",
			Action:    "Allow for it in maintenance windows and rollbacks; do not cancel or retry the stack operation meanwhile.",
			Resources: moved,
		})
	}

	// Everything now on private IPs leaves through the NAT.
	var natty []string
	natty = append(natty, moved...)
	for _, res := range r.Resources {
		if res.Action != ActionModify {
			continue
		}
		switch res.Type {
		case "AWS::ECS::Service":
			if touches(res, "NetworkConfiguration") {
				natty = append(natty, res.LogicalID)
			}
		case "AWS::Synthetics::Canary":
			if touches(res, "VPCConfig") {
				natty = append(natty, res.LogicalID)
			}
		}
	}
	if len(natty) > 0 {
		sort.Strings(natty)
		out = append(out, Risk{
			ID:    RiskNATPerimeter,
			Title: "A data perimeter that does not list the NAT's public IPs denies calls that leave through the NAT",
			Detail: "These now run on private IPs and reach AWS services through the NAT gateway unless a VPC endpoint serves them. Calls " +
				"through the NAT carry the NAT's Elastic IP as aws:SourceIp and no aws:SourceVpc: an SCP or bucket policy that allows only " +
				"corporate CIDRs or listed VPCs denies them. A perimeter wider than S3 also denies Lambda's own ENI management " +
				"(ec2:CreateNetworkInterface with the execution role, made by the Lambda service from AWS's network) unless the role is exempt.",
			Action:    "List the NAT gateways' Elastic IPs in the perimeter's aws:SourceIp, or serve the calls through VPC endpoints and list the VPC in aws:SourceVpc (qpe check, qpe perimeter).",
			Resources: natty,
		})
	}

	// HTTP and WebSocket APIs stay public.
	var httpAPIs []string
	for _, id := range template.SortedKeys(ar) {
		m, _ := ar[id].(map[string]any)
		if typ, _ := m["Type"].(string); typ == "AWS::ApiGatewayV2::Api" || typ == "AWS::Serverless::HttpApi" {
			httpAPIs = append(httpAPIs, id)
		}
	}
	if len(httpAPIs) > 0 {
		out = append(out, Risk{
			ID:        RiskHTTPAPIPublic,
			Title:     "HTTP and WebSocket APIs are left public",
			Detail:    "API Gateway HTTP and WebSocket APIs cannot be private. These were excluded from the rewrite and stay reachable from the internet.",
			Action:    "Make sure each one has an authorizer, or move its routes to a REST API that can be private.",
			Resources: httpAPIs,
		})
	}

	// Replacements.
	var repl, replNotes []string
	for _, res := range r.Resources {
		if res.Action != ActionModify || res.Behavior != cfnspec.Replacement {
			continue
		}
		repl = append(repl, res.LogicalID)
		var props []string
		for _, c := range res.Changes {
			if c.Behavior == cfnspec.Replacement {
				props = append(props, c.Path)
			}
		}
		note := res.LogicalID + " (" + res.Type + "): " + strings.Join(dedupe(props), ", ")
		if extra := replacementNote(res.Type, res.LogicalID, ar); extra != "" {
			note += ". " + extra
		}
		if names := customNames(res, ar, spec); len(names) > 0 {
			note += ". It has a custom name (" + strings.Join(names, ", ") + "): CloudFormation cannot replace a custom-named resource " +
				"and the update fails (\"CloudFormation cannot update a stack when a custom-named resource requires replacing\"); remove the name or rename it in the same update"
		}
		replNotes = append(replNotes, note)
	}
	for _, res := range r.Resources {
		if res.Action == ActionRename {
			repl = append(repl, res.LogicalID)
			replNotes = append(replNotes, res.LogicalID+" ("+res.Type+"): new logical id, replaces "+res.RenamedFrom)
		}
	}
	if len(repl) > 0 {
		sort.Strings(repl)
		sort.Strings(replNotes)
		out = append(out, Risk{
			ID:    RiskReplacement,
			Title: "Resources replaced",
			Detail: "CloudFormation creates a new resource and then deletes the old one: a new physical id, ARN or DNS name. " +
				"Anything outside the stack that points at the old one (DNS records, bookmarks, allow-lists) must follow.",
			Action:    "Check each replaced resource below for references from outside the stack.",
			Resources: repl,
			Notes:     replNotes,
		})
	}

	if len(in.Warnings) > 0 {
		ws := append([]string{}, in.Warnings...)
		sort.Strings(ws)
		out = append(out, Risk{
			ID:     RiskEngineWarnings,
			Title:  "The engine reported warnings",
			Detail: "Things the macro left alone or could not decide; each one needs a look.",
			Action: "Read each warning below.",
			Notes:  ws,
		})
	}
	for i := range out {
		if out[i].Resources == nil {
			out[i].Resources = []string{}
		}
		out[i].Resources = dedupe(out[i].Resources)
	}
	return out
}

// movedFunctions lists the functions that gain a VpcConfig.
func movedFunctions(in Input, r *Report) []string {
	var out []string
	globals := false
	for _, c := range r.Sections {
		if c.Attribute == "Globals" && strings.HasPrefix(c.Path, "Function.VpcConfig") {
			globals = true
		}
	}
	ar := template.Resources(in.After)
	for _, res := range r.Resources {
		if !isFunction(res.Type) || res.Action == ActionRemove {
			continue
		}
		if touches(res, "VpcConfig") {
			out = append(out, res.LogicalID)
			continue
		}
		if globals && res.Type == "AWS::Serverless::Function" {
			m, _ := ar[res.LogicalID].(map[string]any)
			if _, own := template.Section(m, "Properties")["VpcConfig"]; !own {
				out = append(out, res.LogicalID)
			}
		}
	}
	if globals {
		for _, id := range template.SortedKeys(ar) {
			m, _ := ar[id].(map[string]any)
			if m["Type"] != "AWS::Serverless::Function" {
				continue
			}
			if _, own := template.Section(m, "Properties")["VpcConfig"]; !own {
				out = append(out, id)
			}
		}
	}
	sort.Strings(out)
	return dedupe(out)
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

// customNames lists the name properties a resource sets that the
// specification says are Immutable (Name, FunctionName, GroupName, ...).
func customNames(res Resource, ar map[string]any, spec *cfnspec.Spec) []string {
	m, _ := ar[res.LogicalID].(map[string]any)
	var out []string
	for _, p := range template.SortedKeys(template.Section(m, "Properties")) {
		if !strings.HasSuffix(p, "Name") {
			continue
		}
		if u, ok := spec.Lookup(res.Type, p); ok && u == cfnspec.Immutable {
			out = append(out, p)
		}
	}
	return out
}
