package apideny_test

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/quiltdata/quilt-private-endpoints/internal/apideny"
	"github.com/quiltdata/quilt-private-endpoints/internal/apideny/apidenytest"
)

func known() apideny.API {
	return apideny.API{Partition: "aws", Region: apidenytest.Region, Account: apidenytest.Account, ID: apidenytest.APIID,
		LogicalIDs: []string{"Api"}}
}

func decode(t *testing.T, s string) map[string]any {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal([]byte(s), &m); err != nil {
		t.Fatalf("%s: %v", s, err)
	}
	return m
}

const allow = `{"Effect":"Allow","Principal":"*","Action":"execute-api:Invoke","Resource":"execute-api:/*"}`

// TestCheck: every narrow Deny is refused with a reason, every good one
// protects the API, with the API's coordinates known or not (a render
// without a Region: only wildcards and pseudo parameters cover it).
func TestCheck(t *testing.T) {
	unknown := apideny.API{LogicalIDs: []string{"Api"}}
	for _, c := range apidenytest.Cases() {
		t.Run(c.Name, func(t *testing.T) {
			v := apideny.Check(decode(t, c.JSON()), known())
			if v.Protects != c.Protects {
				t.Fatalf("Protects = %v (why %q), want %v", v.Protects, v.Why, c.Protects)
			}
			if !c.Protects && v.VpceDeny && v.Why == "" {
				t.Error("a narrow Deny without a reason")
			}
			if c.Protects && (len(v.Endpoints) == 0 || v.Endpoints[0] != apidenytest.Endpoint) {
				t.Errorf("Endpoints = %v", v.Endpoints)
			}
			// Unknown coordinates never make a narrow Deny protect.
			if u := apideny.Check(decode(t, c.JSON()), unknown); u.Protects && !c.Protects {
				t.Errorf("protects with unknown coordinates")
			}
		})
	}
}

// TestCheckUnknownCoordinates: a literal Region, account or API id cannot be
// confirmed when the render does not know them.
func TestCheckUnknownCoordinates(t *testing.T) {
	unknown := apideny.API{LogicalIDs: []string{"Api"}}
	for _, tc := range []struct {
		resource string
		want     bool
	}{
		{`"execute-api:/*"`, true},
		{`"*"`, true},
		{`"arn:*:execute-api:*:*:*/*"`, true},
		{`{"Fn::Sub":"arn:${AWS::Partition}:execute-api:${AWS::Region}:${AWS::AccountId}:*/*"}`, true},
		{`{"Fn::Sub":"arn:${AWS::Partition}:execute-api:${AWS::Region}:${AWS::AccountId}:${Api}/*"}`, true},
		{`{"Fn::Sub":["arn:${P}:execute-api:*:*:*/*",{"P":{"Ref":"AWS::Partition"}}]}`, true},
		{`"arn:aws:execute-api:us-east-1:*:*/*"`, false},
		{`"arn:aws:execute-api:*:111122223333:*/*"`, false},
		{`{"Fn::Sub":"arn:aws:execute-api:${AWS::Region}:${AWS::AccountId}:*/*"}`, false},
		{`{"Fn::Sub":"arn:${AWS::Partition}:execute-api:${AWS::Region}:${AWS::AccountId}:${Other}/*"}`, false},
		{`{"Fn::Sub":"arn:${AWS::Partition}:execute-api:${AWS::Region}:${AWS::AccountId}:${!Api}/*"}`, false},
		{`{"Fn::Select":[0,["*"]]}`, false},
	} {
		s := `{"Effect":"Deny","Principal":"*","Action":"execute-api:Invoke","Resource":` + tc.resource +
			`,"Condition":{"StringNotEquals":{"aws:SourceVpce":{"Ref":"Endpoint"}}}}`
		if got := apideny.Check(decode(t, s), unknown).Protects; got != tc.want {
			t.Errorf("Resource %s: Protects = %v, want %v", tc.resource, got, tc.want)
		}
	}
}

// TestSimulate: the IAM evaluator agrees with the predicate. A policy whose
// only Deny is narrow lets another endpoint, the internet or another
// account in; one with a protecting Deny does not.
func TestSimulate(t *testing.T) {
	for _, c := range apidenytest.Cases() {
		if c.TemplateOnly {
			continue
		}
		t.Run(c.Name, func(t *testing.T) {
			doc := decode(t, `{"Version":"2012-10-17","Statement":[`+allow+`,`+c.JSON()+`]}`)
			err := apideny.Simulate(doc, known(), apidenytest.Endpoint)
			if (err == nil) != (c.Protects || c.ShapeOnly) {
				t.Fatalf("Simulate = %v, want protected %v", err, c.Protects)
			}
		})
	}
	for _, tc := range []struct {
		name, statements, want string
	}{
		{"no Allow", `{"Effect":"Deny","Principal":"*","Action":"*","Resource":"*","Condition":{"StringNotEquals":{"aws:SourceVpce":"E"}}}`, "answers nobody"},
		{"Deny of the stack's endpoint", allow + `,{"Effect":"Deny","Principal":"*","Action":"*","Resource":"*","Condition":{"StringNotEquals":{"aws:SourceVpce":"vpce-1"}}}`, "is denied by Statement[1]"},
		{"Allow only", allow, "is allowed by Statement[0]"},
		{"narrow Allow opens a path the Deny leaves out",
			`{"Effect":"Allow","Principal":"*","Action":"execute-api:Invoke","Resource":"execute-api:/*/GET/preview"},` +
				`{"Effect":"Deny","Principal":"*","Action":"execute-api:Invoke","Resource":"execute-api:/*/POST/*","Condition":{"StringNotEquals":{"aws:SourceVpce":"E"}}}`,
			"GET/preview is allowed"},
	} {
		doc := decode(t, `{"Version":"2012-10-17","Statement":[`+tc.statements+`]}`)
		err := apideny.Simulate(doc, known(), "E")
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: Simulate = %v, want %q", tc.name, err, tc.want)
		}
	}
}
