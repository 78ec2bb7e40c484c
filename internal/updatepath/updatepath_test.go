package updatepath

import (
	"context"
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/quiltdata/quilt-private-endpoints/internal/template"
)

// small is an ALB with a listener, a rule to a target group, a service
// forwarding to it, an EDGE API and an exported DNS name.
const small = `
Parameters:
  Scheme: {Type: String, Default: internet-facing}
Mappings:
  PartitionConfig:
    aws: {Suffix: amazonaws.com}
Resources:
  LB:
    Type: AWS::ElasticLoadBalancingV2::LoadBalancer
    Properties:
      Scheme: !Ref Scheme
      Subnets: [subnet-1, subnet-2]
  Listener:
    Type: AWS::ElasticLoadBalancingV2::Listener
    Properties:
      LoadBalancerArn: !Ref LB
      Port: 443
      DefaultActions: [{Type: fixed-response, FixedResponseConfig: {StatusCode: "404"}}]
  TG:
    Type: AWS::ElasticLoadBalancingV2::TargetGroup
    Properties: {Port: 80, Protocol: HTTP, VpcId: vpc-1}
  Rule:
    Type: AWS::ElasticLoadBalancingV2::ListenerRule
    Properties:
      ListenerArn: !Ref Listener
      Priority: 1
      Conditions: [{Field: path-pattern, Values: ["/*"]}]
      Actions: [{Type: forward, TargetGroupArn: !Ref TG}]
  Service:
    Type: AWS::ECS::Service
    DependsOn: Rule
    Properties:
      ServiceName: catalog
      LoadBalancers: [{ContainerName: c, ContainerPort: 80, TargetGroupArn: !Ref TG}]
  Api:
    Type: AWS::ApiGateway::RestApi
    Properties:
      Name: api
      EndpointConfiguration: {Types: [EDGE]}
  Host:
    Type: AWS::SSM::Parameter
    Properties:
      Type: String
      Value: !Sub "${Api}.execute-api.${AWS::Region}.${AWS::URLSuffix}"
Outputs:
  LoadBalancerDNSName:
    Value: !GetAtt LB.DNSName
    Export: {Name: !Sub "${AWS::StackName}-LoadBalancerDNSName"}
`

func decode(t *testing.T, s string) map[string]any {
	t.Helper()
	doc, err := template.Decode([]byte(s))
	if err != nil {
		t.Fatal(err)
	}
	return doc
}

func compute(t *testing.T, in Input) *Plan {
	t.Helper()
	if in.Today.IsZero() {
		in.Today = time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC)
	}
	p, err := Compute(context.Background(), in)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func byID(p *Plan) map[string]Resource {
	m := map[string]Resource{}
	for _, r := range p.Resources {
		m[r.LogicalID] = r
	}
	return m
}

func TestSchemeCascade(t *testing.T) {
	doc := decode(t, small)
	p := compute(t, Input{Deployed: doc, New: doc, NewParams: map[string]string{"Scheme": "internal"}, StackName: "quilt"})
	got := byID(p)
	want := map[string][]string{
		"LB":       {"Scheme"},
		"Listener": {"cascade: LB.Ref"},
		"Rule":     {"cascade: Listener.Ref"},
	}
	for id, why := range want {
		if got[id].Action != Replace || !slices.Equal(got[id].ReplacedBecause, why) {
			t.Errorf("%s: %+v, want replaced because %v", id, got[id], why)
		}
	}
	if _, ok := got["Service"]; ok {
		t.Errorf("the service does not reference the load balancer: %+v", got["Service"])
	}
	if len(p.Outputs) != 1 || p.Outputs[0].Export != "quilt-LoadBalancerDNSName" || p.Outputs[0].Because[0] != "LB.DNSName" {
		t.Errorf("outputs: %+v", p.Outputs)
	}
	if !slices.Equal(p.Rollout.Cleanup, []string{"LB", "Listener", "Rule"}) {
		t.Errorf("cleanup: %v", p.Rollout.Cleanup)
	}
	if len(p.Rollout.Waves) != 3 || p.Rollout.Waves[0][0] != "LB" || p.Rollout.Waves[2][0] != "Rule" {
		t.Errorf("waves: %v", p.Rollout.Waves)
	}
	ids := blockerIDs(p)
	if !slices.Contains(ids, "QPE-UP-002") {
		t.Errorf("the rule to the kept target group must be a blocker: %v", p.Rollout.Blockers)
	}
	if !p.Rollout.RollbackSafe {
		t.Errorf("replacements roll back by deleting the new copies: %+v", p.Rollout.Failures)
	}
}

func TestInPlacePrivateIsNotRollbackSafe(t *testing.T) {
	old := decode(t, small)
	priv := decode(t, strings.Replace(small, "Types: [EDGE]", "Types: [PRIVATE]", 1))
	p := compute(t, Input{Deployed: old, New: priv, NewParams: map[string]string{"Scheme": "internal"}})
	if p.Rollout.RollbackSafe {
		t.Fatalf("EDGE -> PRIVATE beside a replaced ALB must not be rollback-safe: %+v", p.Rollout)
	}
	if !slices.Contains(blockerIDs(p), "QPE-UP-001") {
		t.Errorf("blockers: %+v", p.Rollout.Blockers)
	}
	// Alone, the change still reaches its rollback: the stack can fail at
	// its end or the update be cancelled after the API changed.
	p = compute(t, Input{Deployed: old, New: priv, ImportedExports: map[string][]string{}})
	if p.Rollout.RollbackSafe || p.Safe() || !slices.Contains(blockerIDs(p), "QPE-UP-001") {
		t.Errorf("the API change alone must be unsafe with a QPE-UP-001 blocker: %+v", p.Rollout)
	}
	last := p.Rollout.Failures[len(p.Rollout.Failures)-1]
	if last.Wave != len(p.Rollout.Waves) || !slices.Equal(last.Stuck, []string{"Api"}) {
		t.Errorf("the stack-level failure point must roll back the API and stick: %+v", p.Rollout.Failures)
	}
	if v := Verdict(&p.Rollout); !strings.Contains(v, "Not rollback-safe") {
		t.Errorf("verdict %q beside an impossible rollback step", v)
	}
}

func blockerIDs(p *Plan) []string {
	var ids []string
	for _, b := range p.Rollout.Blockers {
		ids = append(ids, b.ID)
	}
	return ids
}

// TestComputeRefusesInvalidTemplates: a template CloudFormation refuses is a
// *TemplateError naming the side and the resource, never a plan.
func TestComputeRefusesInvalidTemplates(t *testing.T) {
	good := "Resources:\n  A: {Type: AWS::SNS::Topic}\n"
	for _, tc := range []struct {
		name, body, resource, want string
	}{
		{"not an object", "Resources:\n  A: 5\n", "A", "not an object"},
		{"no type", "Resources:\n  A: {Properties: {}}\n", "A", "no Type"},
		{"properties not an object", "Resources:\n  A: {Type: AWS::SNS::Topic, Properties: [1]}\n", "A", "Properties is a list"},
		{"DependsOn cycle", "Resources:\n  A: {Type: AWS::SNS::Topic, DependsOn: B}\n  B: {Type: AWS::SNS::Topic, DependsOn: A}\n", "A", "A -> B -> A"},
		{"Ref cycle", "Resources:\n  A: {Type: AWS::SNS::Topic, Properties: {TopicName: !Ref B}}\n  B: {Type: AWS::SNS::Topic, Properties: {TopicName: !GetAtt A.TopicName}}\n", "A", "A -> B -> A"},
		{"DependsOn itself", "Resources:\n  A: {Type: AWS::SNS::Topic, DependsOn: [A]}\n", "A", "itself"},
		{"DependsOn unknown", "Resources:\n  A: {Type: AWS::SNS::Topic, DependsOn: Nope}\n", "A", "DependsOn names Nope"},
		{"no Resources", "Outputs: {}\n", "", "no Resources section"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			for _, side := range []string{"deployed", "new"} {
				in := Input{Deployed: decode(t, good), New: decode(t, tc.body)}
				if side == "deployed" {
					in.Deployed, in.New = in.New, in.Deployed
				}
				p, err := Compute(context.Background(), in)
				var te *TemplateError
				if !errors.As(err, &te) || p != nil {
					t.Fatalf("%s: plan %v, error %v: want a *TemplateError", side, p, err)
				}
				if te.Template != side || te.Resource != tc.resource || !strings.Contains(te.Problem, tc.want) || te.Fix == "" {
					t.Errorf("%s: %+v, want resource %q and %q", side, te, tc.resource, tc.want)
				}
			}
		})
	}
}
