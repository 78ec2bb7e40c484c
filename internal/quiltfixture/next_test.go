package quiltfixture

import (
	"slices"
	"strings"
	"testing"

	"github.com/quiltdata/quilt-private-endpoints/internal/template"
)

// TestNextRelease holds each change to what it adds, drops and edits, alone
// and all together.
func TestNextRelease(t *testing.T) {
	type check func(t *testing.T, doc map[string]any)
	res := func(doc map[string]any, id string) map[string]any {
		r, _ := template.Resources(doc)[id].(map[string]any)
		return r
	}
	props := func(doc map[string]any, id string) map[string]any {
		p, _ := res(doc, id)["Properties"].(map[string]any)
		return p
	}
	has := func(ids ...string) check {
		return func(t *testing.T, doc map[string]any) {
			for _, id := range ids {
				if res(doc, id) == nil {
					t.Errorf("%s missing", id)
				}
			}
		}
	}
	lacks := func(ids ...string) check {
		return func(t *testing.T, doc map[string]any) {
			for _, id := range ids {
				if res(doc, id) != nil {
					t.Errorf("%s must be gone", id)
				}
			}
		}
	}
	deployment := func(want string, deps ...string) check {
		return func(t *testing.T, doc map[string]any) {
			got, _ := template.DependsOn(res(doc, want))
			if res(doc, want) == nil || !slices.Equal(got, deps) {
				t.Errorf("deployment %s DependsOn %v, want %v", want, got, deps)
			}
			if id, _ := template.Ref(props(doc, "ApiStage")["DeploymentId"]); id != want {
				t.Errorf("ApiStage deploys %s, want %s", id, want)
			}
		}
	}
	policyPaths := func(want ...string) check {
		return func(t *testing.T, doc map[string]any) {
			st := props(doc, "Api")["Policy"].(map[string]any)["Statement"].([]any)[0].(map[string]any)
			var got []string
			for _, r := range st["Resource"].([]any) {
				s := r.(map[string]any)["Fn::Sub"].(string)
				got = append(got, s[strings.LastIndex(s, "/")+1:])
			}
			if !slices.Equal(got, want) {
				t.Errorf("Api policy paths %v, want %v", got, want)
			}
		}
	}
	envOf := func(doc map[string]any, taskDef, name string) any {
		c := props(doc, taskDef)["ContainerDefinitions"].([]any)[0].(map[string]any)
		for _, e := range c["Environment"].([]any) {
			if em := e.(map[string]any); em["Name"] == name {
				return em["Value"]
			}
		}
		return nil
	}
	release := func(t *testing.T, doc map[string]any) {
		if v := envOf(doc, "NginxCatalogTaskDefinition", "STACK_VERSION"); v != "1.65.0" {
			t.Errorf("STACK_VERSION %v, want 1.65.0", v)
		}
		key := props(doc, "PreviewHandler")["Code"].(map[string]any)["S3Key"].(string)
		if key == "preview/0123456789abcdef.zip" || !strings.HasPrefix(key, "preview/") || len(key) != len("preview/0123456789abcdef.zip") {
			t.Errorf("PreviewHandler's code key %q: want a new hash of the same length", key)
		}
	}
	same := func(ids ...string) check {
		return func(t *testing.T, doc map[string]any) {
			stable := Decode(Stable())
			for _, id := range ids {
				if !template.Equal(res(doc, id), res(stable, id)) {
					t.Errorf("%s must be unchanged", id)
				}
			}
		}
	}
	for name, tc := range map[string]struct {
		changes []Change
		checks  []check
	}{
		"release": {[]Change{ChangeRelease}, []check{release, deployment("ApiDeployment1765704382", "PreviewMethod", "ThumbnailMethod"),
			lacks("ApiDeployment1763112382"), same("Api", "LogGroup", "RegistryMigrationTaskDefinition")}},
		"function": {[]Change{ChangeFunction}, []check{has("ManifestSummaryLambda", "ManifestSummaryLambdaRole", "ManifestSummaryLambdaLogGroup"),
			func(t *testing.T, doc map[string]any) {
				if r, _, _ := template.GetAtt(envOf(doc, "RegistryTaskDefinition", "QUILT_MANIFEST_SUMMARY_LAMBDA_ARN")); r != "ManifestSummaryLambda" {
					t.Error("the registry's tasks must receive the new function's ARN")
				}
				if props(doc, "ManifestSummaryLambda")["VpcConfig"] == nil {
					t.Error("the new function is in the VPC, as Quilt's are")
				}
			}, same("PreviewHandler", "ApiDeployment1763112382")}},
		"envvar": {[]Change{ChangeEnvVar}, []check{func(t *testing.T, doc map[string]any) {
			v := props(doc, "PreviewHandler")["Environment"].(map[string]any)["Variables"].(map[string]any)
			if v["CHUNK_LIMIT_BYTES"] != "99000000" || v["WEB_ORIGIN"] == nil {
				t.Errorf("PreviewHandler's variables %v", v)
			}
		}, same("Api", "ThumbnailLambda")}},
		"apimethod": {[]Change{ChangeAPIMethod}, []check{has("PdfPreviewResource", "PdfPreviewMethod", "PdfPreviewPermission", "PdfPreviewLambda"),
			deployment("ApiDeployment1763112382", "PreviewMethod", "ThumbnailMethod", "PdfPreviewMethod"),
			policyPaths("preview", "thumbnail", "pdf-preview")}},
		"removed": {[]Change{ChangeRemoved}, []check{lacks("ThumbnailLambda", "ThumbnailPermission", "ThumbnailMethod", "ThumbnailResource"),
			deployment("ApiDeployment1763112382", "PreviewMethod"), policyPaths("preview")}},
		"parameter": {[]Change{ChangeParameter}, []check{func(t *testing.T, doc map[string]any) {
			p, _ := template.Section(doc, "Parameters")["CatalogLogRetentionDays"].(map[string]any)
			if s, _ := template.ScalarString(p["Default"]); s != "90" {
				t.Errorf("CatalogLogRetentionDays %v, want default 90", p)
			}
			if r, _ := template.Ref(props(doc, "LogGroup")["RetentionInDays"]); r != "CatalogLogRetentionDays" {
				t.Error("LogGroup's RetentionInDays must refer to the new parameter")
			}
		}}},
		"migration": {[]Change{ChangeMigration}, []check{func(t *testing.T, doc map[string]any) {
			c := props(doc, "RegistryMigrationTaskDefinition")["ContainerDefinitions"].([]any)[0].(map[string]any)
			if c["Image"] != "public.ecr.aws/docker/library/busybox:1.37" {
				t.Errorf("migration image %v, want the next tag", c["Image"])
			}
		}, same("MigrationCallout", "RegistryTaskDefinition")}},
		"renameapi": {[]Change{ChangeRenameAPI}, []check{has("QuiltApi"), lacks("Api"), func(t *testing.T, doc map[string]any) {
			if r, _ := template.Ref(props(doc, "PreviewMethod")["RestApiId"]); r != "QuiltApi" {
				t.Error("references must follow the renamed API")
			}
		}}},
		"all": {nil, []check{release, has("ManifestSummaryLambda", "PdfPreviewMethod", "Api"), lacks("ThumbnailLambda", "QuiltApi"),
			deployment("ApiDeployment1765704382", "PreviewMethod", "PdfPreviewMethod"), policyPaths("preview", "pdf-preview")}},
	} {
		t.Run(name, func(t *testing.T) {
			doc := Next(tc.changes...)
			for _, c := range tc.checks {
				c(t, doc)
			}
			a, _ := template.EncodeJSON(doc, true)
			b, _ := template.EncodeJSON(Next(tc.changes...), true)
			if string(a) != string(b) {
				t.Error("not deterministic")
			}
		})
	}
	// The order of the changes asked for does not matter; the input is not
	// modified.
	in := Decode(Stable())
	before, _ := template.EncodeJSON(in, true)
	x, err := NextRelease(in, ChangeParameter, ChangeRelease)
	if err != nil {
		t.Fatal(err)
	}
	after, _ := template.EncodeJSON(in, true)
	if string(before) != string(after) {
		t.Error("NextRelease modified its input")
	}
	if !template.Equal(x, Next(ChangeRelease, ChangeParameter)) {
		t.Error("the order of the changes must not matter")
	}
}

// TestNextReleaseErrors: a change the template's shape does not allow, or
// an unknown one, is an error naming it.
func TestNextReleaseErrors(t *testing.T) {
	noAPI := Decode(Stable())
	delete(template.Resources(noAPI), "PreviewHandler")
	for name, tc := range map[string]struct {
		doc     map[string]any
		changes []Change
		want    string
	}{
		"unknown":         {Decode(Stable()), []Change{"rename"}, `unknown change "rename"`},
		"missing":         {noAPI, []Change{ChangeEnvVar}, "change envvar: the template has no AWS::Lambda::Function PreviewHandler"},
		"dangling":        {noAPI, []Change{ChangeParameter}, "PreviewMethod refers to PreviewHandler"},
		"no api":          {Next(ChangeRenameAPI), []Change{ChangeAPIMethod}, "change apimethod: the template has no AWS::ApiGateway::RestApi Api"},
		"taken parameter": {Next(ChangeParameter), []Change{ChangeParameter}, "already has Parameters CatalogLogRetentionDays"},
	} {
		_, err := NextRelease(tc.doc, tc.changes...)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: error %v, want %q", name, err, tc.want)
		}
	}
}
