// Package templates holds the tests of the SAM deployment template, the SAM
// configuration and the deployment packages.
package templates

import (
	"archive/zip"
	"bytes"
	"debug/elf"
	"encoding/json"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/awslabs/goformation/v7"

	"github.com/quiltdata/quilt-private-endpoints/internal/template"
	"github.com/quiltdata/quilt-private-endpoints/internal/testenv"
	"github.com/quiltdata/quilt-private-endpoints/internal/transform"
)

func readTemplate(t *testing.T) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(testenv.Root(t), "templates", "template.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// TestTemplateParsesWithSAMTypes parses the deployment template with
// goformation's strict typed SAM and CloudFormation types: an unknown property
// or resource type fails.
func TestTemplateParsesWithSAMTypes(t *testing.T) {
	tpl, err := goformation.ParseYAML(readTemplate(t))
	if err != nil {
		t.Fatalf("goformation rejects templates/template.yaml: %v", err)
	}
	fns := tpl.GetAllServerlessFunctionResources()
	if len(fns) != 2 {
		t.Fatalf("want 2 functions, got %d", len(fns))
	}
	makefile, err := os.ReadFile(filepath.Join(testenv.Root(t), "Makefile"))
	if err != nil {
		t.Fatal(err)
	}
	for name, fn := range fns {
		if fn.Runtime == nil || *fn.Runtime != "provided.al2023" {
			t.Errorf("%s: Runtime must be provided.al2023", name)
		}
		if fn.Handler == nil || *fn.Handler != "bootstrap" {
			t.Errorf("%s: Handler must be bootstrap", name)
		}
		if !slices.Equal(fn.Architectures, []string{"arm64"}) {
			t.Errorf("%s: Architectures must be [arm64], got %v", name, fn.Architectures)
		}
		if fn.Timeout == nil || *fn.Timeout < 10 {
			t.Errorf("%s: needs an explicit Timeout (never the 3 s default)", name)
		}
		if fn.MemorySize == nil {
			t.Errorf("%s: needs an explicit MemorySize", name)
		}
		// A rule of its own, or one target of a rule (build-A build-B: build-%).
		if !regexp.MustCompile(`(?m)^[^#:\n]*\bbuild-` + name + `\b[^:\n]*:`).Match(makefile) {
			t.Errorf("%s: the Makefile lacks the target build-%s that sam build calls", name, name)
		}
	}
}

// doc decodes the deployment template as a generic document.
func doc(t *testing.T) map[string]any {
	t.Helper()
	d, err := template.DecodeYAML(readTemplate(t))
	if err != nil {
		t.Fatal(err)
	}
	return d
}

func TestTemplateShape(t *testing.T) {
	d := doc(t)
	res := template.Resources(d)
	for name, r := range res {
		r := r.(map[string]any)
		props, _ := r["Properties"].(map[string]any)
		switch r["Type"] {
		case "AWS::Serverless::Function":
			md, _ := r["Metadata"].(map[string]any)
			if md["BuildMethod"] != "makefile" {
				t.Errorf("%s: Metadata.BuildMethod must be makefile (so -tags lambda.norpc is used)", name)
			}
			if role, _, ok := template.GetAtt(props["Role"]); !ok || res[role] == nil {
				t.Errorf("%s: needs its own least-privilege Role from this template", name)
			}
		case "AWS::Logs::LogGroup":
			if props["RetentionInDays"] == nil {
				t.Errorf("%s: log group without retention", name)
			}
		}
	}
	pre := res["PreflightFunction"].(map[string]any)["Properties"].(map[string]any)
	if pre["FunctionName"] != transform.PreflightFunctionName {
		t.Errorf("PreflightFunction.FunctionName = %v: the macro's default ServiceToken needs %s", pre["FunctionName"], transform.PreflightFunctionName)
	}
	if timeout, _ := pre["Timeout"].(json.Number).Int64(); timeout >= transform.PreflightServiceTimeout {
		t.Errorf("PreflightFunction.Timeout %d s must be below the ServiceTimeout %d s the macro sets, so the function answers before CloudFormation gives up", timeout, transform.PreflightServiceTimeout)
	}
	macro := res["Macro"].(map[string]any)
	if macro["Type"] != "AWS::CloudFormation::Macro" {
		t.Fatal("no AWS::CloudFormation::Macro")
	}
	if name, _ := template.Ref(macro["Properties"].(map[string]any)["Name"]); name != "MacroName" {
		t.Error("the macro's Name must come from the MacroName parameter")
	}
	params := template.Section(d, "Parameters")
	if params["MacroName"].(map[string]any)["Default"] != "QuiltPrivateEndpoints" {
		t.Error("MacroName must default to QuiltPrivateEndpoints")
	}
	outs := template.Section(d, "Outputs")
	for _, o := range []string{"MacroName", "PreflightFunctionArn"} {
		if outs[o] == nil {
			t.Errorf("output %s missing", o)
		}
	}
}

// TestPackageIsDeterministicARM64 runs `make package` twice and compares.
func TestPackageIsDeterministicARM64(t *testing.T) {
	root := testenv.Root(t)
	dirs := []string{t.TempDir(), t.TempDir()}
	for _, d := range dirs {
		cmd := exec.Command("make", "-s", "package", "DIST="+d)
		cmd.Dir = root
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("make package: %v\n%s", err, out)
		}
	}
	for _, name := range []string{"macro.zip", "customresource.zip"} {
		a, err := os.ReadFile(filepath.Join(dirs[0], name))
		if err != nil {
			t.Fatal(err)
		}
		b, err := os.ReadFile(filepath.Join(dirs[1], name))
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(a, b) {
			t.Errorf("%s differs between two builds", name)
		}
		zr, err := zip.NewReader(bytes.NewReader(a), int64(len(a)))
		if err != nil {
			t.Fatal(err)
		}
		if len(zr.File) != 1 || zr.File[0].Name != "bootstrap" {
			t.Fatalf("%s: want exactly one entry named bootstrap", name)
		}
		rc, err := zr.File[0].Open()
		if err != nil {
			t.Fatal(err)
		}
		bin, err := io.ReadAll(rc)
		if err != nil {
			t.Fatal(err)
		}
		f, err := elf.NewFile(bytes.NewReader(bin))
		if err != nil {
			t.Fatalf("%s: bootstrap is not ELF: %v", name, err)
		}
		if f.Machine != elf.EM_AARCH64 {
			t.Errorf("%s: bootstrap is %v, want arm64 (EM_AARCH64)", name, f.Machine)
		}
		if zr.File[0].Mode().Perm()&0o111 == 0 {
			t.Errorf("%s: bootstrap is not executable", name)
		}
	}
}

// TestSchemaCheckCanFail proves the typed parse above is strict: a property
// that is not in the resource type's schema is rejected.
func TestSchemaCheckCanFail(t *testing.T) {
	for _, tc := range []struct{ anchor, bad string }{
		{"      MemorySize: 256\n", "      MemorySize: 256\n      NoSuchProperty: 1\n"},
		{"      RetentionInDays: !Ref LogRetentionInDays\n", "      RetentionInDays: !Ref LogRetentionInDays\n      Retention: 3\n"},
	} {
		src := string(readTemplate(t))
		if !strings.Contains(src, tc.anchor) {
			t.Fatalf("anchor %q not in the template", tc.anchor)
		}
		if _, err := goformation.ParseYAML([]byte(strings.Replace(src, tc.anchor, tc.bad, 1))); err == nil {
			t.Errorf("goformation accepted an unknown property (%q)", strings.TrimSpace(tc.bad))
		}
	}
}
