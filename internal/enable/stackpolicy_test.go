package enable

import (
	"context"
	"encoding/json"
	"slices"
	"testing"

	"github.com/quiltdata/quilt-private-endpoints/internal/quiltfixture"
	"github.com/quiltdata/quilt-private-endpoints/internal/transform"
)

func TestPrivateStackPolicy(t *testing.T) {
	base := map[string]any{"ApiGatewayVPCEndpointId": "vpce-0123456789abcdef0",
		"UserSubnetIds": "subnet-0123456789abcdef0,subnet-1123456789abcdef0"}
	for _, c := range []struct {
		name          string
		set           map[string]any
		want, notWant []string
	}{
		{name: "unchanged", set: map[string]any{"LoadBalancerScheme": "unchanged"},
			want:    []string{"ApiPrivate", "ApiStagePrivate", transform.PreflightLogicalID},
			notWant: []string{"ApiDeployment1763112382Private67c756ca", "LoadBalancer", "LoadBalancerInternal", "Api"}},
		{name: "internal keep", set: map[string]any{"LoadBalancerScheme": "internal", "PublicLoadBalancer": "keep"},
			want: []string{"ApiPrivate", "LoadBalancerInternal", "ListenerInternal", "WebACLInternal", "RegistryTargetGroupInternal",
				"ListenerInternalCanaryIngress", transform.PreflightLogicalID},
			notWant: []string{"LoadBalancer", "Listener", "WebACL", "ApiDeployment1763112382Private67c756ca"}},
		{name: "internal retire", set: map[string]any{"LoadBalancerScheme": "internal", "PublicLoadBalancer": "retire"},
			want:    []string{"ApiPrivate", "LoadBalancerInternal", "ListenerInternal", transform.PreflightLogicalID},
			notWant: []string{"LoadBalancer", "ApiDeployment1763112382Private67c756ca"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			params := map[string]any{}
			for k, v := range base {
				params[k] = v
			}
			for k, v := range c.set {
				params[k] = v
			}
			in := quiltfixture.Decode(quiltfixture.Stable())
			res, err := transform.Transform(context.Background(), transform.Request{Fragment: in, Params: params})
			if err != nil {
				t.Fatal(err)
			}
			body, err := PrivateStackPolicy(in, res.Fragment, res.Renamed)
			if err != nil {
				t.Fatal(err)
			}
			var p StackPolicy
			if err := json.Unmarshal(body, &p); err != nil {
				t.Fatal(err)
			}
			if len(p.Statement) != 2 || p.Statement[0].Effect != "Allow" || !slices.Equal(p.Statement[0].Action, []string{"Update:*"}) ||
				p.Statement[1].Effect != "Deny" || !slices.Equal(p.Statement[1].Action, []string{"Update:Delete", "Update:Replace"}) {
				t.Fatalf("policy shape: %s", body)
			}
			denied := p.Statement[1].Resource
			for _, id := range c.want {
				if !slices.Contains(denied, "LogicalResourceId/"+id) {
					t.Errorf("%s not protected: %v", id, denied)
				}
			}
			for _, id := range c.notWant {
				if slices.Contains(denied, "LogicalResourceId/"+id) {
					t.Errorf("%s protected, want not: %v", id, denied)
				}
			}
			if !slices.IsSorted(denied) {
				t.Errorf("not sorted: %v", denied)
			}
			again, _ := PrivateStackPolicy(in, res.Fragment, res.Renamed)
			if string(again) != string(body) {
				t.Error("two policies of the same render differ")
			}
		})
	}
	t.Run("nothing made by the macro", func(t *testing.T) {
		doc := map[string]any{"Resources": map[string]any{"B": map[string]any{"Type": "AWS::S3::Bucket"}}}
		body, err := PrivateStackPolicy(doc, doc, nil)
		if err != nil {
			t.Fatal(err)
		}
		var p StackPolicy
		if err := json.Unmarshal(body, &p); err != nil || len(p.Statement) != 1 {
			t.Errorf("policy %s, want the Allow statement only", body)
		}
	})
}
