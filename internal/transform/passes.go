package transform

import (
	"fmt"
	"slices"
	"strings"

	"github.com/quiltdata/quilt-private-endpoints/internal/template"
)

// result is one of the values passes hand to the passes after them, a
// field of state named alike: what a pass found or did that a later pass
// needs.
type result string

// The results.
const (
	resRewritten   result = "rewritten"   // resources that wait for the preflight
	resChangedAPIs result = "changedAPIs" // REST APIs whose policy or endpoint changed
	resPrivateAPIs result = "privateAPIs" // REST APIs private after the rewrite
	resNewAPIs     result = "newAPIs"     // REST APIs made private: they get a new logical id
	resMoved       result = "moved"       // functions and canaries put into the VPC
	resUsedParams  result = "usedParams"  // parameters the passes refer to
	resNeedSG      result = "needSG"      // a moved function or canary uses the security group
	resRenamed     result = "renamed"     // old logical id -> new
	resWalkers     result = "walkers"     // node rewriters of the one shared walk (references)
)

// allResults lists the results (TestPassDeclarations reads the source for
// them).
var allResults = []result{resRewritten, resChangedAPIs, resPrivateAPIs, resNewAPIs, resMoved,
	resUsedParams, resNeedSG, resRenamed, resWalkers}

// pass is one rewrite of the engine. It declares the resource types it
// handles (st.of returns those, less the excluded ones: the driver applies
// the Exclude setting once), the results it reads and writes, and the
// passes whose effect on the document itself it needs first; the driver
// orders the passes from that (order).
type pass struct {
	name string
	// kinds are the resource types the pass rewrites or reports on.
	kinds []string
	// reads are the results of other passes it reads: it runs after every
	// pass that writes them. writes are the results it writes (a result
	// it also reads is declared written only).
	reads, writes []result
	// after names passes whose effect on the document (not a result) must
	// come first, each with its reason beside the pass.
	after []string
	run   func(*state) error
}

// passes returns the engine's passes in the order they run.
func passes() []pass {
	return []pass{
		{name: "httpapi", run: passHTTPAPI,
			kinds: []string{"AWS::ApiGatewayV2::Api", "AWS::Serverless::HttpApi", "AWS::Serverless::Function"}},
		// functionurls refuses Lambda function URLs open to the internet.
		{name: "functionurls", run: passFunctionURLs,
			kinds: []string{"AWS::Lambda::Url", "AWS::Serverless::Function"}},
		{name: "restapi", run: passRestAPI,
			kinds:  []string{"AWS::ApiGateway::RestApi", "AWS::Serverless::Api"},
			writes: []result{resChangedAPIs, resNewAPIs, resPrivateAPIs, resRewritten, resUsedParams}},
		{name: "functions", run: passFunctions,
			kinds:  []string{"AWS::Lambda::Function", "AWS::Serverless::Function"},
			writes: []result{resMoved, resNeedSG, resRewritten, resUsedParams}},
		{name: "compute", run: passCompute,
			kinds: []string{"AWS::ECS::Service", "AWS::Synthetics::Canary",
				"AWS::EC2::LaunchTemplate", "AWS::EC2::Instance", "AWS::CloudFormation::Stack", "AWS::Serverless::Application"},
			writes: []result{resMoved, resNeedSG, resRewritten, resUsedParams}},
		// loadbalancer builds the internal twin of each internet-facing load
		// balancer, or warns of a half-private stack beside the APIs made
		// private; after compute, whose services and canaries (the
		// document) it registers and lets in.
		{name: "loadbalancer", run: passLoadBalancer,
			kinds: []string{typeLoadBalancer, typeListener, typeListenerRule, typeListenerCert, typeTargetGroup,
				typeWebACL, typeWebACLAssoc, typeECSService, typeCanary},
			reads: []result{resPrivateAPIs}, writes: []result{resRenamed, resRewritten, resUsedParams}, after: []string{"compute"}},
		// roles works from the functions and canaries moved into the VPC.
		{name: "roles", run: passRoles,
			reads: []result{resMoved}, writes: []result{resRewritten}},
		// hostnames registers the walker that rewrites the hostnames of the
		// APIs made private.
		{name: "hostnames", run: passHostnames,
			reads: []result{resPrivateAPIs}, writes: []result{resWalkers}},
		{name: "redeploy", run: passRedeploy,
			kinds: []string{"AWS::ApiGateway::Deployment"},
			reads: []result{resChangedAPIs}, writes: []result{resRenamed, resRewritten}},
		// newapi renames the APIs made private, after redeploy has hashed
		// them under their old ids (the document, not a result).
		{name: "newapi", run: passNewAPI,
			kinds: namedAPIChildren,
			reads: []result{resNewAPIs}, writes: []result{resRenamed, resRewritten}, after: []string{"redeploy"}},
		// exports reports exported values that follow a replaced resource.
		{name: "exports", run: passExports,
			reads: []result{resRenamed}},
		// references runs the walkers the passes registered and makes every
		// reference follow the renames; after exports, which reads the
		// Outputs while they name the old ids (the document).
		{name: "references", run: passReferences,
			reads: []result{resPrivateAPIs, resRenamed, resWalkers}, writes: []result{resRewritten, resUsedParams, resWalkers},
			after: []string{"exports"}},
		// securitygroup is added when a moved function or canary uses it.
		{name: "securitygroup", run: passSecurityGroup,
			reads: []result{resNeedSG}, writes: []result{resUsedParams}},
		// preflight makes every rewritten resource wait for it.
		{name: "preflight", run: passPreflight,
			reads: []result{resMoved, resPrivateAPIs, resRewritten}, writes: []result{resUsedParams}},
		// apiwait makes the task definitions that call an API this run made
		// private wait for its stages (after the renames: the document).
		{name: "apiwait", run: passAPIWait, kinds: []string{"AWS::ECS::TaskDefinition"},
			reads: []result{resNewAPIs, resRenamed}, after: []string{"references", "preflight"}},
		// canaries makes the canaries the engine rewrote update last, one at
		// a time, after every DependsOn the passes before it added (the
		// document).
		{name: "canaries", run: passCanaries, reads: []result{resRewritten},
			after: []string{"preflight", "securitygroup", "references", "apiwait"},
			kinds: []string{"AWS::Synthetics::Canary"}},
		// parameters declares every parameter the passes before it used.
		{name: "parameters", run: passParameters,
			reads: []result{resUsedParams}},
		// unused drops the mappings and conditions the passes before it made
		// dead (the document).
		{name: "unused", run: passUnused, after: []string{"parameters"}},
		// names compares the output with the input: it covers every name any
		// pass adds, so it runs last.
		{name: "names", run: passNames, after: []string{"unused"}},
		// selfcheck simulates every private API's finished resource policy
		// with the IAM evaluator and refuses a render that lets in another
		// endpoint or account.
		{name: "selfcheck", run: passSelfCheck, reads: []result{resPrivateAPIs, resRenamed}, after: []string{"names"}},
		// preflight-seal gives the preflight the warnings and the
		// fingerprint of the finished template: it runs last.
		{name: "preflight-seal", run: passPreflightSeal, after: []string{"preflight", "names"}},
	}
}

// order returns the passes in the order they run: each after the passes
// that write a result it reads and those it names in after; among passes
// free to run, in the order listed. A duplicate name, an unknown name in
// after or a cycle is a programming error.
func order(ps []pass) ([]pass, error) {
	byName := map[string]int{}
	writers := map[result][]string{}
	names := make([]string, len(ps))
	for i, p := range ps {
		if _, dup := byName[p.name]; dup {
			return nil, fmt.Errorf("transform: pass %s is listed twice; this is a bug in QuiltPrivateEndpoints", p.name)
		}
		byName[p.name], names[i] = i, p.name
		for _, r := range p.writes {
			writers[r] = append(writers[r], p.name)
		}
	}
	for _, p := range ps {
		for _, a := range p.after {
			if _, ok := byName[a]; !ok {
				return nil, fmt.Errorf("transform: pass %s runs after pass %s, which does not exist; this is a bug in QuiltPrivateEndpoints", p.name, a)
			}
		}
		for _, r := range p.reads {
			if len(writers[r]) == 0 {
				return nil, fmt.Errorf("transform: pass %s reads %s, which no pass writes; this is a bug in QuiltPrivateEndpoints", p.name, r)
			}
		}
	}
	g := template.NewGraph(names, func(name string) []string {
		p := ps[byName[name]]
		deps := slices.Clone(p.after)
		for _, r := range p.reads {
			deps = append(deps, writers[r]...)
		}
		return deps
	})
	if c := g.Cycle(); c != nil {
		return nil, fmt.Errorf("transform: the passes %s wait for each other; this is a bug in QuiltPrivateEndpoints", strings.Join(c, " -> "))
	}
	out := make([]pass, 0, len(ps))
	for _, name := range g.Order() {
		out = append(out, ps[byName[name]])
	}
	return out, nil
}
