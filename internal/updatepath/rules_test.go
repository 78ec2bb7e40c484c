package updatepath

import (
	"flag"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/quiltdata/quilt-private-endpoints/internal/finding/findingtest"
)

var update = flag.Bool("update", false, "rewrite golden files and generated docs")

// ruleCase is a pair of templates (deployed, new) and the rule it must, or
// must not, trigger.
type ruleCase struct {
	name      string
	id        string
	deployed  string
	new       string
	params    map[string]string
	imports   map[string][]string
	today     string
	triggered bool
}

const ssm = `
  Flag: {Type: AWS::SSM::Parameter, Properties: {Type: String, Value: %s}}`

func api(types string) string {
	return `
  Api: {Type: AWS::ApiGateway::RestApi, Properties: {Name: api, EndpointConfiguration: {Types: [` + types + `]}}}`
}

func res(body ...string) string { return "Resources:" + strings.Join(body, "") }

func flag2(v string) string { return strings.Replace(ssm, "%s", v, 1) }

const lbParts = `
  LB: {Type: AWS::ElasticLoadBalancingV2::LoadBalancer, Properties: {Scheme: %SCHEME%, Subnets: [subnet-1]}}
  Listener: {Type: AWS::ElasticLoadBalancingV2::Listener, Properties: {LoadBalancerArn: !Ref LB, Port: 443, DefaultActions: [{Type: fixed-response}]}}
  %TG%: {Type: AWS::ElasticLoadBalancingV2::TargetGroup, Properties: {Port: 80, Protocol: HTTP, VpcId: vpc-1}}
  Rule: {Type: AWS::ElasticLoadBalancingV2::ListenerRule, Properties: {ListenerArn: !Ref Listener, Priority: 1, Actions: [{Type: forward, TargetGroupArn: !Ref %TG%}]}}`

func lb(scheme, tg string) string {
	return strings.NewReplacer("%SCHEME%", scheme, "%TG%", tg).Replace(lbParts)
}

const waf = `
  ACL: {Type: AWS::WAFv2::WebACL, Properties: {Scope: REGIONAL, DefaultAction: {Allow: {}}, Rules: [%RULES%]}}
  Assoc: {Type: AWS::WAFv2::WebACLAssociation, Properties: {ResourceArn: !Ref LB, WebACLArn: !GetAtt ACL.Arn}}`

func acl(geo bool) string {
	rule := `{Name: RateLimit, Priority: 1, Action: {Block: {}}, Statement: {RateBasedStatement: {Limit: 100, AggregateKeyType: IP}}}`
	if geo {
		rule += `, {Name: GeofenceRule, Priority: 2, Action: {Block: {}}, Statement: {NotStatement: {Statement: {GeoMatchStatement: {CountryCodes: [US]}}}}}`
	}
	return strings.Replace(waf, "%RULES%", rule, 1)
}

func exported(value string) string {
	return `
Outputs:
  DNS: {Value: ` + value + `, Export: {Name: !Sub "${AWS::StackName}-LoadBalancerDNSName"}}`
}

func service(launch, name string) string {
	return `
  Service: {Type: AWS::ECS::Service, Properties: {Cluster: c, LaunchType: ` + launch + `, ServiceName: ` + name + `}}`
}

func bucket(props string) string {
	return `
  Data: {Type: AWS::S3::Bucket, Properties: {` + props + `}}`
}

func fn(runtime, memory string) string {
	return `
  Fn: {Type: AWS::Lambda::Function, Properties: {Runtime: ` + runtime + `, Handler: i.h, Role: arn:aws:iam::1:role/r, MemorySize: ` + memory + `, Code: {ZipFile: x}}}`
}

// owned is the Metadata of a render that says the macro made ids.
func owned(ids ...string) string {
	return "Metadata: {QuiltPrivateEndpoints: {EngineVersion: 1.0.0, Settings: {}, Resources: [" + strings.Join(ids, ", ") + "]}}\n"
}

func custom(typ, v string) string {
	return `
  Callout: {Type: ` + typ + `, Properties: {ServiceToken: arn:aws:lambda:us-east-1:1:function:f, task: ` + v + `}}`
}

// canary is a Synthetics canary; v changes its script, dep is its DependsOn
// ("" for none).
func canary(runtime, v, dep string) string {
	d := ""
	if dep != "" {
		d = ", DependsOn: " + dep
	}
	return `
  Canary: {Type: AWS::Synthetics::Canary` + d + `, Properties: {Name: c, RuntimeVersion: ` + runtime + `, ExecutionRoleArn: arn:aws:iam::1:role/r, ArtifactS3Location: "s3://b", Schedule: {Expression: rate(1 hour)}, Code: {Handler: i.h, Script: ` + v + `}}}`
}

func ruleCases() []ruleCase {
	return []ruleCase{
		{name: "canary updated beside another change", id: "QPE-UP-009",
			deployed: res(canary("syn-nodejs-puppeteer-9.1", "a", ""), flag2("a")), new: res(canary("syn-nodejs-puppeteer-9.1", "b", ""), flag2("b")), triggered: true},
		{name: "canary updated last, alone in its wave", id: "QPE-UP-009",
			deployed: res(canary("syn-nodejs-puppeteer-9.1", "a", ""), flag2("a")), new: res(canary("syn-nodejs-puppeteer-9.1", "b", "Flag"), flag2("b"))},
		{name: "canary updated alone", id: "QPE-UP-009",
			deployed: res(canary("syn-nodejs-puppeteer-9.1", "a", "")), new: res(canary("syn-nodejs-puppeteer-9.1", "b", ""))},
		{name: "canary updated on a deprecated runtime", id: "QPE-UP-010", today: "2026-12-01",
			deployed: res(canary("syn-nodejs-puppeteer-7.0", "a", "")), new: res(canary("syn-nodejs-puppeteer-7.0", "b", "")), triggered: true},
		{name: "canary created on a deprecated runtime", id: "QPE-UP-010", today: "2026-12-01",
			deployed: res(flag2("a")), new: res(flag2("a"), canary("syn-python-selenium-4.1", "b", "")), triggered: true},
		{name: "canary moved off a deprecated runtime: the rollback to it is refused", id: "QPE-UP-010", today: "2026-12-01",
			deployed: res(canary("syn-nodejs-puppeteer-7.0", "a", "")), new: res(canary("syn-nodejs-puppeteer-10.0", "b", "")), triggered: true},
		{name: "canary on a runtime before its deprecation date", id: "QPE-UP-010", today: "2026-01-21",
			deployed: res(canary("syn-nodejs-puppeteer-7.0", "a", "")), new: res(canary("syn-nodejs-puppeteer-7.0", "b", ""))},
		{name: "canary on Node.js 20 without a Synthetics date: a warning only", id: "QPE-UP-010", today: "2026-12-01",
			deployed: res(canary("syn-nodejs-puppeteer-10.0", "a", "")), new: res(canary("syn-nodejs-puppeteer-10.0", "b", ""))},
		{name: "EDGE to PRIVATE beside another change", id: "QPE-UP-001",
			deployed: res(api("EDGE"), flag2("a")), new: res(api("PRIVATE"), flag2("b")), triggered: true},
		{name: "EDGE to PRIVATE alone", id: "QPE-UP-001",
			deployed: res(api("EDGE")), new: res(api("PRIVATE")), triggered: true},
		{name: "PRIVATE to EDGE forward", id: "QPE-UP-001",
			deployed: res(api("PRIVATE")), new: res(api("EDGE")), triggered: true},
		{name: "PRIVATE to REGIONAL with endpoints left", id: "QPE-UP-001",
			deployed: res(`
  Api: {Type: AWS::ApiGateway::RestApi, Properties: {Name: api, EndpointConfiguration: {Types: [PRIVATE], VpcEndpointIds: [vpce-1]}}}`),
			new: res(`
  Api: {Type: AWS::ApiGateway::RestApi, Properties: {Name: api, EndpointConfiguration: {Types: [REGIONAL], VpcEndpointIds: [vpce-1]}}}`), triggered: true},
		{name: "PRIVATE to REGIONAL without endpoints", id: "QPE-UP-001",
			deployed: res(`
  Api: {Type: AWS::ApiGateway::RestApi, Properties: {Name: api, EndpointConfiguration: {Types: [PRIVATE], VpcEndpointIds: [vpce-1]}}}`),
			new: res(api("REGIONAL"))},
		{name: "EDGE to REGIONAL beside another change", id: "QPE-UP-001",
			deployed: res(api("EDGE"), flag2("a")), new: res(api("REGIONAL"), flag2("b"))},
		{name: "ALB replaced, target group kept", id: "QPE-UP-002",
			deployed: res(lb("internet-facing", "TG")), new: res(lb("internal", "TG")), triggered: true},
		{name: "ALB replaced with new target groups", id: "QPE-UP-002",
			deployed: res(lb("internet-facing", "TG")), new: res(lb("internal", "TGInternal"))},
		{name: "export in use changes", id: "QPE-UP-003",
			deployed: res(lb("internet-facing", "TG")) + exported("!GetAtt LB.DNSName"),
			new:      res(lb("internal", "TGInternal")) + exported("!GetAtt LB.DNSName"),
			imports:  map[string][]string{"quilt-LoadBalancerDNSName": {"dns-stack"}}, triggered: true},
		{name: "export unchanged", id: "QPE-UP-003",
			deployed: res(lb("internet-facing", "TG"), flag2("a")) + exported("!GetAtt LB.DNSName"),
			new:      res(lb("internet-facing", "TG"), flag2("b")) + exported("!GetAtt LB.DNSName"),
			imports:  map[string][]string{"quilt-LoadBalancerDNSName": {"dns-stack"}}},
		{name: "service replaced under its name", id: "QPE-UP-004",
			deployed: res(service("FARGATE", "quilt-catalog")), new: res(service("EC2", "quilt-catalog")), triggered: true},
		{name: "service replaced under a new name", id: "QPE-UP-004",
			deployed: res(service("FARGATE", "quilt-catalog")), new: res(service("EC2", "quilt-catalog-2"))},
		{name: "bucket replaced", id: "QPE-UP-005",
			deployed: res(bucket("BucketName: data-a")), new: res(bucket("BucketName: data-b")), triggered: true},
		{name: "bucket updated in place", id: "QPE-UP-005",
			deployed: res(bucket("BucketName: data-a")), new: res(bucket("BucketName: data-a, VersioningConfiguration: {Status: Enabled}"))},
		{name: "function past block-update modified", id: "QPE-UP-006",
			deployed: res(fn("python3.9", "128")), new: res(fn("python3.9", "256")), today: "2027-04-01", triggered: true},
		{name: "rollback to a runtime past block-update", id: "QPE-UP-006",
			deployed: res(fn("python3.9", "128"), flag2("a")), new: res(fn("python3.12", "128"), flag2("b")), today: "2027-04-01", triggered: true},
		{name: "rollback to a runtime past block-update, alone", id: "QPE-UP-006",
			deployed: res(fn("python3.9", "128")), new: res(fn("python3.12", "128")), today: "2027-04-01", triggered: true},
		{name: "function before block-update", id: "QPE-UP-006",
			deployed: res(fn("python3.9", "128")), new: res(fn("python3.9", "256")), today: "2026-12-01"},
		{name: "geofence on an ALB made internal", id: "QPE-UP-007",
			deployed: res(lb("internet-facing", "TG"), acl(true)), new: res(lb("internal", "TGInternal"), acl(true)), triggered: true},
		{name: "no geofence on an ALB made internal", id: "QPE-UP-007",
			deployed: res(lb("internet-facing", "TG"), acl(false)), new: res(lb("internal", "TGInternal"), acl(false))},
		{name: "custom resource changed beside another change", id: "QPE-UP-008",
			deployed: res(custom("Custom::LambdaCallout", "a"), flag2("a")), new: res(custom("Custom::LambdaCallout", "b"), flag2("b")), triggered: true},
		{name: "custom resource changed alone", id: "QPE-UP-008",
			deployed: res(custom("Custom::LambdaCallout", "a")), new: res(custom("Custom::LambdaCallout", "b")), triggered: true},
		{name: "render updated with a template without the Transform", id: "QPE-UP-011",
			deployed: res(custom("Custom::QuiltPrivateEndpoints", "a"), api("PRIVATE")), new: res(api("EDGE")), triggered: true},
		{name: "render (Metadata only) updated with a template without the Transform", id: "QPE-UP-011",
			deployed: "Metadata: {QuiltPrivateEndpoints: {EngineVersion: 1.0.0}}\n" + res(api("PRIVATE")), new: res(api("EDGE")), triggered: true},
		{name: "render updated with a template that names the Transform", id: "QPE-UP-011",
			deployed: res(custom("Custom::QuiltPrivateEndpoints", "a"), api("PRIVATE")), new: "Transform: [QuiltPrivateEndpoints]\n" + res(api("EDGE"))},
		{name: "render updated with a template whose Transform entry has parameters", id: "QPE-UP-011",
			deployed: res(custom("Custom::QuiltPrivateEndpoints", "a"), api("PRIVATE")),
			new:      "Transform: [AWS::Serverless-2016-10-31, {Name: QuiltPrivateEndpoints, Parameters: {PreflightMode: none}}]\n" + res(api("EDGE"))},
		{name: "render updated with a render", id: "QPE-UP-011",
			deployed: res(custom("Custom::QuiltPrivateEndpoints", "a"), api("PRIVATE")), new: res(custom("Custom::QuiltPrivateEndpoints", "b"), api("PRIVATE"))},
		{name: "plain stack updated without the Transform", id: "QPE-UP-011",
			deployed: res(api("EDGE"), flag2("a")), new: res(api("EDGE"), flag2("b"))},
		{name: "owned load balancer replaced", id: "QPE-UP-012",
			deployed: owned("LB") + res(lb("internal", "TG")), new: owned("LB") + res(lb("internet-facing", "TG")), triggered: true},
		{name: "owned load balancer kept, target group not owned replaced", id: "QPE-UP-012",
			deployed: owned("LB") + res(lb("internal", "TG")), new: owned("LB") + res(lb("internal", "TGInternal"))},
		{name: "rollback-tolerant custom resource changed", id: "QPE-UP-008",
			deployed: res(custom("Custom::QuiltPrivateEndpoints", "a"), flag2("a")), new: res(custom("Custom::QuiltPrivateEndpoints", "b"), flag2("b"))},
	}
}

func TestRules(t *testing.T) {
	produced := map[string]bool{}
	for _, c := range ruleCases() {
		t.Run(c.name, func(t *testing.T) {
			in := Input{Deployed: decode(t, c.deployed), New: decode(t, c.new), NewParams: c.params,
				ImportedExports: c.imports, StackName: "quilt"}
			if c.today != "" {
				in.Today, _ = time.Parse(time.DateOnly, c.today)
			}
			p := compute(t, in)
			var ids []string
			for _, b := range p.Rollout.Blockers {
				ids = append(ids, b.ID)
				if b.Resource == "" || b.Detail == "" || b.Recovery == "" {
					t.Errorf("incomplete blocker %+v", b)
				}
			}
			checkVerdictAgrees(t, p)
			got := slices.Contains(ids, c.id)
			if got != c.triggered {
				t.Fatalf("%s triggered = %v, want %v; blockers %+v warnings %+v", c.id, got, c.triggered, p.Rollout.Blockers, p.Rollout.Warnings)
			}
			if got {
				produced[c.id] = true
			}
		})
	}
	t.Run("canary in flight is stuck only when its wave fails", func(t *testing.T) {
		p := compute(t, Input{Deployed: decode(t, res(canary("syn-nodejs-puppeteer-9.1", "a", ""), flag2("a"), fn("python3.12", "128"))),
			New: decode(t, res(canary("syn-nodejs-puppeteer-9.1", "b", ""), flag2("b"), `
  Fn: {Type: AWS::Lambda::Function, DependsOn: Canary, Properties: {Runtime: python3.12, Handler: i.h, Role: arn:aws:iam::1:role/r, MemorySize: 256, Code: {ZipFile: x}}}`))})
		if fp, _ := p.FailAt("Flag"); !slices.Equal(fp.Stuck, []string{"Canary"}) {
			t.Errorf("Flag fails beside the canary: stuck %v, want [Canary]", fp.Stuck)
		}
		if fp, _ := p.FailAt("Fn"); len(fp.Stuck) != 0 {
			t.Errorf("Fn fails after the canary finished: stuck %v, want none", fp.Stuck)
		}
		if p.Rollout.RollbackSafe {
			t.Error("a canary in flight beside another change is not rollback-safe")
		}
	})
	t.Run("Node.js 20 canary warns", func(t *testing.T) {
		p := compute(t, Input{Deployed: decode(t, res(canary("syn-nodejs-puppeteer-10.0", "a", ""))),
			New: decode(t, res(canary("syn-nodejs-puppeteer-10.0", "b", "")))})
		if !slices.ContainsFunc(p.Rollout.Warnings, func(b Blocker) bool { return b.ID == "QPE-UP-010" && strings.Contains(b.Detail, "nodejs20.x") }) {
			t.Errorf("warnings %+v, want QPE-UP-010 naming nodejs20.x", p.Rollout.Warnings)
		}
	})
	findingtest.Catalogue(t, findingtest.Spec{
		Rules:    Rules(),
		Files:    "rule_*.go",
		Produced: produced,
		Docs:     map[string]string{"README.md": "updatepath-catalogue", "docs/rollout.md": "updatepath-catalogue"},
		Update:   *update,
		Cmd:      "go test ./internal/updatepath -update",
	})
}

// checkVerdictAgrees asserts that the verdict agrees with the rollback
// steps: an impossible step makes the plan unsafe, is stuck at some failure
// point and is a blocker of its rule for its resource.
func checkVerdictAgrees(t *testing.T, p *Plan) {
	t.Helper()
	for _, st := range p.Rollout.Rollback {
		if st.Possible {
			continue
		}
		if p.Rollout.RollbackSafe || p.Safe() || !strings.HasPrefix(Verdict(&p.Rollout), "**Not rollback-safe**") {
			t.Errorf("%s's rollback step is impossible, yet rollbackSafe=%v, verdict %q", st.Resource, p.Rollout.RollbackSafe, Verdict(&p.Rollout))
		}
		if !slices.ContainsFunc(p.Rollout.Failures, func(f FailurePoint) bool { return slices.Contains(f.Stuck, st.Resource) }) {
			t.Errorf("no failure point is stuck on %s: %+v", st.Resource, p.Rollout.Failures)
		}
		if !slices.ContainsFunc(p.Rollout.Blockers, func(b Blocker) bool { return b.ID == st.Rule && b.Resource == st.Resource }) {
			t.Errorf("%s's impossible rollback (%s) is no blocker: %+v", st.Resource, st.Rule, p.Rollout.Blockers)
		}
	}
	if p.Rollout.RollbackSafe {
		for _, f := range p.Rollout.Failures {
			if !f.Clean {
				t.Errorf("rollbackSafe with an unclean failure point %+v", f)
			}
		}
	}
}
