package enable

import (
	"context"
	"encoding/json"
	"strings"
	"testing"

	"github.com/quiltdata/quilt-private-endpoints/internal/quiltfixture"
	"github.com/quiltdata/quilt-private-endpoints/internal/stackfake"
	"github.com/quiltdata/quilt-private-endpoints/internal/template"
	"github.com/quiltdata/quilt-private-endpoints/internal/transform"
	"github.com/quiltdata/quilt-private-endpoints/internal/updatepath"
)

// withMigration adds Quilt's migration to the scenario's template: a task
// definition and the custom resource that runs it (MigrationCallout), as
// in Quilt's releases.
func withMigration(s *stackfake.Scenario) {
	rs := template.Resources(s.Stack.Template.(map[string]any))
	rs["RegistryMigrationTaskDefinition"] = map[string]any{"Type": "AWS::ECS::TaskDefinition", "Properties": map[string]any{
		"RequiresCompatibilities": []any{"FARGATE"}, "NetworkMode": "awsvpc", "Cpu": "512", "Memory": "2GB",
		"ContainerDefinitions": []any{map[string]any{"Name": "registry_migration", "Image": "public.ecr.aws/docker/library/busybox:1.36",
			"Command": []any{"flask", "db", "upgrade"}}}}}
	rs["MigrationCallout"] = map[string]any{"Type": "Custom::LambdaCallout", "Properties": map[string]any{
		"ServiceToken":   map[string]any{"Fn::GetAtt": []any{"ReportHandler", "Arn"}},
		"taskDefinition": map[string]any{"Ref": "RegistryMigrationTaskDefinition"}}}
}

// TestUpgradeInherentBlocker: an upgrade to a release whose migration image
// changes (quiltfixture.NextRelease, ChangeMigration) is refused for
// QPE-UP-008 on MigrationCallout, and the refusal says it is Quilt's own
// (the same upgrade without the macro has it), what it risks with the
// recovery command, that Quilt's console upgrade takes the same risk, and
// that --accept-unsafe goes on, which it does.
func TestUpgradeInherentBlocker(t *testing.T) {
	t.Parallel()
	w := startWorld(t, "public", withMigration)
	if r := w.run(t, Input{Yes: true, Settings: map[string]string{transform.SetPreflightMode: transform.ModeValidate}, ChangeSetName: "enable"}); r.Exit != 0 {
		t.Fatalf("enable: exit %d outcome %s: %s\n%s", r.Exit, r.Outcome, r.Message, w.out.String())
	}
	w.out.Reset()
	next := release(t, w.deployedOriginal(t), func(doc map[string]any) {
		nr, err := quiltfixture.NextRelease(doc, quiltfixture.ChangeMigration)
		if err != nil {
			t.Fatal(err)
		}
		for k := range doc {
			delete(doc, k)
		}
		for k, v := range nr {
			doc[k] = v
		}
	})
	body := encode(t, next)

	r := w.run(t, Input{Yes: true, Template: "quilt-1.65.json", TemplateBody: body, ChangeSetName: "upgrade"})
	if r.Exit != 1 || r.Outcome != OutcomeRefused {
		t.Fatalf("exit %d outcome %s: %s\n%s", r.Exit, r.Outcome, r.Message, w.out.String())
	}
	mustContain(t, r.Message, "QPE-UP-008 MigrationCallout", updatepath.InherentText,
		"re-runs the previous task (RegistryMigrationTaskDefinition's previous revision)", "UPDATE_ROLLBACK_FAILED",
		"`aws cloudformation continue-update-rollback --stack-name quilt --resources-to-skip MigrationCallout`",
		"1 of these blocker(s) are Quilt's own, not Private Endpoints': QPE-UP-008 MigrationCallout",
		"Quilt's own upgrade in the console takes the same risk", "Private Endpoints adds none", "Pass --accept-unsafe to go on")
	if strings.Contains(r.Message, "added by Private Endpoints") {
		t.Errorf("the refusal names blockers added by the macro:\n%s", r.Message)
	}
	mustContain(t, w.out.String(), "1 Quilt's own, 0 added by Private Endpoints")
	raw, err := json.Marshal(r)
	if err != nil {
		t.Fatal(err)
	}
	var got struct {
		Stages []struct {
			Plan struct {
				Rollout struct {
					Blockers []struct {
						ID       string `json:"id"`
						Resource string `json:"resource"`
						Inherent bool   `json:"inherent"`
					} `json:"blockers"`
					Baseline *struct {
						InherentBlockers int  `json:"inherentBlockers"`
						MacroBlockers    int  `json:"macroBlockers"`
						RollbackSafe     bool `json:"rollbackSafe"`
					} `json:"baseline"`
				} `json:"rollout"`
			} `json:"plan"`
		} `json:"stages"`
	}
	if err := json.Unmarshal(raw, &got); err != nil {
		t.Fatal(err)
	}
	if len(got.Stages) != 1 {
		t.Fatalf("stages %s", raw)
	}
	ro := got.Stages[0].Plan.Rollout
	if len(ro.Blockers) != 1 || ro.Blockers[0].ID != "QPE-UP-008" || ro.Blockers[0].Resource != "MigrationCallout" || !ro.Blockers[0].Inherent {
		t.Errorf("blockers %+v", ro.Blockers)
	}
	if ro.Baseline == nil || ro.Baseline.InherentBlockers != 1 || ro.Baseline.MacroBlockers != 0 || ro.Baseline.RollbackSafe {
		t.Errorf("baseline %+v", ro.Baseline)
	}

	w.out.Reset()
	r = w.run(t, Input{Yes: true, AcceptUnsafe: true, Template: "quilt-1.65.json", TemplateBody: body, ChangeSetName: "upgrade"})
	if r.Exit != 0 || r.Outcome != OutcomeEnabled || len(r.Stages) != 1 || r.Stages[0].Outcome != OutcomeUpdated {
		t.Fatalf("--accept-unsafe: exit %d outcome %s %v: %s\n%s", r.Exit, r.Outcome, stages(r), r.Message, w.out.String())
	}
	mustContain(t, w.out.String(), "--accept-unsafe given")
	img := template.Resources(w.deployedOriginal(t))["RegistryMigrationTaskDefinition"].(map[string]any)["Properties"].(map[string]any)["ContainerDefinitions"].([]any)[0].(map[string]any)["Image"]
	if img != "public.ecr.aws/docker/library/busybox:1.37" {
		t.Errorf("deployed migration image %v, want the release's", img)
	}
}

// TestUnsafeMessageAdded: a blocker the macro adds (the same upgrade
// without it lacks it) stays refused as the macro's, named apart and not
// labelled Quilt's own; a blocker of both plans is.
func TestUnsafeMessageAdded(t *testing.T) {
	t.Parallel()
	callout := func(images map[string]string) map[string]any {
		rs := map[string]any{}
		for id, img := range images {
			rs[id] = map[string]any{"Type": "Custom::Callout", "Properties": map[string]any{"ServiceToken": "arn:aws:lambda:us-east-1:111122223333:function:f", "Image": img}}
		}
		return map[string]any{"Resources": rs}
	}
	p, err := updatepath.Compute(context.Background(), updatepath.Input{
		Deployed: callout(map[string]string{"Migration": "v1", "Check": "a"}), New: callout(map[string]string{"Migration": "v2", "Check": "b"}),
		Baseline: &updatepath.Baseline{Deployed: callout(map[string]string{"Migration": "v1", "Check": "a"}), New: callout(map[string]string{"Migration": "v2", "Check": "a"})}})
	if err != nil {
		t.Fatal(err)
	}
	r := &Result{stack: &deployedStack{Name: "quilt"}, Upgrade: &Upgrade{To: "next.yaml"}}
	msg := r.unsafeMessage(p, p.Rollout.Blockers)
	mustContain(t, msg, "1 of these blocker(s) are Quilt's own, not Private Endpoints': QPE-UP-008 Migration.",
		"--resources-to-skip Migration`", "1 blocker(s) are added by Private Endpoints (the same upgrade without it has none of them): QPE-UP-008 Check.",
		"Fix those (settings, template), or pass --accept-unsafe")
	if strings.Contains(msg, "--resources-to-skip Check`") || strings.Count(msg, updatepath.InherentText) != 1 || strings.Contains(msg, "adds none") {
		t.Errorf("the macro's blocker is labelled Quilt's own:\n%s", msg)
	}
}
