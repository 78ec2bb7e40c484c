package enable

import (
	"reflect"
	"strings"
	"testing"

	"github.com/quiltdata/quilt-private-endpoints/internal/macroevent"
	"github.com/quiltdata/quilt-private-endpoints/internal/transform"
)

func fn(name string) map[string]any {
	return map[string]any{"Type": "AWS::Lambda::Function", "Properties": map[string]any{"FunctionName": name}}
}

// deployedWith is a deployed stack whose original has transforms tr and
// whose render records settings recorded.
func deployedWith(t *testing.T, tr any, recorded map[string]any) *deployedStack {
	t.Helper()
	orig := map[string]any{
		"Description": "Quilt 1.64.2",
		"Parameters":  map[string]any{"Ex": map[string]any{"Type": "String"}, "Old": map[string]any{"Type": "String"}},
		"Resources":   map[string]any{"A": fn("a"), "B": fn("b")},
	}
	if tr != nil {
		orig["Transform"] = tr
	}
	proc := map[string]any{"Resources": map[string]any{"A": fn("a"), "B": fn("b")}}
	if recorded != nil {
		set, err := transform.ParseSettings(recorded, orig)
		if err != nil {
			t.Fatal(err)
		}
		proc["Metadata"] = map[string]any{transform.MetadataKey: map[string]any{"EngineVersion": "0.9.0", "Settings": set.Effective()}}
	}
	return &deployedStack{Original: orig, Processed: proc, Parameters: map[string]string{"Ex": "A", "Old": "x"}}
}

func newTemplate(tr any) map[string]any {
	doc := map[string]any{
		"Parameters": map[string]any{"Ex": map[string]any{"Type": "String"}, "Level": map[string]any{"Type": "String", "Default": "INFO"},
			"Secret": map[string]any{"Type": "String", "Default": "s3cr3t", "NoEcho": true}},
		"Resources": map[string]any{"A": fn("a"), "B": fn("b"), "C": fn("c")},
	}
	if tr != nil {
		doc["Transform"] = tr
	}
	return doc
}

// TestPlanUpgrade: the deployed entry (a Ref kept as written) goes into
// NEW where the deployed template had it among NEW's other transforms; the
// render's Metadata is a cross-check (the entry wins, a difference is a
// warning); parameters sorted into kept, new (Default; NoEcho not shown)
// and dropped.
func TestPlanUpgrade(t *testing.T) {
	entry := map[string]any{"Name": macroevent.MacroName, "Parameters": map[string]any{transform.SetExclude: map[string]any{"Ref": "Ex"}}}
	st := deployedWith(t, []any{"AWS::Serverless-2016-10-31", entry}, map[string]any{transform.SetExclude: "B"})
	up, err := planUpgrade(st, newTemplate([]any{"AWS::Serverless-2016-10-31", "AWS::LanguageExtensions"}), Input{Template: "next.yaml"})
	if err != nil {
		t.Fatal(err)
	}
	want := []any{"AWS::Serverless-2016-10-31", entry, "AWS::LanguageExtensions"}
	if !reflect.DeepEqual(up.doc["Transform"], want) {
		t.Errorf("Transform %#v, want %#v", up.doc["Transform"], want)
	}
	if up.Settings[transform.SetExclude] != "A" || up.SettingsFrom != SettingsFromDeployed || up.From != (UpgradeFrom{Enabled: true, EngineVersion: "0.9.0", Description: "Quilt 1.64.2"}) {
		t.Errorf("upgrade %+v", up)
	}
	if len(up.Warnings) != 1 || !strings.Contains(up.Warnings[0], "setting Exclude: the deployed Transform entry gives [A], the deployed render's Metadata (engine 0.9.0) records [B]; the Transform entry wins") {
		t.Errorf("warnings %q", up.Warnings)
	}
	if !reflect.DeepEqual(up.NewParameters, []NewParameter{{Name: "Level", Value: "INFO", From: "default"}, {Name: "Secret", Value: noEchoShown, From: "default"}}) ||
		!reflect.DeepEqual(up.DroppedParameters, []string{"Old"}) {
		t.Errorf("parameters: new %+v dropped %v", up.NewParameters, up.DroppedParameters)
	}

	// The Metadata agreeing: no warning; none recorded: a warning that says so.
	for recorded, warn := range map[bool]string{true: "", false: "records no Metadata"} {
		var rec map[string]any
		if recorded {
			rec = map[string]any{transform.SetExclude: "A"}
		}
		up, err := planUpgrade(deployedWith(t, []any{entry}, rec), newTemplate(nil), Input{Template: "next.yaml"})
		if err != nil {
			t.Fatal(err)
		}
		if got := strings.Join(up.Warnings, "\n"); warn == "" && got != "" || warn != "" && !strings.Contains(got, warn) {
			t.Errorf("recorded %v: warnings %q", recorded, got)
		}
		if !reflect.DeepEqual(up.doc["Transform"], []any{entry}) {
			t.Errorf("recorded %v: Transform %#v", recorded, up.doc["Transform"])
		}
	}
}

// TestPlanUpgradeNotEnabled: a stack without the entry takes NEW's own
// entry (in its place), or none (--set alone); nothing to cross-check.
func TestPlanUpgradeNotEnabled(t *testing.T) {
	st := deployedWith(t, nil, nil)
	own := map[string]any{"Name": macroevent.MacroName, "Parameters": map[string]any{transform.SetPreflightMode: transform.ModeNone}}
	up, err := planUpgrade(st, newTemplate([]any{"AWS::Serverless-2016-10-31", own}), Input{Template: "next.yaml", Settings: map[string]string{transform.SetExclude: "B"}})
	if err != nil {
		t.Fatal(err)
	}
	if up.SettingsFrom != SettingsFromNew || up.From.Enabled || len(up.Warnings) != 0 ||
		!reflect.DeepEqual(up.doc["Transform"], []any{"AWS::Serverless-2016-10-31", own}) ||
		!reflect.DeepEqual(up.Settings, map[string]string{transform.SetPreflightMode: transform.ModeNone, transform.SetExclude: "B"}) {
		t.Errorf("upgrade %+v Transform %#v", up, up.doc["Transform"])
	}
	// A setting given by a NoEcho parameter is not shown.
	secret := map[string]any{"Name": macroevent.MacroName, "Parameters": map[string]any{transform.SetServiceToken: map[string]any{"Ref": "Secret"}}}
	up, err = planUpgrade(st, newTemplate([]any{secret}), Input{Template: "next.yaml"})
	if err != nil || up.Settings[transform.SetServiceToken] != "(from NoEcho parameter Secret, not shown)" {
		t.Errorf("NoEcho setting: %v, %v", up.Settings, err)
	}
	up, err = planUpgrade(st, newTemplate(nil), Input{Template: "next.yaml"})
	if err != nil {
		t.Fatal(err)
	}
	if up.SettingsFrom != SettingsFromFlags || !reflect.DeepEqual(up.doc["Transform"], []any{map[string]any{"Name": macroevent.MacroName}}) {
		t.Errorf("upgrade %+v Transform %#v", up, up.doc["Transform"])
	}
}
