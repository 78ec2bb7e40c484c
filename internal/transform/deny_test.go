package transform

import (
	"context"
	"encoding/json"
	"reflect"
	"testing"

	"github.com/quiltdata/quilt-private-endpoints/internal/apideny/apidenytest"
	"github.com/quiltdata/quilt-private-endpoints/internal/template"
)

// fullDeny is the statement the macro adds when no Deny protects the API.
var fullDeny = map[string]any{
	"Effect": "Deny", "Principal": "*", "Action": "execute-api:Invoke", "Resource": "execute-api:/*",
	"Condition": map[string]any{"StringNotEquals": map[string]any{"aws:SourceVpce": map[string]any{"Ref": "ApiGatewayVPCEndpointId"}}},
}

// TestNarrowDenyGetsTheFullDeny: a Deny on aws:SourceVpce narrower than
// "every caller, the whole API" (apidenytest's hostile cases) is not taken
// for the API's Deny: the macro adds its own, in a RestApi's Policy (the
// template as JSON and as YAML) and in SAM CustomStatements; a Deny that
// protects the API gets none. Every render passes the self-check.
func TestNarrowDenyGetsTheFullDeny(t *testing.T) {
	allow := `{"Effect":"Allow","Principal":"*","Action":"execute-api:Invoke","Resource":"execute-api:/*"}`
	forms := []struct {
		name string
		tmpl func(stmts string) string
		got  func(out map[string]any) []any
	}{
		{"RestApi JSON", restAPITemplate, restAPIStatements},
		{"RestApi YAML", func(s string) string { return yamlOf(t, restAPITemplate(s)) }, restAPIStatements},
		{"SAM CustomStatements", samTemplate, samStatements},
	}
	for _, c := range apidenytest.Cases() {
		for _, f := range forms {
			t.Run(f.name+"/"+c.Name, func(t *testing.T) {
				doc, err := template.Decode([]byte(f.tmpl(allow + "," + c.JSON())))
				if err != nil {
					t.Fatal(err)
				}
				res, err := Transform(context.Background(), Request{Fragment: doc, Region: apidenytest.Region, AccountID: apidenytest.Account,
					Params: map[string]any{"ApiGatewayVPCEndpointId": apidenytest.Endpoint, "PreflightMode": "none"}})
				if err != nil {
					t.Fatalf("Transform: %v", err)
				}
				added := false
				for _, s := range f.got(res.Fragment) {
					added = added || reflect.DeepEqual(s, fullDeny)
				}
				protects := c.Protects && !c.NeedsID
				if added == protects {
					t.Errorf("full Deny added = %v; the case protects the API: %v", added, protects)
				}
			})
		}
	}
}

func restAPITemplate(stmts string) string {
	return `{"Parameters":{"ApiGatewayVPCEndpointId":{"Type":"String"},"Subnets":{"Type":"List<AWS::EC2::Subnet::Id>"},"VPC":{"Type":"AWS::EC2::VPC::Id"}},
"Resources":{"Api":{"Type":"AWS::ApiGateway::RestApi","Properties":{"Name":"a","EndpointConfiguration":{"Types":["PRIVATE"]},
"Policy":{"Version":"2012-10-17","Statement":[` + stmts + `]}}}}}`
}

func samTemplate(stmts string) string {
	return `{"Transform":"AWS::Serverless-2016-10-31","Parameters":{"ApiGatewayVPCEndpointId":{"Type":"String"},"Subnets":{"Type":"List<AWS::EC2::Subnet::Id>"},"VPC":{"Type":"AWS::EC2::VPC::Id"}},
"Resources":{"Api":{"Type":"AWS::Serverless::Api","Properties":{"StageName":"prod","EndpointConfiguration":"PRIVATE",
"Auth":{"ResourcePolicy":{"CustomStatements":[` + stmts + `]}}}}}}`
}

func yamlOf(t *testing.T, js string) string {
	t.Helper()
	doc, err := template.DecodeJSON([]byte(js))
	if err != nil {
		t.Fatal(err)
	}
	b, err := template.EncodeYAML(doc)
	if err != nil {
		t.Fatal(err)
	}
	if json.Valid(b) {
		t.Fatal("EncodeYAML wrote JSON")
	}
	return string(b)
}

func apiProps(out map[string]any) map[string]any {
	for _, r := range template.Resources(out) {
		m, _ := r.(map[string]any)
		if t := m["Type"]; t == "AWS::ApiGateway::RestApi" || t == "AWS::Serverless::Api" {
			p, _ := m["Properties"].(map[string]any)
			return p
		}
	}
	return nil
}

func restAPIStatements(out map[string]any) []any {
	pol, _ := apiProps(out)["Policy"].(map[string]any)
	return asList(pol["Statement"])
}

func samStatements(out map[string]any) []any {
	auth, _ := apiProps(out)["Auth"].(map[string]any)
	rp, _ := auth["ResourcePolicy"].(map[string]any)
	return asList(rp["CustomStatements"])
}
