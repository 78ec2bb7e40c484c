package main

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/quiltdata/quilt-private-endpoints/internal/template"
	"github.com/quiltdata/quilt-private-endpoints/internal/testenv"
	"github.com/quiltdata/quilt-private-endpoints/internal/transform"
)

func exampleFile(t *testing.T) string {
	return filepath.Join(testenv.Root(t), "templates", "examples", "quilt-network1.yaml")
}

// engineJSON runs the engine directly: what render must print (or refuse).
func engineJSON(t *testing.T, data []byte, params map[string]any, keep any) ([]byte, error) {
	t.Helper()
	doc, err := template.Decode(data)
	if err != nil {
		t.Fatal(err)
	}
	res, err := transform.Transform(context.Background(), transform.Request{Fragment: doc, Params: params})
	if err != nil {
		return nil, err
	}
	out := res.Fragment
	if keep != nil {
		out = shallowCopy(out)
		out["Transform"] = keep
	}
	return template.EncodeJSON(out, true)
}

func TestRenderUsage(t *testing.T) {
	dir := t.TempDir()
	tiny := filepath.Join(dir, "t.json")
	if err := os.WriteFile(tiny, []byte(`{"Resources":{}}`), 0o600); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name  string
		args  []string
		stdin string
		want  string // in stderr
	}{
		{name: "no template", args: []string{"render"}, want: "exactly one TEMPLATE"},
		{name: "two templates", args: []string{"render", tiny, tiny}, want: "exactly one TEMPLATE"},
		{name: "bad output format", args: []string{"render", "-o", "xml", tiny}, want: `-o "xml"`},
		{name: "set without =", args: []string{"render", "--set", "Exclude", tiny}, want: "want Name=Value"},
		{name: "set without name", args: []string{"render", "--set", "=x", tiny}, want: "want Name=Value"},
		{name: "set twice", args: []string{"render", "--set", "Exclude=A", "--set", "Exclude=B", tiny}, want: "Exclude is given twice"},
		{name: "unknown flag", args: []string{"render", "--bogus", tiny}, want: "unknown flag"},
		{name: "value for an undeclared parameter", args: []string{"render", "--parameter", "NoSuchParam=x", tiny}, want: "declares no parameter NoSuchParam"},
		{name: "parameter without =", args: []string{"render", "--parameter", "VPC", tiny}, want: "--parameter \"VPC\": want Name=Value"},
		{name: "missing file", args: []string{"render", filepath.Join(dir, "nope.yaml")}, want: "no such file"},
		{name: "empty stdin", args: []string{"render", "-"}, stdin: " \n", want: "standard input is empty"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			code, out, errs := qpeRun(t, tc.stdin, tc.args...)
			if code != 2 {
				t.Errorf("exit %d, want 2 (stderr %q)", code, errs)
			}
			if out != "" {
				t.Errorf("stdout not empty: %q", out)
			}
			if !strings.Contains(errs, tc.want) {
				t.Errorf("stderr %q does not contain %q", errs, tc.want)
			}
		})
	}
}

func TestRenderBadTemplate(t *testing.T) {
	tests := []struct {
		name, stdin, want string
		code              int
	}{
		{name: "invalid YAML", stdin: "Resources: [\n", want: "invalid YAML", code: 2},
		{name: "invalid JSON", stdin: `{"Resources": }`, want: "invalid JSON", code: 2},
		{name: "not a mapping", stdin: "- a\n- b\n", want: "not a mapping", code: 2},
		{name: "Transform Parameters not a mapping", stdin: "Transform:\n  - Name: QuiltPrivateEndpoints\n    Parameters: [a]\nResources: {}\n", want: "Parameters of QuiltPrivateEndpoints", code: 1},
		{name: "Transform Parameter Ref without Default", stdin: "Transform:\n  Name: QuiltPrivateEndpoints\n  Parameters:\n    Exclude: !Ref Ex\nParameters:\n  Ex:\n    Type: String\nResources: {}\n", want: "--set Exclude=VALUE", code: 1},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			code, out, errs := qpeRun(t, tc.stdin, "render", "-")
			if code != tc.code {
				t.Errorf("exit %d, want %d (stderr %q)", code, tc.code, errs)
			}
			if out != "" {
				t.Errorf("stdout not empty (partial output): %q", out)
			}
			if !strings.Contains(errs, tc.want) {
				t.Errorf("stderr %q does not contain %q", errs, tc.want)
			}
		})
	}
}

// TestRenderIsTheEngine: for the same input, render prints exactly the
// engine's JSON, or refuses with the engine's message and prints nothing.
func TestRenderIsTheEngine(t *testing.T) {
	example, err := os.ReadFile(exampleFile(t))
	if err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name   string
		args   []string
		stdin  string
		data   []byte
		params map[string]any
		// transform is the Transform section render must keep.
		transform any
	}{
		{name: "example file, no LoadBalancerScheme", args: []string{"render", exampleFile(t)}, data: example, params: map[string]any{}},
		{name: "example file", args: []string{"render", "--set", "LoadBalancerScheme=unchanged", exampleFile(t)}, data: example,
			params: map[string]any{"LoadBalancerScheme": "unchanged"}},
		{name: "example on stdin", args: []string{"render", "--set", "LoadBalancerScheme=unchanged", "-"}, stdin: string(example), data: example,
			params: map[string]any{"LoadBalancerScheme": "unchanged"}},
		{
			name: "with settings", args: []string{"render", "--set", "Exclude=StackStatusFunction,SearchIndexer", "--set", "PreflightMode=none",
				"--set", "LoadBalancerScheme=internal", "--set", "PublicLoadBalancer=keep", "--set", "UserSubnetIds=subnet-0123456789abcdef0", exampleFile(t)},
			data: example, params: map[string]any{"Exclude": "StackStatusFunction,SearchIndexer", "PreflightMode": "none",
				"LoadBalancerScheme": "internal", "PublicLoadBalancer": "keep", "UserSubnetIds": "subnet-0123456789abcdef0"},
		},
		{
			// The template's own Transform entry gives settings (--set wins)
			// and disappears; other transforms stay.
			name: "Transform section", args: []string{"render", "--set", "PreflightMode=validate", "-"},
			stdin: "Transform:\n  - Name: QuiltPrivateEndpoints\n    Parameters:\n      Exclude: StackStatusFunction\n      PreflightMode: none\n      LoadBalancerScheme: unchanged\n" +
				"  - AWS::Serverless-2016-10-31\n" + string(example),
			data: example, params: map[string]any{"Exclude": "StackStatusFunction", "PreflightMode": "validate", "LoadBalancerScheme": "unchanged"},
			transform: []any{"AWS::Serverless-2016-10-31"},
		},
		{
			name: "unknown setting", args: []string{"render", "--set", "NoSuchSetting=1", exampleFile(t)},
			data: example, params: map[string]any{"NoSuchSetting": "1"},
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			want, engineErr := engineJSON(t, tc.data, tc.params, tc.transform)
			code, out, errs := qpeRun(t, tc.stdin, tc.args...)
			if engineErr != nil {
				if code != 1 || out != "" || !strings.Contains(errs, engineErr.Error()) {
					t.Fatalf("engine refused with %q; render exit %d, stdout %d bytes, stderr %q", engineErr, code, len(out), errs)
				}
				return
			}
			if code != 0 {
				t.Fatalf("exit %d: %s", code, errs)
			}
			if out != string(want) {
				t.Errorf("render output differs from the engine's JSON")
			}
		})
	}
}

func TestRenderYAMLEqualsJSON(t *testing.T) {
	jcode, js, jerrs := qpeRun(t, "", "render", exampleFile(t))
	ycode, ym, yerrs := qpeRun(t, "", "render", "-o", "yaml", exampleFile(t))
	if jcode != 0 || ycode != 0 {
		// A refusal must not depend on the output format.
		if jcode != ycode || jerrs != yerrs || js != "" || ym != "" {
			t.Fatalf("json: exit %d %q; yaml: exit %d %q", jcode, jerrs, ycode, yerrs)
		}
		return
	}
	a, err := template.Decode([]byte(js))
	if err != nil {
		t.Fatal(err)
	}
	b, err := template.Decode([]byte(ym))
	if err != nil {
		t.Fatalf("YAML output does not decode: %v", err)
	}
	if !reflect.DeepEqual(a, b) {
		t.Error("the YAML output is not the same template as the JSON output")
	}
}

// macroCase is one macro event for the end-to-end test.
type macroCase struct {
	name     string
	fragment any            // the template, as CloudFormation sends it
	params   map[string]any // the Transform's Parameters
	sets     []string       // the same settings for qpe render
	// values are the templateParameterValues; qpe render gets the same
	// through --parameter.
	values map[string]any
	// wantFailure lists substrings of the errorMessage; empty means the
	// macro must succeed.
	wantFailure []string
}

// TestMacroEqualsRenderUnderRIE builds the macro's bootstrap, runs it under
// the Lambda Runtime Interface Emulator, POSTs real macro events and checks
// each response against `qpe render` on the same input.
func TestMacroEqualsRenderUnderRIE(t *testing.T) {
	example, err := os.ReadFile(exampleFile(t))
	if err != nil {
		t.Fatal(err)
	}
	exampleDoc, err := template.Decode(example)
	if err != nil {
		t.Fatal(err)
	}
	network2, err := os.ReadFile(filepath.Join(testenv.Root(t), "templates", "examples", "quilt-network2.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	network2Doc, err := template.Decode(network2)
	if err != nil {
		t.Fatal(err)
	}
	withResource := func(id string, r map[string]any) map[string]any {
		d := template.Clone(exampleDoc).(map[string]any)
		template.Resources(d)[id] = r
		return d
	}
	cases := []macroCase{
		{name: "example", fragment: exampleDoc, params: map[string]any{}},
		{name: "network2", fragment: network2Doc, params: map[string]any{}},
		{
			name: "example with settings", fragment: exampleDoc,
			params: map[string]any{"Exclude": "StackStatusFunction", "PreflightMode": "none"},
			sets:   []string{"Exclude=StackStatusFunction", "PreflightMode=none"},
		},
		{
			name: "list setting as CloudFormation sends it", fragment: exampleDoc,
			params: map[string]any{"Exclude": []any{"StackStatusFunction", "SearchIndexer"}},
			sets:   []string{"Exclude=StackStatusFunction,SearchIndexer"},
		},
		{
			name: "unknown setting", fragment: exampleDoc,
			params: map[string]any{"NoSuchSetting": "x"}, sets: []string{"NoSuchSetting=x"},
			wantFailure: []string{"NoSuchSetting"},
		},
		{
			name: "bad PreflightMode", fragment: exampleDoc,
			params: map[string]any{"PreflightMode": "sometimes"}, sets: []string{"PreflightMode=sometimes"},
			wantFailure: []string{"PreflightMode", "use one of validate, create, none"},
		},
		{name: "no Resources", fragment: map[string]any{"Parameters": map[string]any{}}, wantFailure: []string{"Resources"}},
		{
			name: "resource without Type", fragment: withResource("Broken", map[string]any{"Properties": map[string]any{}}),
			wantFailure: []string{"Broken", "Type"},
		},
		{
			name: "HTTP API", fragment: withResource("HttpApi", map[string]any{"Type": "AWS::ApiGatewayV2::Api", "Properties": map[string]any{"ProtocolType": "HTTP", "Name": "h"}}),
			wantFailure: []string{"HttpApi", "Exclude"},
		},
		{
			name: "HTTP API excluded", fragment: withResource("HttpApi", map[string]any{"Type": "AWS::ApiGatewayV2::Api", "Properties": map[string]any{"ProtocolType": "HTTP", "Name": "h"}}),
			params: map[string]any{"Exclude": "HttpApi"}, sets: []string{"Exclude=HttpApi"},
		},
		{
			name: "with the template's parameter values", fragment: exampleDoc,
			values: map[string]any{"ApiGatewayVPCEndpointId": "vpce-0123456789abcdef0", "Subnets": []any{"subnet-0123456789abcdef0"}, "VPC": "vpc-0123456789abcdef0"},
		},
		{
			name: "malformed endpoint id value", fragment: exampleDoc,
			values:      map[string]any{"ApiGatewayVPCEndpointId": "vpc-0123456789abcdef0"},
			wantFailure: []string{"ApiGatewayVPCEndpointId", "vpce-"},
		},
		{
			name: "malformed endpoint id default",
			fragment: func() map[string]any {
				d := template.Clone(exampleDoc).(map[string]any)
				template.Section(d, "Parameters")["ApiGatewayVPCEndpointId"].(map[string]any)["Default"] = "vpc-123"
				return d
			}(),
			wantFailure: []string{"ApiGatewayVPCEndpointId", "vpce-"},
		},
	}
	// The examples have an internet-facing load balancer: LoadBalancerScheme
	// has no default. Each case above leaves it unchanged; the cases below
	// refuse its absence and build the internal load balancer beside it.
	for i := range cases {
		if cases[i].params == nil {
			cases[i].params = map[string]any{}
		}
		cases[i].params["LoadBalancerScheme"] = "unchanged"
		cases[i].sets = append(cases[i].sets, "LoadBalancerScheme=unchanged")
	}
	cases = append(cases,
		macroCase{name: "no LoadBalancerScheme", fragment: exampleDoc, params: map[string]any{},
			wantFailure: []string{"LoadBalancerScheme", "internal", "unchanged", "no default"}},
		macroCase{name: "internal without PublicLoadBalancer", fragment: exampleDoc, params: map[string]any{"LoadBalancerScheme": "internal"},
			sets: []string{"LoadBalancerScheme=internal"}, wantFailure: []string{"PublicLoadBalancer", "keep", "retire"}},
		macroCase{name: "side by side", fragment: exampleDoc,
			params: map[string]any{"LoadBalancerScheme": "internal", "PublicLoadBalancer": "keep", "UserSubnetIds": "subnet-0123456789abcdef0,subnet-1123456789abcdef0"},
			sets:   []string{"LoadBalancerScheme=internal", "PublicLoadBalancer=keep", "UserSubnetIds=subnet-0123456789abcdef0,subnet-1123456789abcdef0"}},
	)

	bootstrap := testenv.BuildBootstrap(t, "./macro")
	fn := testenv.StartLambda(t, bootstrap, "AWS_LAMBDA_FUNCTION_TIMEOUT=60")

	for i, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			requestID := "e2e-" + strings.ReplaceAll(tc.name, " ", "-")
			ev, err := template.EncodeJSON(map[string]any{
				"region": "us-east-1", "accountId": "123456789012", "transformId": "123456789012::QuiltPrivateEndpoints",
				"requestId": requestID, "fragment": tc.fragment, "params": tc.params,
				"templateParameterValues": tc.values,
			}, false)
			if err != nil {
				t.Fatal(err)
			}
			resp := decodeMacroResponse(t, fn.Invoke(t, ev))
			if resp["requestId"] != requestID {
				t.Errorf("requestId = %v, want %q", resp["requestId"], requestID)
			}

			// The same input through qpe render, in-process.
			frag, err := template.EncodeJSON(tc.fragment, false)
			if err != nil {
				t.Fatal(err)
			}
			args := []string{"render"}
			for _, s := range tc.sets {
				args = append(args, "--set", s)
			}
			for _, name := range template.SortedKeys(tc.values) {
				v := tc.values[name]
				if l, ok := v.([]any); ok {
					var parts []string
					for _, e := range l {
						parts = append(parts, e.(string))
					}
					v = strings.Join(parts, ",")
				}
				args = append(args, "--parameter", name+"="+v.(string))
			}
			code, out, errs := qpeRun(t, string(frag), append(args, "-")...)

			if len(tc.wantFailure) > 0 {
				msg, _ := resp["errorMessage"].(string)
				if resp["status"] != "failure" || msg == "" {
					t.Fatalf("want a failure with an errorMessage, got %v", resp)
				}
				if _, has := resp["fragment"]; has {
					t.Error("failure carries a fragment (partial output)")
				}
				for _, s := range tc.wantFailure {
					if !strings.Contains(msg, s) {
						t.Errorf("errorMessage %q does not name %q", msg, s)
					}
				}
				if code != 1 || out != "" || !strings.Contains(errs, msg) {
					t.Errorf("qpe render: exit %d, stdout %d bytes, stderr %q; want exit 1 with the macro's message %q", code, len(out), errs, msg)
				}
			} else {
				if resp["status"] != "success" {
					t.Fatalf("status %v: %v", resp["status"], resp["errorMessage"])
				}
				if code != 0 {
					t.Fatalf("qpe render: exit %d: %s", code, errs)
				}
				rendered, err := template.DecodeJSONValue([]byte(out))
				if err != nil {
					t.Fatal(err)
				}
				if !reflect.DeepEqual(resp["fragment"], rendered) {
					t.Error("the macro's fragment differs from qpe render's output")
				}
				if reflect.DeepEqual(resp["fragment"], template.Clone(tc.fragment)) && i == 0 {
					t.Error("the macro returned the example unchanged")
				}
			}

			// The function logged exactly one JSON line for this request.
			// The emulator copies the function's stderr asynchronously: give
			// the line a moment to arrive.
			var lines []string
			for deadline := time.Now().Add(5 * time.Second); ; time.Sleep(20 * time.Millisecond) {
				lines = lines[:0]
				for _, l := range strings.Split(fn.Logs(), "\n") {
					if strings.Contains(l, `"requestId":"`+requestID+`"`) {
						lines = append(lines, l)
					}
				}
				if len(lines) > 0 || time.Now().After(deadline) {
					break
				}
			}
			if len(lines) != 1 {
				t.Fatalf("want one log line for %s, got %d:\n%s", requestID, len(lines), strings.Join(lines, "\n"))
			}
			var line map[string]any
			if err := json.Unmarshal([]byte(lines[0]), &line); err != nil {
				t.Fatalf("log line is not one JSON object: %v: %s", err, lines[0])
			}
			if line["transformId"] != "123456789012::QuiltPrivateEndpoints" || line["status"] != resp["status"] {
				t.Errorf("log line %v does not match the response", line)
			}
		})
	}

	// Not a macro event at all: still a failure response, not a Lambda error.
	resp := decodeMacroResponse(t, fn.Invoke(t, []byte(`[1,2,3]`)))
	if resp["status"] != "failure" || !strings.Contains(resp["errorMessage"].(string), "not an object") {
		t.Errorf("a list event: %v", resp)
	}
}

func decodeMacroResponse(t *testing.T, body []byte) map[string]any {
	t.Helper()
	v, err := template.DecodeJSONValue(body)
	if err != nil {
		t.Fatalf("macro response is not JSON: %v: %s", err, body)
	}
	m, ok := v.(map[string]any)
	if !ok {
		t.Fatalf("macro response is not an object: %s", body)
	}
	for k := range m {
		switch k {
		case "requestId", "status", "fragment", "errorMessage":
		default:
			t.Errorf("macro response has an unexpected key %q", k)
		}
	}
	return m
}
