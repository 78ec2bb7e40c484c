package transform_test

import (
	"bytes"
	"context"
	"flag"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/quiltdata/quilt-private-endpoints/internal/quiltfixture"
	"github.com/quiltdata/quilt-private-endpoints/internal/template"
	"github.com/quiltdata/quilt-private-endpoints/internal/transform"
)

// stageSettings are the settings of the blue/green stages on the stable
// fixture (testdata/stages/<stage>).
func stageSettings(public string) map[string]any {
	return map[string]any{"LoadBalancerScheme": "internal", "PublicLoadBalancer": public,
		"ApiGatewayVPCEndpointId": "vpce-0123456789abcdef0",
		"UserSubnetIds":           "subnet-0123456789abcdef0,subnet-1123456789abcdef0"}
}

func renderStage(t *testing.T, public string) *transform.Result {
	t.Helper()
	res, err := transform.Transform(context.Background(), transform.Request{Fragment: quiltfixture.Decode(quiltfixture.Stable()), Params: stageSettings(public)})
	if err != nil {
		t.Fatal(err)
	}
	return res
}

// TestStageGoldens renders the stable fixture side by side (keep) and
// internal only (retire: the same template whether a stack got there
// directly or through keep) and compares them with
// testdata/stages/<stage>/expected.json and changes.txt (-update rewrites
// them).
func TestStageGoldens(t *testing.T) {
	for _, public := range []string{"keep", "retire"} {
		t.Run(public, func(t *testing.T) {
			res := renderStage(t, public)
			out, err := template.EncodeJSON(res.Fragment, true)
			if err != nil {
				t.Fatal(err)
			}
			var rep bytes.Buffer
			for _, c := range res.Changes {
				rep.WriteString("change " + c.Pass + " " + c.Resource + ": " + c.Detail + "\n")
			}
			for _, w := range res.WarningTexts() {
				rep.WriteString("warning " + w + "\n")
			}
			dir := filepath.Join("testdata", "stages", public)
			for name, got := range map[string][]byte{"expected.json": out, "changes.txt": rep.Bytes()} {
				path := filepath.Join(dir, name)
				if flagLookup("update") {
					if err := os.MkdirAll(dir, 0o755); err != nil {
						t.Fatal(err)
					}
					if err := os.WriteFile(path, got, 0o644); err != nil {
						t.Fatal(err)
					}
					continue
				}
				want, err := os.ReadFile(path)
				if err != nil {
					t.Fatalf("%v (run go test -run TestStageGoldens -update)", err)
				}
				if !bytes.Equal(got, want) {
					t.Errorf("%s differs (run go test -run TestStageGoldens -update after checking)", path)
				}
			}
		})
	}
}

// TestRetireIsKeepLessPublic: the retire render of the stable fixture is
// its keep render less the public side. Every resource of retire is in
// keep; keep's others are the public load balancer, its listeners, rules,
// target groups, web ACL and association; a common resource differs only
// where keep refers to the public side (a service's registrations and
// DependsOn lose their public entries, other references follow the twin),
// and the preflight's fingerprint and warnings.
func TestRetireIsKeepLessPublic(t *testing.T) {
	keep, retire := renderStage(t, "keep"), renderStage(t, "retire")
	kr, rr := template.Resources(keep.Fragment), template.Resources(retire.Fragment)
	var public []string
	for id := range kr {
		if _, ok := rr[id]; !ok {
			public = append(public, id)
		}
	}
	slices.Sort(public)
	want := []string{"CatalogListenerRule", "ELBv2WebACLAssociation", "InsecureListener", "Listener", "LoadBalancer",
		"NginxCatalogTargetGroup", "RegistryListenerRule", "RegistryTargetGroup", "S3ProxyListenerRule", "S3ProxyTargetGroup",
		"VoilaListenerRule", "VoilaTargetGroup", "WebACL"}
	if !reflect.DeepEqual(public, want) {
		t.Fatalf("keep has %v that retire has not, want the public side %v", public, want)
	}
	for id := range rr {
		if _, ok := kr[id]; !ok {
			t.Errorf("retire adds %s, which keep has not: the internal side's ids differ", id)
		}
	}
	isPublic := func(v any) bool {
		s, _ := v.(string)
		return slices.Contains(public, s)
	}
	mentionsPublic := func(v any) bool {
		b, _ := template.EncodeJSON(v, false)
		for _, id := range public {
			if bytes.Contains(b, []byte(`"`+id+`"`)) || bytes.Contains(b, []byte(`"`+id+`.`)) {
				return true
			}
		}
		return false
	}
	for _, id := range template.SortedKeys(rr) {
		k, r := kr[id].(map[string]any), rr[id].(map[string]any)
		if reflect.DeepEqual(k, r) || id == transform.PreflightLogicalID {
			continue
		}
		if k["Type"] != "AWS::ECS::Service" {
			if !mentionsPublic(k) {
				t.Errorf("%s differs between keep and retire, and keep's does not refer to the public side", id)
			}
			continue
		}
		k = template.Clone(k).(map[string]any)
		kp := k["Properties"].(map[string]any)
		var lbs []any
		for _, e := range kp["LoadBalancers"].([]any) {
			if !mentionsPublic(e) {
				lbs = append(lbs, e)
			}
		}
		kp["LoadBalancers"] = lbs
		var deps []any
		for _, d := range asList(k["DependsOn"]) {
			if !isPublic(d) {
				deps = append(deps, d)
			}
		}
		k["DependsOn"] = deps
		r = template.Clone(r).(map[string]any)
		r["DependsOn"] = asList(r["DependsOn"])
		if !reflect.DeepEqual(k, r) {
			a, _ := template.EncodeJSON(k, false)
			b, _ := template.EncodeJSON(r, false)
			t.Errorf("service %s: retire is not keep less its public registrations and DependsOn:\nkeep-public %s\nretire      %s", id, a, b)
		}
	}
	ko, ro := template.Section(keep.Fragment, "Outputs"), template.Section(retire.Fragment, "Outputs")
	for _, name := range template.SortedKeys(ko) {
		if !reflect.DeepEqual(ko[name], ro[name]) && !mentionsPublic(ko[name]) {
			t.Errorf("output %s differs, and keep's does not name the public side", name)
		}
	}
	if got := ro["LoadBalancerDNSName"]; !strings.Contains(string(must(template.EncodeJSON(got, false))), "LoadBalancerInternal") {
		t.Errorf("retire's LoadBalancerDNSName does not follow the internal load balancer: %v", got)
	}
}

func asList(v any) []any {
	switch t := v.(type) {
	case string:
		return []any{t}
	case []any:
		return t
	}
	return nil
}

func must(b []byte, err error) []byte {
	if err != nil {
		panic(err)
	}
	return b
}

func flagLookup(name string) bool {
	f := flag.Lookup(name)
	return f != nil && f.Value.String() == "true"
}
