package templates

import (
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"

	// The TOML parser SAM's own tests would agree with: a well-kept,
	// spec-complete reader (TOML 1.0), test-only, so the assertions are on
	// the parsed tables, not on the text.
	"github.com/BurntSushi/toml"

	"github.com/quiltdata/quilt-private-endpoints/internal/testenv"
)

// samConfig is samconfig.toml: environment -> command -> "parameters" ->
// name -> value (SAM CLI configuration file format, version 0.1).
type samConfig map[string]any

func (c samConfig) params(env, command string) map[string]any {
	e, _ := c[env].(map[string]any)
	cmd, _ := e[command].(map[string]any)
	p, _ := cmd["parameters"].(map[string]any)
	return p
}

func TestSAMConfig(t *testing.T) {
	root := testenv.Root(t)
	var cfg samConfig
	md, err := toml.DecodeFile(filepath.Join(root, "samconfig.toml"), &cfg)
	if err != nil {
		t.Fatalf("samconfig.toml is not valid TOML: %v", err)
	}
	if cfg["version"] != 0.1 {
		t.Errorf("version = %v, want 0.1", cfg["version"])
	}
	for _, want := range []struct {
		command, name string
		value         any
	}{
		{"global", "stack_name", "quilt-private-endpoints"},
		{"build", "template_file", "templates/template.yaml"},
		// sam validate, which sam build suggests next, checks the source
		// template from the repo root.
		{"validate", "template_file", "templates/template.yaml"},
		{"deploy", "capabilities", "CAPABILITY_IAM"},
		{"deploy", "confirm_changeset", true},
		{"deploy", "resolve_s3", true},
	} {
		if got := cfg.params("default", want.command)[want.name]; !reflect.DeepEqual(got, want.value) {
			t.Errorf("[default.%s.parameters] %s = %#v, want %#v", want.command, want.name, got, want.value)
		}
	}
	if _, err := os.Stat(filepath.Join(root, "templates", "template.yaml")); err != nil {
		t.Errorf("template_file: %v", err)
	}
	// template_file only where it must be: a global one (or one for deploy
	// or package) would make sam deploy use the source template, whose
	// CodeUri points at sources, instead of the built one.
	var with []string
	for _, key := range md.Keys() {
		if k := key.String(); strings.HasSuffix(k, ".parameters.template_file") {
			with = append(with, k)
		}
	}
	if want := []string{"default.build.parameters.template_file", "default.validate.parameters.template_file"}; !slices.Equal(with, want) {
		t.Errorf("template_file is set in %v, want only %v", with, want)
	}
	for _, key := range md.Keys() {
		if strings.HasSuffix(key.String(), ".region") {
			t.Errorf("samconfig.toml pins a Region (%s): `sam deploy --guided` asks for it, account by account", key)
		}
	}
	gi, err := os.ReadFile(filepath.Join(root, ".gitignore"))
	if err != nil {
		t.Fatal(err)
	}
	if !slices.ContainsFunc(strings.Split(string(gi), "\n"), func(l string) bool {
		return strings.TrimSpace(l) == "/.aws-sam/" || strings.TrimSpace(l) == ".aws-sam/"
	}) {
		t.Error(".gitignore does not ignore .aws-sam/, where sam build writes")
	}
}
