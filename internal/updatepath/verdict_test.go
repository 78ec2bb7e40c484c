package updatepath

import (
	"context"
	"strings"
	"testing"
)

// TestVerdictDNSStep: a load balancer replaced (internet-facing to
// internal) needs its host names repointed after the update, to the output
// that carries its DNS name, and users' networks routed to it before; a
// host name from a parameter without a value is named symbolically.
func TestVerdictDNSStep(t *testing.T) {
	doc := func(scheme string) map[string]any {
		return mustJSON(t, `{
  "Parameters": {"Host": {"Type": "String"}},
  "Resources": {
    "LB": {"Type": "AWS::ElasticLoadBalancingV2::LoadBalancer", "Properties": {"Scheme": "`+scheme+`", "Subnets": ["subnet-1", "subnet-2"]}},
    "TG": {"Type": "AWS::ElasticLoadBalancingV2::TargetGroup", "Properties": {"Port": 443, "Protocol": "HTTPS", "VpcId": "vpc-1"}},
    "L": {"Type": "AWS::ElasticLoadBalancingV2::Listener", "Properties": {"LoadBalancerArn": {"Ref": "LB"}, "Port": 443, "Protocol": "HTTPS",
      "DefaultActions": [{"Type": "forward", "TargetGroupArn": {"Ref": "TG"}}]}},
    "R": {"Type": "AWS::ElasticLoadBalancingV2::ListenerRule", "Properties": {"ListenerArn": {"Ref": "L"}, "Priority": 1,
      "Actions": [{"Type": "forward", "TargetGroupArn": {"Ref": "TG"}}],
      "Conditions": [{"Field": "host-header", "Values": [{"Ref": "Host"}, "static.example.com"]}]}}
  },
  "Outputs": {"DNS": {"Value": {"Fn::GetAtt": ["LB", "DNSName"]}}}
}`).(map[string]any)
	}
	p, err := Compute(context.Background(), Input{Deployed: doc("internet-facing"), New: doc("internal")})
	if err != nil {
		t.Fatal(err)
	}
	v := p.Verdict
	if len(v.Outside) != 2 || v.Outside[0].When != StepBefore || v.Outside[1].When != StepAfter {
		t.Fatalf("steps %+v, want a route before and DNS after", v.Outside)
	}
	recs := v.Outside[1].Records
	if len(recs) != 2 || recs[0].Name != "${Host}" || recs[1].Name != "static.example.com" || !strings.Contains(recs[0].Value, "output DNS") {
		t.Errorf("records %+v", recs)
	}
	lines := v.VerdictLines()
	if len(lines) > 10 || !strings.Contains(strings.Join(lines, "\n"), "repoint DNS: ${Host}, static.example.com") {
		t.Errorf("verdict:\n%s", strings.Join(lines, "\n"))
	}
	// No new DNS name: nothing to do outside the stack.
	p, err = Compute(context.Background(), Input{Deployed: doc("internal"), New: doc("internal")})
	if err != nil {
		t.Fatal(err)
	}
	if len(p.Verdict.Outside) != 0 || p.Verdict.Outcome != "safe" {
		t.Errorf("unchanged: %+v", p.Verdict)
	}
}
