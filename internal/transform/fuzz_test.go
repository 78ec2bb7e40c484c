package transform

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strings"
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
		checkTransform(t, doc, params)
	})
}

// trickyValues are what the structural fuzzer puts in place of a value.
func trickyValues() []any {
	noValue := map[string]any{"Ref": "AWS::NoValue"}
	return []any{
		nil, noValue, map[string]any{}, []any{}, "", "x", true, json.Number("1"),
		map[string]any{"Fn::If": []any{"C", map[string]any{"SubnetIds": []any{"subnet-01234567"}}, noValue}},
		map[string]any{"Fn::If": []any{"C", noValue, noValue}},
		map[string]any{"Ref": "Api"}, map[string]any{"Fn::GetAtt": "Api.Arn"}, map[string]any{"Fn::GetAtt": []any{"Role", "Arn", "x"}},
		map[string]any{"Fn::Sub": []any{"${Api}.execute-api.${X}", map[string]any{"X": "y"}}},
		map[string]any{"Fn::Sub": []any{}}, map[string]any{"Fn::Join": []any{"", "notalist"}},
		map[string]any{"Fn::ImportValue": "v"}, []any{map[string]any{"Ref": "Subnets"}, nil},
		map[string]any{"Fn::If": []any{"C", map[string]any{}, noValue}}, `{"Statement":[{"Effect":"Allow"}]}`,
		map[string]any{"Fn::Sub": "https://${Api}.execute-api.${AWS::Region}.amazonaws.com"},
		map[string]any{"Effect": "Deny", "Condition": map[string]any{"StringNotEquals": map[string]any{"aws:SourceVPCE": []any{}}}},
	}
}

// FuzzTransformShapes mutates the golden inputs structurally: each pair of
// bytes picks a value in the document (in a stable order) and replaces it
// with a tricky value (AWS::NoValue, Fn::If, wrong kinds, broken
// intrinsics). The properties are those of FuzzTransform.
func FuzzTransformShapes(f *testing.F) {
	cases := goldenCases(f)
	for i := range cases {
		f.Add(uint8(i), []byte{})
		f.Add(uint8(i), []byte{3, 1, 7, 8, 20, 9})
	}
	tricky := trickyValues()
	f.Fuzz(func(t *testing.T, which uint8, ops []byte) {
		c := cases[int(which)%len(cases)]
		doc := fragment(t, c.input)
		if doc == nil {
			return
		}
		for i := 0; i+1 < len(ops) && i < 16; i += 2 {
			var slots []func(any)
			collectSlots(doc, &slots)
			if len(slots) == 0 {
				break
			}
			slots[int(ops[i])%len(slots)](template.Clone(tricky[int(ops[i+1])%len(tricky)]))
		}
		checkTransform(t, doc, c.settings)
	})
}

// collectSlots lists setters for every value below v, in sorted key order.
func collectSlots(v any, out *[]func(any)) {
	switch t := v.(type) {
	case map[string]any:
		for _, k := range template.SortedKeys(t) {
			*out = append(*out, func(nv any) { t[k] = nv })
			collectSlots(t[k], out)
		}
	case []any:
		for i := range t {
			*out = append(*out, func(nv any) { t[i] = nv })
			collectSlots(t[i], out)
		}
	}
}

// checkTransform runs the engine and checks the fuzz properties.
func checkTransform(t *testing.T, doc, params map[string]any) {
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
	if in, out := mixedIntrinsics(doc, ""), mixedIntrinsics(res.Fragment, ""); len(out) > len(in) {
		t.Fatalf("the output has objects that mix an intrinsic function with other keys (%v), the input %v", out, in)
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
}

// mixedIntrinsics lists the paths of objects that hold an intrinsic
// function key (Ref, Fn::*) beside other keys: CloudFormation rejects them,
// so the engine must never make one (e.g. by adding a key to a property
// that is an Fn::If).
func mixedIntrinsics(v any, path string) []string {
	var out []string
	switch t := v.(type) {
	case map[string]any:
		if len(t) > 1 {
			for k := range t {
				if k == "Ref" || strings.HasPrefix(k, "Fn::") {
					out = append(out, path)
					break
				}
			}
		}
		for _, k := range template.SortedKeys(t) {
			out = append(out, mixedIntrinsics(t[k], path+"."+k)...)
		}
	case []any:
		for i, e := range t {
			out = append(out, mixedIntrinsics(e, fmt.Sprintf("%s[%d]", path, i))...)
		}
	}
	return out
}
