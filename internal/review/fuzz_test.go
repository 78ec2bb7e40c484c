package review

import (
	"bytes"
	"testing"

	"github.com/quiltdata/quilt-private-endpoints/internal/cfnspec"
	"github.com/quiltdata/quilt-private-endpoints/internal/template"
)

// FuzzBuild: whatever two documents hold, the review never panics and both
// outputs are written.
func FuzzBuild(f *testing.F) {
	f.Add(`{"Resources":{"A":"x"}}`, `{"Resources":{"A":{"Type":"AWS::Lambda::Function","Properties":[1]}}}`)
	f.Add(`{"Resources":{"R":{"Type":"AWS::IAM::Role","Properties":{"ManagedPolicyArns":{"Fn::If":["C","a","b"]}}}}}`,
		`{"Resources":{"R":{"Type":"AWS::IAM::Role","Properties":{"ManagedPolicyArns":"x","Policies":3}}}}`)
	f.Add(`{"Resources":{"D":{"Type":"AWS::ApiGateway::Deployment","DependsOn":7}}}`,
		`{"Resources":{"E":{"Type":"AWS::ApiGateway::Deployment","DependsOn":"X"}},"Globals":{"Function":{"VpcConfig":1}}}`)
	f.Add(`{"Parameters":[],"Resources":[]}`, `{"Parameters":{"P":"x"},"Resources":{"F":{"Type":"AWS::Serverless::Function","Properties":{"Policies":"p","Role":{"Fn::If":["C"]}}}}}`)
	f.Add(`{"Resources":{"Api":{"Type":"AWS::ApiGateway::RestApi","Properties":{"Policy":"{\"a\":1}"}}}}`,
		`{"Resources":{"Api":{"Type":"AWS::ApiGateway::RestApi","Properties":{"Policy":"{\"a\":[","EndpointConfiguration":"PRIVATE"}}}}`)
	spec := cfnspec.New()
	f.Fuzz(func(t *testing.T, before, after string) {
		b, err1 := template.DecodeJSON([]byte(before))
		a, err2 := template.DecodeJSON([]byte(after))
		if err1 != nil || err2 != nil {
			return
		}
		r := Build(Input{Before: b, After: a, Warnings: []string{"w"}, Changes: []EngineChange{{Pass: "p", Resource: "A", Detail: "d"}}}, spec)
		cs, err := ParseChangeSet([]byte(`{"Changes":[{"Type":"Resource","ResourceChange":{"Action":"Modify","LogicalResourceId":"A","Replacement":"True","Details":[{"Target":{"Attribute":"Properties","Name":"X"},"ChangeSource":"ResourceAttribute","CausingEntity":"E.Arn"}]}}]}`))
		if err != nil {
			t.Fatal(err)
		}
		Annotate(r, cs)
		var md, js bytes.Buffer
		if err := WriteMarkdown(&md, r); err != nil || md.Len() == 0 {
			t.Fatalf("markdown: %v", err)
		}
		if err := WriteJSON(&js, r); err != nil || js.Len() == 0 {
			t.Fatalf("json: %v", err)
		}
	})
}
