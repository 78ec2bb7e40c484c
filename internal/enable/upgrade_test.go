package enable

import (
	"context"
	"slices"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudformation"
	cfntypes "github.com/aws/aws-sdk-go-v2/service/cloudformation/types"

	"github.com/quiltdata/quilt-private-endpoints/internal/macroevent"
	"github.com/quiltdata/quilt-private-endpoints/internal/template"
	"github.com/quiltdata/quilt-private-endpoints/internal/transform"
)

// deployedOriginal is the stack's template as submitted (GetTemplate,
// Original stage), read back from the double.
func (w *world) deployedOriginal(t *testing.T) map[string]any {
	t.Helper()
	out, err := w.clients.CloudFormation.GetTemplate(context.Background(), &cloudformation.GetTemplateInput{StackName: aws.String("quilt"), TemplateStage: cfntypes.TemplateStageOriginal})
	if err != nil {
		t.Fatal(err)
	}
	doc, err := template.Decode([]byte(aws.ToString(out.TemplateBody)))
	if err != nil {
		t.Fatal(err)
	}
	return doc
}

// release is a "next release" of the stack's template as Quilt ships it:
// the deployed original without the Transform section (Quilt's release
// templates do not carry it), a new Description, a new parameter with a
// Default used by a function, and edit applied.
func release(t *testing.T, deployed map[string]any, edit func(doc map[string]any)) map[string]any {
	t.Helper()
	doc, _ := template.Clone(deployed).(map[string]any)
	delete(doc, "Transform")
	doc["Description"] = "Quilt 1.65.0"
	template.Section(doc, "Parameters")["LogLevel"] = map[string]any{"Type": "String", "Default": "INFO"}
	fn := template.Resources(doc)["ReportHandler"].(map[string]any)["Properties"].(map[string]any)
	fn["Environment"] = map[string]any{"Variables": map[string]any{"LOG_LEVEL": map[string]any{"Ref": "LogLevel"}}}
	if edit != nil {
		edit(doc)
	}
	return doc
}

func encode(t *testing.T, doc map[string]any) []byte {
	t.Helper()
	b, err := template.EncodeJSON(doc, true)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// enabled serves the public scenario and enables it with settings.
func enabled(t *testing.T, settings map[string]string) *world {
	t.Helper()
	w := startWorld(t, "public", nil)
	if r := w.run(t, Input{Yes: true, Settings: settings, ChangeSetName: "enable"}); r.Exit != 0 {
		t.Fatalf("enable: exit %d outcome %s: %s\n%s", r.Exit, r.Outcome, r.Message, w.out.String())
	}
	w.out.Reset()
	return w
}

// TestUpgradeFromFile: an enabled stack upgraded to a new release given as
// a file: the deployed Transform settings are carried into it, the new
// parameter takes its Default, the update is planned, executed and
// verified, and the submitted template is the release with the entry.
func TestUpgradeFromFile(t *testing.T) {
	t.Parallel()
	w := enabled(t, map[string]string{transform.SetPreflightMode: transform.ModeValidate, transform.SetExclude: "ThumbnailHandler"})
	next := release(t, w.deployedOriginal(t), nil)
	r := w.run(t, Input{Yes: true, Template: "quilt-1.65.json", TemplateBody: encode(t, next)})
	out := w.out.String()
	if r.Exit != 0 || r.Outcome != OutcomeEnabled || len(r.Stages) != 1 || r.Stages[0].Outcome != OutcomeUpdated {
		t.Fatalf("exit %d outcome %s %v: %s\n%s", r.Exit, r.Outcome, stages(r), r.Message, out)
	}
	if r.Verify == nil || !r.Verify.OK {
		t.Errorf("verify %+v", r.Verify)
	}
	up := r.Upgrade
	if up == nil || up.To != "quilt-1.65.json" || !up.From.Enabled || up.From.EngineVersion != transform.EngineVersion || up.SettingsFrom != SettingsFromDeployed {
		t.Fatalf("upgrade %+v", up)
	}
	if up.Settings[transform.SetExclude] != "ThumbnailHandler" || up.Settings[transform.SetPreflightMode] != transform.ModeValidate {
		t.Errorf("settings %v", up.Settings)
	}
	if len(up.NewParameters) != 1 || up.NewParameters[0] != (NewParameter{Name: "LogLevel", Value: "INFO", From: "default"}) || len(up.DroppedParameters) != 0 {
		t.Errorf("parameters: new %+v dropped %v", up.NewParameters, up.DroppedParameters)
	}
	if len(up.Warnings) != 0 {
		t.Errorf("warnings %v", up.Warnings)
	}
	mustContain(t, out, "upgrade: from a render of engine "+transform.EngineVersion, "to quilt-1.65.json",
		"settings kept from the deployed Transform entry", "Exclude=ThumbnailHandler", "LogLevel=INFO (default)")
	// What CloudFormation has now: the release, with the entry and the
	// deployed settings.
	got := w.deployedOriginal(t)
	params, _, ok := macroevent.Entry(got)
	if !ok || params[transform.SetExclude] != "ThumbnailHandler" || got["Description"] != "Quilt 1.65.0" {
		t.Errorf("deployed now: Transform %v Description %v", got["Transform"], got["Description"])
	}
	if _, has := template.Section(got, "Parameters")["LogLevel"]; !has {
		t.Error("the release's new parameter is not deployed")
	}
}

// TestUpgradeSetOverrides: --set changes one setting of the deployed entry,
// the others are kept.
func TestUpgradeSetOverrides(t *testing.T) {
	t.Parallel()
	w := enabled(t, map[string]string{transform.SetExclude: "ThumbnailHandler", transform.SetPreflightMode: transform.ModeValidate})
	next := release(t, w.deployedOriginal(t), nil)
	r := w.run(t, Input{Yes: true, Template: "next.json", TemplateBody: encode(t, next), Settings: map[string]string{transform.SetExclude: "ReportHandler"}})
	if r.Exit != 0 {
		t.Fatalf("exit %d outcome %s: %s\n%s", r.Exit, r.Outcome, r.Message, w.out.String())
	}
	if s := r.Upgrade.Settings; s[transform.SetPreflightMode] != transform.ModeValidate || s[transform.SetExclude] != "ReportHandler" {
		t.Errorf("settings %v", s)
	}
	params, _, _ := macroevent.Entry(w.deployedOriginal(t))
	if params[transform.SetPreflightMode] != transform.ModeValidate || params[transform.SetExclude] != "ReportHandler" {
		t.Errorf("deployed entry %v", params)
	}
}

// TestUpgradeNewParameterWithoutDefault: a new parameter without a
// Default and without --parameter stops before anything is created,
// every such parameter listed; --parameter gives it.
func TestUpgradeNewParameterWithoutDefault(t *testing.T) {
	t.Parallel()
	w := enabled(t, nil)
	next := release(t, w.deployedOriginal(t), func(doc map[string]any) {
		p := template.Section(doc, "Parameters")
		p["CatalogAdminEmail"] = map[string]any{"Type": "String"}
		p["SearchDomainArn"] = map[string]any{"Type": "String"}
	})
	calls := w.stack.Calls()["cloudformation:CreateChangeSet"]
	_, err := Run(context.Background(), w.clients, w.input(Input{Yes: true, Template: "next.yaml", TemplateBody: encode(t, next)}))
	var ue *UsageError
	if err == nil || !errorsAs(err, &ue) {
		t.Fatalf("err %v", err)
	}
	mustContain(t, err.Error(), "next.yaml", "2 new parameter(s)", "CatalogAdminEmail (String)", "SearchDomainArn (String)", "--parameter Name=Value")
	if n := w.stack.Calls()["cloudformation:CreateChangeSet"]; n != calls {
		t.Errorf("%d change sets created", n-calls)
	}
	r := w.run(t, Input{Yes: true, Template: "next.yaml", TemplateBody: encode(t, next),
		Parameters: map[string]string{"CatalogAdminEmail": "admin@example.com", "SearchDomainArn": "arn:aws:es:us-east-1:123456789012:domain/quilt"}})
	if r.Exit != 0 {
		t.Fatalf("with --parameter: exit %d outcome %s: %s\n%s", r.Exit, r.Outcome, r.Message, w.out.String())
	}
	var from []string
	for _, p := range r.Upgrade.NewParameters {
		from = append(from, p.Name+"="+p.From)
	}
	if !slices.Equal(from, []string{"CatalogAdminEmail=--parameter", "LogLevel=default", "SearchDomainArn=--parameter"}) {
		t.Errorf("new parameters %v", r.Upgrade.NewParameters)
	}
}

// TestUpgradeTransformDisagrees: a new template carrying its own entry
// whose settings differ from the deployed ones stops, naming each
// difference; --set decides one; an agreeing entry goes through.
func TestUpgradeTransformDisagrees(t *testing.T) {
	t.Parallel()
	w := enabled(t, map[string]string{transform.SetExclude: "ThumbnailHandler"})
	deployed := w.deployedOriginal(t)
	withEntry := func(p map[string]any) map[string]any {
		return release(t, deployed, func(doc map[string]any) {
			doc["Transform"] = []any{map[string]any{"Name": macroevent.MacroName, "Parameters": p}}
		})
	}
	next := withEntry(map[string]any{transform.SetExclude: "ReportHandler", transform.SetPreflightMode: transform.ModeNone})
	_, err := Run(context.Background(), w.clients, w.input(Input{Yes: true, Template: "next.json", TemplateBody: encode(t, next)}))
	if err == nil {
		t.Fatal("a disagreeing entry was accepted")
	}
	mustContain(t, err.Error(), "Exclude: deployed ThumbnailHandler, new template ReportHandler", "PreflightMode: deployed (not set), new template none", "--set Name=Value")
	_, err = Run(context.Background(), w.clients, w.input(Input{Yes: true, Template: "next.json", TemplateBody: encode(t, next),
		Settings: map[string]string{transform.SetExclude: "ThumbnailHandler"}}))
	if err == nil || strings.Contains(err.Error(), "Exclude:") || !strings.Contains(err.Error(), "PreflightMode:") {
		t.Fatalf("--set Exclude: err %v", err)
	}
	r := w.run(t, Input{Yes: true, Template: "next.json", TemplateBody: encode(t, withEntry(map[string]any{transform.SetExclude: "ThumbnailHandler"}))})
	if r.Exit != 0 {
		t.Fatalf("agreeing entry: exit %d outcome %s: %s\n%s", r.Exit, r.Outcome, r.Message, w.out.String())
	}
}

// renameAPI renames the REST API Api to QuiltApi everywhere (a Ref, a
// GetAtt, a ${Api} in a Sub).
func renameAPI(t *testing.T, doc map[string]any) {
	t.Helper()
	b := strings.NewReplacer(`"Api"`, `"QuiltApi"`, `${Api}`, `${QuiltApi}`, `"Api.`, `"QuiltApi.`).Replace(string(encode(t, doc)))
	got, err := template.Decode([]byte(b))
	if err != nil {
		t.Fatal(err)
	}
	clear(doc)
	for k, v := range got {
		doc[k] = v
	}
	res := template.Resources(doc)
	if _, ok := res["QuiltApi"]; !ok {
		t.Fatal("no QuiltApi after the rename")
	}
}

// TestUpgradeRenamedAPIRefused: a release that renames the REST API takes
// the macro's private copy (ApiPrivate) away: refused before any change
// set, the id and the change named; accepted with
// --accept-macro-replacement.
func TestUpgradeRenamedAPIRefused(t *testing.T) {
	t.Parallel()
	w := enabled(t, nil)
	next := release(t, w.deployedOriginal(t), func(doc map[string]any) { renameAPI(t, doc) })
	calls := w.stack.Calls()["cloudformation:CreateChangeSet"]
	r := w.run(t, Input{Yes: true, Template: "next.json", TemplateBody: encode(t, next)})
	if r.Exit != 1 || r.Outcome != OutcomeMacroReplacementRefused {
		t.Fatalf("exit %d outcome %s: %s\n%s", r.Exit, r.Outcome, r.Message, w.out.String())
	}
	mustContain(t, r.Message, "ApiPrivate (AWS::ApiGateway::RestApi), which the macro made, is removed", "ApiStagePrivate (AWS::ApiGateway::Stage), which the macro made, is replaced because RestApiId", "QPE-UP-012", AcceptMacroReplacementFlag, "Nothing was changed")
	if strings.Contains(r.Message, "ApiDeployment") {
		t.Errorf("a deployment (replaced by design) is counted: %s", r.Message)
	}
	if n := w.stack.Calls()["cloudformation:CreateChangeSet"]; n != calls {
		t.Errorf("%d change sets created after a refused plan", n-calls)
	}
	// Accepted, the plan's other checks still apply: the stage keeps its
	// StageName while replaced (QPE-UP-004), a blocker of its own.
	w.out.Reset()
	r = w.run(t, Input{Yes: true, Template: "next.json", TemplateBody: encode(t, next), AcceptMacroReplacement: true})
	if r.Outcome != OutcomeRefused || !strings.Contains(r.Message, "QPE-UP-004 ApiStagePrivate") {
		t.Fatalf("accepted: exit %d outcome %s: %s", r.Exit, r.Outcome, r.Message)
	}
	mustContain(t, w.out.String(), AcceptMacroReplacementFlag+" given", "ApiPrivate (AWS::ApiGateway::RestApi), which the macro made, is removed")
	w.out.Reset()
	r = w.run(t, Input{Yes: true, Template: "next.json", TemplateBody: encode(t, next), AcceptMacroReplacement: true, AcceptUnsafe: true, ChangeSetName: "forced"})
	if len(r.Stages) != 1 || r.Stages[0].Outcome != OutcomeUpdated {
		t.Fatalf("accepted: exit %d outcome %s %v: %s\n%s", r.Exit, r.Outcome, stages(r), r.Message, w.out.String())
	}
	// The stack policy enable set denies exactly this: the accepted update
	// ran with qpe's statements lifted, and the policy names the new ids.
	ps := r.Stages[0].StackPolicy
	if ps == nil || !slices.Contains(ps.LiftedFor, "ApiPrivate") || !slices.Contains(ps.Protected, "QuiltApiPrivate") || slices.Contains(ps.Protected, "ApiPrivate") {
		t.Errorf("stack policy %+v", ps)
	}
}

// TestUpgradeDroppedLoadBalancerRefused: on a stack walked to an internal
// load balancer (retire), a release without the load balancer takes the
// macro's internal side away: refused, each id named; accepted with
// --accept-macro-replacement.
func TestUpgradeDroppedLoadBalancerRefused(t *testing.T) {
	t.Parallel()
	w := startWorld(t, "alb", nil)
	w.withDNS(t)
	if r := w.run(t, Input{Yes: true, Settings: internal, HostedZoneID: zoneID}); r.Exit != 0 {
		t.Fatalf("enable: exit %d outcome %s: %s\n%s", r.Exit, r.Outcome, r.Message, w.out.String())
	}
	w.out.Reset()
	next := release(t, w.deployedOriginal(t), func(doc map[string]any) {
		res := template.Resources(doc)
		for _, id := range []string{"LoadBalancer", "Listener", "CatalogListenerRule", "RegistryListenerRule", "ElbSecurityGroup"} {
			delete(res, id)
		}
		delete(res["RegistryService"].(map[string]any), "DependsOn")
		delete(template.Section(doc, "Outputs"), "LoadBalancerDNSName")
	})
	r := w.run(t, Input{Yes: true, Template: "next.json", TemplateBody: encode(t, next), ChangeSetName: "drop"})
	if r.Exit != 1 || r.Outcome != OutcomeMacroReplacementRefused {
		t.Fatalf("exit %d outcome %s: %s\n%s", r.Exit, r.Outcome, r.Message, w.out.String())
	}
	mustContain(t, r.Message, "LoadBalancerInternal (AWS::ElasticLoadBalancingV2::LoadBalancer), which the macro made, is removed", "ListenerInternal (AWS::ElasticLoadBalancingV2::Listener), which the macro made, is removed", AcceptMacroReplacementFlag)
	// Accepted, the plan's other checks still apply: the hosts lose their
	// load balancer (downtime, its own flag).
	w.out.Reset()
	r = w.run(t, Input{Yes: true, Template: "next.json", TemplateBody: encode(t, next), ChangeSetName: "drop", AcceptMacroReplacement: true})
	if r.Outcome != OutcomeDowntimeRefused {
		t.Fatalf("accepted: exit %d outcome %s: %s", r.Exit, r.Outcome, r.Message)
	}
	mustContain(t, w.out.String(), AcceptMacroReplacementFlag+" given", "LoadBalancerInternal (AWS::ElasticLoadBalancingV2::LoadBalancer), which the macro made, is removed")
	r = w.run(t, Input{Yes: true, Template: "next.json", TemplateBody: encode(t, next), ChangeSetName: "drop", AcceptMacroReplacement: true, AcceptDowntime: true})
	if len(r.Stages) != 1 || r.Stages[0].Outcome != OutcomeUpdated {
		t.Fatalf("accepted: exit %d outcome %s %v: %s\n%s", r.Exit, r.Outcome, stages(r), r.Message, w.out.String())
	}
}

// TestUpgradeNotEnabledYet: a public stack given a new release goes
// private with it in one update: settings from --set, NEW's parameters
// matched as for an enabled stack.
func TestUpgradeNotEnabledYet(t *testing.T) {
	t.Parallel()
	w := startWorld(t, "public", nil)
	next := release(t, w.deployedOriginal(t), nil)
	r := w.run(t, Input{Yes: true, Template: "next.json", TemplateBody: encode(t, next), Settings: map[string]string{transform.SetExclude: "ThumbnailHandler"}})
	if r.Exit != 0 || r.Outcome != OutcomeEnabled || r.Verify == nil || !r.Verify.OK {
		t.Fatalf("exit %d outcome %s: %s\n%s", r.Exit, r.Outcome, r.Message, w.out.String())
	}
	if up := r.Upgrade; up.From.Enabled || up.SettingsFrom != SettingsFromFlags || up.Settings[transform.SetExclude] != "ThumbnailHandler" || len(up.Warnings) != 0 {
		t.Errorf("upgrade %+v", up)
	}
	mustContain(t, r.Message, "upgraded to next.json; Private Endpoints enabled on quilt and verified")
	got := w.deployedOriginal(t)
	if params, _, ok := macroevent.Entry(got); !ok || params[transform.SetExclude] != "ThumbnailHandler" || got["Description"] != "Quilt 1.65.0" {
		t.Errorf("deployed now: Transform %v Description %v", got["Transform"], got["Description"])
	}
}

// TestUpgradeSideBySide: a stack left side by side is upgraded side by
// side with --set PublicLoadBalancer=keep (the DNS step follows, as for
// keep), its settings and internal load balancer kept; without it, the
// upgrade resumes the walk (DNS, then retire with the new template).
func TestUpgradeSideBySide(t *testing.T) {
	t.Parallel()
	w := startWorld(t, "alb", nil)
	w.withDNS(t)
	keep := map[string]string{transform.SetLoadBalancerScheme: transform.SchemeInternal, transform.SetPublicLoadBalancer: transform.PublicKeep}
	if r := w.run(t, Input{Yes: true, Settings: keep, HostedZoneID: zoneID}); r.Exit != 0 {
		t.Fatalf("enable: exit %d outcome %s: %s\n%s", r.Exit, r.Outcome, r.Message, w.out.String())
	}
	w.out.Reset()
	next := release(t, w.deployedOriginal(t), nil)
	r := w.run(t, Input{Yes: true, Template: "next.json", TemplateBody: encode(t, next), HostedZoneID: zoneID, ChangeSetName: "up",
		Settings: map[string]string{transform.SetPublicLoadBalancer: transform.PublicKeep}})
	if r.Exit != 0 || !slices.Equal(stages(r), []string{"side-by-side:updated", "dns:dns-moved"}) {
		t.Fatalf("exit %d outcome %s %v: %s\n%s", r.Exit, r.Outcome, stages(r), r.Message, w.out.String())
	}
	if s := r.Upgrade.Settings; s[transform.SetLoadBalancerScheme] != transform.SchemeInternal || s[transform.SetPublicLoadBalancer] != transform.PublicKeep {
		t.Errorf("settings %v", s)
	}
	if _, ok := template.Resources(w.deployedProcessed(t))["LoadBalancerInternal"]; !ok {
		t.Error("the internal load balancer is gone")
	}
	// Without --set PublicLoadBalancer=keep the upgrade resumes the walk:
	// the DNS step, then the retire update with the new template.
	w.out.Reset()
	r = w.run(t, Input{Yes: true, Template: "next.json", TemplateBody: encode(t, next), HostedZoneID: zoneID, ChangeSetName: "retire"})
	if r.Exit != 0 || !slices.Equal(stages(r), []string{"side-by-side:deployed-before", "dns:dns-moved", "retire:updated"}) {
		t.Fatalf("resumed: exit %d outcome %s %v: %s\n%s", r.Exit, r.Outcome, stages(r), r.Message, w.out.String())
	}
}

// deployedProcessed is the stack's processed template now.
func (w *world) deployedProcessed(t *testing.T) map[string]any {
	t.Helper()
	out, err := w.clients.CloudFormation.GetTemplate(context.Background(), &cloudformation.GetTemplateInput{StackName: aws.String("quilt"), TemplateStage: cfntypes.TemplateStageProcessed})
	if err != nil {
		t.Fatal(err)
	}
	doc, err := template.Decode([]byte(aws.ToString(out.TemplateBody)))
	if err != nil {
		t.Fatal(err)
	}
	return doc
}
