package main

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/service/cloudformation"
	cfntypes "github.com/aws/aws-sdk-go-v2/service/cloudformation/types"
	"go.yaml.in/yaml/v3"

	"github.com/quiltdata/quilt-private-endpoints/internal/dnsfake"
	"github.com/quiltdata/quilt-private-endpoints/internal/macroevent"
	"github.com/quiltdata/quilt-private-endpoints/internal/stackfake"
	"github.com/quiltdata/quilt-private-endpoints/internal/template"
	"github.com/quiltdata/quilt-private-endpoints/internal/testenv"
)

// TestDayTwoEndToEnd is a private stack's life on the CloudFormation
// double, through the qpe binary's commands and the SDK: enable (side by
// side, DNS moved in Route 53, retire), an upgrade to a new Quilt release
// (qpe enable --template NEW), an update made in the console with the
// release's template as Quilt ships it (no Transform), refused by the stack
// policy, rolled back and reported with the reason (qpe enable --follow),
// then qpe disable: the public side back, DNS back, the original template,
// checked public.
func TestDayTwoEndToEnd(t *testing.T) {
	srv := enableServe(t, "alb", func(s *stackfake.Scenario) { s.Execution.Step = time.Millisecond })
	t.Setenv("AWS_ENDPOINT_URL_ROUTE_53", srv.URL())
	dns, err := dnsfake.Start(func(name string) (dnsfake.Record, bool) {
		c, a, ok := srv.Resolve(name)
		return dnsfake.Record{CNAME: c, A: a}, ok
	})
	if err != nil {
		t.Fatal(err)
	}
	defer dns.Close()
	common := []string{"--stack", "quilt", "--region", "us-east-1", "--yes", "--format", "json", "--poll", "2ms"}
	walk := []string{"--hosted-zone-id", "Z0123456789EXAMPLE", "--resolver", dns.Addr()}

	// 1. Enable: side by side, DNS, retire.
	code, out, errs := qpeRun(t, "", append(append(append([]string{"enable"}, common...), walk...), "--set", "LoadBalancerScheme=internal", "--change-set-name", "enable")...)
	if code != 0 || outcome(t, out) != "enabled" {
		t.Fatalf("enable: exit %d\n%s\n%s", code, out, errs)
	}
	protected := srv.StackPolicy()
	if !strings.Contains(protected, "LogicalResourceId/ApiPrivate") || !strings.Contains(protected, "LogicalResourceId/LoadBalancerInternal") {
		t.Fatalf("stack policy after enable:\n%s", protected)
	}

	// 2. Upgrade to the next release: a new parameter with a default.
	scn, err := stackfake.Load(filepath.Join(testenv.Root(t), "internal", "enable", "testdata", "alb.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	next, _ := template.Clone(scn.Stack.Template).(map[string]any)
	next["Description"] = "Quilt 1.65.0"
	template.Section(next, "Parameters")["LogLevel"] = map[string]any{"Type": "String", "Default": "INFO"}
	b, err := yaml.Marshal(next)
	if err != nil {
		t.Fatal(err)
	}
	nextFile := filepath.Join(t.TempDir(), "quilt-1.65.yaml")
	if err := os.WriteFile(nextFile, b, 0o600); err != nil {
		t.Fatal(err)
	}
	code, out, errs = qpeRun(t, "", append(append([]string{"enable"}, common...), "--template", nextFile, "--change-set-name", "upgrade")...)
	if code != 0 || outcome(t, out) != "enabled" {
		t.Fatalf("upgrade: exit %d\n%s\n%s", code, out, errs)
	}

	// 3. The console: the release's template as Quilt ships it, without
	// the Transform, executed as a console user would.
	ctx := context.Background()
	cfg, err := config.LoadDefaultConfig(ctx, config.WithRegion("us-east-1"))
	if err != nil {
		t.Fatal(err)
	}
	cfn := cloudformation.NewFromConfig(cfg)
	got, err := cfn.GetTemplate(ctx, &cloudformation.GetTemplateInput{StackName: aws.String("quilt"), TemplateStage: cfntypes.TemplateStageOriginal})
	if err != nil {
		t.Fatal(err)
	}
	deployed, err := template.DecodeJSON([]byte(aws.ToString(got.TemplateBody)))
	if err != nil {
		t.Fatal(err)
	}
	if template.Section(deployed, "Parameters")["LogLevel"] == nil || !macroevent.HasEntry(deployed) {
		t.Fatal("the upgrade did not deploy the next release with the Transform")
	}
	console, _ := macroevent.WithoutEntry(deployed)
	body, _ := json.Marshal(console)
	var params []cfntypes.Parameter
	for _, k := range template.SortedKeys(template.Section(console, "Parameters")) {
		params = append(params, cfntypes.Parameter{ParameterKey: aws.String(k), UsePreviousValue: aws.Bool(true)})
	}
	if _, err := cfn.CreateChangeSet(ctx, &cloudformation.CreateChangeSetInput{StackName: aws.String("quilt"), ChangeSetName: aws.String("console"),
		TemplateBody: aws.String(string(body)), Parameters: params,
		Capabilities: []cfntypes.Capability{cfntypes.CapabilityCapabilityIam, cfntypes.CapabilityCapabilityNamedIam}}); err != nil {
		t.Fatal(err)
	}
	waitChangeSet(t, cfn, "console")
	if _, err := cfn.ExecuteChangeSet(ctx, &cloudformation.ExecuteChangeSetInput{StackName: aws.String("quilt"), ChangeSetName: aws.String("console")}); err != nil {
		t.Fatal(err)
	}
	code, out, errs = qpeRun(t, "", "enable", "--stack", "quilt", "--region", "us-east-1", "--follow", "--format", "json", "--poll", "2ms")
	var followed struct {
		Stages []struct {
			Update struct {
				Status       string `json:"status"`
				FirstFailure struct {
					Resource, Status, Reason string
				} `json:"firstFailure"`
				PolicyDenial *struct {
					Resource, Action string
					ByQPE            bool `json:"byQPE"`
					Fix              []string
				} `json:"policyDenial"`
			} `json:"update"`
		} `json:"stages"`
		Outcome, Message string
	}
	if err := json.Unmarshal([]byte(out), &followed); err != nil || code != 1 || len(followed.Stages) != 1 {
		t.Fatalf("follow: exit %d %v\n%s\n%s", code, err, out, errs)
	}
	u := followed.Stages[0].Update
	d := u.PolicyDenial
	if u.Status != "UPDATE_ROLLBACK_COMPLETE" || !strings.Contains(u.FirstFailure.Reason, "Action denied by stack policy") || d == nil || !d.ByQPE ||
		d.Resource != u.FirstFailure.Resource || !strings.Contains(protected, "LogicalResourceId/"+d.Resource) ||
		!strings.Contains(followed.Message, "lacks the QuiltPrivateEndpoints Transform") || !strings.Contains(strings.Join(d.Fix, "\n"), "qpe disable --stack quilt") {
		t.Fatalf("the denial is not reported: %+v\n%s", followed, out)
	}
	t.Logf("console update refused: %s %s: %s", d.Action, d.Resource, u.FirstFailure.Reason)
	if got, _ := cfn.GetTemplate(ctx, &cloudformation.GetTemplateInput{StackName: aws.String("quilt"), TemplateStage: cfntypes.TemplateStageOriginal}); !strings.Contains(aws.ToString(got.TemplateBody), macroevent.MacroName) {
		t.Fatal("the console update was not rolled back")
	}

	// 4. Disable: public side by side, DNS back, the original template.
	code, out, errs = qpeRun(t, "", append(append(append([]string{"disable"}, common...), walk...), "--change-set-name", "off")...)
	if code != 0 {
		t.Fatalf("disable: exit %d\n%s\n%s", code, out, errs)
	}
	r := decodeDisable(t, out)
	if r.stages() != "public-side-by-side:updated dns:dns-moved leave:updated" || r.Outcome != "disabled" || r.Public == nil || !r.Public.OK {
		t.Fatalf("disable: %s %s: %s\n%s", r.stages(), r.Outcome, r.Message, errs)
	}
	for _, sg := range r.Stages {
		if p := sg.Plan; p != nil && (!p.Rollout.RollbackSafe || p.Rollout.Availability.PrivateNetworkDowntime) {
			t.Errorf("%s plan: rollback-safe %v, downtime %v", sg.Name, p.Rollout.RollbackSafe, p.Rollout.Availability.PrivateNetworkDowntime)
		}
	}
	public := r.Stages[1].DNS.LoadBalancer.DNSName
	for _, h := range []string{"quilt.example.com", "quilt-registry.example.com"} {
		if c, _, _ := srv.Resolve(h); !strings.EqualFold(c, public) {
			t.Errorf("%s -> %s, want the public load balancer %s", h, c, public)
		}
	}
	got, err = cfn.GetTemplate(ctx, &cloudformation.GetTemplateInput{StackName: aws.String("quilt"), TemplateStage: cfntypes.TemplateStageOriginal})
	if err != nil {
		t.Fatal(err)
	}
	final, _ := template.DecodeJSON([]byte(aws.ToString(got.TemplateBody)))
	if !template.Equal(final, console) {
		t.Error("the stack does not run the next release's template without the Transform")
	}
	if p := srv.StackPolicy(); strings.Contains(p, "LogicalResourceId/ApiPrivate") {
		t.Errorf("qpe's statements are still in the stack policy:\n%s", p)
	}
	for _, c := range r.Public.Checks {
		t.Logf("public: %s %s %v %s", c.Check, c.Resource, c.OK, c.Detail)
	}
}

func outcome(t *testing.T, out string) string {
	t.Helper()
	var r struct{ Outcome string }
	if err := json.Unmarshal([]byte(out), &r); err != nil {
		t.Fatalf("not JSON: %v\n%s", err, out)
	}
	return r.Outcome
}

func waitChangeSet(t *testing.T, cfn *cloudformation.Client, name string) {
	t.Helper()
	for i := 0; ; i++ {
		cs, err := cfn.DescribeChangeSet(context.Background(), &cloudformation.DescribeChangeSetInput{StackName: aws.String("quilt"), ChangeSetName: aws.String(name)})
		if err != nil {
			t.Fatal(err)
		}
		if cs.Status == cfntypes.ChangeSetStatusCreateComplete {
			return
		}
		if cs.Status == cfntypes.ChangeSetStatusFailed || i > 1000 {
			t.Fatalf("change set %s %s", cs.Status, aws.ToString(cs.StatusReason))
		}
		time.Sleep(2 * time.Millisecond)
	}
}
