package transform

import (
	"fmt"
	"slices"
	"strings"

	"github.com/quiltdata/quilt-private-endpoints/internal/template"
)

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
	reads, writes []resultRef
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
			writes: []resultRef{resChangedAPIs, resNewAPIs, resPrivateAPIs, resRewritten, resUsedParams}},
		{name: "functions", run: passFunctions,
			kinds:  []string{"AWS::Lambda::Function", "AWS::Serverless::Function"},
			writes: []resultRef{resMoved, resNeedSG, resRewritten, resUsedParams}},
		{name: "compute", run: passCompute,
			kinds: []string{"AWS::ECS::Service", "AWS::Synthetics::Canary",
				"AWS::EC2::LaunchTemplate", "AWS::EC2::Instance", "AWS::CloudFormation::Stack", "AWS::Serverless::Application"},
			writes: []resultRef{resMoved, resNeedSG, resRewritten, resUsedParams}},
		// loadbalancer builds the internal twin of each internet-facing load
		// balancer, or warns of a half-private stack beside the APIs made
		// private; after compute, whose services and canaries (the
		// document) it registers and lets in.
		{name: "loadbalancer", run: passLoadBalancer,
			kinds: []string{typeLoadBalancer, typeListener, typeListenerRule, typeListenerCert, typeTargetGroup,
				typeWebACL, typeWebACLAssoc, typeECSService, typeCanary},
			reads: []resultRef{resPrivateAPIs}, writes: []resultRef{resRenamed, resRewritten, resUsedParams}, after: []string{"compute"}},
		// roles works from the functions and canaries moved into the VPC.
		{name: "roles", run: passRoles,
			reads: []resultRef{resMoved}, writes: []resultRef{resRewritten}},
		// hostnames registers the walker that rewrites the hostnames of the
		// APIs made private.
		{name: "hostnames", run: passHostnames,
			reads: []resultRef{resPrivateAPIs}, writes: []resultRef{resWalkers}},
		{name: "redeploy", run: passRedeploy,
			kinds: []string{"AWS::ApiGateway::Deployment"},
			reads: []resultRef{resChangedAPIs}, writes: []resultRef{resRenamed, resRewritten}},
		// newapi renames the APIs made private, after redeploy has hashed
		// them under their old ids (the document, not a result).
		{name: "newapi", run: passNewAPI,
			kinds: namedAPIChildren,
			reads: []resultRef{resNewAPIs}, writes: []resultRef{resRenamed, resRewritten}, after: []string{"redeploy"}},
		// exports reports exported values that follow a replaced resource.
		{name: "exports", run: passExports,
			reads: []resultRef{resRenamed}},
		// references runs the walkers the passes registered and makes every
		// reference follow the renames; after exports, which reads the
		// Outputs while they name the old ids (the document).
		{name: "references", run: passReferences,
			reads: []resultRef{resPrivateAPIs, resRenamed, resWalkers}, writes: []resultRef{resRewritten, resUsedParams, resWalkers},
			after: []string{"exports"}},
		// securitygroup is added when a moved function or canary uses it.
		{name: "securitygroup", run: passSecurityGroup,
			reads: []resultRef{resNeedSG}, writes: []resultRef{resUsedParams}},
		// preflight makes every rewritten resource wait for it.
		{name: "preflight", run: passPreflight,
			reads: []resultRef{resMoved, resPrivateAPIs, resRewritten}, writes: []resultRef{resUsedParams}},
		// apiwait makes the task definitions that call an API this run made
		// private wait for its stages (after the renames: the document).
		{name: "apiwait", run: passAPIWait, kinds: []string{"AWS::ECS::TaskDefinition"},
			reads: []resultRef{resNewAPIs, resRenamed}, after: []string{"references", "preflight"}},
		// canaries makes the canaries the engine rewrote update last, one at
		// a time, after every DependsOn the passes before it added (the
		// document).
		{name: "canaries", run: passCanaries, reads: []resultRef{resRewritten},
			after: []string{"preflight", "securitygroup", "references", "apiwait"},
			kinds: []string{"AWS::Synthetics::Canary"}},
		// parameters declares every parameter the passes before it used.
		{name: "parameters", run: passParameters,
			reads: []resultRef{resUsedParams}},
		// unused drops the mappings and conditions the passes before it made
		// dead (the document).
		{name: "unused", run: passUnused, after: []string{"parameters"}},
		// names compares the output with the input: it covers every name any
		// pass adds, so it runs last.
		{name: "names", run: passNames, after: []string{"unused"}},
		// selfcheck simulates every private API's finished resource policy
		// with the IAM evaluator and refuses a render that lets in another
		// endpoint or account.
		{name: "selfcheck", run: passSelfCheck, reads: []resultRef{resPrivateAPIs, resRenamed}, after: []string{"names"}},
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
			writers[r.resultName()] = append(writers[r.resultName()], p.name)
		}
	}
	for _, p := range ps {
		for _, a := range p.after {
			if _, ok := byName[a]; !ok {
				return nil, fmt.Errorf("transform: pass %s runs after pass %s, which does not exist; this is a bug in QuiltPrivateEndpoints", p.name, a)
			}
		}
		for _, r := range p.reads {
			if len(writers[r.resultName()]) == 0 {
				return nil, fmt.Errorf("transform: pass %s reads %s, which no pass writes; this is a bug in QuiltPrivateEndpoints", p.name, r.resultName())
			}
		}
	}
	g := template.NewGraph(names, func(name string) []string {
		p := ps[byName[name]]
		deps := slices.Clone(p.after)
		for _, r := range p.reads {
			deps = append(deps, writers[r.resultName()]...)
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
