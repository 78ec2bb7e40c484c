package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/quiltdata/quilt-private-endpoints/internal/quiltfixture"
	"github.com/quiltdata/quilt-private-endpoints/internal/stackfake"
	"github.com/quiltdata/quilt-private-endpoints/internal/testenv"
)

// reviewStackServe starts the CloudFormation double with the stable fixture
// deployed as stack quilt, whose LoadBalancerDNSName export another stack
// imports.
func reviewStackServe(t *testing.T) {
	t.Helper()
	testenv.IsolateAWS(t)
	t.Setenv("AWS_ACCESS_KEY_ID", "AKIDREVIEWTEST")
	t.Setenv("AWS_SECRET_ACCESS_KEY", "review-test-secret")
	scn, err := stackfake.Parse([]byte(`
stack:
  name: quilt
  status: UPDATE_COMPLETE
  created: 2026-01-02T03:04:05Z
  parameters: {QuiltWebHost: quilt.example.com, WAFGeofenceCountries: '*'}
  outputs:
    LoadBalancerDNSName: quilt-123.us-east-1.elb.amazonaws.com
    LoadBalancerCanonicalHostedZoneID: Z35SXDOTRQ7X7K
    OutboundSecurityGroup: sg-0a1b2c3d4e5f60718
  exports:
    LoadBalancerDNSName: quilt-LoadBalancerDNSName
    LoadBalancerCanonicalHostedZoneID: quilt-LoadBalancerCanonicalHostedZoneID
    OutboundSecurityGroup: quilt-OutboundSecurityGroup
  imports:
    quilt-LoadBalancerDNSName: [quilt-dns-records]
`))
	if err != nil {
		t.Fatal(err)
	}
	scn.Stack.Template = quiltfixture.Decode(quiltfixture.Stable())
	srv := stackfake.Start(scn)
	t.Cleanup(srv.Close)
	t.Setenv("AWS_ENDPOINT_URL_CLOUDFORMATION", srv.URL())
	t.Setenv("AWS_ENDPOINT_URL_STS", srv.URL())
}

// TestReviewStackExportInUse reviews the live stack's own template with an
// internal ALB only (PublicLoadBalancer=retire): the retired load balancer
// changes an export another stack imports, a blocker that names it; the
// exports nobody imports are not.
func TestReviewStackExportInUse(t *testing.T) {
	reviewStackServe(t)
	code, out, errs := qpeRun(t, "", "review", "--stack", "quilt", "--region", "us-east-1",
		"--set", "LoadBalancerScheme=internal", "--set", "PublicLoadBalancer=retire", "--set", "ApiGatewayVPCEndpointId=vpce-0a1b2c3d4e5f60718",
		"--set", "UserSubnetIds=subnet-0a1b2c3d4e5f60201,subnet-0a1b2c3d4e5f60202", "--format", "json")
	if code != 0 {
		t.Fatalf("exit %d\n%s\n%s", code, out, errs)
	}
	var rep struct {
		Resources []struct {
			LogicalID       string   `json:"logicalId"`
			Action          string   `json:"action"`
			Behavior        string   `json:"behavior"`
			ReplacedBecause []string `json:"replacedBecause"`
		} `json:"resources"`
		Rollout struct {
			Waves        [][]string `json:"waves"`
			RollbackSafe *bool      `json:"rollbackSafe"`
			Blockers     []struct {
				ID, Resource, Detail, Recovery string
			} `json:"blockers"`
			Warnings []struct{ ID, Resource string } `json:"warnings"`
		} `json:"rollout"`
	}
	if err := json.Unmarshal([]byte(out), &rep); err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	var exportBlockers []string
	for _, b := range rep.Rollout.Blockers {
		if b.ID == "QPE-UP-003" {
			exportBlockers = append(exportBlockers, b.Resource)
			if !strings.Contains(b.Detail, "quilt-dns-records") || !strings.Contains(b.Detail, "quilt-LoadBalancerDNSName") || b.Recovery == "" {
				t.Errorf("the blocker must name the export and the importing stack: %+v", b)
			}
		}
	}
	if strings.Join(exportBlockers, ",") != "Outputs.LoadBalancerDNSName" {
		t.Errorf("export blockers %v, want only the imported one", exportBlockers)
	}
	for _, w := range rep.Rollout.Warnings {
		if w.ID == "QPE-UP-003" {
			t.Errorf("importers were read: no export warning, got %+v", w)
		}
	}
	if rep.Rollout.RollbackSafe == nil || len(rep.Rollout.Waves) == 0 {
		t.Errorf("no rollout: %s", out)
	}
	// Blue/green: nothing of the load balancer is replaced in place (no
	// cascade from a create-only Scheme): the public side is retired for
	// its internal twin, a new logical id.
	action := map[string]string{}
	for _, r := range rep.Resources {
		action[r.LogicalID] = r.Action
		if r.Action == "knock-on" && (strings.Contains(r.LogicalID, "Listener") || strings.Contains(r.LogicalID, "LoadBalancer")) {
			t.Errorf("%s is a knock-on replacement (%v): the internal side must be new resources", r.LogicalID, r.ReplacedBecause)
		}
	}
	for _, id := range []string{"LoadBalancerInternal", "ListenerInternal", "CatalogListenerRuleInternal"} {
		if action[id] != "renamed" {
			t.Errorf("%s: action %q, want renamed (the public resource retired for it)", id, action[id])
		}
	}
	if !strings.Contains(errs, "qpe review: stack quilt read: 2 parameters, 3 exports") {
		t.Errorf("stderr: %s", errs)
	}
}

// TestReviewStackMissing: a stack that does not exist is an error naming it.
func TestReviewStackMissing(t *testing.T) {
	reviewStackServe(t)
	code, _, errs := qpeRun(t, "", "review", "--stack", "nope", "--region", "us-east-1")
	if code != 1 || !strings.Contains(errs, "stack nope does not exist") {
		t.Errorf("exit %d: %s", code, errs)
	}
}

func TestPlanExitStatus(t *testing.T) {
	dir := t.TempDir()
	stable := filepath.Join(dir, "stable.yaml")
	private := filepath.Join(dir, "private.yaml")
	if err := os.WriteFile(stable, quiltfixture.Stable(), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(private, quiltfixture.Private(), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		args []string
		code int
		want string
	}{
		{[]string{"plan", stable, stable}, 0, "**Safe**"},
		{[]string{"plan", stable, private}, 1, "QPE-UP-002"},
		{[]string{"plan", "--format", "json", stable, private}, 1, `"rollbackSafe": false`},
		{[]string{"plan", stable}, 2, ""},
		{[]string{"plan", "--format", "xml", stable, stable}, 2, ""},
		{[]string{"plan", stable, filepath.Join(dir, "missing.yaml")}, 2, ""},
		{[]string{"plan", "--today", "tomorrow", stable, stable}, 2, ""},
	} {
		code, out, errs := qpeRun(t, "", tc.args...)
		if code != tc.code || !strings.Contains(out, tc.want) {
			t.Errorf("%v: exit %d, want %d; stdout %.200s; stderr %s", tc.args, code, tc.code, out, errs)
		}
	}
}

// TestPlanInvalidTemplate: a template CloudFormation refuses is no plan
// (exit 2, no output) and the error names the file, the resource and the
// fix; review refuses the pair too (exit 1, its input error).
func TestPlanInvalidTemplate(t *testing.T) {
	dir := t.TempDir()
	good := filepath.Join(dir, "good.json")
	if err := os.WriteFile(good, []byte(`{"Resources":{"A":{"Type":"AWS::SNS::Topic"}}}`), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name, body, want string
	}{
		{"not an object", `{"Resources":{"A":5}}`, "resource A: the resource is a number, not an object"},
		{"no type", `{"Resources":{"A":{"Properties":{}}}}`, "resource A: the resource has no Type"},
		{"cycle", `{"Resources":{"A":{"Type":"AWS::SNS::Topic","DependsOn":"B"},"B":{"Type":"AWS::SNS::Topic","DependsOn":["A"]}}}`,
			"resource A: the resources depend on each other in a cycle (A -> B -> A"},
		{"unknown dependency", `{"Resources":{"A":{"Type":"AWS::SNS::Topic","DependsOn":"Nope"}}}`, "resource A: DependsOn names Nope"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			bad := filepath.Join(dir, strings.ReplaceAll(tc.name, " ", "-")+".json")
			if err := os.WriteFile(bad, []byte(tc.body), 0o644); err != nil {
				t.Fatal(err)
			}
			for _, c := range []struct {
				args []string
				side string
			}{{[]string{"plan", good, bad}, "new"}, {[]string{"plan", bad, good}, "deployed"}} {
				code, out, errs := qpeRun(t, "", c.args...)
				want := bad + ": the " + c.side + " template: " + tc.want
				if code != 2 || out != "" || !strings.Contains(errs, want) || !strings.Contains(errs, "Fix: ") {
					t.Errorf("%v: exit %d, stdout %.200s; stderr %s; want exit 2 and %q", c.args, code, out, errs, want)
				}
			}
			code, out, errs := qpeRun(t, "", "review", bad)
			if code != 1 || out != "" || !strings.Contains(errs, "resource") || !strings.Contains(errs, "Fix: ") {
				t.Errorf("review: exit %d, stdout %.200s; stderr %s", code, out, errs)
			}
		})
	}
}
