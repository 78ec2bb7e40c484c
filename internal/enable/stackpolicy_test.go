package enable

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/quiltdata/quilt-private-endpoints/internal/quiltfixture"
	"github.com/quiltdata/quilt-private-endpoints/internal/review"
	"github.com/quiltdata/quilt-private-endpoints/internal/template"
	"github.com/quiltdata/quilt-private-endpoints/internal/transform"
)

func TestPrivateStackPolicy(t *testing.T) {
	base := map[string]any{"ApiGatewayVPCEndpointId": "vpce-0123456789abcdef0",
		"UserSubnetIds": "subnet-0123456789abcdef0,subnet-1123456789abcdef0"}
	for _, c := range []struct {
		name          string
		set           map[string]any
		want, notWant []string
	}{
		{name: "unchanged", set: map[string]any{"LoadBalancerScheme": "unchanged"},
			want:    []string{"ApiPrivate", "ApiStagePrivate", transform.PreflightLogicalID},
			notWant: []string{"ApiDeployment1763112382Private67c756ca", "LoadBalancer", "LoadBalancerInternal", "Api"}},
		{name: "internal keep", set: map[string]any{"LoadBalancerScheme": "internal", "PublicLoadBalancer": "keep"},
			want: []string{"ApiPrivate", "LoadBalancerInternal", "ListenerInternal", "WebACLInternal", "RegistryTargetGroupInternal",
				"ListenerInternalCanaryIngress", transform.PreflightLogicalID},
			notWant: []string{"LoadBalancer", "Listener", "WebACL", "ApiDeployment1763112382Private67c756ca"}},
		{name: "internal retire", set: map[string]any{"LoadBalancerScheme": "internal", "PublicLoadBalancer": "retire"},
			want:    []string{"ApiPrivate", "LoadBalancerInternal", "ListenerInternal", transform.PreflightLogicalID},
			notWant: []string{"LoadBalancer", "ApiDeployment1763112382Private67c756ca"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			params := map[string]any{}
			for k, v := range base {
				params[k] = v
			}
			for k, v := range c.set {
				params[k] = v
			}
			in := quiltfixture.Decode(quiltfixture.Stable())
			res, err := transform.Transform(context.Background(), transform.Request{Fragment: in, Params: params})
			if err != nil {
				t.Fatal(err)
			}
			body, err := PrivateStackPolicy(in, res.Fragment, res.Renamed)
			if err != nil {
				t.Fatal(err)
			}
			var p StackPolicy
			if err := json.Unmarshal(body, &p); err != nil {
				t.Fatal(err)
			}
			if len(p.Statement) != 2 || p.Statement[0].Effect != "Allow" || !slices.Equal(p.Statement[0].Action, []string{"Update:*"}) ||
				p.Statement[1].Effect != "Deny" || !slices.Equal(p.Statement[1].Action, []string{"Update:Delete", "Update:Replace"}) {
				t.Fatalf("policy shape: %s", body)
			}
			denied := p.Statement[1].Resource
			for _, id := range c.want {
				if !slices.Contains(denied, "LogicalResourceId/"+id) {
					t.Errorf("%s not protected: %v", id, denied)
				}
			}
			for _, id := range c.notWant {
				if slices.Contains(denied, "LogicalResourceId/"+id) {
					t.Errorf("%s protected, want not: %v", id, denied)
				}
			}
			if !slices.IsSorted(denied) {
				t.Errorf("not sorted: %v", denied)
			}
			again, _ := PrivateStackPolicy(in, res.Fragment, res.Renamed)
			if string(again) != string(body) {
				t.Error("two policies of the same render differ")
			}
		})
	}
	t.Run("nothing made by the macro", func(t *testing.T) {
		doc := map[string]any{"Resources": map[string]any{"B": map[string]any{"Type": "AWS::S3::Bucket"}}}
		body, err := PrivateStackPolicy(doc, doc, nil)
		if err != nil {
			t.Fatal(err)
		}
		var p StackPolicy
		if err := json.Unmarshal(body, &p); err != nil || len(p.Statement) != 1 {
			t.Errorf("policy %s, want the Allow statement only", body)
		}
	})
}

// statements decodes a policy's statements as generic values.
func statements(t *testing.T, body []byte) []map[string]any {
	t.Helper()
	var p struct{ Statement []map[string]any }
	if err := json.Unmarshal(body, &p); err != nil {
		t.Fatalf("%v: %s", err, body)
	}
	return p.Statement
}

func TestWithPrivateStatements(t *testing.T) {
	customer := `{"Statement": [
	  {"Effect": "Allow", "Action": "Update:*", "Principal": "*", "Resource": "*"},
	  {"Effect": "Deny", "Action": ["Update:Replace", "Update:Delete"], "Principal": "*", "Resource": ["LogicalResourceId/Database"]},
	  {"Effect": "Deny", "Action": "Update:*", "Principal": "*", "Resource": "*", "Condition": {"StringEquals": {"ResourceType": ["AWS::RDS::DBInstance"]}}}]}`
	ids := []string{"LoadBalancerInternal", "ApiPrivate"}
	ours := `{"Effect":"Deny","Action":["Update:Delete","Update:Replace"],"Principal":"*","Resource":["LogicalResourceId/ApiPrivate","LogicalResourceId/LoadBalancerInternal"]}`
	first, changed, err := WithPrivateStatements(customer, ids)
	if err != nil || !changed {
		t.Fatalf("merge: %v changed=%v", err, changed)
	}
	withNoPolicy, _, _ := WithPrivateStatements("", ids)
	cases := []struct {
		name, existing string
		ids, known     []string
		changed        bool
		// want are the statements, compact JSON, in order; nil with
		// changed=false.
		want []string
		err  string
	}{
		{name: "no policy: allow all, then ours", ids: ids, changed: true,
			want: []string{`{"Effect":"Allow","Action":["Update:*"],"Principal":"*","Resource":["*"]}`, ours}},
		{name: "no policy, nothing to protect", changed: false},
		{name: "the customer's statements kept as written, no Allow added", existing: customer, ids: ids, changed: true,
			want: []string{`{"Effect":"Allow","Action":"Update:*","Principal":"*","Resource":"*"}`,
				`{"Effect":"Deny","Action":["Update:Replace","Update:Delete"],"Principal":"*","Resource":["LogicalResourceId/Database"]}`,
				`{"Effect":"Deny","Action":"Update:*","Principal":"*","Resource":"*","Condition":{"StringEquals":{"ResourceType":["AWS::RDS::DBInstance"]}}}`, ours}},
		{name: "re-run adds nothing", existing: string(first), ids: ids, changed: false},
		{name: "re-run on our own policy adds nothing", existing: string(withNoPolicy), ids: ids, changed: false},
		{name: "ids grew: our old statement replaced", existing: string(withNoPolicy), ids: append(slices.Clone(ids), "ListenerInternal"), known: ids, changed: true,
			want: []string{`{"Effect":"Allow","Action":["Update:*"],"Principal":"*","Resource":["*"]}`,
				`{"Effect":"Deny","Action":["Update:Delete","Update:Replace"],"Principal":"*","Resource":["LogicalResourceId/ApiPrivate","LogicalResourceId/ListenerInternal","LogicalResourceId/LoadBalancerInternal"]}`}},
		{name: "a customer's Deny naming one of our ids and another is theirs", existing: `{"Statement": [{"Effect": "Deny", "Action": ["Update:Delete", "Update:Replace"], "Principal": "*", "Resource": ["LogicalResourceId/ApiPrivate", "LogicalResourceId/Database"]}]}`,
			ids: ids, changed: true,
			want: []string{`{"Effect":"Deny","Action":["Update:Delete","Update:Replace"],"Principal":"*","Resource":["LogicalResourceId/ApiPrivate","LogicalResourceId/Database"]}`, ours}},
		{name: "not JSON", existing: `Statement`, ids: ids, err: "not a JSON object"},
		{name: "too long", ids: manyIDs(600), err: "over the 16384"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			body, changed, err := WithPrivateStatements(tc.existing, tc.ids, tc.known...)
			if tc.err != "" {
				if err == nil || !strings.Contains(err.Error(), tc.err) {
					t.Fatalf("err %v, want %q", err, tc.err)
				}
				return
			}
			if err != nil || changed != tc.changed {
				t.Fatalf("err %v, changed %v want %v", err, changed, tc.changed)
			}
			if !changed {
				if body != nil {
					t.Errorf("unchanged, but a body: %s", body)
				}
				return
			}
			var got []string
			for _, st := range statements(t, body) {
				b, _ := json.Marshal(st)
				got = append(got, string(b))
			}
			var want []string
			for _, w := range tc.want {
				var v any
				_ = json.Unmarshal([]byte(w), &v)
				b, _ := json.Marshal(v)
				want = append(want, string(b))
			}
			if !slices.Equal(got, want) {
				t.Errorf("statements\n got %v\nwant %v", got, want)
			}
		})
	}
}

func manyIDs(n int) []string {
	out := make([]string, n)
	for i := range out {
		out[i] = fmt.Sprintf("ResourceWithAFairlyLongLogicalId%04d", i)
	}
	return out
}

func TestWithoutPrivateStatements(t *testing.T) {
	ids := []string{"ApiPrivate", "LoadBalancerInternal"}
	customer := `{"Statement": [{"Effect": "Allow", "Action": "Update:*", "Principal": "*", "Resource": "*"},
	  {"Effect": "Deny", "Action": "Update:Delete", "Principal": "*", "Resource": "LogicalResourceId/Database"}]}`
	merge := func(existing string) string {
		b, _, err := WithPrivateStatements(existing, ids)
		if err != nil {
			t.Fatal(err)
		}
		return string(b)
	}
	cases := []struct {
		name, policy string
		changed      bool
		want         string // the policy expected, compared as statements
	}{
		{"no policy", "", false, AllowAllStackPolicy},
		{"qpe's on a stack that had none: allow all", merge(""), true, AllowAllStackPolicy},
		{"the customer's policy back", merge(customer), true, customer},
		{"nothing of qpe's", customer, false, customer},
		{"other ids are not ours", merge(customer), false, ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			owned := ids
			if tc.want == "" {
				owned, tc.want = []string{"SomethingElse"}, tc.policy
			}
			body, changed, err := WithoutPrivateStatements(tc.policy, owned)
			if err != nil || changed != tc.changed {
				t.Fatalf("err %v changed %v", err, changed)
			}
			got, _ := json.Marshal(statements(t, body))
			want, _ := json.Marshal(statements(t, []byte(tc.want)))
			if string(got) != string(want) {
				t.Errorf("got %s\nwant %s", got, want)
			}
		})
	}
	if _, _, err := WithoutPrivateStatements("[", ids); err == nil {
		t.Error("a policy that is not JSON gave no error")
	}
}

func TestProtectedResourcesReadTheRender(t *testing.T) {
	in := quiltfixture.Decode(quiltfixture.Stable())
	res, err := transform.Transform(context.Background(), transform.Request{Fragment: in, Params: map[string]any{
		"ApiGatewayVPCEndpointId": "vpce-0123456789abcdef0", "UserSubnetIds": "subnet-0123456789abcdef0,subnet-1123456789abcdef0",
		"LoadBalancerScheme": "internal", "PublicLoadBalancer": "keep"}})
	if err != nil {
		t.Fatal(err)
	}
	fromMeta := ProtectedResources(in, res.Fragment, res.Renamed)
	// The same render without its Metadata list: the identity contract
	// gives the same ids.
	bare, _ := template.Clone(res.Fragment).(map[string]any)
	meta := template.Section(bare, "Metadata")[transform.MetadataKey].(map[string]any)
	delete(meta, "Resources")
	fromIdentities := ProtectedResources(in, bare, nil)
	if len(fromMeta) == 0 || !slices.Equal(fromMeta, fromIdentities) {
		t.Fatalf("from the Metadata %v\nfrom Identities %v", fromMeta, fromIdentities)
	}
	// The Metadata list wins: an id it lists is protected even if the
	// input had it; one the render lacks, or a deployment, is not.
	deployment := ""
	for id, r := range template.Resources(bare) {
		if m, _ := r.(map[string]any); m["Type"] == "AWS::ApiGateway::Deployment" {
			deployment = id
		}
	}
	if deployment == "" {
		t.Fatal("the render has no API deployment")
	}
	meta["Resources"] = []any{"ApiPrivate", "Bucket", "Missing", deployment}
	template.Resources(bare)["Bucket"] = map[string]any{"Type": "AWS::S3::Bucket"}
	got := ProtectedResources(in, bare, nil)
	if want := []string{"ApiPrivate", "Bucket"}; !slices.Equal(got, want) {
		t.Errorf("got %v, want %v", got, want)
	}
	if got := DeployedProtectedResources(in, res.Fragment); got != nil {
		t.Errorf("a deployed template without the Transform entry protects %v", got)
	}
}

func TestPolicyDenialReport(t *testing.T) {
	in := quiltfixture.Decode(quiltfixture.Stable())
	res, err := transform.Transform(context.Background(), transform.Request{Fragment: in, Params: map[string]any{
		"ApiGatewayVPCEndpointId": "vpce-0123456789abcdef0", "UserSubnetIds": "subnet-0123456789abcdef0,subnet-1123456789abcdef0", "LoadBalancerScheme": "unchanged"}})
	if err != nil {
		t.Fatal(err)
	}
	original := map[string]any{"Transform": "QuiltPrivateEndpoints"}
	for k, v := range in {
		original[k] = v
	}
	denied := "Action denied by stack policy: Statement [#2] does not allow [Update:Replace] for resource [LogicalResourceId/ApiPrivate]"
	cases := []struct {
		name      string
		failure   Failure
		ownRun    bool
		want      *PolicyDenial // Message and Fix checked by contains
		message   string
		fixes     []string
		notPolicy bool
	}{
		{name: "not a policy failure", failure: Failure{Resource: "ApiPrivate", Reason: "Internal Failure"}, notPolicy: true},
		{name: "qpe's, followed: the Transform dropped", failure: Failure{Resource: "ApiPrivate", Type: "AWS::ApiGateway::RestApi", Reason: denied},
			want:    &PolicyDenial{Resource: "ApiPrivate", Action: "Update:Replace", Statement: 2, ByQPE: true},
			message: "would have replaced ApiPrivate (AWS::ApiGateway::RestApi), a private resource qpe made (Update:Replace denied, statement #2). Most likely the update's template lacks the QuiltPrivateEndpoints Transform",
			fixes:   []string{"qpe enable --stack quilt --region us-east-1 --template NEW", "qpe disable --stack quilt --region us-east-1"}},
		{name: "qpe's, this run's own update", failure: Failure{Resource: "ApiPrivate", Type: "AWS::ApiGateway::RestApi", Reason: denied}, ownRun: true,
			want:    &PolicyDenial{Resource: "ApiPrivate", Action: "Update:Replace", Statement: 2, ByQPE: true},
			message: "stopped this update: it would have replaced ApiPrivate",
			fixes:   []string{AcceptMacroReplacementFlag, "qpe plan"}},
		{name: "the stack's own, no statement allows it", failure: Failure{Resource: "Bucket", Type: "AWS::S3::Bucket",
			Reason: "Action not allowed by stack policy: no statement allows [Update:Modify] for resource [LogicalResourceId/Bucket]"},
			want:    &PolicyDenial{Resource: "Bucket", Action: "Update:Modify"},
			message: "the stack's policy stopped an update that would have modified Bucket (AWS::S3::Bucket) (Update:Modify denied; not a resource qpe protects",
			fixes:   []string{"aws cloudformation get-stack-policy --stack-name quilt --region us-east-1"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			r := &Result{stack: &deployedStack{Name: "quilt", Region: "us-east-1", Original: original, Processed: res.Fragment}, stageNow: &Stage{}}
			if tc.ownRun {
				r.stageNow.ChangeSet = &ChangeSetInfo{Name: "qpe-enable"}
			}
			f := tc.failure
			f.Status = "UPDATE_FAILED"
			d := r.policyDenial(context.Background(), &UpdateOutcome{Status: "UPDATE_ROLLBACK_IN_PROGRESS", FirstFailure: &f})
			if tc.notPolicy {
				if d != nil {
					t.Fatalf("a denial: %+v", d)
				}
				return
			}
			if d == nil || d.Resource != tc.want.Resource || d.Action != tc.want.Action || d.Statement != tc.want.Statement || d.ByQPE != tc.want.ByQPE {
				t.Fatalf("got %+v, want %+v", d, tc.want)
			}
			mustContain(t, d.Message, tc.message)
			mustContain(t, strings.Join(d.Fix, "\n"), tc.fixes...)
		})
	}
}

func TestGuardedChanges(t *testing.T) {
	change := func(action, id, replacement string) review.ChangeSetEntry {
		return review.ChangeSetEntry{Type: "Resource", ResourceChange: &review.ResourceChange{Action: action, LogicalResourceID: id, Replacement: replacement}}
	}
	cs := &ChangeSetInfo{changes: []review.ChangeSetEntry{
		change("Remove", "ListenerInternal", ""), change("Modify", "ApiPrivate", "True"), change("Modify", "ApiStagePrivate", "Conditional"),
		change("Modify", "LoadBalancerInternal", "False"), change("Add", "Api", ""), change("Remove", "LoadBalancer", ""),
	}}
	ids := []string{"ApiPrivate", "ApiStagePrivate", "ListenerInternal", "LoadBalancerInternal"}
	if got, want := guardedChanges(cs, ids, false), []string{"ApiPrivate", "ListenerInternal"}; !slices.Equal(got, want) {
		t.Errorf("certain only: %v, want %v", got, want)
	}
	if got, want := guardedChanges(cs, ids, true), []string{"ApiPrivate", "ApiStagePrivate", "ListenerInternal"}; !slices.Equal(got, want) {
		t.Errorf("with conditional: %v, want %v", got, want)
	}
	if got := guardedChanges(cs, nil, true); got != nil {
		t.Errorf("nothing protected: %v", got)
	}
}
