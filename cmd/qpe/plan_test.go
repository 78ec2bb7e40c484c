package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// planLB is a public load balancer with a host rule to a target group a
// service is registered with; %TG% is the group the service registers
// with, %EXTRA% more resources.
const planLB = `
Resources:
  LB: {Type: AWS::ElasticLoadBalancingV2::LoadBalancer, Properties: {Scheme: internet-facing, Subnets: [subnet-1]}}
  Listener:
    Type: AWS::ElasticLoadBalancingV2::Listener
    Properties: {LoadBalancerArn: !Ref LB, Port: 443, Protocol: HTTPS, DefaultActions: [{Type: fixed-response, FixedResponseConfig: {StatusCode: "404"}}]}
  TG: {Type: AWS::ElasticLoadBalancingV2::TargetGroup, Properties: {Port: 80, Protocol: HTTP, VpcId: vpc-1}}
  Rule:
    Type: AWS::ElasticLoadBalancingV2::ListenerRule
    Properties:
      ListenerArn: !Ref Listener
      Priority: 10
      Conditions: [{Field: host-header, Values: [quilt.example.com]}]
      Actions: [{Type: forward, TargetGroupArn: !Ref TG}]
  Service:
    Type: AWS::ECS::Service
    Properties: {ServiceName: web, LoadBalancers: [{ContainerName: web, ContainerPort: 80, TargetGroupArn: !Ref %TG%}]}%EXTRA%
Outputs:
  LoadBalancerDNSName: {Value: !GetAtt LB.DNSName}
`

// TestPlanDowntime: qpe plan exits 1 when users on the private network
// lose an entry point, unless --accept-downtime; the JSON carries the
// availability.
func TestPlanDowntime(t *testing.T) {
	dir := t.TempDir()
	write := func(name, tg, extra string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(strings.NewReplacer("%TG%", tg, "%EXTRA%", extra).Replace(planLB)), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	deployed := write("deployed.yaml", "TG", "")
	// The service moves to a group no rule of the load balancer DNS names
	// forwards to: the host loses its targets.
	moved := write("moved.yaml", "TG2", `
  TG2: {Type: AWS::ElasticLoadBalancingV2::TargetGroup, Properties: {Port: 80, Protocol: HTTP, VpcId: vpc-1}}`)
	for _, c := range []struct {
		name string
		args []string
		code int
		msg  string
	}{
		{"no change", []string{"plan", deployed, deployed}, 0, ""},
		{"downtime", []string{"plan", deployed, moved}, 1, "quilt.example.com (Rule) from wave 1"},
		{"downtime accepted", []string{"plan", "--accept-downtime", deployed, moved}, 0, ""},
	} {
		t.Run(c.name, func(t *testing.T) {
			code, out, errOut := qpeRun(t, "", c.args...)
			if code != c.code || !strings.Contains(errOut, c.msg) {
				t.Fatalf("exit %d (want %d), stderr %q (want %q)", code, c.code, errOut, c.msg)
			}
			if !strings.Contains(out, "## Availability") {
				t.Errorf("the Markdown plan has no availability section:\n%s", out)
			}
		})
	}
	code, out, _ := qpeRun(t, "", "plan", "--format", "json", "--accept-downtime", deployed, moved)
	var p struct {
		Rollout struct {
			Availability struct {
				PrivateNetworkDowntime bool `json:"privateNetworkDowntime"`
				Entries                []struct {
					Entry, Host, Network string
					Lost                 []map[string]any
				} `json:"entries"`
			} `json:"availability"`
		} `json:"rollout"`
	}
	if err := json.Unmarshal([]byte(out), &p); err != nil || code != 0 {
		t.Fatalf("exit %d, %v", code, err)
	}
	av := p.Rollout.Availability
	if !av.PrivateNetworkDowntime || len(av.Entries) != 2 || av.Entries[0].Host != "quilt.example.com" || len(av.Entries[0].Lost) == 0 {
		t.Errorf("availability %+v", av)
	}
	for _, k := range []string{"from", "until", "why", "inherent"} {
		if _, ok := av.Entries[0].Lost[0][k]; !ok {
			t.Errorf("a gap lacks %q: %v", k, av.Entries[0].Lost[0])
		}
	}
}
