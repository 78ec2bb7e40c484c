package updatepath

import (
	"errors"
	"strings"
	"testing"
)

// availBase is a public ALB whose output names it, an HTTPS listener, a
// host rule to a target group, and a service registered with it; %EXTRA%
// adds resources, %SVC% replaces the service's properties.
const availBase = `
Resources:
  LB:
    Type: AWS::ElasticLoadBalancingV2::LoadBalancer
    Properties: {Scheme: %SCHEME%, Subnets: [subnet-1]}
  Listener:
    Type: AWS::ElasticLoadBalancingV2::Listener
    Properties:
      LoadBalancerArn: !Ref LB
      Port: 443
      Protocol: HTTPS
      DefaultActions: [{Type: fixed-response, FixedResponseConfig: {StatusCode: "404"}}]
  TG:
    Type: AWS::ElasticLoadBalancingV2::TargetGroup
    Properties: {Port: 80, Protocol: HTTP, VpcId: vpc-1}
  Rule:
    Type: AWS::ElasticLoadBalancingV2::ListenerRule
    Properties:
      ListenerArn: !Ref Listener
      Priority: 10
      Conditions: [{Field: host-header, Values: [%HOST%]}]
      Actions: [{Type: forward, TargetGroupArn: !Ref TG}]
  TaskDef:
    Type: AWS::ECS::TaskDefinition
    Properties:
      ContainerDefinitions: [{Name: web, Image: %IMAGE%}]
  Service:
    Type: AWS::ECS::Service
    DependsOn: Rule
    Properties:
      ServiceName: web
      TaskDefinition: !Ref TaskDef
      DesiredCount: 1
%SVC%%EXTRA%
Outputs:
  LoadBalancerDNSName:
    Value: !GetAtt LB.DNSName
`

const svcDefault = `      LoadBalancers: [{ContainerName: web, ContainerPort: 80, TargetGroupArn: !Ref TG}]
`

// availDoc fills availBase: scheme, host, image, service properties
// ("" for svcDefault) and extra resources.
func availDoc(scheme, host, image, svc, extra string) string {
	if svc == "" {
		svc = svcDefault
	}
	return strings.NewReplacer("%SCHEME%", scheme, "%HOST%", host, "%IMAGE%", image, "%SVC%", svc, "%EXTRA%", extra).Replace(availBase)
}

// sideBySide adds an internal load balancer with its own listener, rule and
// target group for the same host.
const sideBySide = `
  LBInternal:
    Type: AWS::ElasticLoadBalancingV2::LoadBalancer
    Properties: {Scheme: internal, Subnets: [subnet-1]}
  ListenerInternal:
    Type: AWS::ElasticLoadBalancingV2::Listener
    Properties:
      LoadBalancerArn: !Ref LBInternal
      Port: 443
      Protocol: HTTPS
      DefaultActions: [{Type: fixed-response, FixedResponseConfig: {StatusCode: "404"}}]
  TGInternal:
    Type: AWS::ElasticLoadBalancingV2::TargetGroup
    Properties: {Port: 80, Protocol: HTTP, VpcId: vpc-1}
  RuleInternal:
    Type: AWS::ElasticLoadBalancingV2::ListenerRule
    Properties:
      ListenerArn: !Ref ListenerInternal
      Priority: 10
      Conditions: [{Field: host-header, Values: [a.example.com]}]
      Actions: [{Type: forward, TargetGroupArn: !Ref TGInternal}]`

const bothRegistrations = `      LoadBalancers:
        - {ContainerName: web, ContainerPort: 80, TargetGroupArn: !Ref TG}
        - {ContainerName: web, ContainerPort: 80, TargetGroupArn: !Ref TGInternal}
`

// lostOf renders an entry's gaps on a network compactly: "from-until(i)".
func lostOf(av Availability, host, network string) string {
	for _, e := range av.Entries {
		if e.Host == host && e.Network == network {
			var parts []string
			for _, g := range e.Lost {
				s := g.From + ".." + g.Until
				if g.Inherent {
					s += "(inherent)"
				}
				parts = append(parts, s)
			}
			return strings.Join(parts, ", ")
		}
	}
	return "no entry"
}

func TestAvailability(t *testing.T) {
	public := availDoc("internet-facing", "a.example.com", "web:1", "", "")
	minHealthy0 := `      DeploymentConfiguration: {MinimumHealthyPercent: 0, MaximumPercent: 100}
` + svcDefault
	cases := []struct {
		name     string
		deployed string
		new      string
		dnsMoved bool
		// want maps "host network" to the compact gaps (lostOf).
		want     map[string]string
		downtime bool
	}{
		{
			name:     "a service with MinimumHealthyPercent 0 gaps at its own wave: inherent",
			deployed: availDoc("internet-facing", "a.example.com", "web:1", minHealthy0, ""),
			new:      availDoc("internet-facing", "a.example.com", "web:2", minHealthy0, ""),
			want:     map[string]string{"a.example.com private": "wave 1..wave 1(inherent)", "a.example.com internet": "wave 1..wave 1(inherent)"},
		},
		{
			name:     "the same update with MinimumHealthyPercent 50: no gap",
			deployed: public,
			new:      availDoc("internet-facing", "a.example.com", "web:2", "      DeploymentConfiguration: {MinimumHealthyPercent: 50}\n"+svcDefault, ""),
			want:     map[string]string{"a.example.com private": "", "a.example.com internet": ""},
		},
		{
			// The rule changes its host in place in wave 0; the new rule
			// for the host waits for a resource added in wave 0.
			name:     "a rule removed before its replacement exists",
			deployed: public,
			new: availDoc("internet-facing", "b.example.com", "web:1", "", `
  Marker: {Type: AWS::CloudFormation::WaitConditionHandle}
  RuleA:
    Type: AWS::ElasticLoadBalancingV2::ListenerRule
    DependsOn: Marker
    Properties:
      ListenerArn: !Ref Listener
      Priority: 20
      Conditions: [{Field: host-header, Values: [a.example.com]}]
      Actions: [{Type: forward, TargetGroupArn: !Ref TG}]`),
			want:     map[string]string{"a.example.com private": "wave 0..wave 0", "a.example.com internet": "wave 0..wave 0", "b.example.com private": ""},
			downtime: true,
		},
		{
			name:     "a target group emptied: the service moves to a group DNS does not reach",
			deployed: public,
			new: availDoc("internet-facing", "a.example.com", "web:1",
				"      LoadBalancers: [{ContainerName: web, ContainerPort: 80, TargetGroupArn: !Ref TGInternal}]\n", sideBySide),
			want:     map[string]string{"a.example.com private": "wave 1..after", "a.example.com internet": "wave 1..after"},
			downtime: true,
		},
		{
			name:     "side by side: the service is registered in both groups, nothing is lost",
			deployed: public,
			new:      availDoc("internet-facing", "a.example.com", "web:1", bothRegistrations, sideBySide),
			want:     map[string]string{"a.example.com private": "", "a.example.com internet": ""},
		},
		{
			name:     "retire after DNS moved: the public side goes in cleanup, the private network keeps its entry",
			deployed: availDoc("internet-facing", "a.example.com", "web:1", bothRegistrations, sideBySide),
			new: strings.Replace(strings.Replace(availDoc("internal", "a.example.com", "web:1",
				"      LoadBalancers: [{ContainerName: web, ContainerPort: 80, TargetGroupArn: !Ref TGInternal}]\n", sideBySide),
				"!GetAtt LB.DNSName", "!GetAtt LBInternal.DNSName", 1), "DependsOn: Rule", "DependsOn: RuleInternal", 1),
			dnsMoved: true,
			// Before the update, DNS on the internal load balancer serves the
			// private network only: the internet had nothing to lose.
			want: map[string]string{"a.example.com private": "", "a.example.com internet": ""},
		},
		{
			name:     "an ALB deleted in cleanup while DNS still names it",
			deployed: availDoc("internet-facing", "a.example.com", "web:1", bothRegistrations, sideBySide),
			new: strings.NewReplacer("!GetAtt LB.DNSName", "!GetAtt LBInternal.DNSName", "DependsOn: Rule", "DependsOn: RuleInternal").Replace(
				removeResources(availDoc("internet-facing", "a.example.com", "web:1",
					"      LoadBalancers: [{ContainerName: web, ContainerPort: 80, TargetGroupArn: !Ref TGInternal}]\n", sideBySide),
					"LB", "Listener", "TG", "Rule")),
			want:     map[string]string{"a.example.com private": "wave 0..wave 0, cleanup..after", "a.example.com internet": "wave 0..wave 0, cleanup..after"},
			downtime: true,
		},
		{
			name:     "the load balancer replaced in place (Scheme internal): lost from the service's wave, and after",
			deployed: public,
			new: availDoc("internal", "a.example.com", "web:1",
				"      LoadBalancers: [{ContainerName: web, ContainerPort: 80, TargetGroupArn: !Ref TGNew}]\n",
				"\n  TGNew: {Type: AWS::ElasticLoadBalancingV2::TargetGroup, Properties: {Port: 80, Protocol: HTTP, VpcId: vpc-1}}"),
			want:     map[string]string{"a.example.com private": "wave 3..wave 3, cleanup..after", "a.example.com internet": "wave 3..wave 3, cleanup..after"},
			downtime: true,
		},
		{
			name:     "an internal load balancer is not served to the internet before or after",
			deployed: availDoc("internal", "a.example.com", "web:1", "", ""),
			new:      availDoc("internal", "a.example.com", "web:2", "", ""),
			want:     map[string]string{"a.example.com private": "", "a.example.com internet": ""},
		},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			p := compute(t, Input{Deployed: decode(t, c.deployed), New: decode(t, c.new), DNSMoved: c.dnsMoved})
			av := p.Rollout.Availability
			for k, want := range c.want {
				host, network, _ := strings.Cut(k, " ")
				if got := lostOf(av, host, network); got != want {
					t.Errorf("%s on %s: lost %q, want %q\nwaves %v\n%+v", host, network, got, want, p.Rollout.Waves, av.Entries)
				}
			}
			if av.PrivateNetworkDowntime != c.downtime {
				t.Errorf("privateNetworkDowntime = %v, want %v: %+v", av.PrivateNetworkDowntime, c.downtime, av.Entries)
			}
			err := p.RefuseDowntime(false)
			var de *DowntimeError
			if (err != nil) != c.downtime || (err != nil && !errors.As(err, &de)) {
				t.Errorf("RefuseDowntime(false) = %v, want a *DowntimeError: %v", err, c.downtime)
			}
			if p.RefuseDowntime(true) != nil {
				t.Error("RefuseDowntime(true) must accept")
			}
		})
	}
}

// removeResources drops top-level resources by id from a YAML template of
// availBase's shape (each resource starts at two spaces of indentation).
func removeResources(doc string, ids ...string) string {
	var out []string
	skip := false
	for _, line := range strings.Split(doc, "\n") {
		if strings.HasPrefix(line, "  ") && !strings.HasPrefix(line, "   ") {
			skip = false
			for _, id := range ids {
				if strings.HasPrefix(line, "  "+id+":") {
					skip = true
				}
			}
		}
		if !strings.HasPrefix(line, " ") {
			skip = false
		}
		if !skip {
			out = append(out, line)
		}
	}
	return strings.Join(out, "\n")
}

// TestAvailabilityAPI: the API URL the catalog's tasks hand out: an EDGE
// API moved to a new PRIVATE one is lost to the internet from the
// service's wave, and to the private network while the new API has no
// stage.
func TestAvailabilityAPI(t *testing.T) {
	const tmpl = `
Resources:
  %API%:
    Type: AWS::ApiGateway::RestApi
    Properties: {Name: api, EndpointConfiguration: {Types: [%TYPE%]}}
  Method:
    Type: AWS::ApiGateway::Method
    Properties: {RestApiId: !Ref %API%, ResourceId: r-1, HttpMethod: GET, AuthorizationType: NONE}
  Deployment:
    Type: AWS::ApiGateway::Deployment
    DependsOn: Method
    Properties: {RestApiId: !Ref %API%}
  Stage:
    Type: AWS::ApiGateway::Stage
    Properties: {RestApiId: !Ref %API%, DeploymentId: !Ref Deployment, StageName: prod}
  TaskDef:
    Type: AWS::ECS::TaskDefinition
    Properties:
      ContainerDefinitions:
        - Name: catalog
          Environment: [{Name: API_GATEWAY, Value: !Sub "https://${%API%}.execute-api.${AWS::Region}.amazonaws.com/prod"}]
  Service:
    Type: AWS::ECS::Service
    Properties: {TaskDefinition: !Ref TaskDef}
%DEP%
`
	mk := func(api, typ, dep string) string {
		return strings.NewReplacer("%API%", api, "%TYPE%", typ, "%DEP%", dep).Replace(tmpl)
	}
	host := "https://${ApiPrivate}.execute-api.${AWS::Region}.amazonaws.com/prod"
	for _, c := range []struct {
		name, new string
		private   string
	}{
		{"the service switches before the stage exists", mk("ApiPrivate", "PRIVATE", ""), "wave 2..wave 2"},
		{"the service waits for the stage", mk("ApiPrivate", "PRIVATE", "    DependsOn: Stage"), ""},
	} {
		t.Run(c.name, func(t *testing.T) {
			p := compute(t, Input{Deployed: decode(t, mk("Api", "EDGE", "")), New: decode(t, c.new)})
			av := p.Rollout.Availability
			if got := lostOf(av, host, NetworkPrivate); got != c.private {
				t.Errorf("private: %q, want %q (waves %v)\n%+v", got, c.private, p.Rollout.Waves, av.Entries)
			}
			if got := lostOf(av, host, NetworkInternet); !strings.HasSuffix(got, "..after") {
				t.Errorf("internet: %q, want lost until after (the API is private)", got)
			}
			if av.PrivateNetworkDowntime != (c.private != "") {
				t.Errorf("privateNetworkDowntime = %v", av.PrivateNetworkDowntime)
			}
		})
	}
}
