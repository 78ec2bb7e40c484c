package preflightresource

import (
	"slices"
	"strings"
	"testing"

	contract "github.com/quiltdata/quilt-private-endpoints/internal/preflightcontract"
)

func TestParseProperties(t *testing.T) {
	base := func() map[string]any {
		return map[string]any{"ServiceToken": "arn:aws:lambda:us-east-1:1:function:f", "ServiceTimeout": "360",
			"VpcId": tVPC, "SubnetIds": []any{tSubnetA, tSubnetB}, "ApiGatewayVPCEndpointId": tAPI}
	}
	with := func(kv ...any) map[string]any {
		m := base()
		for i := 0; i+1 < len(kv); i += 2 {
			if kv[i+1] == nil {
				delete(m, kv[i].(string))
			} else {
				m[kv[i].(string)] = kv[i+1]
			}
		}
		return m
	}
	tests := []struct {
		name    string
		raw     map[string]any
		want    Properties
		errWant []string // substrings; nil = no error
	}{
		{"defaults to validate", base(), Properties{Mode: contract.ModeValidate, VpcID: tVPC, SubnetIDs: []string{tSubnetA, tSubnetB}, APIEndpointID: tAPI}, nil},
		{"comma string, spaces, duplicates", with("SubnetIds", " "+tSubnetA+" , "+tSubnetB+","+tSubnetA+",", "BucketNames", "a, b"),
			Properties{Mode: contract.ModeValidate, VpcID: tVPC, SubnetIDs: []string{tSubnetA, tSubnetB}, APIEndpointID: tAPI, Buckets: []string{"a", "b"}}, nil},
		{"list whose elements are comma strings", with("SubnetIds", []any{tSubnetA + "," + tSubnetB, " " + tSubnetA}, "BucketNames", []any{"a,b", ""}),
			Properties{Mode: contract.ModeValidate, VpcID: tVPC, SubnetIDs: []string{tSubnetA, tSubnetB}, APIEndpointID: tAPI, Buckets: []string{"a", "b"}}, nil},
		{"create mode without an endpoint id", with("Mode", "Create", "ApiGatewayVPCEndpointId", ""),
			Properties{Mode: contract.ModeCreate, VpcID: tVPC, SubnetIDs: []string{tSubnetA, tSubnetB}}, nil},
		{"VpnClients as string", with("VpnClients", "true"), Properties{Mode: contract.ModeValidate, VpcID: tVPC, SubnetIDs: []string{tSubnetA, tSubnetB}, APIEndpointID: tAPI, VPNClients: true}, nil},
		{"VpnClients as bool", with("VpnClients", true), Properties{Mode: contract.ModeValidate, VpcID: tVPC, SubnetIDs: []string{tSubnetA, tSubnetB}, APIEndpointID: tAPI, VPNClients: true}, nil},
		{"VpnClients empty", with("VpnClients", ""), Properties{Mode: contract.ModeValidate, VpcID: tVPC, SubnetIDs: []string{tSubnetA, tSubnetB}, APIEndpointID: tAPI}, nil},
		{"ServiceTimeout as number", with("ServiceTimeout", 360.0), Properties{Mode: contract.ModeValidate, VpcID: tVPC, SubnetIDs: []string{tSubnetA, tSubnetB}, APIEndpointID: tAPI}, nil},
		{"validate needs the endpoint id", with("ApiGatewayVPCEndpointId", nil), Properties{}, []string{"ApiGatewayVPCEndpointId is required in validate mode"}},
		{"missing VPC and subnets", with("VpcId", nil, "SubnetIds", ""), Properties{}, []string{"VpcId is required", "SubnetIds is required"}},
		{"wrong types", with("VpcId", []any{"x"}, "SubnetIds", 3.0, "ApiGatewayVPCEndpointId", map[string]any{"Ref": "X"}), Properties{},
			[]string{`VpcId must be a string, got ["x"]`, "SubnetIds must be a list", `ApiGatewayVPCEndpointId must be a string, got {"Ref":"X"}`}},
		{"bad mode, bool, timeout, unknown", with("Mode", "enforce", "VpnClients", "yes please", "ServiceTimeout", "soon", "Vpcid", "x"), Properties{},
			[]string{`Mode must be validate or create, got "enforce"`, "VpnClients must be true or false", "ServiceTimeout must be a number", "unknown property Vpcid"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := ParseProperties(tc.raw)
			if tc.errWant == nil {
				if err != nil {
					t.Fatal(err)
				}
				if got.Mode != tc.want.Mode || got.VpcID != tc.want.VpcID || !slices.Equal(got.SubnetIDs, tc.want.SubnetIDs) ||
					got.APIEndpointID != tc.want.APIEndpointID || !slices.Equal(got.Buckets, tc.want.Buckets) || got.VPNClients != tc.want.VPNClients {
					t.Errorf("got %+v, want %+v", got, tc.want)
				}
				return
			}
			if err == nil {
				t.Fatalf("no error, got %+v", got)
			}
			for _, s := range tc.errWant {
				if !strings.Contains(err.Error(), s) {
					t.Errorf("error lacks %q: %v", s, err)
				}
			}
		})
	}
}

func TestPhysicalID(t *testing.T) {
	a := PhysicalID(contract.ModeValidate, tVPC, tStack, tLogical)
	if a != PhysicalID(contract.ModeValidate, tVPC, tStack, tLogical) || len(a) > 1024 || !strings.HasPrefix(a, "qpe-preflight:validate:"+tVPC+":") {
		t.Errorf("id %q", a)
	}
	for _, b := range []string{
		PhysicalID(contract.ModeCreate, tVPC, tStack, tLogical),
		PhysicalID(contract.ModeValidate, tVPC2, tStack, tLogical),
		PhysicalID(contract.ModeValidate, tVPC, tStack+"x", tLogical),
		PhysicalID(contract.ModeValidate, tVPC, tStack, tLogical+"x"),
	} {
		if a == b {
			t.Errorf("ids collide: %s", a)
		}
	}
	if p, ok := parsePhysicalID(a, tStack, tLogical); !ok || p.mode != contract.ModeValidate || p.vpc != tVPC {
		t.Errorf("parse %q: %+v %v", a, p, ok)
	}
	for _, foreign := range []string{"", "2026/01/01/[$LATEST]abc", a + ":x", PhysicalID(contract.ModeCreate, tVPC, tStack, "Other")} {
		if _, ok := parsePhysicalID(foreign, tStack, tLogical); ok {
			t.Errorf("%q parsed as issued here", foreign)
		}
	}
}
