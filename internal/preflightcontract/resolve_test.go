package preflightcontract

import (
	"reflect"
	"strings"
	"testing"
)

func TestResolveProperties(t *testing.T) {
	params := map[string]any{
		"VPC":     map[string]any{"Type": "AWS::SSM::Parameter::Value<AWS::EC2::VPC::Id>"},
		"Subnets": map[string]any{"Type": "AWS::SSM::Parameter::Value<List<AWS::EC2::Subnet::Id>>"},
		"Mode":    map[string]any{"Type": "String", "Default": "validate"},
	}
	doc := func(props map[string]any, extra map[string]any) map[string]any {
		res := map[string]any{"Type": Type, "Properties": props}
		for k, v := range extra {
			res[k] = v
		}
		return map[string]any{"Parameters": params,
			"Conditions": map[string]any{"Off": map[string]any{"Fn::Equals": []any{map[string]any{"Ref": "Mode"}, "none"}}},
			"Resources":  map[string]any{LogicalID: res}}
	}
	st := Stack{Params: map[string]string{"VPC": "vpc-0123456789abcdef0", "Subnets": "subnet-a,subnet-b"}, Region: "us-east-1", Partition: "aws"}
	for _, tc := range []struct {
		name      string
		doc       map[string]any
		want      map[string]any
		found     bool
		errSubstr string
	}{
		{"none", map[string]any{"Resources": map[string]any{}}, nil, false, ""},
		{"resolved values, lists, defaults, NoValue",
			doc(map[string]any{PropVpcID: map[string]any{"Ref": "VPC"}, PropSubnetIDs: map[string]any{"Ref": "Subnets"},
				PropMode: map[string]any{"Ref": "Mode"}, PropVPNClients: map[string]any{"Ref": "AWS::NoValue"},
				PropServiceToken: map[string]any{"Fn::Sub": "arn:${AWS::Partition}:lambda:${AWS::Region}:x"},
				PropFingerprint:  map[string]any{"Fn::If": []any{"Off", "off", map[string]any{"Fn::Join": []any{"|", map[string]any{"Ref": "Subnets"}}}}}}, nil),
			map[string]any{PropVpcID: "vpc-0123456789abcdef0", PropSubnetIDs: []any{"subnet-a", "subnet-b"}, PropMode: "validate",
				PropServiceToken: "arn:aws:lambda:us-east-1:x", PropFingerprint: "subnet-a|subnet-b"}, true, ""},
		{"condition false", doc(map[string]any{}, map[string]any{"Condition": "Off"}), nil, true, ""},
		{"a deploy-time value is an error naming the property",
			doc(map[string]any{PropAPIEndpointID: map[string]any{"Fn::GetAtt": []any{"Endpoint", "Id"}}}, nil), nil, true, "property " + PropAPIEndpointID},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if tc.name == "condition false" {
				got, found, err := ResolveProperties(tc.doc, st)
				if found || err != nil || got != nil {
					t.Errorf("got %v %v %v", got, found, err)
				}
				return
			}
			got, found, err := ResolveProperties(tc.doc, st)
			if tc.errSubstr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.errSubstr) {
					t.Errorf("error %v, want one naming %q", err, tc.errSubstr)
				}
				return
			}
			if err != nil || found != tc.found || !reflect.DeepEqual(got, tc.want) {
				t.Errorf("got %v found %v err %v\nwant %v", got, found, err, tc.want)
			}
		})
	}
}
