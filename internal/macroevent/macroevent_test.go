package macroevent

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"reflect"
	"strings"
	"testing"

	"github.com/quiltdata/quilt-private-endpoints/internal/macro"
	"github.com/quiltdata/quilt-private-endpoints/internal/template"
	"github.com/quiltdata/quilt-private-endpoints/internal/transform"
)

func TestBuildTransformSection(t *testing.T) {
	tests := []struct {
		name       string
		doc        map[string]any
		settings   map[string]any
		wantRest   any
		wantParams map[string]any
		wantErr    string
	}{
		{name: "none", doc: map[string]any{}, wantParams: map[string]any{}},
		{name: "string", doc: map[string]any{"Transform": "QuiltPrivateEndpoints"}, wantParams: map[string]any{}},
		{name: "other string", doc: map[string]any{"Transform": "AWS::Serverless-2016-10-31"}, wantRest: "AWS::Serverless-2016-10-31", wantParams: map[string]any{}},
		{name: "other in a list stays a list", doc: map[string]any{"Transform": []any{"AWS::Serverless-2016-10-31"}}, wantRest: []any{"AWS::Serverless-2016-10-31"}, wantParams: map[string]any{}},
		{
			name: "list with SAM and parameters",
			doc: map[string]any{
				"Parameters": map[string]any{"Ep": map[string]any{"Type": "String", "Default": "vpce-0123456789abcdef0"}},
				"Transform": []any{
					map[string]any{"Name": "QuiltPrivateEndpoints", "Parameters": map[string]any{"Exclude": []any{"A"}, "EndpointId": map[string]any{"Ref": "Ep"}}},
					"AWS::Serverless-2016-10-31",
				},
			},
			wantRest:   []any{"AWS::Serverless-2016-10-31"},
			wantParams: map[string]any{"Exclude": []any{"A"}, "EndpointId": "vpce-0123456789abcdef0"},
		},
		{
			name:       "settings win over the template's entry",
			doc:        map[string]any{"Transform": map[string]any{"Name": "QuiltPrivateEndpoints", "Parameters": map[string]any{"Exclude": "A", "PreflightMode": "none"}}},
			settings:   map[string]any{"PreflightMode": "validate"},
			wantParams: map[string]any{"Exclude": "A", "PreflightMode": "validate"},
		},
		{
			name: "ref without default",
			doc: map[string]any{"Parameters": map[string]any{"X": map[string]any{"Type": "String"}},
				"Transform": map[string]any{"Name": "QuiltPrivateEndpoints", "Parameters": map[string]any{"Exclude": map[string]any{"Ref": "X"}}}},
			wantErr: "refers to template parameter X, which has no Default",
		},
		{
			name: "ref to a resource",
			doc: map[string]any{"Resources": map[string]any{"MyVpc": map[string]any{"Type": "AWS::EC2::VPC"}},
				"Transform": map[string]any{"Name": "QuiltPrivateEndpoints", "Parameters": map[string]any{"VpcId": map[string]any{"Ref": "MyVpc"}}}},
			wantErr: "parameter VpcId is !Ref MyVpc, which is a resource, not a template parameter; a Transform parameter can only Ref a template parameter",
		},
		{
			name:    "ref to an undeclared name",
			doc:     map[string]any{"Transform": map[string]any{"Name": "QuiltPrivateEndpoints", "Parameters": map[string]any{"Exclude": map[string]any{"Ref": "X"}}}},
			wantErr: "parameter Exclude is !Ref X, which is no template parameter; a Transform parameter can only Ref a template parameter",
		},
		{
			name:    "parameters not a mapping",
			doc:     map[string]any{"Transform": map[string]any{"Name": "QuiltPrivateEndpoints", "Parameters": []any{"a"}}},
			wantErr: "Parameters of QuiltPrivateEndpoints are a list",
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			inv, err := Build(tc.doc, tc.settings, nil)
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("err = %v, want %q", err, tc.wantErr)
				}
				if _, usage := errors.AsType[*ParameterError](err); usage {
					t.Fatal("a template error is reported as a parameter error")
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(inv.OtherTransforms, tc.wantRest) || !reflect.DeepEqual(inv.Event.Params, tc.wantParams) {
				t.Errorf("got %#v, %#v; want %#v, %#v", inv.OtherTransforms, inv.Event.Params, tc.wantRest, tc.wantParams)
			}
			if _, still := tc.doc["Transform"]; still {
				t.Error("Transform left in the document the engine sees")
			}
			if inv.Event.TemplateParameterValues != nil {
				t.Error("parameter values without any given")
			}
		})
	}
}

func TestBuildParameterValues(t *testing.T) {
	doc := func() map[string]any {
		return map[string]any{"Parameters": map[string]any{
			"Subnets": map[string]any{"Type": "List<AWS::EC2::Subnet::Id>"},
			"Names":   map[string]any{"Type": "CommaDelimitedList"},
			"Ep":      map[string]any{"Type": "String"},
		}}
	}
	inv, err := Build(doc(), nil, map[string]string{"Subnets": "subnet-a, subnet-b", "Names": "x", "Ep": "vpce-1,2"})
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]any{"Subnets": []any{"subnet-a", "subnet-b"}, "Names": []any{"x"}, "Ep": "vpce-1,2"}
	if !reflect.DeepEqual(inv.Event.TemplateParameterValues, want) {
		t.Fatalf("got %#v, want %#v", inv.Event.TemplateParameterValues, want)
	}
	// A Ref in the Transform's Parameters takes the stack's value, typed,
	// before the Default.
	d := doc()
	d["Parameters"].(map[string]any)["Ep"].(map[string]any)["Default"] = "vpce-0000000000000000d"
	d["Transform"] = map[string]any{"Name": MacroName, "Parameters": map[string]any{"ApiGatewayVPCEndpointId": map[string]any{"Ref": "Ep"}, "SubnetIds": map[string]any{"Ref": "Subnets"}}}
	inv, err = Build(d, nil, map[string]string{"Subnets": "subnet-a,subnet-b"})
	if err != nil {
		t.Fatal(err)
	}
	if want := map[string]any{"ApiGatewayVPCEndpointId": "vpce-0000000000000000d", "SubnetIds": []any{"subnet-a", "subnet-b"}}; !reflect.DeepEqual(inv.Event.Params, want) {
		t.Fatalf("params %#v, want %#v", inv.Event.Params, want)
	}
	_, err = Build(doc(), nil, map[string]string{"Nope": "x"})
	pe, usage := errors.AsType[*ParameterError](err)
	if !usage || !strings.Contains(pe.Error(), "declares no parameter Nope") {
		t.Fatalf("err = %v, want a ParameterError naming Nope", err)
	}
}

// The built event is one the macro accepts, and the macro's handler answers
// it with what the engine makes of Request(): the builder and the macro's
// event parser agree.
func TestBuiltEventThroughTheMacroHandler(t *testing.T) {
	src := `
Transform: [{Name: QuiltPrivateEndpoints, Parameters: {PreflightMode: none}}]
Parameters:
  VPC: {Type: AWS::EC2::VPC::Id}
  Subnets: {Type: List<AWS::EC2::Subnet::Id>}
  ApiGatewayVPCEndpointId: {Type: String}
Resources:
  Fn:
    Type: AWS::Lambda::Function
    Properties:
      Runtime: python3.12
      Handler: index.handler
      Role: arn:aws:iam::123456789012:role/r
      Code: {ZipFile: 'def handler(e, c): return 1'}
`
	doc, err := template.Decode([]byte(src))
	if err != nil {
		t.Fatal(err)
	}
	inv, err := Build(doc, nil, map[string]string{"Subnets": "subnet-0a,subnet-0b", "ApiGatewayVPCEndpointId": "vpce-0123456789abcdef0"})
	if err != nil {
		t.Fatal(err)
	}
	inv.Event.RequestID = "req-1"
	res, err := transform.Transform(context.Background(), inv.Request())
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Changes) == 0 {
		t.Fatal("the engine changed nothing: the comparison would prove nothing")
	}
	raw, err := json.Marshal(inv.Event)
	if err != nil {
		t.Fatal(err)
	}
	resp := macro.NewHandler(slog.New(slog.NewJSONHandler(io.Discard, nil))).Handle(context.Background(), raw)
	if resp.Status != macro.StatusSuccess {
		t.Fatalf("the macro refused the built event: %s", resp.ErrorMessage)
	}
	got, _ := template.EncodeJSON(resp.Fragment, false)
	want, _ := template.EncodeJSON(res.Fragment, false)
	if string(got) != string(want) {
		t.Fatalf("the macro's fragment differs from the engine's on Request():\n%s\n%s", got, want)
	}
	if resp.RequestID != "req-1" {
		t.Errorf("request id %q", resp.RequestID)
	}
}

func TestWithEntry(t *testing.T) {
	entry := func(p map[string]any) map[string]any {
		e := map[string]any{"Name": MacroName}
		if p != nil {
			e["Parameters"] = p
		}
		return e
	}
	for _, c := range []struct {
		name string
		tr   any
		set  map[string]string
		want []any
	}{
		{"none", nil, nil, []any{entry(nil)}},
		{"settings", nil, map[string]string{"PreflightMode": "none"}, []any{entry(map[string]any{"PreflightMode": "none"})}},
		{"already there: kept once, set wins", []any{entry(map[string]any{"PreflightMode": "create", "Exclude": "A"})}, map[string]string{"PreflightMode": "none"},
			[]any{entry(map[string]any{"PreflightMode": "none", "Exclude": "A"})}},
		{"by name only", MacroName, nil, []any{entry(nil)}},
		{"others kept after it", "AWS::Serverless-2016-10-31", nil, []any{entry(nil), "AWS::Serverless-2016-10-31"}},
		{"kept where it is among the others", []any{"AWS::Serverless-2016-10-31", MacroName, "AWS::LanguageExtensions"}, map[string]string{"PreflightMode": "none"},
			[]any{"AWS::Serverless-2016-10-31", entry(map[string]any{"PreflightMode": "none"}), "AWS::LanguageExtensions"}},
	} {
		doc := map[string]any{"Resources": map[string]any{}}
		if c.tr != nil {
			doc["Transform"] = c.tr
		}
		got := WithEntry(doc, c.set)
		if !reflect.DeepEqual(got["Transform"], c.want) {
			t.Errorf("%s: %#v, want %#v", c.name, got["Transform"], c.want)
		}
		if c.tr == nil {
			if _, changed := doc["Transform"]; changed {
				t.Errorf("%s: the deployed template was changed", c.name)
			}
		}
	}
}

func TestEntry(t *testing.T) {
	for _, c := range []struct {
		name       string
		tr         any
		wantParams map[string]any
		wantBefore int
		wantOK     bool
	}{
		{"no section", nil, nil, 0, false},
		{"others only", []any{"AWS::Serverless-2016-10-31"}, nil, 0, false},
		{"by name", MacroName, nil, 0, true},
		{"after another", []any{"AWS::Serverless-2016-10-31", map[string]any{"Name": MacroName, "Parameters": map[string]any{"PreflightMode": map[string]any{"Ref": "Mode"}}}},
			map[string]any{"PreflightMode": map[string]any{"Ref": "Mode"}}, 1, true},
		{"parameters not a mapping", map[string]any{"Name": MacroName, "Parameters": "x"}, nil, 0, true},
	} {
		doc := map[string]any{"Resources": map[string]any{}}
		if c.tr != nil {
			doc["Transform"] = c.tr
		}
		params, before, ok := Entry(doc)
		if !reflect.DeepEqual(params, c.wantParams) || before != c.wantBefore || ok != c.wantOK {
			t.Errorf("%s: Entry = %v, %d, %v; want %v, %d, %v", c.name, params, before, ok, c.wantParams, c.wantBefore, c.wantOK)
		}
	}
}
