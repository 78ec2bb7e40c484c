package transform

import (
	"errors"
	"fmt"
	"reflect"
	"strings"
	"testing"
	"time"
)

func TestParseSettings(t *testing.T) {
	doc := map[string]any{
		"Parameters": map[string]any{"ApiGatewayVPCEndpoint": map[string]any{"Type": "String"}, "SgParam": map[string]any{"Type": "String"}},
		"Resources":  map[string]any{"Fn": map[string]any{"Type": "AWS::Lambda::Function"}, "Sg": map[string]any{"Type": "AWS::EC2::SecurityGroup"}},
	}
	defaults := Settings{EndpointParameter: "ApiGatewayVPCEndpoint", VpcParameter: "VPC", SubnetsParameter: "Subnets",
		UserSubnetsParameter: "UserSubnets", PreflightMode: ModeValidate}
	with := func(f func(*Settings)) Settings { s := defaults; f(&s); return s }
	cases := []struct {
		name    string
		params  map[string]any
		want    Settings
		wantErr string // substring; the setting's name must be in it too
	}{
		{name: "defaults", params: nil, want: defaults},
		{name: "endpoint parameter", params: map[string]any{"EndpointParameter": "MyVpce"},
			want: with(func(s *Settings) { s.EndpointParameter = "MyVpce" })},
		{name: "list of one", params: map[string]any{"VpcParameter": []any{"Network"}}, want: with(func(s *Settings) { s.VpcParameter = "Network" })},
		{name: "security groups comma string", params: map[string]any{"SecurityGroupIds": "sg-0123456789abcdef0, Sg,SgParam"},
			want: with(func(s *Settings) { s.SecurityGroupIds = []string{"sg-0123456789abcdef0", "Sg", "SgParam"} })},
		{name: "security groups list", params: map[string]any{"SecurityGroupIds": []any{"sg-01234567", "sg-01234567"}},
			want: with(func(s *Settings) { s.SecurityGroupIds = []string{"sg-01234567"} })},
		{name: "exclude empty string", params: map[string]any{"Exclude": ""}, want: defaults},
		{name: "empty strings mean default", params: map[string]any{"PreflightMode": "", "EndpointParameter": " ", "ServiceToken": "", "LoadBalancerScheme": "", "SubnetIds": ""}, want: defaults},
		{name: "unknown even when empty", params: map[string]any{"Nope": ""}, wantErr: "unknown setting"},
		{name: "exclude", params: map[string]any{"Exclude": []any{"Fn"}}, want: with(func(s *Settings) { s.Exclude = []string{"Fn"} })},
		{name: "mode case-insensitive", params: map[string]any{"PreflightMode": "Create"}, want: with(func(s *Settings) { s.PreflightMode = ModeCreate })},
		{name: "mode none", params: map[string]any{"PreflightMode": "none"}, want: with(func(s *Settings) { s.PreflightMode = ModeNone })},
		{name: "service token", params: map[string]any{"ServiceToken": "arn:aws:lambda:eu-west-1:123456789012:function:pre"},
			want: with(func(s *Settings) { s.ServiceToken = "arn:aws:lambda:eu-west-1:123456789012:function:pre" })},
		{name: "scheme", params: map[string]any{"LoadBalancerScheme": "internal"}, want: with(func(s *Settings) { s.LoadBalancerScheme = "internal" })},
		{name: "scheme unchanged", params: map[string]any{"LoadBalancerScheme": "unchanged"}, want: with(func(s *Settings) { s.LoadBalancerScheme = "unchanged" })},
		{name: "scheme internal keep", params: map[string]any{"LoadBalancerScheme": "internal", "PublicLoadBalancer": "Keep"},
			want: with(func(s *Settings) { s.LoadBalancerScheme, s.PublicLoadBalancer = "internal", "keep" })},
		{name: "public without internal", params: map[string]any{"PublicLoadBalancer": "retire"}, wantErr: "applies only with LoadBalancerScheme=internal"},
		{name: "bad public", params: map[string]any{"PublicLoadBalancer": "delete"}, wantErr: "use one of keep, retire"},
		{name: "values", params: map[string]any{"ApiGatewayVPCEndpointId": "vpce-0123456789abcdef0", "VpcId": "vpc-01234567",
			"SubnetIds": []any{"subnet-01234567", "subnet-11234567"}, "UserSubnetIds": "subnet-21234567"},
			want: with(func(s *Settings) {
				s.EndpointID, s.VpcID = "vpce-0123456789abcdef0", "vpc-01234567"
				s.SubnetIDs, s.UserSubnetIDs = []string{"subnet-01234567", "subnet-11234567"}, []string{"subnet-21234567"}
			})},
		{name: "unknown", params: map[string]any{"Endpoint": "x"}, wantErr: "unknown setting. Fix: use one of ApiGatewayVPCEndpointId, BucketNames, ClientCidrs, EndpointParameter"},
		{name: "bad mode", params: map[string]any{"PreflightMode": "maybe"}, wantErr: `is not a valid value. Fix: use one of validate, create, none`},
		{name: "bad scheme", params: map[string]any{"LoadBalancerScheme": "internet-facing"}, wantErr: "use one of internal, unchanged"},
		{name: "number", params: map[string]any{"VpcParameter": 3}, wantErr: "is a number, want a string"},
		{name: "bool", params: map[string]any{"PreflightMode": true}, wantErr: "is a boolean"},
		{name: "bad logical id", params: map[string]any{"SubnetsParameter": "my-subnets"}, wantErr: "is not a parameter name"},
		{name: "bad endpoint", params: map[string]any{"ApiGatewayVPCEndpointId": "vpce-123"}, wantErr: "is not a valid id"},
		{name: "bad subnet", params: map[string]any{"SubnetIds": "subnet-01234567,sub-2"}, wantErr: `item 2 of 2 is not a valid id`},
		{name: "bad sg", params: map[string]any{"SecurityGroupIds": "Nope"}, wantErr: "neither a security group id"},
		{name: "too many sg", params: map[string]any{"SecurityGroupIds": "sg-01234567,sg-11234567,sg-21234567,sg-31234567,sg-41234567,sg-51234567"}, wantErr: "at most 5"},
		{name: "bad exclude", params: map[string]any{"Exclude": "Fn,Gone"}, wantErr: `item 2 of 2 is not a resource of the template`},
		{name: "list item kind", params: map[string]any{"Exclude": []any{"Fn", 2}}, wantErr: "is a number"},
		{name: "bad token", params: map[string]any{"ServiceToken": "my-function"}, wantErr: "not a Lambda function ARN"},
		{name: "same parameter twice", params: map[string]any{"VpcParameter": "Subnets"}, wantErr: `names the same parameter as VpcParameter`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got, err := ParseSettings(c.params, doc)
			if c.wantErr != "" {
				var te *Error
				if !errors.As(err, &te) {
					t.Fatalf("want a *transform.Error, got %v", err)
				}
				if !strings.Contains(err.Error(), c.wantErr) || !strings.HasPrefix(te.Resource, "setting ") {
					t.Fatalf("error %q, want it to contain %q and name the setting", err, c.wantErr)
				}
				for name := range c.params {
					if !strings.Contains(err.Error(), name) {
						t.Fatalf("error %q does not name the setting %s", err, name)
					}
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got, c.want) {
				t.Fatalf("got  %+v\nwant %+v", got, c.want)
			}
		})
	}
}

func TestDefaultEndpointParameter(t *testing.T) {
	for _, c := range []struct {
		params []string
		want   string
	}{
		{nil, "ApiGatewayVPCEndpointId"},
		{[]string{"ApiGatewayVPCEndpoint"}, "ApiGatewayVPCEndpoint"},
		{[]string{"ApiGatewayVPCEndpoint", "ApiGatewayVPCEndpointId"}, "ApiGatewayVPCEndpointId"},
	} {
		p := map[string]any{}
		for _, n := range c.params {
			p[n] = map[string]any{"Type": "String"}
		}
		s, err := ParseSettings(nil, map[string]any{"Parameters": p})
		if err != nil || s.EndpointParameter != c.want {
			t.Errorf("%v: got %q, %v; want %q", c.params, s.EndpointParameter, err, c.want)
		}
	}
}

// TestSettingErrorsNeverQuoteValues: CloudFormation resolves a Ref in the
// Transform's Parameters before the macro runs, so a setting's value may be
// a NoEcho parameter's. A refused value is never quoted, in any form.
func TestSettingErrorsNeverQuoteValues(t *testing.T) {
	const secret = "Zq9SecretValue7"
	doc := map[string]any{"Resources": map[string]any{"Fn": map[string]any{"Type": "AWS::Lambda::Function"}}}
	for _, name := range SettingNames() {
		for _, v := range []any{secret, "vpce-" + secret, "arn:aws:lambda:" + secret, "Fn," + secret, []any{secret}, []any{"Fn", secret + "-x"}} {
			_, err := ParseSettings(map[string]any{name: v}, doc)
			if err == nil {
				continue
			}
			if strings.Contains(strings.ToLower(err.Error()), strings.ToLower(secret)) {
				t.Errorf("%s = %v: the error quotes the value: %v", name, v, err)
			}
			if !strings.Contains(err.Error(), name) {
				t.Errorf("%s = %v: the error does not name the setting: %v", name, v, err)
			}
		}
	}
	// Two settings naming one parameter: the message names the settings.
	_, err := ParseSettings(map[string]any{SetVpcParameter: secret, SetSubnetsParameter: secret}, doc)
	if err == nil || strings.Contains(err.Error(), secret) {
		t.Errorf("duplicate parameter name: %v", err)
	}
}

// TestLoadBalancerChoice: a template with an internet-facing application
// load balancer has no default for LoadBalancerScheme, nor with internal
// for PublicLoadBalancer; the refusal names the setting and its choices.
func TestLoadBalancerChoice(t *testing.T) {
	lb := func(props map[string]any) map[string]any {
		return map[string]any{"Resources": map[string]any{"LB": map[string]any{"Type": typeLoadBalancer, "Properties": props}}}
	}
	public := lb(map[string]any{"Scheme": "internet-facing"})
	cases := []struct {
		name        string
		doc         map[string]any
		params      map[string]any
		wantSetting string // "" for no refusal
	}{
		{name: "no scheme", doc: public, wantSetting: SetLoadBalancerScheme},
		{name: "scheme absent means internet-facing", doc: lb(map[string]any{}), wantSetting: SetLoadBalancerScheme},
		{name: "scheme by intrinsic", doc: lb(map[string]any{"Scheme": map[string]any{"Fn::FindInMap": []any{"M", "a", "b"}}}), wantSetting: SetLoadBalancerScheme},
		{name: "internal without public choice", doc: public, params: map[string]any{"LoadBalancerScheme": "internal"}, wantSetting: SetPublicLoadBalancer},
		{name: "public choice without internal", doc: public, params: map[string]any{"LoadBalancerScheme": "unchanged", "PublicLoadBalancer": "keep"}, wantSetting: SetPublicLoadBalancer},
		{name: "keep", doc: public, params: map[string]any{"LoadBalancerScheme": "internal", "PublicLoadBalancer": "keep"}},
		{name: "retire", doc: public, params: map[string]any{"LoadBalancerScheme": "internal", "PublicLoadBalancer": "retire"}},
		{name: "unchanged", doc: public, params: map[string]any{"LoadBalancerScheme": "unchanged"}},
		{name: "excluded", doc: public, params: map[string]any{"Exclude": "LB"}},
		{name: "already internal", doc: lb(map[string]any{"Scheme": "internal"})},
		{name: "network load balancer", doc: lb(map[string]any{"Type": "network"})},
		{name: "no load balancer", doc: map[string]any{"Resources": map[string]any{"F": map[string]any{"Type": "AWS::Lambda::Function"}}}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			e := LoadBalancerChoice(c.params, c.doc)
			if c.wantSetting == "" {
				if e != nil {
					t.Fatalf("refused: %v", e)
				}
				return
			}
			if e == nil || e.Resource != "setting "+c.wantSetting {
				t.Fatalf("got %v, want a refusal of setting %s", e, c.wantSetting)
			}
			for _, ch := range e.Choices {
				if !strings.Contains(e.Error(), c.wantSetting+"="+ch.Value+" ("+ch.Meaning+")") {
					t.Errorf("the refusal does not name choice %s with its meaning: %v", ch.Value, e)
				}
			}
			if _, err := ParseSettings(c.params, c.doc); !errors.Is(err, error(e)) && (err == nil || err.Error() != e.Error()) {
				t.Errorf("ParseSettings gives %v, LoadBalancerChoice %v", err, e)
			}
		})
	}
	if e := LoadBalancerChoice(nil, public); e.Setting != SetLoadBalancerScheme || len(e.Choices) != 2 {
		t.Errorf("Setting %q, %d choices; want %s and 2", e.Setting, len(e.Choices), SetLoadBalancerScheme)
	}
}

// TestListSettingBounded: list settings are de-duplicated in one pass and
// capped: 200,000 subnet ids are refused at once, naming the setting;
// 200,000 copies of a few ids collapse to those ids.
func TestListSettingBounded(t *testing.T) {
	many := make([]string, 200000)
	for i := range many {
		many[i] = fmt.Sprintf("subnet-%017x", i)
	}
	start := time.Now()
	_, err := ParseSettings(map[string]any{"SubnetIds": strings.Join(many, ",")}, nil)
	if took := time.Since(start); took > 2*time.Second {
		t.Errorf("200,000 subnet ids took %v", took)
	}
	if err == nil || !strings.Contains(err.Error(), "SubnetIds") || !strings.Contains(err.Error(), "more than 1000") {
		t.Fatalf("err = %v, want the cap named", err)
	}
	dup := make([]any, 200000)
	for i := range dup {
		dup[i] = fmt.Sprintf("subnet-%017x", i%3)
	}
	s, err := ParseSettings(map[string]any{"SubnetIds": dup}, nil)
	if err != nil || len(s.SubnetIDs) != 3 {
		t.Fatalf("duplicates: %v %v", s.SubnetIDs, err)
	}
}
