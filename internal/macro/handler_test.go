package macro

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"math"
	"reflect"
	"strings"
	"testing"

	"github.com/quiltdata/quilt-private-endpoints/internal/finding"
	"github.com/quiltdata/quilt-private-endpoints/internal/transform"
)

// recorder is a fake engine that records its request.
type recorder struct {
	got transform.Request
	fn  TransformFunc
}

func (r *recorder) transform(ctx context.Context, req transform.Request) (*transform.Result, error) {
	r.got = req
	return r.fn(ctx, req)
}

func okEngine(ctx context.Context, req transform.Request) (*transform.Result, error) {
	out := map[string]any{"Resources": map[string]any{"Fn": map[string]any{"Type": "AWS::Lambda::Function", "Properties": map[string]any{"VpcConfig": map[string]any{}}}}}
	return &transform.Result{
		Fragment: out,
		Changes: []transform.Change{
			{Pass: "functions", Resource: "Fn", Detail: "VpcConfig added"},
			{Pass: "roles", Resource: "FnRole", Detail: "managed policy added"},
			{Pass: "functions", Resource: "Other", Detail: "VpcConfig added"},
			{Pass: "redeploy", Resource: "Fn", Detail: "x"},
		},
		Warnings: []finding.Finding{{ID: "QPE-TF-004", Severity: finding.Warning, Resource: "Indexer",
			Message: "role comes from parameter ManagedUserRoleArn; attach AWSLambdaVPCAccessExecutionRole to it"}},
	}, nil
}

func TestHandle(t *testing.T) {
	event := func(fragment string) string {
		return `{"region":"us-east-1","accountId":"123456789012","transformId":"123456789012::QuiltPrivateEndpoints",` +
			`"requestId":"req-1","params":{"Exclude":"A,B","PreflightMode":"none"},` +
			`"templateParameterValues":{"AdminPassword":"hunter2-secret","Count":3},"fragment":` + fragment + `}`
	}
	tests := []struct {
		name       string
		event      string
		engine     TransformFunc
		wantStatus string
		wantID     string
		wantErr    []string // substrings of errorMessage
		wantLog    map[string]any
	}{
		{
			name: "success", event: event(`{"Resources":{"Fn":{"Type":"AWS::Lambda::Function"}}}`), engine: okEngine,
			wantStatus: StatusSuccess, wantID: "req-1",
			wantLog: map[string]any{
				"level": "WARN", "requestId": "req-1", "transformId": "123456789012::QuiltPrivateEndpoints", "status": "success",
				"changes": 4.0, "passes": map[string]any{"functions": 2.0, "roles": 1.0, "redeploy": 1.0},
				"changed":  []any{"Fn", "FnRole", "Other"},
				"warnings": []any{"Indexer: role comes from parameter ManagedUserRoleArn; attach AWSLambdaVPCAccessExecutionRole to it"},
				"settings": []any{"Exclude", "PreflightMode"},
			},
		},
		{
			name: "bad JSON", event: `{"requestId": "req-1", "fragment": {`, engine: okEngine,
			wantStatus: StatusFailure, wantID: "", wantErr: []string{"event", "not valid JSON", "Fix:"},
			wantLog: map[string]any{"level": "ERROR", "status": "failure"},
		},
		{
			name: "event is a list", event: `[1,2]`, engine: okEngine,
			wantStatus: StatusFailure, wantErr: []string{"event", "JSON list, not an object"},
		},
		{
			name: "fragment is a list", event: event(`[{"Type":"AWS::S3::Bucket"}]`), engine: okEngine,
			wantStatus: StatusFailure, wantID: "req-1", wantErr: []string{"fragment", "list, not an object", "Transform: QuiltPrivateEndpoints"},
			wantLog: map[string]any{"requestId": "req-1", "status": "failure"},
		},
		{
			name: "fragment is a string", event: event(`"Resources"`), engine: okEngine,
			wantStatus: StatusFailure, wantID: "req-1", wantErr: []string{"fragment", "string, not an object"},
		},
		{
			name: "fragment missing", event: `{"requestId":"req-2","params":{}}`, engine: okEngine,
			wantStatus: StatusFailure, wantID: "req-2", wantErr: []string{"fragment", "no template fragment", "Fix:"},
		},
		{
			name: "params not an object", event: `{"requestId":"req-3","params":["Exclude"],"fragment":{}}`, engine: okEngine,
			wantStatus: StatusFailure, wantID: "req-3", wantErr: []string{"params", "list, not an object", "Parameters"},
		},
		{
			name: "requestId not a string", event: `{"requestId":7,"fragment":{}}`, engine: okEngine,
			wantStatus: StatusFailure, wantID: "", wantErr: []string{"requestId", "number, not a string"},
		},
		{
			name: "engine refuses", event: event(`{"Resources":{}}`),
			engine: func(context.Context, transform.Request) (*transform.Result, error) {
				return nil, &transform.Error{Resource: "HttpApi", Message: "an HTTP API cannot be private", Remedy: "add HttpApi to Exclude"}
			},
			wantStatus: StatusFailure, wantID: "req-1", wantErr: []string{"HttpApi: an HTTP API cannot be private. Fix: add HttpApi to Exclude"},
			wantLog: map[string]any{"level": "ERROR", "error": "HttpApi: an HTTP API cannot be private. Fix: add HttpApi to Exclude"},
		},
		{
			name: "engine panics", event: event(`{"Resources":{}}`),
			engine: func(context.Context, transform.Request) (*transform.Result, error) {
				var m map[string]any
				//lint:ignore SA5000 a nil map write: the runtime panic is the case under test
				m["boom"] = 1
				return nil, nil
			},
			wantStatus: StatusFailure, wantID: "req-1", wantErr: []string{"internal error", `"req-1"`, "assignment to entry in nil map"},
			wantLog: map[string]any{"level": "ERROR", "requestId": "req-1"},
		},
		{
			name: "engine returns nothing", event: event(`{"Resources":{}}`),
			engine: func(context.Context, transform.Request) (*transform.Result, error) {
				return &transform.Result{}, nil
			},
			wantStatus: StatusFailure, wantID: "req-1", wantErr: []string{"no template"},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var logs bytes.Buffer
			rec := &recorder{fn: tc.engine}
			h := &Handler{Logger: slog.New(slog.NewJSONHandler(&logs, nil)), Transform: rec.transform}
			resp := h.Handle(context.Background(), json.RawMessage(tc.event))
			if resp.Status != tc.wantStatus {
				t.Fatalf("status = %q, want %q (error %q)", resp.Status, tc.wantStatus, resp.ErrorMessage)
			}
			if resp.RequestID != tc.wantID {
				t.Errorf("requestId = %q, want %q", resp.RequestID, tc.wantID)
			}
			if tc.wantStatus == StatusFailure {
				if resp.Fragment != nil {
					t.Errorf("failure carries a fragment (partial output): %v", resp.Fragment)
				}
				if resp.ErrorMessage == "" {
					t.Error("failure without an errorMessage")
				}
			} else if resp.ErrorMessage != "" || resp.Fragment == nil {
				t.Errorf("success with error %q / fragment %v", resp.ErrorMessage, resp.Fragment)
			}
			for _, s := range tc.wantErr {
				if !strings.Contains(resp.ErrorMessage, s) {
					t.Errorf("errorMessage %q does not contain %q", resp.ErrorMessage, s)
				}
			}
			line := oneLogLine(t, logs.String())
			if line["requestId"] != tc.wantID {
				t.Errorf("log requestId = %v, want %q", line["requestId"], tc.wantID)
			}
			for k, want := range tc.wantLog {
				if !reflect.DeepEqual(line[k], want) {
					t.Errorf("log %s = %#v, want %#v", k, line[k], want)
				}
			}
			if tc.name == "engine panics" && !strings.Contains(fmt.Sprint(line["stack"]), "handler_test.go") {
				t.Errorf("the log of a panic has no stack: %v", line["stack"])
			}
			if strings.Contains(logs.String(), "hunter2-secret") {
				t.Error("the log holds a template parameter value")
			}
		})
	}
}

func TestHandlePassesEvent(t *testing.T) {
	rec := &recorder{fn: okEngine}
	h := &Handler{Transform: rec.transform}
	ev := `{"region":"eu-west-1","accountId":"210987654321","requestId":"r","params":{"Exclude":["A","B"],"Size":10},` +
		`"templateParameterValues":{"Subnets":["subnet-1","subnet-2"],"Port":443},"fragment":{"Resources":{"B":{"Type":"AWS::S3::Bucket","Properties":{"N":1.50}}}}}`
	resp := h.Handle(context.Background(), json.RawMessage(ev))
	if resp.Status != StatusSuccess {
		t.Fatalf("status %q: %s", resp.Status, resp.ErrorMessage)
	}
	want := transform.Request{
		Fragment:                map[string]any{"Resources": map[string]any{"B": map[string]any{"Type": "AWS::S3::Bucket", "Properties": map[string]any{"N": json.Number("1.50")}}}},
		Params:                  map[string]any{"Exclude": []any{"A", "B"}, "Size": json.Number("10")},
		TemplateParameterValues: map[string]any{"Subnets": []any{"subnet-1", "subnet-2"}, "Port": json.Number("443")},
		Region:                  "eu-west-1",
		AccountID:               "210987654321",
	}
	if !reflect.DeepEqual(rec.got, want) {
		t.Errorf("engine got %#v\nwant %#v", rec.got, want)
	}
}

func TestHandleNilParams(t *testing.T) {
	rec := &recorder{fn: okEngine}
	h := &Handler{Transform: rec.transform}
	resp := h.Handle(context.Background(), json.RawMessage(`{"requestId":"r","params":null,"fragment":{"Resources":{}}}`))
	if resp.Status != StatusSuccess {
		t.Fatalf("status %q: %s", resp.Status, resp.ErrorMessage)
	}
	if rec.got.Params == nil || rec.got.TemplateParameterValues == nil {
		t.Errorf("nil maps handed to the engine: %#v", rec.got)
	}
}

func TestInvoke(t *testing.T) {
	tests := []struct {
		name       string
		engine     TransformFunc
		wantStatus string
		wantErr    string
	}{
		{name: "success", engine: okEngine, wantStatus: StatusSuccess},
		{
			name: "unencodable output", wantStatus: StatusFailure, wantErr: "cannot be encoded",
			engine: func(context.Context, transform.Request) (*transform.Result, error) {
				return &transform.Result{Fragment: map[string]any{"Resources": map[string]any{"X": math.NaN()}}}, nil
			},
		},
		{
			name: "HTML characters stay as they are", wantStatus: StatusSuccess,
			engine: func(context.Context, transform.Request) (*transform.Result, error) {
				return &transform.Result{Fragment: map[string]any{"Description": "<a & b>"}}, nil
			},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			h := &Handler{Transform: tc.engine}
			out, err := h.Invoke(context.Background(), []byte(`{"requestId":"req-9","fragment":{"Resources":{}}}`))
			if err != nil {
				t.Fatalf("Invoke returned an error: %v", err)
			}
			var resp map[string]any
			if err := json.Unmarshal(out, &resp); err != nil {
				t.Fatalf("response is not JSON: %v: %s", err, out)
			}
			if resp["requestId"] != "req-9" || resp["status"] != tc.wantStatus {
				t.Fatalf("response %s", out)
			}
			if tc.wantStatus == StatusFailure {
				if _, has := resp["fragment"]; has {
					t.Errorf("failure carries a fragment: %s", out)
				}
				if !strings.Contains(resp["errorMessage"].(string), tc.wantErr) {
					t.Errorf("errorMessage %q lacks %q", resp["errorMessage"], tc.wantErr)
				}
			}
			if strings.Contains(string(out), `\u003c`) {
				t.Errorf("response escapes HTML: %s", out)
			}
		})
	}
}

// oneLogLine checks that logs is exactly one JSON object on one line.
func oneLogLine(t *testing.T, logs string) map[string]any {
	t.Helper()
	lines := strings.Split(strings.TrimSuffix(logs, "\n"), "\n")
	if len(lines) != 1 || lines[0] == "" {
		t.Fatalf("want one log line, got %d:\n%s", len(lines), logs)
	}
	var m map[string]any
	if err := json.Unmarshal([]byte(lines[0]), &m); err != nil {
		t.Fatalf("log line is not a JSON object: %v: %s", err, lines[0])
	}
	return m
}

// TestHandleRealEngine runs NewHandler's engine on a small template.
func TestHandleRealEngine(t *testing.T) {
	fragment := `{"Parameters":{"VPC":{"Type":"AWS::EC2::VPC::Id"},"Subnets":{"Type":"List<AWS::EC2::Subnet::Id>"},` +
		`"ApiGatewayVPCEndpointId":{"Type":"String","MinLength":1}},` +
		`"Resources":{"Fn":{"Type":"AWS::Lambda::Function","Properties":{"Handler":"index.handler","Runtime":"python3.11",` +
		`"Role":{"Fn::GetAtt":["FnRole","Arn"]},"Code":{"ZipFile":"def handler(e, c): pass"}}},` +
		`"FnRole":{"Type":"AWS::IAM::Role","Properties":{"AssumeRolePolicyDocument":{"Version":"2012-10-17","Statement":[]}}}}}`
	tests := []struct {
		name        string
		params      string
		wantStatus  string
		wantErr     string
		wantChanged []any
	}{
		{name: "moves the function", params: `{"PreflightMode":"none"}`, wantStatus: StatusSuccess, wantChanged: []any{"Fn", "FnRole"}},
		{name: "bad setting", params: `{"PreflightMode":"sometimes"}`, wantStatus: StatusFailure, wantErr: "PreflightMode"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var logs bytes.Buffer
			h := NewHandler(slog.New(slog.NewJSONHandler(&logs, nil)))
			resp := h.Handle(context.Background(), json.RawMessage(`{"requestId":"real","params":`+tc.params+`,"fragment":`+fragment+`}`))
			if resp.Status != tc.wantStatus || !strings.Contains(resp.ErrorMessage, tc.wantErr) {
				t.Fatalf("status %q, error %q; want %q with %q", resp.Status, resp.ErrorMessage, tc.wantStatus, tc.wantErr)
			}
			line := oneLogLine(t, logs.String())
			if tc.wantStatus != StatusSuccess {
				return
			}
			fn := resp.Fragment["Resources"].(map[string]any)["Fn"].(map[string]any)["Properties"].(map[string]any)
			if _, ok := fn["VpcConfig"]; !ok {
				t.Errorf("Fn has no VpcConfig: %v", fn)
			}
			changed, _ := line["changed"].([]any)
			for _, id := range tc.wantChanged {
				found := false
				for _, c := range changed {
					found = found || c == id
				}
				if !found {
					t.Errorf("log changed %v lacks %v", changed, id)
				}
			}
		})
	}
}

// TestHandleNeverQuotesSecretSettings: a setting given as a Ref to a NoEcho
// parameter arrives resolved, so the macro cannot tell it from a literal. A
// refused value appears neither in the errorMessage nor in the log; the
// message names the setting and the expected form.
func TestHandleNeverQuotesSecretSettings(t *testing.T) {
	const secret = "Pw4NoEchoSecret"
	fragment := `{"Parameters":{"DbPassword":{"Type":"String","NoEcho":true},"ApiGatewayVPCEndpointId":{"Type":"String","NoEcho":true},` +
		`"VPC":{"Type":"AWS::EC2::VPC::Id"},"Subnets":{"Type":"List<AWS::EC2::Subnet::Id>"}},` +
		`"Resources":{"Fn":{"Type":"AWS::Lambda::Function","Properties":{"Handler":"index.handler","Runtime":"python3.11",` +
		`"Role":"arn:aws:iam::123456789012:role/r","Code":{"ZipFile":"def handler(e, c): pass"}}}}}`
	failures := 0
	for _, name := range transform.SettingNames() {
		for _, value := range []string{secret, "vpce-" + secret, "Fn," + secret} {
			if value == secret && strings.HasSuffix(name, "Parameter") {
				continue // a valid parameter name: the macro declares and names that parameter
			}
			t.Run(name+"="+value, func(t *testing.T) {
				var logs bytes.Buffer
				h := NewHandler(slog.New(slog.NewJSONHandler(&logs, nil)))
				params, _ := json.Marshal(map[string]any{name: value})
				ev := `{"requestId":"r","params":` + string(params) + `,"templateParameterValues":{"DbPassword":"` + value +
					`","ApiGatewayVPCEndpointId":"` + value + `"},"fragment":` + fragment + `}`
				resp := h.Handle(context.Background(), json.RawMessage(ev))
				if resp.Status != StatusFailure {
					return // a valid value (e.g. a parameter name) is the user's to log
				}
				failures++
				if strings.Contains(resp.ErrorMessage, secret) || strings.Contains(logs.String(), secret) {
					t.Fatalf("the secret leaked:\nerrorMessage: %s\nlog: %s", resp.ErrorMessage, logs.String())
				}
				named := strings.Contains(resp.ErrorMessage, name) || strings.HasPrefix(resp.ErrorMessage, "Parameters.ApiGatewayVPCEndpointId:")
				if !named || !strings.Contains(resp.ErrorMessage, "Fix:") {
					t.Errorf("errorMessage does not name the setting (or parameter) and the fix: %s", resp.ErrorMessage)
				}
			})
		}
	}
	if failures < 2*len(transform.SettingNames()) {
		t.Errorf("only %d of the values were refused", failures)
	}
}

// TestHandleMissingParameterValue: in macro mode a parameter the macro adds
// without a value is a failure naming the parameter and the fix (the stack
// could not pass a value for it), not a warning in the macro's own log.
func TestHandleMissingParameterValue(t *testing.T) {
	fragment := `{"Parameters":{"VPC":{"Type":"AWS::EC2::VPC::Id"},"Subnets":{"Type":"List<AWS::EC2::Subnet::Id>"}},` +
		`"Resources":{"Api":{"Type":"AWS::ApiGateway::RestApi","Properties":{"Name":"api"}}}}`
	for _, tc := range []struct {
		params     string
		wantStatus string
	}{
		{`{}`, StatusFailure},
		{`{"ApiGatewayVPCEndpointId":"vpce-0123456789abcdef0"}`, StatusSuccess},
		{`{"PreflightMode":"create"}`, StatusSuccess},
	} {
		var logs bytes.Buffer
		h := NewHandler(slog.New(slog.NewJSONHandler(&logs, nil)))
		resp := h.Handle(context.Background(), json.RawMessage(`{"requestId":"m","params":`+tc.params+`,"fragment":`+fragment+`}`))
		if resp.Status != tc.wantStatus {
			t.Fatalf("params %s: status %q (%s), want %q", tc.params, resp.Status, resp.ErrorMessage, tc.wantStatus)
		}
		if tc.wantStatus == StatusFailure {
			for _, want := range []string{"Parameters.ApiGatewayVPCEndpointId", "Fix:", "ApiGatewayVPCEndpointId=VALUE"} {
				if !strings.Contains(resp.ErrorMessage, want) {
					t.Errorf("errorMessage %q lacks %q", resp.ErrorMessage, want)
				}
			}
			if resp.Fragment != nil {
				t.Error("a failure carries a fragment")
			}
		}
	}
}
