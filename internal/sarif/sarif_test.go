package sarif_test

import (
	"bytes"
	"encoding/json"
	"testing"

	"github.com/quiltdata/quilt-private-endpoints/internal/finding"
	"github.com/quiltdata/quilt-private-endpoints/internal/sarif"
	"github.com/quiltdata/quilt-private-endpoints/internal/sarif/sariftest"
	"github.com/quiltdata/quilt-private-endpoints/internal/template"
)

const src = "Resources:\n" +
	"  Api:\n" +
	"    Type: AWS::ApiGateway::RestApi\n" +
	"    Properties:\n" +
	"      Policy: {}\n" +
	"Outputs:\n" +
	"  Dns:\n" +
	"    Value: x\n"

// TestBuild: each finding becomes a result at its resource's (property's,
// output's) line, a renamed resource at its old id's, with its rule's help;
// the log validates against the SARIF 2.1.0 schema, and a log that breaks
// the schema does not.
func TestBuild(t *testing.T) {
	pos, err := template.Locate([]byte(src))
	if err != nil {
		t.Fatal(err)
	}
	rules := []finding.Rule{
		{ID: "QPE-XX-001", Severity: finding.Error, Title: "t1", Meaning: "m1", Remedy: "r1"},
		{ID: "QPE-XX-002", Severity: finding.Info, Title: "t2", Meaning: "m2", Remedy: "r2"},
	}
	items := []sarif.Item{
		{Finding: finding.Finding{ID: "QPE-XX-001", Severity: finding.Error, Resource: "ApiPrivate", Message: "renamed api"}, Where: []string{"ApiPrivate"}},
		{Finding: finding.Finding{ID: "QPE-XX-002", Severity: finding.Info, Message: "policy"}, Where: []string{"Api.Properties.Policy"}},
		{Finding: finding.Finding{ID: "QPE-XX-002", Severity: finding.Info, Message: "output"}, Where: []string{"Outputs.Dns"}},
		{Finding: finding.Finding{ID: "QPE-XX-002", Severity: finding.Info, Message: "template-wide"}},
	}
	l, err := sarif.Build("test", rules, items, sarif.Source{URI: "stack.yaml", Positions: pos, Renamed: map[string]string{"ApiPrivate": "Api"}})
	if err != nil {
		t.Fatal(err)
	}
	var b bytes.Buffer
	if err := sarif.Write(&b, l); err != nil {
		t.Fatal(err)
	}
	sariftest.Validate(t, b.Bytes())
	want := []int{2, 5, 7, 1}
	for i, r := range l.Runs[0].Results {
		got := r.Locations[0].PhysicalLocation.Region.StartLine
		if got != want[i] {
			t.Errorf("result %d (%s): line %d, want %d", i, r.Message.Text, got, want[i])
		}
	}
	if got := l.Runs[0].Tool.Driver.Rules[0]; got.Help.Text != "r1" || got.DefaultConfiguration.Level != "error" {
		t.Errorf("rule 0: %+v", got)
	}
	if _, err := sarif.Build("test", rules, []sarif.Item{{Finding: finding.Finding{ID: "QPE-XX-999"}}}, sarif.Source{}); err == nil {
		t.Error("a finding without a rule: want an error")
	}
	// The validator can fail: a result without a message is not SARIF.
	var doc map[string]any
	if err := json.Unmarshal(b.Bytes(), &doc); err != nil {
		t.Fatal(err)
	}
	delete(doc["runs"].([]any)[0].(map[string]any)["results"].([]any)[0].(map[string]any), "message")
	bad, _ := json.Marshal(doc)
	ft := &fakeT{TB: t}
	sariftest.Validate(ft, bad)
	if !ft.failed {
		t.Error("a result without a message validated")
	}
}

type fakeT struct {
	testing.TB
	failed bool
}

func (f *fakeT) Errorf(string, ...any) { f.failed = true }
func (f *fakeT) Fatalf(string, ...any) { f.failed = true }
func (f *fakeT) Helper()               {}
