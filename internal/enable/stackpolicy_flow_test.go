package enable

import (
	"bytes"
	"context"
	"encoding/json"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudformation"
	cfntypes "github.com/aws/aws-sdk-go-v2/service/cloudformation/types"

	"github.com/quiltdata/quilt-private-endpoints/internal/stackfake"
	"github.com/quiltdata/quilt-private-endpoints/internal/template"
)

// customerPolicy is a stack policy a customer set before qpe enable: its
// own protection of a database, and an Allow of everything else.
const customerPolicy = `{"Statement": [{"Effect": "Allow", "Action": "Update:*", "Principal": "*", "Resource": "*"},
  {"Effect": "Deny", "Action": "Update:*", "Principal": "*", "Resource": "LogicalResourceId/Database"}]}`

func (w *world) setPolicy(t *testing.T, body string) {
	t.Helper()
	if _, err := w.clients.CloudFormation.SetStackPolicy(context.Background(), &cloudformation.SetStackPolicyInput{StackName: aws.String("quilt"), StackPolicyBody: aws.String(body)}); err != nil {
		t.Fatal(err)
	}
}

// policyStatements are the stack's policy statements, compact JSON.
func (w *world) policyStatements(t *testing.T) []string {
	t.Helper()
	var out []string
	for _, st := range statements(t, []byte(w.stack.StackPolicy())) {
		b, _ := json.Marshal(st)
		out = append(out, string(b))
	}
	return out
}

func TestEnableSetsTheStackPolicy(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name, existing string
		// want are statements the stack's policy must hold afterwards.
		want []string
		kept int
	}{
		{name: "no policy", want: []string{`{"Action":["Update:*"],"Effect":"Allow","Principal":"*","Resource":["*"]}`}},
		{name: "the customer's policy", existing: customerPolicy, kept: 2,
			want: []string{`{"Action":"Update:*","Effect":"Allow","Principal":"*","Resource":"*"}`, `{"Action":"Update:*","Effect":"Deny","Principal":"*","Resource":"LogicalResourceId/Database"}`}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			w := startWorld(t, "public", nil)
			if tc.existing != "" {
				w.setPolicy(t, tc.existing)
			}
			r := w.run(t, Input{Yes: true})
			if r.Exit != 0 || r.Outcome != OutcomeEnabled {
				t.Fatalf("exit %d outcome %s: %s\n%s", r.Exit, r.Outcome, r.Message, w.out.String())
			}
			ps := r.Stages[0].StackPolicy
			if ps == nil || !ps.Set || ps.HadPolicy != (tc.existing != "") || ps.KeptStatements != tc.kept || ps.Error != "" {
				t.Fatalf("stack policy step %+v", ps)
			}
			for _, id := range []string{"ApiPrivate", "QuiltPrivateEndpointsPreflight"} {
				if !slices.Contains(ps.Protected, id) {
					t.Errorf("%s not protected: %v", id, ps.Protected)
				}
			}
			got := w.policyStatements(t)
			if len(got) != len(tc.want)+1 {
				t.Errorf("statements %v", got)
			}
			for _, s := range tc.want {
				if !slices.Contains(got, s) {
					t.Errorf("the policy lacks %s:\n%v", s, got)
				}
			}
			last := got[len(got)-1]
			if !strings.Contains(last, `"Effect":"Deny"`) || !strings.Contains(last, `"Update:Delete","Update:Replace"`) || !strings.Contains(last, "LogicalResourceId/ApiPrivate") {
				t.Errorf("qpe's statement %s", last)
			}
			mustContain(t, w.out.String(), "stack policy set: an update that would replace or remove one of the")
			// A re-run finds nothing to do and adds nothing to the policy.
			before := w.stack.StackPolicy()
			calls := 1 // enable's; the test's own SetStackPolicy counts too
			if tc.existing != "" {
				calls = 2
			}
			w.out.Reset()
			r = w.run(t, Input{Yes: true, ChangeSetName: "again"})
			if r.Outcome != OutcomeNothingToDo || w.stack.StackPolicy() != before || w.stack.Calls()["cloudformation:SetStackPolicy"] != calls {
				t.Errorf("re-run: outcome %s, SetStackPolicy calls %d, policy changed %v", r.Outcome, w.stack.Calls()["cloudformation:SetStackPolicy"], w.stack.StackPolicy() != before)
			}
			mustContain(t, w.out.String(), "stack policy: already protects")
		})
	}
}

func TestWalkSetsThePolicyAfterEachUpdate(t *testing.T) {
	t.Parallel()
	w := startWorld(t, "alb", nil)
	w.withDNS(t)
	r := w.run(t, Input{Yes: true, Settings: internal, HostedZoneID: zoneID})
	if r.Exit != 0 || r.Outcome != OutcomeEnabled {
		t.Fatalf("exit %d outcome %s: %s\n%s", r.Exit, r.Outcome, r.Message, w.out.String())
	}
	side, retire := r.Stages[0].StackPolicy, r.Stages[2].StackPolicy
	if side == nil || !side.Set || retire == nil || retire.Set || !slices.Equal(side.Protected, retire.Protected) {
		t.Fatalf("side by side %+v, retire %+v", side, retire)
	}
	if !slices.Contains(side.Protected, "LoadBalancerInternal") || slices.Contains(side.Protected, "LoadBalancer") {
		t.Errorf("protected %v", side.Protected)
	}
	// The retire update ran under the policy: it removes only the public
	// side, which the policy does not name.
	if n := w.stack.Calls()["cloudformation:SetStackPolicy"]; n != 1 {
		t.Errorf("SetStackPolicy called %d times", n)
	}
}

// TestDroppedTransformStoppedByThePolicy: the stack enabled, then someone
// updates it with its original template without the Transform (a new
// Quilt release given as it is): the stack policy stops it at the first
// protected resource, CloudFormation rolls back, and qpe enable --follow
// reports the denial with the fix.
func TestDroppedTransformStoppedByThePolicy(t *testing.T) {
	t.Parallel()
	w := startWorld(t, "public", nil)
	if r := w.run(t, Input{Yes: true}); r.Exit != 0 {
		t.Fatalf("enable: %s\n%s", r.Message, w.out.String())
	}
	ctx := context.Background()
	cfn := w.clients.CloudFormation
	tmpl, err := cfn.GetTemplate(ctx, &cloudformation.GetTemplateInput{StackName: aws.String("quilt"), TemplateStage: cfntypes.TemplateStageOriginal})
	if err != nil {
		t.Fatal(err)
	}
	doc, err := template.DecodeJSON([]byte(aws.ToString(tmpl.TemplateBody)))
	if err != nil {
		t.Fatal(err)
	}
	delete(doc, "Transform")
	body, _ := json.Marshal(doc)
	var params []cfntypes.Parameter
	for _, k := range template.SortedKeys(template.Section(doc, "Parameters")) {
		params = append(params, cfntypes.Parameter{ParameterKey: aws.String(k), UsePreviousValue: aws.Bool(true)})
	}
	if _, err := cfn.CreateChangeSet(ctx, &cloudformation.CreateChangeSetInput{StackName: aws.String("quilt"), ChangeSetName: aws.String("console-upgrade"),
		TemplateBody: aws.String(string(body)), Parameters: params,
		Capabilities: []cfntypes.Capability{cfntypes.CapabilityCapabilityIam, cfntypes.CapabilityCapabilityNamedIam}}); err != nil {
		t.Fatal(err)
	}
	for i := 0; ; i++ {
		cs, err := cfn.DescribeChangeSet(ctx, &cloudformation.DescribeChangeSetInput{StackName: aws.String("quilt"), ChangeSetName: aws.String("console-upgrade")})
		if err != nil {
			t.Fatal(err)
		}
		if cs.Status == cfntypes.ChangeSetStatusCreateComplete {
			break
		}
		if cs.Status == cfntypes.ChangeSetStatusFailed || i > 500 {
			t.Fatalf("change set %s %s", cs.Status, aws.ToString(cs.StatusReason))
		}
		time.Sleep(2 * time.Millisecond)
	}
	if _, err := cfn.ExecuteChangeSet(ctx, &cloudformation.ExecuteChangeSetInput{StackName: aws.String("quilt"), ChangeSetName: aws.String("console-upgrade")}); err != nil {
		t.Fatal(err)
	}
	w.out.Reset()
	r := w.run(t, Input{FollowOnly: true})
	out := w.out.String()
	u := r.Stages[0].Update
	if r.Exit != 1 || r.Outcome != OutcomeUpdateFailed || u == nil || u.Status != "UPDATE_ROLLBACK_COMPLETE" {
		t.Fatalf("exit %d outcome %s update %+v: %s\n%s", r.Exit, r.Outcome, u, r.Message, out)
	}
	f, d := u.FirstFailure, u.PolicyDenial
	if f == nil || f.Status != "UPDATE_FAILED" || !strings.Contains(f.Reason, "Action denied by stack policy: Statement [#2] does not allow [Update:Delete] for resource [LogicalResourceId/"+f.Resource+"]") {
		t.Fatalf("first failure %+v", f)
	}
	if d == nil || !d.ByQPE || d.Action != "Update:Delete" || d.Statement != 2 || d.Resource != f.Resource || len(d.Fix) != 2 {
		t.Fatalf("denial %+v", d)
	}
	if !slices.Contains(r.protectedNow(), d.Resource) {
		t.Errorf("%s is not one of the protected resources %v", d.Resource, r.protectedNow())
	}
	mustContain(t, r.Message, "the stack policy set by qpe enable stopped an update that would have removed "+d.Resource,
		"lacks the QuiltPrivateEndpoints Transform", "UPDATE_ROLLBACK_COMPLETE, unchanged, still private")
	mustContain(t, out, "UPDATE_FAILED", "stack policy: the stack policy set by qpe enable", "Update:Delete denied, statement #2",
		"fix: to upgrade to a new Quilt release, give its template to qpe, which adds the Transform with the deployed settings: qpe enable --stack quilt --region us-east-1 --template NEW",
		"fix: to leave Private Endpoints on purpose: qpe disable --stack quilt --region us-east-1")
	var b bytes.Buffer
	if err := WriteJSON(&b, r); err != nil {
		t.Fatal(err)
	}
	var js struct {
		Stages []struct {
			Update struct {
				PolicyDenial *PolicyDenial `json:"policyDenial"`
			} `json:"update"`
		} `json:"stages"`
	}
	if err := json.Unmarshal(b.Bytes(), &js); err != nil || len(js.Stages) != 1 || js.Stages[0].Update.PolicyDenial == nil ||
		js.Stages[0].Update.PolicyDenial.Action != "Update:Delete" || !js.Stages[0].Update.PolicyDenial.ByQPE {
		t.Errorf("JSON %v: %s", err, b.String())
	}
	// Rolled back: the deployed template still is the render.
	again, err := cfn.GetTemplate(ctx, &cloudformation.GetTemplateInput{StackName: aws.String("quilt"), TemplateStage: cfntypes.TemplateStageOriginal})
	if err != nil || !strings.Contains(aws.ToString(again.TemplateBody), "QuiltPrivateEndpoints") {
		t.Errorf("the stack's template changed: %v", err)
	}
}

// A denial by a statement of the customer's own policy is reported as
// theirs, not qpe's.
func TestCustomerPolicyDenialIsTheirs(t *testing.T) {
	t.Parallel()
	w := startWorld(t, "public", nil)
	w.setPolicy(t, `{"Statement": [{"Effect": "Allow", "Action": "Update:*", "Principal": "*", "Resource": "*"},
	  {"Effect": "Deny", "Action": "Update:Modify", "Principal": "*", "Resource": "LogicalResourceId/ReportHandler"}]}`)
	r := w.run(t, Input{Yes: true})
	u := r.Stages[0].Update
	if r.Outcome != OutcomeUpdateFailed || u == nil || u.PolicyDenial == nil {
		t.Fatalf("outcome %s update %+v: %s", r.Outcome, u, r.Message)
	}
	if d := u.PolicyDenial; d.ByQPE || d.Resource != "ReportHandler" || d.Action != "Update:Modify" || !strings.Contains(d.Message, "the stack's own") ||
		!strings.Contains(d.Fix[0], "get-stack-policy --stack-name quilt --region us-east-1") {
		t.Errorf("denial %+v", d)
	}
	if r.Stages[0].StackPolicy != nil {
		t.Errorf("a policy step after a failed update: %+v", r.Stages[0].StackPolicy)
	}
}

// An update qpe runs on purpose that removes what the policy protects
// (here qpe disable's final update) goes through UpdateStack with qpe's
// statements lifted for it; afterwards the stack's policy is the
// customer's again (or allow-all when there was none).
func TestAcceptedUpdateRunsWithThePolicyLifted(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct{ name, existing, after string }{
		{"no policy before", "", AllowAllStackPolicy},
		{"the customer's policy", customerPolicy, customerPolicy},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			w := startWorld(t, "public", nil)
			if tc.existing != "" {
				w.setPolicy(t, tc.existing)
			}
			if r := w.run(t, Input{Yes: true}); r.Exit != 0 {
				t.Fatalf("enable: %s\n%s", r.Message, w.out.String())
			}
			protected := r0Protected(t, w)
			executed := w.stack.Calls()["cloudformation:ExecuteChangeSet"]
			w.out.Reset()
			r := w.disable(t, Input{Yes: true})
			out := w.out.String()
			if r.Exit != 0 || r.Outcome != OutcomeDisabled {
				t.Fatalf("disable: exit %d outcome %s: %s\n%s", r.Exit, r.Outcome, r.Message, out)
			}
			calls := w.stack.Calls()
			if calls["cloudformation:UpdateStack"] != 1 || calls["cloudformation:ExecuteChangeSet"] != executed || len(w.stack.ChangeSetNames()) != 0 {
				t.Errorf("calls %v, change sets left %v", calls, w.stack.ChangeSetNames())
			}
			ps := r.Stages[len(r.Stages)-1].StackPolicy
			if ps == nil || len(ps.LiftedFor) == 0 || !ps.Set || len(ps.Protected) != 0 {
				t.Fatalf("stack policy step %+v", ps)
			}
			for _, id := range ps.LiftedFor {
				if !slices.Contains(protected, id) {
					t.Errorf("lifted for %s, not protected (%v)", id, protected)
				}
			}
			got, _ := json.Marshal(statements(t, []byte(w.stack.StackPolicy())))
			want, _ := json.Marshal(statements(t, []byte(tc.after)))
			if string(got) != string(want) {
				t.Errorf("policy after disable %s, want %s", got, want)
			}
			mustContain(t, out, "with qpe's statements lifted for this update only", "cloudformation:UpdateStack", "qpe's statements removed")
		})
	}
}

// r0Protected are the resources the stack's deployed render protects.
func r0Protected(t *testing.T, w *world) []string {
	t.Helper()
	original, processed := w.templates(t)
	ids := DeployedProtectedResources(original, processed)
	if len(ids) == 0 {
		t.Fatal("the enabled stack protects nothing")
	}
	return ids
}

// Ctrl-C during enable's update, then --follow: the followed update's
// render gets the policy too.
func TestFollowSetsThePolicy(t *testing.T) {
	t.Parallel()
	w := startWorld(t, "public", func(s *stackfake.Scenario) { s.Execution.Step = 30 * time.Millisecond })
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	in := w.input(Input{Yes: true})
	in.Observer = cancelAt{Writer: &Writer{W: &w.out}, cancel: cancel}
	r, err := Run(ctx, w.clients, in)
	if err != nil || r.Outcome != OutcomeFollowingStopped {
		t.Fatalf("interrupted run: %v %+v\n%s", err, r, w.out.String())
	}
	if w.stack.StackPolicy() != "" {
		t.Fatal("a policy set before the update completed")
	}
	r = w.run(t, Input{FollowOnly: true})
	if r.Exit != 0 || r.Stages[0].StackPolicy == nil || !r.Stages[0].StackPolicy.Set {
		t.Fatalf("follow: exit %d %s %+v\n%s", r.Exit, r.Message, r.Stages[0].StackPolicy, w.out.String())
	}
	if !strings.Contains(w.stack.StackPolicy(), "LogicalResourceId/ApiPrivate") {
		t.Errorf("policy %s", w.stack.StackPolicy())
	}
}

// A policy that cannot be set does not undo the update: the stage says why
// and the output gives the one command that sets it.
func TestPolicyNotSetIsAWarning(t *testing.T) {
	t.Parallel()
	w := startWorld(t, "public", func(s *stackfake.Scenario) {
		s.Faults = append(s.Faults, stackfake.Fault{Service: "cloudformation", Operation: "SetStackPolicy", Status: 403, Code: "AccessDenied", Message: "not authorized to perform: cloudformation:SetStackPolicy"})
	})
	r := w.run(t, Input{Yes: true})
	if r.Exit != 0 || r.Outcome != OutcomeEnabled {
		t.Fatalf("exit %d outcome %s: %s", r.Exit, r.Outcome, r.Message)
	}
	ps := r.Stages[0].StackPolicy
	if ps == nil || ps.Set || !strings.Contains(ps.Error, "cloudformation:SetStackPolicy") {
		t.Fatalf("stack policy step %+v", ps)
	}
	mustContain(t, w.out.String(), "WARNING: the update completed, but the stack policy", "not authorized",
		`aws cloudformation set-stack-policy --stack-name quilt --region us-east-1 --stack-policy-body '{"Statement":[{"Effect":"Allow"`)
}
