package transform

import "fmt"

// pass is one rewrite of the engine. It declares the resource types it
// handles (st.of returns those, less the excluded ones: the driver applies
// the Exclude setting once) and the passes whose effects on the shared state
// it reads (checked by checkOrder).
type pass struct {
	name string
	// kinds are the resource types the pass rewrites or reports on.
	kinds []string
	// requires names the passes that must run before this one.
	requires []string
	run      func(*state) error
}

// passes returns the engine's passes in the order they run.
func passes() []pass {
	return []pass{
		{name: "httpapi", run: passHTTPAPI,
			kinds: []string{"AWS::ApiGatewayV2::Api", "AWS::Serverless::HttpApi", "AWS::Serverless::Function"}},
		{name: "restapi", run: passRestAPI,
			kinds: []string{"AWS::ApiGateway::RestApi", "AWS::Serverless::Api"}},
		{name: "functions", run: passFunctions,
			kinds: []string{"AWS::Lambda::Function", "AWS::Serverless::Function"}},
		{name: "compute", run: passCompute,
			kinds: []string{"AWS::ECS::Service", "AWS::Synthetics::Canary",
				"AWS::EC2::LaunchTemplate", "AWS::EC2::Instance", "AWS::CloudFormation::Stack", "AWS::Serverless::Application"}},
		// loadbalancer builds the internal twin of each internet-facing load
		// balancer (registering the services compute moved, letting in the
		// canaries it put into the VPC), or warns of a half-private stack
		// beside the APIs restapi made private.
		{name: "loadbalancer", run: passLoadBalancer, requires: []string{"restapi", "compute"},
			kinds: []string{typeLoadBalancer, typeListener, typeListenerRule, typeListenerCert, typeTargetGroup,
				typeWebACL, typeWebACLAssoc, typeECSService, typeCanary}},
		// roles works from the functions and canaries moved into the VPC.
		{name: "roles", run: passRoles, requires: []string{"functions", "compute"}},
		// hostnames rewrites the hostnames of the APIs made private.
		{name: "hostnames", run: passHostnames, requires: []string{"restapi"}},
		{name: "redeploy", run: passRedeploy, requires: []string{"restapi"},
			kinds: []string{"AWS::ApiGateway::Deployment"}},
		// newapi renames the APIs made private, after redeploy has hashed
		// them under their old ids.
		{name: "newapi", run: passNewAPI, requires: []string{"restapi", "redeploy"},
			kinds: namedAPIChildren},
		// exports reports exported values that follow a replaced resource
		// (before references, while the Outputs name the old ids).
		{name: "exports", run: passExports, requires: []string{"newapi", "loadbalancer"}},
		// references runs the walkers hostnames and redeploy registered and
		// makes every reference follow the renames.
		{name: "references", run: passReferences, requires: []string{"hostnames", "redeploy", "newapi", "loadbalancer"}},
		// securitygroup is added when a moved function or canary uses it.
		{name: "securitygroup", run: passSecurityGroup, requires: []string{"functions", "compute"}},
		// preflight makes every rewritten resource wait for it.
		{name: "preflight", run: passPreflight, requires: []string{"restapi", "functions", "compute", "loadbalancer", "roles", "references"}},
		// canaries makes the canaries update last, one at a time, after
		// every DependsOn the passes before it added.
		{name: "canaries", run: passCanaries, requires: []string{"preflight", "securitygroup", "references"},
			kinds: []string{"AWS::Synthetics::Canary"}},
		// parameters declares every parameter the passes before it used.
		{name: "parameters", run: passParameters,
			requires: []string{"restapi", "functions", "compute", "hostnames", "securitygroup", "preflight"}},
		// unused drops the mappings and conditions the passes before it made dead.
		{name: "unused", run: passUnused, requires: []string{"parameters"}},
		// names compares the output with the input: it covers every name any
		// pass adds, so it runs last.
		{name: "names", run: passNames, requires: []string{"unused"}},
		// preflight-seal gives the preflight the warnings and the
		// fingerprint of the finished template: it runs last.
		{name: "preflight-seal", run: passPreflightSeal, requires: []string{"preflight", "names"}},
	}
}

// checkOrder reports a pass that requires one that does not run before it,
// or a duplicate name: a programming error.
func checkOrder(ps []pass) error {
	ran := map[string]bool{}
	for _, p := range ps {
		if ran[p.name] {
			return fmt.Errorf("transform: pass %s is listed twice; this is a bug in QuiltPrivateEndpoints", p.name)
		}
		for _, r := range p.requires {
			if !ran[r] {
				return fmt.Errorf("transform: pass %s requires pass %s, which does not run before it; this is a bug in QuiltPrivateEndpoints", p.name, r)
			}
		}
		ran[p.name] = true
	}
	return nil
}
