package stackset

import (
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/awslabs/goformation/v7"

	"github.com/quiltdata/quilt-private-endpoints/internal/template"
	"github.com/quiltdata/quilt-private-endpoints/internal/testenv"
)

func TestFromSAMOnTheDeploymentTemplate(t *testing.T) {
	b, err := os.ReadFile(filepath.Join(testenv.Root(t), "templates", "template.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	sam, err := template.DecodeYAML(b)
	if err != nil {
		t.Fatal(err)
	}
	plain, err := FromSAM(sam)
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := plain["Transform"]; ok {
		t.Fatal("the StackSet template still has a Transform: service-managed StackSets cannot run it")
	}
	y, err := template.EncodeYAML(plain)
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(y), "AWS::Serverless") {
		t.Fatal("SAM types left in the plain template")
	}
	if _, err := goformation.ParseYAML(y); err != nil {
		t.Fatalf("goformation rejects the plain template: %v", err)
	}
	samRes, plainRes := template.Resources(sam), template.Resources(plain)
	if len(samRes) != len(plainRes) {
		t.Fatalf("resources: %d -> %d", len(samRes), len(plainRes))
	}
	for name, r := range samRes {
		r := r.(map[string]any)
		p := plainRes[name].(map[string]any)
		if r["Type"] != "AWS::Serverless::Function" {
			if !reflect.DeepEqual(r, p) {
				t.Errorf("%s changed", name)
			}
			continue
		}
		pp := p["Properties"].(map[string]any)
		for _, k := range []string{"Runtime", "Handler", "Architectures", "Timeout", "MemorySize", "Role"} {
			if !reflect.DeepEqual(pp[k], r["Properties"].(map[string]any)[k]) {
				t.Errorf("%s.%s not carried over", name, k)
			}
		}
		if pp["Code"] == nil {
			t.Errorf("%s has no Code", name)
		}
	}
}

func TestFromSAMRefusesWhatItCannotConvert(t *testing.T) {
	_, err := FromSAM(map[string]any{"Resources": map[string]any{
		"F": map[string]any{"Type": "AWS::Serverless::Function", "Properties": map[string]any{"Events": map[string]any{}}},
	}})
	if err == nil || !strings.Contains(err.Error(), "Events") {
		t.Fatalf("want an error naming Events, got %v", err)
	}
}
