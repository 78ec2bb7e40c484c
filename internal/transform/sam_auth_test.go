package transform

import (
	"context"
	"testing"

	"github.com/quiltdata/quilt-private-endpoints/internal/template"
)

// TestSAMPolicyIsWhereSAMReadsIt: in every golden output, a SAM API the
// run made private has its resource policy where SAM reads it: neither
// Auth nor Auth.ResourcePolicy is an Fn::If (SAM evaluates neither, and
// would deploy the PRIVATE API with no policy).
func TestSAMPolicyIsWhereSAMReadsIt(t *testing.T) {
	checked := 0
	for _, c := range goldenCases(t) {
		res, err := Transform(context.Background(), Request{Fragment: fragment(t, c.input), Params: c.settings})
		if err != nil {
			continue
		}
		out := template.Resources(res.Fragment)
		for _, ch := range res.Changes {
			if ch.Pass != "restapi" {
				continue
			}
			id := ch.Resource
			if n := res.Renamed[id]; n != "" {
				id = n
			}
			r, _ := out[id].(map[string]any)
			if r["Type"] != "AWS::Serverless::Api" {
				continue
			}
			auth := template.Section(r, "Properties")["Auth"]
			if _, _, _, ok := ifBranches(auth); ok {
				t.Errorf("%s: %s: Auth is an Fn::If", c.name, id)
			}
			if m, ok := auth.(map[string]any); ok {
				if _, _, _, ok := ifBranches(m["ResourcePolicy"]); ok {
					t.Errorf("%s: %s: Auth.ResourcePolicy is an Fn::If", c.name, id)
				}
			}
			checked++
		}
	}
	if checked == 0 {
		t.Fatal("no SAM API made private in the golden cases")
	}
}
