package quiltfixture

import (
	"testing"

	"github.com/quiltdata/quilt-private-endpoints/internal/template"
)

// TestShape holds the fixtures to the structures the tests rely on.
func TestShape(t *testing.T) {
	for name, tc := range map[string]struct {
		data []byte
		want map[string]string
		none []string
	}{
		"stable": {Stable(), map[string]string{
			"LoadBalancer": "AWS::ElasticLoadBalancingV2::LoadBalancer", "Listener": "AWS::ElasticLoadBalancingV2::Listener",
			"InsecureListener": "AWS::ElasticLoadBalancingV2::Listener", "CatalogListenerRule": "AWS::ElasticLoadBalancingV2::ListenerRule",
			"RegistryListenerRule": "AWS::ElasticLoadBalancingV2::ListenerRule", "S3ProxyListenerRule": "AWS::ElasticLoadBalancingV2::ListenerRule",
			"VoilaListenerRule": "AWS::ElasticLoadBalancingV2::ListenerRule", "ELBv2WebACLAssociation": "AWS::WAFv2::WebACLAssociation",
			"WebACL": "AWS::WAFv2::WebACL", "NginxCatalogService": "AWS::ECS::Service", "Api": "AWS::ApiGateway::RestApi",
			"ApiDeployment1763112382": "AWS::ApiGateway::Deployment", "ApiStage": "AWS::ApiGateway::Stage",
			"CanaryCatalogSearch": "AWS::Synthetics::Canary", "MigrationCallout": "Custom::LambdaCallout", "ServiceBucket": "AWS::S3::Bucket",
		}, nil},
		"private": {Private(), map[string]string{
			"LoadBalancer": "AWS::ElasticLoadBalancingV2::LoadBalancer", "PrivateListener": "AWS::ElasticLoadBalancingV2::Listener",
			"RegistryPrivateTargetGroup": "AWS::ElasticLoadBalancingV2::TargetGroup", "NginxCatalogTargetGroup": "AWS::ElasticLoadBalancingV2::TargetGroup",
			"ApiDeployment1756397271": "AWS::ApiGateway::Deployment", "Api": "AWS::ApiGateway::RestApi",
		}, []string{"WebACL", "ELBv2WebACLAssociation", "CanaryCatalogSearch", "ApiDeployment1763112382"}},
	} {
		doc, err := template.Decode(tc.data)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		rs := template.Resources(doc)
		for id, typ := range tc.want {
			r, _ := rs[id].(map[string]any)
			if r["Type"] != typ {
				t.Errorf("%s: %s is %v, want %s", name, id, r["Type"], typ)
			}
		}
		for _, id := range tc.none {
			if _, ok := rs[id]; ok {
				t.Errorf("%s: %s must not be there", name, id)
			}
		}
		for id, r := range rs {
			for _, d := range dependsOn(r) {
				if _, ok := rs[d]; !ok {
					t.Errorf("%s: %s depends on missing %s", name, id, d)
				}
			}
		}
	}
	if &Stable()[0] == &stable[0] {
		t.Error("Stable must return a copy")
	}
}

func dependsOn(r any) []string {
	m, _ := r.(map[string]any)
	switch d := m["DependsOn"].(type) {
	case string:
		return []string{d}
	case []any:
		var out []string
		for _, x := range d {
			s, _ := x.(string)
			out = append(out, s)
		}
		return out
	}
	return nil
}
