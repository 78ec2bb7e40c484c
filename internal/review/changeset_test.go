package review

import (
	"strings"
	"testing"

	"github.com/quiltdata/quilt-private-endpoints/internal/cfnspec"
)

func TestParseChangeSetErrors(t *testing.T) {
	cases := []struct{ name, in, want string }{
		{"not JSON", `Changes:`, "not the JSON of aws cloudformation describe-change-set"},
		{"a list", `[]`, "not the JSON"},
		{"no Changes", `{"StackName":"s"}`, "no Changes key"},
		{"resource change without id", `{"Changes":[{"Type":"Resource","ResourceChange":{"Action":"Add"}}]}`, "Changes[0]"},
		{"wrong field type", `{"Changes":[{"Type":"Resource","ResourceChange":{"LogicalResourceId":"A","Details":"x"}}]}`, "changeset:"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := ParseChangeSet([]byte(c.in))
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Errorf("err = %v, want it to mention %q", err, c.want)
			}
		})
	}
}

// annotateFixture reviews a tiny change: F gains VpcConfig, Api's
// Deployment D1 is renamed D2, parameter E is added.
func annotateFixture(t *testing.T, cs string) *ChangeSetReview {
	t.Helper()
	before := mustJSON(t, `{"Resources":{
		"F":{"Type":"AWS::Lambda::Function","Properties":{"Role":"arn:aws:iam::1:role/r"}},
		"Api":{"Type":"AWS::ApiGateway::RestApi","Properties":{}},
		"D1":{"Type":"AWS::ApiGateway::Deployment","Properties":{"RestApiId":{"Ref":"Api"}}},
		"S":{"Type":"AWS::ApiGateway::Stage","Properties":{"DeploymentId":{"Ref":"D1"}}},
		"Log":{"Type":"AWS::Logs::LogGroup","Properties":{}}}}`).(map[string]any)
	after := mustJSON(t, `{"Parameters":{"E":{"Type":"String"}},"Resources":{
		"F":{"Type":"AWS::Lambda::Function","Properties":{"Role":"arn:aws:iam::1:role/r","VpcConfig":{"SubnetIds":["s"]}}},
		"Api":{"Type":"AWS::ApiGateway::RestApi","Properties":{}},
		"D2":{"Type":"AWS::ApiGateway::Deployment","Properties":{"RestApiId":{"Ref":"Api"}}},
		"S":{"Type":"AWS::ApiGateway::Stage","Properties":{"DeploymentId":{"Ref":"D2"}}},
		"Log":{"Type":"AWS::Logs::LogGroup","Properties":{}}}}`).(map[string]any)
	r := Build(Input{Before: before, After: after, Changes: []EngineChange{{Pass: "functions", Resource: "F", Detail: "added VpcConfig"}},
		Renamed: map[string]string{"D1": "D2"}, Moved: []string{"F"}}, cfnspec.New())
	parsed, err := ParseChangeSet([]byte(cs))
	if err != nil {
		t.Fatal(err)
	}
	Annotate(r, parsed)
	return r.ChangeSet
}

func TestAnnotate(t *testing.T) {
	got := annotateFixture(t, `{"ChangeSetName":"c","StackName":"s","Status":"CREATE_COMPLETE","NextToken":"more","Changes":[
		{"Type":"Resource","ResourceChange":{"Action":"Modify","LogicalResourceId":"F","ResourceType":"AWS::Lambda::Function","Replacement":"False",
			"Details":[{"Target":{"Attribute":"Properties","Name":"VpcConfig","RequiresRecreation":"Never"},"ChangeSource":"DirectModification"}]}},
		{"Type":"Resource","ResourceChange":{"Action":"Add","LogicalResourceId":"D2","ResourceType":"AWS::ApiGateway::Deployment"}},
		{"Type":"Resource","ResourceChange":{"Action":"Remove","LogicalResourceId":"D1","ResourceType":"AWS::ApiGateway::Deployment"}},
		{"Type":"Resource","ResourceChange":{"Action":"Modify","LogicalResourceId":"S","ResourceType":"AWS::ApiGateway::Stage","Replacement":"False",
			"Details":[{"Target":{"Attribute":"Properties","Name":"DeploymentId","RequiresRecreation":"Never"},"ChangeSource":"ResourceReference","CausingEntity":"D2"}]}},
		{"Type":"Resource","ResourceChange":{"Action":"Modify","LogicalResourceId":"Log","ResourceType":"AWS::Logs::LogGroup","Replacement":"False",
			"Details":[{"Target":{"Attribute":"Properties","Name":"RetentionInDays","RequiresRecreation":"Never"},"ChangeSource":"DirectModification"}]}},
		{"Type":"Resource","ResourceChange":{"Action":"Modify","LogicalResourceId":"Other","ResourceType":"AWS::SQS::Queue","Replacement":"Conditional",
			"Details":[{"Target":{"Attribute":"Properties","Name":"QueueName","RequiresRecreation":"Conditionally"},"ChangeSource":"ParameterReference","CausingEntity":"E"}]}},
		{"Type":"Resource","ResourceChange":{"Action":"Modify","LogicalResourceId":"F2","ResourceType":"AWS::Lambda::Function","Replacement":"True",
			"Details":[{"Target":{"Attribute":"Properties","Name":"FunctionName","RequiresRecreation":"Always"},"ChangeSource":"DirectModification"}]}},
		{"Type":"HookInvocation"}]}`)
	want := map[string]string{
		"F": OriginMacro, "D2": OriginMacro, "D1": OriginMacro, "S": OriginMacro,
		"Log": OriginNotMacro, "Other": OriginKnockOn, "F2": OriginNotMacro,
	}
	if len(got.Entries) != len(want) {
		t.Fatalf("%d entries, want %d", len(got.Entries), len(want))
	}
	for _, e := range got.Entries {
		if e.Origin != want[e.LogicalID] {
			t.Errorf("%s: origin %s, want %s", e.LogicalID, e.Origin, want[e.LogicalID])
		}
	}
	if got.NotFromMacro != 2 {
		t.Errorf("NotFromMacro = %d, want 2", got.NotFromMacro)
	}
	notes := strings.Join(got.Notes, "\n")
	if !strings.Contains(notes, "NextToken") || !strings.Contains(notes, "1 change(s) of a type other than Resource") {
		t.Errorf("notes: %q", notes)
	}
	for _, e := range got.Entries {
		switch e.LogicalID {
		case "D1":
			if len(e.Why) == 0 || !strings.Contains(e.Why[0], "replaced by D2") {
				t.Errorf("D1 why: %v", e.Why)
			}
		case "F2":
			if len(e.Notes) == 0 || !strings.Contains(e.Notes[0], "FunctionName requires recreation") {
				t.Errorf("F2 notes: %v", e.Notes)
			}
		case "Other":
			if len(e.Notes) == 0 || !strings.Contains(e.Notes[0], "may replace") {
				t.Errorf("Other notes: %v", e.Notes)
			}
		}
	}
	if len(got.Missing) != 0 {
		t.Errorf("missing: %v", got.Missing)
	}
	// A replacement the changeset announces is in the Risks column whatever
	// its origin; other changes do not gain it.
	for _, e := range got.Entries {
		hasRepl := false
		for _, r := range e.Risks {
			hasRepl = hasRepl || r == ruleReplacement.ID
		}
		wantRepl := e.LogicalID == "Other" || e.LogicalID == "F2" || e.LogicalID == "D1" || e.LogicalID == "D2"
		if hasRepl != wantRepl {
			t.Errorf("%s: risks %v, want replacement %v", e.LogicalID, e.Risks, wantRepl)
		}
	}
}

func TestAnnotateMissing(t *testing.T) {
	got := annotateFixture(t, `{"Changes":[]}`)
	if strings.Join(got.Missing, ",") != "D1,D2,F,S" {
		t.Errorf("missing = %v", got.Missing)
	}
}

// TestAnnotatePropertyValues: a changeset made with --include-property-values
// names the field by Path; the annotation matches on it.
func TestAnnotatePropertyValues(t *testing.T) {
	got := annotateFixture(t, `{"Changes":[
		{"Type":"Resource","ResourceChange":{"Action":"Modify","LogicalResourceId":"F","ResourceType":"AWS::Lambda::Function","Replacement":"False",
			"Details":[{"Target":{"Attribute":"Properties","Path":"/Properties/VpcConfig/SubnetIds","RequiresRecreation":"Never",
				"AttributeChangeType":"Add","AfterValue":"[\"subnet-1\"]"},"ChangeSource":"DirectModification","Evaluation":"Static"}]}}]}`)
	if len(got.Entries) != 1 || got.Entries[0].Origin != OriginMacro {
		t.Fatalf("entries: %+v", got.Entries)
	}
	if tn := got.Entries[0].Targets[0]; tn.Name != "VpcConfig" || tn.Path != "/Properties/VpcConfig/SubnetIds" || !tn.FromMacro {
		t.Errorf("target: %+v", tn)
	}
}

// TestAnnotateDeploymentOtherSuffix: a changeset made with other parameter
// values than the review adds the renamed deployment under another hash
// suffix; it is still the macro's, with a note, and not listed as missing.
func TestAnnotateDeploymentOtherSuffix(t *testing.T) {
	before := mustJSON(t, `{"Resources":{
		"Api":{"Type":"AWS::ApiGateway::RestApi","Properties":{}},
		"Dep1":{"Type":"AWS::ApiGateway::Deployment","Properties":{"RestApiId":{"Ref":"Api"}}},
		"S":{"Type":"AWS::ApiGateway::Stage","Properties":{"DeploymentId":{"Ref":"Dep1"}}}}}`).(map[string]any)
	after := mustJSON(t, `{"Resources":{
		"Api":{"Type":"AWS::ApiGateway::RestApi","Properties":{"EndpointConfiguration":{"Types":["PRIVATE"]}}},
		"Dep1Private0a1b2c3d":{"Type":"AWS::ApiGateway::Deployment","Properties":{"RestApiId":{"Ref":"Api"}}},
		"S":{"Type":"AWS::ApiGateway::Stage","Properties":{"DeploymentId":{"Ref":"Dep1Private0a1b2c3d"}}}}}`).(map[string]any)
	r := Build(Input{Before: before, After: after, Changes: []EngineChange{{Pass: "redeploy", Resource: "Dep1Private0a1b2c3d", Detail: "renamed from Dep1"}},
		Renamed: map[string]string{"Dep1": "Dep1Private0a1b2c3d"}}, cfnspec.New())
	for _, tc := range []struct {
		added, origin string
		missing       string
	}{
		{"Dep1Private99887766", OriginMacro, ""},
		{"Dep1Private0a1b2c3d", OriginMacro, ""},
		{"Dep1Privatezz", OriginNotMacro, "Dep1Private0a1b2c3d"},
		{"Dep2Private99887766", OriginNotMacro, "Dep1Private0a1b2c3d"},
	} {
		cs, err := ParseChangeSet([]byte(`{"Changes":[
			{"Type":"Resource","ResourceChange":{"Action":"Add","LogicalResourceId":"` + tc.added + `","ResourceType":"AWS::ApiGateway::Deployment"}},
			{"Type":"Resource","ResourceChange":{"Action":"Remove","LogicalResourceId":"Dep1","ResourceType":"AWS::ApiGateway::Deployment"}}]}`))
		if err != nil {
			t.Fatal(err)
		}
		Annotate(r, cs)
		got := r.ChangeSet
		e := got.Entries[0]
		if e.Origin != tc.origin {
			t.Errorf("%s: origin %s, want %s (%v)", tc.added, e.Origin, tc.origin, e.Notes)
		}
		if tc.origin == OriginMacro && tc.added != "Dep1Private0a1b2c3d" && (len(e.Notes) == 0 || !strings.Contains(e.Notes[0], "the review names this deployment Dep1Private0a1b2c3d")) {
			t.Errorf("%s: notes %v", tc.added, e.Notes)
		}
		if m := strings.Join(got.Missing, ","); !strings.Contains(m, tc.missing) || (tc.missing == "" && strings.Contains(m, "Dep1")) {
			t.Errorf("%s: missing %v, want %q", tc.added, got.Missing, tc.missing)
		}
	}
}
