package transform_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/quiltdata/quilt-private-endpoints/internal/quiltfixture"
	"github.com/quiltdata/quilt-private-endpoints/internal/template"
	"github.com/quiltdata/quilt-private-endpoints/internal/transform"
)

// identitySettings are the settings of the stable identity contract: one
// case per LoadBalancerScheme / PublicLoadBalancer choice.
var identitySettings = map[string]map[string]any{
	"unchanged":       {"LoadBalancerScheme": "unchanged"},
	"internal_keep":   {"LoadBalancerScheme": "internal", "PublicLoadBalancer": "keep"},
	"internal_retire": {"LoadBalancerScheme": "internal", "PublicLoadBalancer": "retire"},
}

// TestStableIdentity renders the stable fixture in each load balancer
// setting and compares the logical ids the render adds or renames with the
// checked-in contract, testdata/identity/<setting>.txt (docs/transform.md,
// "Stable identity"; -update rewrites them: a change there is a change of
// the contract, which breaks upgrades of deployed renders).
func TestStableIdentity(t *testing.T) {
	for name, set := range identitySettings {
		t.Run(name, func(t *testing.T) {
			params := map[string]any{"ApiGatewayVPCEndpointId": "vpce-0123456789abcdef0",
				"UserSubnetIds": "subnet-0123456789abcdef0,subnet-1123456789abcdef0"}
			for k, v := range set {
				params[k] = v
			}
			in := quiltfixture.Decode(quiltfixture.Stable())
			res, err := transform.Transform(context.Background(), transform.Request{Fragment: in, Params: params})
			if err != nil {
				t.Fatal(err)
			}
			var b strings.Builder
			var owned []string
			for _, e := range transform.Identities(in, res.Fragment, res.Renamed) {
				if e.Section == "Resources" {
					owned = append(owned, e.ID)
				}
				line := e.Section + " " + e.ID
				if e.Type != "" {
					line += " " + e.Type
				}
				if e.RenamedFrom != "" {
					line += " (renamed from " + e.RenamedFrom + ")"
				}
				b.WriteString(line + "\n")
			}
			path := filepath.Join("testdata", "identity", name+".txt")
			if flagLookup("update") {
				if err := os.WriteFile(path, []byte(b.String()), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(path)
			if err != nil {
				t.Fatalf("%v (run go test -run TestStableIdentity -update)", err)
			}
			if b.String() != string(want) {
				t.Errorf("the logical ids the macro adds or renames changed: a deployed render would see them replaced on its next update.\n"+
					"If intended, bump transform.EngineVersion, document it in docs/transform.md and run go test -run TestStableIdentity -update.\n--- got\n%s--- want\n%s", b.String(), want)
			}

			// A render of the render adds and renames nothing more.
			again, err := transform.Transform(context.Background(), transform.Request{Fragment: res.Fragment, Params: params})
			if err != nil {
				t.Fatal(err)
			}
			if extra := transform.Identities(res.Fragment, again.Fragment, again.Renamed); len(extra) != 0 {
				t.Errorf("a render of the render adds %+v", extra)
			}
			if !template.Equal(again.Fragment["Metadata"], res.Fragment["Metadata"]) {
				t.Errorf("a render of the render records\n%v\nnot\n%v", again.Fragment["Metadata"], res.Fragment["Metadata"])
			}

			// The render records how it was made, and it reads back.
			info, ok, err := transform.ReadRenderInfo(res.Fragment)
			if err != nil || !ok {
				t.Fatalf("ReadRenderInfo = %v, %v", ok, err)
			}
			if info.EngineVersion != transform.EngineVersion {
				t.Errorf("EngineVersion = %q, want %q", info.EngineVersion, transform.EngineVersion)
			}
			back, err := transform.ParseSettings(info.Settings, in)
			if err != nil {
				t.Fatal(err)
			}
			if parsed, err := info.Parsed(); err != nil || !reflect.DeepEqual(parsed, res.Settings) {
				t.Errorf("Parsed() = %+v, %v; want %+v", parsed, err, res.Settings)
			}
			if !reflect.DeepEqual(back, res.Settings) {
				t.Errorf("recorded settings read back as\n%+v\nwant\n%+v", back, res.Settings)
			}
			// The render alone says what the macro owns: the Resources of
			// the contract, nothing more.
			if len(owned) == 0 || !reflect.DeepEqual(info.Resources, owned) {
				t.Errorf("recorded Resources = %v, want the contract's %v", info.Resources, owned)
			}
			if _, ok, _ := transform.ReadRenderInfo(in); ok {
				t.Error("the input reads as a render")
			}
		})
	}
}

func TestReadRenderInfo(t *testing.T) {
	for _, c := range []struct {
		name      string
		meta      any // Metadata.QuiltPrivateEndpoints; nil: absent
		ok        bool
		wantErr   string
		resources []string // want RenderInfo.Resources
	}{
		{name: "absent"},
		{name: "not an object", meta: "x", wantErr: "Metadata.QuiltPrivateEndpoints: is a string, not an object"},
		{name: "no version", meta: map[string]any{"Settings": map[string]any{}}, wantErr: "EngineVersion: is missing"},
		{name: "settings not an object", meta: map[string]any{"EngineVersion": "1.0.0", "Settings": "x"}, wantErr: "Settings: is a string"},
		{name: "unknown setting", meta: map[string]any{"EngineVersion": "9.0.0", "Settings": map[string]any{"Future": "x"}},
			wantErr: "Settings.Future: is not a setting this engine knows"},
		{name: "good", meta: map[string]any{"EngineVersion": "1.0.0", "Settings": map[string]any{"PreflightMode": "none"}}, ok: true},
		{name: "resources not a list", meta: map[string]any{"EngineVersion": "1.0.0", "Resources": "ApiPrivate"},
			wantErr: "Metadata.QuiltPrivateEndpoints.Resources: is a string, not a list of logical ids"},
		{name: "resource not a string", meta: map[string]any{"EngineVersion": "1.0.0", "Resources": []any{"ApiPrivate", 3}},
			wantErr: "Metadata.QuiltPrivateEndpoints.Resources[1]: is not a logical id"},
		{name: "resources", meta: map[string]any{"EngineVersion": "1.0.0", "Settings": map[string]any{},
			"Resources": []any{"QuiltPrivateEndpointsPreflight", "ApiPrivate", "ApiPrivate"}}, ok: true,
			resources: []string{"ApiPrivate", "QuiltPrivateEndpointsPreflight"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			doc := map[string]any{"Resources": map[string]any{}}
			if c.meta != nil {
				doc["Metadata"] = map[string]any{transform.MetadataKey: c.meta}
			}
			info, ok, err := transform.ReadRenderInfo(doc)
			if c.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), c.wantErr) {
					t.Fatalf("err = %v, want %q", err, c.wantErr)
				}
				return
			}
			if err != nil || ok != c.ok {
				t.Fatalf("ok, err = %v, %v; want %v, nil", ok, err, c.ok)
			}
			if ok && fmt.Sprint(info.Settings) != fmt.Sprint(c.meta.(map[string]any)["Settings"]) {
				t.Errorf("Settings = %v", info.Settings)
			}
			if !reflect.DeepEqual(info.Resources, c.resources) {
				t.Errorf("Resources = %#v, want %#v", info.Resources, c.resources)
			}
		})
	}
}

// TestRenderInfoNoEcho: a setting whose value is a NoEcho parameter's is
// not written into Metadata.
func TestRenderInfoNoEcho(t *testing.T) {
	in := quiltfixture.Decode(quiltfixture.Stable())
	template.Section(in, "Parameters")["Secret"] = map[string]any{"Type": "String", "NoEcho": true}
	res, err := transform.Transform(context.Background(), transform.Request{Fragment: in,
		Params: map[string]any{"LoadBalancerScheme": "unchanged", "BucketNames": "public-bucket,secret-bucket",
			"ApiGatewayVPCEndpointId": "vpce-0123456789abcdef0"},
		TemplateParameterValues: map[string]any{"Secret": "secret-bucket"}})
	if err != nil {
		t.Fatal(err)
	}
	out, _ := template.EncodeJSON(template.Section(res.Fragment, "Metadata"), false)
	if strings.Contains(string(out), "secret-bucket") {
		t.Errorf("Metadata holds a NoEcho parameter's value: %s", out)
	}
	info, _, err := transform.ReadRenderInfo(res.Fragment)
	if err != nil {
		t.Fatal(err)
	}
	if got := info.RedactedSettings(); !reflect.DeepEqual(got, []string{"BucketNames"}) {
		t.Errorf("RedactedSettings = %v", got)
	}
}

// TestReplacedByDesign: of the resources the macro makes, only API Gateway
// deployments are replaced by design.
func TestReplacedByDesign(t *testing.T) {
	for typ, want := range map[string]bool{
		"AWS::ApiGateway::Deployment":               true,
		"AWS::ApiGateway::RestApi":                  false,
		"AWS::ApiGateway::Stage":                    false,
		"AWS::ElasticLoadBalancingV2::LoadBalancer": false,
		"Custom::QuiltPrivateEndpoints":             false,
		"":                                          false,
	} {
		if got := transform.ReplacedByDesign(typ); got != want {
			t.Errorf("ReplacedByDesign(%q) = %v, want %v", typ, got, want)
		}
	}
}
