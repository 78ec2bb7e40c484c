package transform

import (
	"context"
	"errors"
	"strings"
	"testing"
)

func apiTemplate() map[string]any {
	return map[string]any{
		"Parameters": map[string]any{"ApiGatewayVPCEndpointId": map[string]any{"Type": "String"},
			"VPC": map[string]any{"Type": "AWS::EC2::VPC::Id"}, "Subnets": map[string]any{"Type": "List<AWS::EC2::Subnet::Id>"}},
		"Resources": map[string]any{
			"Api": map[string]any{"Type": "AWS::ApiGateway::RestApi", "Properties": map[string]any{"Name": "a"}},
		},
	}
}

func TestTemplateParameterValues(t *testing.T) {
	for _, c := range []struct {
		value   any
		params  map[string]any
		wantErr string
	}{
		{value: "vpce-0123456789abcdef0"},
		{value: "vpce-01234567"},
		{value: "vpce-XYZ", wantErr: `Parameters.ApiGatewayVPCEndpointId: the value the stack passes is not a VPC endpoint id`},
		{value: "", wantErr: `the value the stack passes is not a VPC endpoint id`},
		{value: "", params: map[string]any{"PreflightMode": "create"}},
	} {
		_, err := Transform(context.Background(), Request{Fragment: apiTemplate(), Params: c.params,
			TemplateParameterValues: map[string]any{"ApiGatewayVPCEndpointId": c.value}})
		switch {
		case c.wantErr == "" && err != nil:
			t.Errorf("%q: %v", c.value, err)
		case c.wantErr != "" && (err == nil || !strings.Contains(err.Error(), c.wantErr)):
			t.Errorf("%q: error %v, want %q", c.value, err, c.wantErr)
		}
	}
}

// TestMissingParameterValue: a parameter the macro adds without a value
// fails the rewrite, naming the parameter and the setting that gives it; a
// declared parameter or a value setting makes it pass.
func TestMissingParameterValue(t *testing.T) {
	doc := func() map[string]any {
		d := apiTemplate()
		delete(d["Parameters"].(map[string]any), "ApiGatewayVPCEndpointId")
		return d
	}
	_, err := Transform(context.Background(), Request{Fragment: doc()})
	var te *Error
	if !errors.As(err, &te) || te.Resource != "Parameters.ApiGatewayVPCEndpointId" ||
		!strings.Contains(te.Remedy, "--set ApiGatewayVPCEndpointId=") {
		t.Fatalf("got %v, want a failure naming Parameters.ApiGatewayVPCEndpointId and its setting", err)
	}
	if _, err := Transform(context.Background(), Request{Fragment: doc(), Params: map[string]any{"ApiGatewayVPCEndpointId": "vpce-0123456789abcdef0"}}); err != nil {
		t.Fatalf("with the setting: %v", err)
	}
	if _, err := Transform(context.Background(), Request{Fragment: doc(), Params: map[string]any{"PreflightMode": "create"}}); err != nil {
		t.Fatalf("create mode (empty Default): %v", err)
	}
}

func TestCanceled(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	res, err := Transform(ctx, Request{Fragment: apiTemplate()})
	if !errors.Is(err, context.Canceled) || res != nil {
		t.Fatalf("got %v, %v; want context.Canceled and no result", res, err)
	}
}

func TestErrorText(t *testing.T) {
	e := &Error{Resource: "Http", Message: "HTTP APIs cannot be private", Remedy: "exclude it"}
	if got := e.Error(); got != "Http: HTTP APIs cannot be private. Fix: exclude it" {
		t.Fatal(got)
	}
	if got := (&Error{Message: "m"}).Error(); got != "m" {
		t.Fatal(got)
	}
}

// TestRedeployFollowsEndpointValue: a different endpoint id passed by the
// stack gives the Deployment a different logical id (a new deployment), the
// same one gives the same id.
func TestRedeployFollowsEndpointValue(t *testing.T) {
	doc := apiTemplate()
	doc["Resources"].(map[string]any)["Dep"] = map[string]any{"Type": "AWS::ApiGateway::Deployment",
		"Properties": map[string]any{"RestApiId": map[string]any{"Ref": "Api"}}}
	id := func(vpce string) string {
		res, err := Transform(context.Background(), Request{Fragment: doc,
			TemplateParameterValues: map[string]any{"ApiGatewayVPCEndpointId": vpce}})
		if err != nil {
			t.Fatal(err)
		}
		return res.Renamed["Dep"]
	}
	a, b, a2 := id("vpce-0123456789abcdef0"), id("vpce-1123456789abcdef0"), id("vpce-0123456789abcdef0")
	if a == "" || a == b || a != a2 {
		t.Fatalf("deployment ids %q %q %q", a, b, a2)
	}
}
