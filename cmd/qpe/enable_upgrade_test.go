package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"go.yaml.in/yaml/v3"

	"github.com/quiltdata/quilt-private-endpoints/internal/stackfake"
	"github.com/quiltdata/quilt-private-endpoints/internal/template"
	"github.com/quiltdata/quilt-private-endpoints/internal/testenv"
)

// nextReleaseFile writes a "next release" of the public scenario's template
// as YAML, as Quilt ships it (no Transform section): a new Description, a
// new parameter with a Default, a parameter dropped.
func nextReleaseFile(t *testing.T, edit func(doc map[string]any)) string {
	t.Helper()
	scn, err := stackfake.Load(filepath.Join(testenv.Root(t), "internal", "enable", "testdata", "public.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	doc, _ := template.Clone(scn.Stack.Template).(map[string]any)
	doc["Description"] = "Quilt 1.65.0"
	params := template.Section(doc, "Parameters")
	params["LogLevel"] = map[string]any{"Type": "String", "Default": "INFO"}
	delete(params, "QuiltWebHost")
	if edit != nil {
		edit(doc)
	}
	b, err := yaml.Marshal(doc)
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "quilt-1.65.yaml")
	if err := os.WriteFile(path, b, 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

// TestEnableUpgradeJSON: qpe enable on the public stack, then qpe enable
// --template NEW.yaml: updated and verified, the JSON's "upgrade" says from
// what to what, the settings kept, the new and the dropped parameters.
func TestEnableUpgradeJSON(t *testing.T) {
	enableServe(t, "public", func(s *stackfake.Scenario) { s.Execution.Step = time.Millisecond })
	base := []string{"enable", "--stack", "quilt", "--region", "us-east-1", "--yes", "--format", "json", "--poll", "2ms"}
	if code, out, errs := qpeRun(t, "", append(base, "--set", "Exclude=ThumbnailHandler", "--change-set-name", "enable")...); code != 0 {
		t.Fatalf("enable: exit %d\n%s\n%s", code, out, errs)
	}
	next := nextReleaseFile(t, nil)
	code, out, errs := qpeRun(t, "", append(base, "--template", next, "--change-set-name", "upgrade")...)
	if code != 0 {
		t.Fatalf("upgrade: exit %d\nstdout:\n%s\nstderr:\n%s", code, out, errs)
	}
	var r struct {
		Stages []struct {
			Outcome string `json:"outcome"`
		} `json:"stages"`
		Verify struct {
			OK bool `json:"ok"`
		} `json:"verify"`
		Outcome string `json:"outcome"`
		Upgrade struct {
			From struct {
				Enabled       bool   `json:"enabled"`
				EngineVersion string `json:"engineVersion"`
			} `json:"from"`
			To            string            `json:"to"`
			Settings      map[string]string `json:"settings"`
			NewParameters []struct {
				Name, Value, From string
			} `json:"newParameters"`
			DroppedParameters []string `json:"droppedParameters"`
		} `json:"upgrade"`
	}
	if err := json.Unmarshal([]byte(out), &r); err != nil {
		t.Fatalf("stdout is not one JSON object: %v\n%s", err, out)
	}
	up := r.Upgrade
	if r.Outcome != "enabled" || len(r.Stages) != 1 || r.Stages[0].Outcome != "updated" || !r.Verify.OK {
		t.Errorf("result %+v", r)
	}
	if !up.From.Enabled || up.From.EngineVersion == "" || up.To != next || up.Settings["Exclude"] != "ThumbnailHandler" ||
		len(up.NewParameters) != 1 || up.NewParameters[0].Name != "LogLevel" || up.NewParameters[0].Value != "INFO" || up.NewParameters[0].From != "default" ||
		strings.Join(up.DroppedParameters, ",") != "QuiltWebHost" {
		t.Errorf("upgrade %+v", up)
	}
	if !strings.Contains(errs, "qpe enable: upgrade: parameters the new template drops") {
		t.Errorf("stderr:\n%s", errs)
	}
}

func TestEnableUpgradeUsage(t *testing.T) {
	testenv.IsolateAWS(t)
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"enable", "--stack", "quilt", "--template", "x.yaml", "--follow"}, "--template and --follow"},
		{[]string{"enable", "--stack", "quilt", "--template", filepath.Join(t.TempDir(), "missing.yaml")}, "--template"},
	} {
		if code, _, errs := qpeRun(t, "", c.args...); code != 2 || !strings.Contains(errs, c.want) {
			t.Errorf("%v: exit %d, stderr %q", c.args, code, errs)
		}
	}
}

// TestEnableUpgradeMacroReplacement: a release that drops the REST API the
// macro made private is refused (exit 1) naming it and the flag;
// --accept-macro-replacement goes on: the private API is deleted.
func TestEnableUpgradeMacroReplacement(t *testing.T) {
	enableServe(t, "public", func(s *stackfake.Scenario) { s.Execution.Step = time.Millisecond })
	base := []string{"enable", "--stack", "quilt", "--region", "us-east-1", "--yes", "--poll", "2ms"}
	if code, out, errs := qpeRun(t, "", base...); code != 0 {
		t.Fatalf("enable: exit %d\n%s\n%s", code, out, errs)
	}
	next := nextReleaseFile(t, func(doc map[string]any) {
		res := template.Resources(doc)
		for _, id := range []string{"Api", "PreviewResource", "PreviewMethod", "PreviewPermission", "ApiDeployment1763112382", "ApiStage"} {
			delete(res, id)
		}
		delete(res["ThumbnailHandler"].(map[string]any), "DependsOn")
	})
	code, out, errs := qpeRun(t, "", append(base, "--template", next)...)
	if code != 1 || !strings.Contains(out, "macro-replacement-refused") || !strings.Contains(out, "ApiPrivate (AWS::ApiGateway::RestApi), which the macro made, is removed") || !strings.Contains(out, "--accept-macro-replacement") {
		t.Fatalf("exit %d\nstdout:\n%s\nstderr:\n%s", code, out, errs)
	}
	code, out, errs = qpeRun(t, "", append(base, "--template", next, "--accept-macro-replacement", "--change-set-name", "forced")...)
	if code != 0 || !strings.Contains(out, "--accept-macro-replacement given") || !strings.Contains(out, "DELETE_COMPLETE                              ApiPrivate") {
		t.Fatalf("accepted: exit %d\nstdout:\n%s\nstderr:\n%s", code, out, errs)
	}
}
