package transform

import (
	"context"
	"os"
	"path/filepath"
	"reflect"
	"testing"

	"github.com/quiltdata/quilt-private-endpoints/internal/template"
)

// FuzzTransform: the engine never panics, never modifies its input, and on
// success the output holds every input resource with its type (a renamed
// Deployment under its new id); rewriting the output again changes nothing.
func FuzzTransform(f *testing.F) {
	for _, c := range goldenCases(f) {
		settings := []byte("{}")
		if b, err := os.ReadFile(filepath.Join(c.dir, "settings.json")); err == nil {
			settings = b
		}
		f.Add(c.input, settings)
	}
	f.Add([]byte(`{"Resources":{"A":{"Type":"AWS::Lambda::Function","Properties":{"VpcConfig":{"Fn::If":[]}}}}}`), []byte(`{"PreflightMode":"create"}`))
	f.Add([]byte(`{"Resources":{"D":{"Type":"AWS::ApiGateway::Deployment","DependsOn":7,"Properties":{"RestApiId":{"Ref":"A"}}},"A":{"Type":"AWS::ApiGateway::RestApi","Properties":{"Policy":{"Statement":{"Effect":"Deny","Condition":{"StringNotEquals":"x"}}}}}}}`), []byte(`{}`))
	f.Fuzz(func(t *testing.T, data, settings []byte) {
		doc, err := template.DecodeJSON(data)
		if err != nil {
			return
		}
		params, _ := template.DecodeJSON(settings)
		before := template.Clone(doc)
		res, err := Transform(context.Background(), Request{Fragment: doc, Params: params})
		if !reflect.DeepEqual(before, doc) {
			t.Fatal("Transform modified its input")
		}
		if err != nil {
			if res != nil {
				t.Fatal("partial output with an error")
			}
			if _, ok := err.(*Error); !ok {
				t.Fatalf("error is a %T: %v", err, err)
			}
			return
		}
		out := template.Resources(res.Fragment)
		for id, r := range template.Resources(doc) {
			typ := r.(map[string]any)["Type"]
			nid := id
			if n, ok := res.Renamed[id]; ok {
				nid = n
			}
			o, ok := out[nid].(map[string]any)
			if !ok || o["Type"] != typ {
				t.Fatalf("resource %s (%v) missing or retyped in the output", id, typ)
			}
		}
		if _, err := template.EncodeJSON(res.Fragment, false); err != nil {
			t.Fatalf("output does not encode: %v", err)
		}
		again, err := Transform(context.Background(), Request{Fragment: res.Fragment, Params: params})
		if err != nil {
			t.Fatalf("second run failed: %v", err)
		}
		if len(again.Changes) != 0 {
			t.Fatalf("second run changed: %s", report(again))
		}
	})
}
