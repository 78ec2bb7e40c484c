package quiltfixture

import (
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/quiltdata/quilt-private-endpoints/internal/template"
)

//go:embed next/*.yaml
var nextFiles embed.FS

// Change is one kind of difference between two consecutive Quilt releases,
// as NextRelease applies it. The kinds come from comparing Quilt's real
// templates (docs/rollout.md, "Upgrading to Quilt's next release"): each release
// rebuilds its artifacts and re-timestamps the API deployment, adds
// functions (with their role and log group, in the VPC), changes the
// environment of existing ones, adds API methods, drops resources, and turns
// literals into parameters with defaults.
type Change string

// The changes NextRelease knows, in the order it applies them.
const (
	// ChangeRelease is what every release changes: new artifact hashes in
	// Lambda code keys, container images and canary code, the next minor
	// STACK_VERSION of the catalog, and the API deployment's timestamped
	// logical id (ApiDeployment<unix time> + 30 days), every reference
	// following.
	ChangeRelease Change = "release"
	// ChangeFunction adds ManifestSummaryLambda with its role and log
	// group (next/function.yaml), in the VPC, its ARN handed to the
	// registry's tasks in QUILT_MANIFEST_SUMMARY_LAMBDA_ARN.
	ChangeFunction Change = "function"
	// ChangeEnvVar changes an existing function's environment:
	// PreviewHandler's CHUNK_LIMIT_BYTES becomes "99000000" (added when
	// absent, as 1.64.2 added SearchHandler's CHUNK_LIMIT_BYTES and
	// ThumbnailLambda's CLEANUP_TMP_DIR).
	ChangeEnvVar Change = "envvar"
	// ChangeAPIMethod adds GET /pdf-preview to the REST API Api: resource,
	// method, function on ApiRole in the VPC, its permission
	// (next/apimethod.yaml); the path joins the API's resource policy and
	// the method the deployment's DependsOn.
	ChangeAPIMethod Change = "apimethod"
	// ChangeRemoved drops an old function with its permission and its API
	// route: ThumbnailLambda, ThumbnailPermission, ThumbnailMethod,
	// ThumbnailResource, the path in the API's policy and the method in the
	// deployment's DependsOn.
	ChangeRemoved Change = "removed"
	// ChangeParameter adds the parameter CatalogLogRetentionDays (Number,
	// default 90; next/parameter.yaml) and makes LogGroup's RetentionInDays,
	// the literal 90 before, refer to it.
	ChangeParameter Change = "parameter"
	// ChangeMigration gives the registry migration's task definition
	// (RegistryMigrationTaskDefinition) a new image, so MigrationCallout,
	// the custom resource that runs it, is updated: Quilt's migration runs
	// the registry image, whose hash every release changes. An image
	// without a hash (the fixture's) gets the next minor version of its
	// tag. A rollback then sends MigrationCallout an Update (QPE-UP-008).
	ChangeMigration Change = "migration"
	// ChangeRenameAPI renames the REST API Api to QuiltApi, every
	// reference following. Quilt has not done this; it is the release an
	// upgrade must refuse (the macro's ApiPrivate and its stage would be
	// removed or replaced), so Changes leaves it out and NextRelease applies
	// it only when asked.
	ChangeRenameAPI Change = "renameapi"
)

// Changes lists every Change in the order NextRelease applies them.
func Changes() []Change {
	return []Change{ChangeRelease, ChangeFunction, ChangeEnvVar, ChangeAPIMethod, ChangeRemoved, ChangeParameter, ChangeMigration}
}

// Next is the stable fixture's next release with the given changes (every
// one when none is given). It panics only on a broken fixture or an unknown
// change, which the package's test rules out.
func Next(changes ...Change) map[string]any {
	doc, err := NextRelease(Decode(Stable()), changes...)
	if err != nil {
		panic(fmt.Sprintf("quiltfixture: %v", err))
	}
	return doc
}

// NextRelease returns the next release of a Quilt-shaped template (the
// stable fixture, or Quilt's own stable template) with the given changes,
// every one when none is given, applied in the order of Changes. doc is not
// modified. The result is deterministic. An error names the change and the
// resource it needs when doc does not have the shape the change expects, or
// when the result refers to a resource that is not there.
func NextRelease(doc map[string]any, changes ...Change) (map[string]any, error) {
	if len(changes) == 0 {
		changes = Changes()
	}
	all := append(Changes(), ChangeRenameAPI)
	for _, c := range changes {
		if !slices.Contains(all, c) {
			return nil, fmt.Errorf("next release: unknown change %q (known: %v)", c, all)
		}
	}
	out, _ := template.Clone(doc).(map[string]any)
	apply := map[Change]func(map[string]any) error{
		ChangeRelease: nextArtifacts, ChangeFunction: nextFunction, ChangeEnvVar: nextEnvVar,
		ChangeAPIMethod: nextAPIMethod, ChangeRemoved: nextRemoved, ChangeParameter: nextParameter,
		ChangeMigration: nextMigration, ChangeRenameAPI: nextRenameAPI,
	}
	for _, c := range all {
		if !slices.Contains(changes, c) {
			continue
		}
		if err := apply[c](out); err != nil {
			return nil, fmt.Errorf("next release, change %s: %w", c, err)
		}
	}
	if err := danglingRefs(out); err != nil {
		return nil, fmt.Errorf("next release: %w", err)
	}
	return out, nil
}

// hexRun is an artifact hash in a code key or image tag.
var hexRun = regexp.MustCompile(`[0-9a-f]{16,64}`)

// deploymentTimestamp is the Unix time Quilt's build puts at the end of the
// deployment's logical id.
var deploymentTimestamp = regexp.MustCompile(`^(.*[^0-9])([0-9]{10})$`)

// releaseSeconds is how far the next release's deployment timestamp is
// after the current one: a month.
const releaseSeconds = 30 * 24 * 3600

func nextArtifacts(doc map[string]any) error {
	rs := template.Resources(doc)
	for _, id := range template.SortedKeys(rs) {
		r, _ := rs[id].(map[string]any)
		p, _ := r["Properties"].(map[string]any)
		switch r["Type"] {
		case "AWS::Lambda::Function", "AWS::Synthetics::Canary":
			if p["Code"] != nil {
				p["Code"] = rehash(p["Code"])
			}
		case "AWS::ECS::TaskDefinition":
			cds, _ := p["ContainerDefinitions"].([]any)
			for _, cd := range cds {
				c, _ := cd.(map[string]any)
				if c == nil {
					continue
				}
				if c["Image"] != nil {
					c["Image"] = rehash(c["Image"])
				}
				envs, _ := c["Environment"].([]any)
				for _, e := range envs {
					if em, _ := e.(map[string]any); em != nil && em["Name"] == "STACK_VERSION" {
						if v, ok := em["Value"].(string); ok {
							em["Value"] = nextVersion(v)
						}
					}
				}
			}
		}
	}
	renames := map[string]string{}
	for _, id := range template.SortedKeys(rs) {
		r, _ := rs[id].(map[string]any)
		if r["Type"] != "AWS::ApiGateway::Deployment" {
			continue
		}
		m := deploymentTimestamp.FindStringSubmatch(id)
		if m == nil {
			continue
		}
		ts, _ := strconv.ParseInt(m[2], 10, 64)
		renames[id] = m[1] + strconv.FormatInt(ts+releaseSeconds, 10)
	}
	if len(renames) == 0 {
		return fmt.Errorf("no AWS::ApiGateway::Deployment has a timestamped logical id (ApiDeployment<unix time>)")
	}
	for old, nid := range renames {
		if _, taken := rs[nid]; taken {
			return fmt.Errorf("the deployment %s cannot become %s: the id is taken", old, nid)
		}
		rs[nid] = rs[old]
		delete(rs, old)
	}
	renameRefs(doc, renames)
	return nil
}

// rehash replaces every artifact hash in the strings of v with another of
// the same length, derived from it (deterministic).
func rehash(v any) any {
	switch t := v.(type) {
	case string:
		return hexRun.ReplaceAllStringFunc(t, func(h string) string {
			sum := sha256.Sum256([]byte("next release " + h))
			return strings.Repeat(hex.EncodeToString(sum[:]), 2)[:len(h)]
		})
	case []any:
		for i := range t {
			t[i] = rehash(t[i])
		}
	case map[string]any:
		for k := range t {
			t[k] = rehash(t[k])
		}
	}
	return v
}

// nextVersion is the next minor version of "X.Y.Z" (1.64.2 -> 1.65.0); any
// other value is kept.
func nextVersion(v string) string {
	parts := strings.Split(v, ".")
	if len(parts) != 3 {
		return v
	}
	minor, err := strconv.Atoi(parts[1])
	if err != nil {
		return v
	}
	return parts[0] + "." + strconv.Itoa(minor+1) + ".0"
}

func nextFunction(doc map[string]any) error {
	if err := addFile(doc, "function.yaml"); err != nil {
		return err
	}
	c, err := firstContainer(doc, "RegistryTaskDefinition")
	if err != nil {
		return err
	}
	envs, _ := c["Environment"].([]any)
	c["Environment"] = append(envs, map[string]any{
		"Name":  "QUILT_MANIFEST_SUMMARY_LAMBDA_ARN",
		"Value": map[string]any{"Fn::GetAtt": []any{"ManifestSummaryLambda", "Arn"}},
	})
	return nil
}

func nextEnvVar(doc map[string]any) error {
	p, err := props(doc, "PreviewHandler", "AWS::Lambda::Function")
	if err != nil {
		return err
	}
	env, _ := p["Environment"].(map[string]any)
	if env == nil {
		env = map[string]any{}
		p["Environment"] = env
	}
	vars, _ := env["Variables"].(map[string]any)
	if vars == nil {
		vars = map[string]any{}
		env["Variables"] = vars
	}
	vars["CHUNK_LIMIT_BYTES"] = "99000000"
	return nil
}

func nextAPIMethod(doc map[string]any) error {
	if err := addFile(doc, "apimethod.yaml"); err != nil {
		return err
	}
	if err := apiPolicyPaths(doc, func(paths []any) []any {
		return append(paths, map[string]any{"Fn::Sub": "arn:${AWS::Partition}:execute-api:${AWS::Region}:${AWS::AccountId}:*/*/*/pdf-preview"})
	}); err != nil {
		return err
	}
	return deploymentDeps(doc, func(deps []string) []string { return append(deps, "PdfPreviewMethod") })
}

func nextRemoved(doc map[string]any) error {
	rs := template.Resources(doc)
	for _, id := range []string{"ThumbnailLambda", "ThumbnailPermission", "ThumbnailMethod", "ThumbnailResource"} {
		if _, ok := rs[id]; !ok {
			return fmt.Errorf("the template has no %s to remove", id)
		}
		delete(rs, id)
	}
	if err := apiPolicyPaths(doc, func(paths []any) []any {
		return slices.DeleteFunc(paths, func(p any) bool {
			s, _ := p.(map[string]any)["Fn::Sub"].(string)
			return strings.HasSuffix(s, "/thumbnail")
		})
	}); err != nil {
		return err
	}
	return deploymentDeps(doc, func(deps []string) []string {
		return slices.DeleteFunc(deps, func(d string) bool { return d == "ThumbnailMethod" })
	})
}

func nextParameter(doc map[string]any) error {
	if err := addFile(doc, "parameter.yaml"); err != nil {
		return err
	}
	p, err := props(doc, "LogGroup", "AWS::Logs::LogGroup")
	if err != nil {
		return err
	}
	if s, _ := template.ScalarString(p["RetentionInDays"]); s != "90" {
		return fmt.Errorf("LogGroup's RetentionInDays is %v, not the parameter's default 90", p["RetentionInDays"])
	}
	p["RetentionInDays"] = map[string]any{"Ref": "CatalogLogRetentionDays"}
	return nil
}

// imageTag is the version tag of an image without a hash (name:X.Y).
var imageTag = regexp.MustCompile(`:([0-9]+)\.([0-9]+)$`)

func nextMigration(doc map[string]any) error {
	c, err := firstContainer(doc, "RegistryMigrationTaskDefinition")
	if err != nil {
		return err
	}
	switch img := c["Image"].(type) {
	case string:
		if !hexRun.MatchString(img) {
			m := imageTag.FindStringSubmatchIndex(img)
			if m == nil {
				return fmt.Errorf("RegistryMigrationTaskDefinition's image %q has neither a hash nor a X.Y tag", img)
			}
			minor, _ := strconv.Atoi(img[m[4]:m[5]])
			c["Image"] = img[:m[4]] + strconv.Itoa(minor+1)
			return nil
		}
	case nil:
		return fmt.Errorf("RegistryMigrationTaskDefinition's first container has no image")
	}
	before, _ := template.EncodeJSON(c["Image"], false)
	c["Image"] = rehash(c["Image"])
	if after, _ := template.EncodeJSON(c["Image"], false); string(after) == string(before) {
		return fmt.Errorf("RegistryMigrationTaskDefinition's image %s has no hash to change", before)
	}
	return nil
}

func nextRenameAPI(doc map[string]any) error {
	rs := template.Resources(doc)
	if r, _ := rs["Api"].(map[string]any); r == nil || r["Type"] != "AWS::ApiGateway::RestApi" {
		return fmt.Errorf("the template has no AWS::ApiGateway::RestApi Api")
	}
	if _, taken := rs["QuiltApi"]; taken {
		return fmt.Errorf("the template already has QuiltApi")
	}
	rs["QuiltApi"] = rs["Api"]
	delete(rs, "Api")
	renameRefs(doc, map[string]string{"Api": "QuiltApi"})
	return nil
}

// addFile adds the Resources and Parameters of next/<name> to doc; an id
// doc already has is an error.
func addFile(doc map[string]any, name string) error {
	b, err := nextFiles.ReadFile("next/" + name)
	if err != nil {
		return err
	}
	add, err := template.Decode(b)
	if err != nil {
		return fmt.Errorf("next/%s: %w", name, err)
	}
	for _, sec := range []string{"Parameters", "Resources"} {
		from := template.Section(add, sec)
		if len(from) == 0 {
			continue
		}
		to, _ := doc[sec].(map[string]any)
		if to == nil {
			to = map[string]any{}
			doc[sec] = to
		}
		for _, id := range template.SortedKeys(from) {
			if _, taken := to[id]; taken {
				return fmt.Errorf("the template already has %s %s", sec, id)
			}
			to[id] = from[id]
		}
	}
	return nil
}

func props(doc map[string]any, id, typ string) (map[string]any, error) {
	r, _ := template.Resources(doc)[id].(map[string]any)
	if r == nil || r["Type"] != typ {
		return nil, fmt.Errorf("the template has no %s %s", typ, id)
	}
	p, _ := r["Properties"].(map[string]any)
	if p == nil {
		return nil, fmt.Errorf("%s has no Properties", id)
	}
	return p, nil
}

func firstContainer(doc map[string]any, id string) (map[string]any, error) {
	p, err := props(doc, id, "AWS::ECS::TaskDefinition")
	if err != nil {
		return nil, err
	}
	cds, _ := p["ContainerDefinitions"].([]any)
	if len(cds) == 0 {
		return nil, fmt.Errorf("%s has no ContainerDefinitions", id)
	}
	c, _ := cds[0].(map[string]any)
	if c == nil {
		return nil, fmt.Errorf("%s's first container definition is not an object", id)
	}
	return c, nil
}

// apiPolicyPaths edits the Resource list of the first statement of Api's
// resource policy (Quilt's Allow of execute-api:Invoke on its paths).
func apiPolicyPaths(doc map[string]any, edit func([]any) []any) error {
	p, err := props(doc, "Api", "AWS::ApiGateway::RestApi")
	if err != nil {
		return err
	}
	pol, _ := p["Policy"].(map[string]any)
	st, _ := pol["Statement"].([]any)
	if len(st) == 0 {
		return fmt.Errorf("the REST API Api has no resource policy statement")
	}
	s0, _ := st[0].(map[string]any)
	paths, ok := s0["Resource"].([]any)
	if !ok {
		return fmt.Errorf("the first statement of Api's resource policy has no Resource list")
	}
	s0["Resource"] = edit(paths)
	return nil
}

// deploymentDeps edits the DependsOn of every deployment of Api.
func deploymentDeps(doc map[string]any, edit func([]string) []string) error {
	rs := template.Resources(doc)
	n := 0
	for _, id := range template.SortedKeys(rs) {
		r, _ := rs[id].(map[string]any)
		p, _ := r["Properties"].(map[string]any)
		if r["Type"] != "AWS::ApiGateway::Deployment" {
			continue
		}
		if api, _ := template.Ref(p["RestApiId"]); api != "Api" {
			continue
		}
		deps, err := template.DependsOn(r)
		if err != nil {
			return fmt.Errorf("%s: %w", id, err)
		}
		out := []any{}
		for _, d := range edit(slices.Clone(deps)) {
			out = append(out, d)
		}
		r["DependsOn"] = out
		n++
	}
	if n == 0 {
		return fmt.Errorf("the template has no AWS::ApiGateway::Deployment of Api")
	}
	return nil
}

// renameRefs makes every Ref, Fn::GetAtt, Fn::Sub variable and DependsOn
// naming an old id name the new one.
func renameRefs(doc map[string]any, renames map[string]string) {
	for _, sec := range []string{"Resources", "Outputs", "Conditions"} {
		for _, v := range template.Section(doc, sec) {
			renameIn(v, renames)
		}
	}
	for _, v := range template.Resources(doc) {
		r, _ := v.(map[string]any)
		deps, _ := template.DependsOn(r)
		changed := false
		for i, d := range deps {
			if n, ok := renames[d]; ok {
				deps[i], changed = n, true
			}
		}
		if !changed {
			continue
		}
		if _, one := r["DependsOn"].(string); one {
			r["DependsOn"] = deps[0]
			continue
		}
		out := make([]any, len(deps))
		for i, d := range deps {
			out[i] = d
		}
		r["DependsOn"] = out
	}
}

func renameIn(v any, renames map[string]string) {
	switch t := v.(type) {
	case []any:
		for _, x := range t {
			renameIn(x, renames)
		}
	case map[string]any:
		if len(t) == 1 {
			switch a := t["Ref"].(type) {
			case string:
				if n, ok := renames[a]; ok {
					t["Ref"] = n
				}
			}
			switch a := t["Fn::GetAtt"].(type) {
			case []any:
				if len(a) > 0 {
					if s, _ := a[0].(string); renames[s] != "" {
						a[0] = renames[s]
					}
				}
			case string:
				if r, attr, ok := strings.Cut(a, "."); ok && renames[r] != "" {
					t["Fn::GetAtt"] = renames[r] + "." + attr
				}
			}
			if s, ok := t["Fn::Sub"].(string); ok {
				t["Fn::Sub"] = renameSub(s, renames)
			}
			if l, ok := t["Fn::Sub"].([]any); ok && len(l) > 0 {
				if s, ok := l[0].(string); ok {
					l[0] = renameSub(s, renames)
				}
			}
		}
		for k, x := range t {
			if k != "DependsOn" {
				renameIn(x, renames)
			}
		}
	}
}

func renameSub(s string, renames map[string]string) string {
	out, _ := template.ScanSub(s, func(name string) (string, bool) {
		base, attr, hasAttr := strings.Cut(name, ".")
		n, ok := renames[base]
		if !ok {
			return "", false
		}
		if hasAttr {
			return "${" + n + "." + attr + "}", true
		}
		return "${" + n + "}", true
	})
	return out
}

// danglingRefs refuses a template whose resources or outputs name a
// resource or parameter it does not have.
func danglingRefs(doc map[string]any) error {
	rs := template.Resources(doc)
	known := func(name string) bool {
		base, _, _ := strings.Cut(name, ".")
		_, isRes := rs[base]
		_, isParam := template.Section(doc, "Parameters")[base]
		return isRes || isParam || strings.HasPrefix(base, "AWS::")
	}
	for _, id := range template.SortedKeys(rs) {
		r, _ := rs[id].(map[string]any)
		var bad string
		template.ResourceReferences(r, func(_ []string, ref template.Reference) {
			if bad == "" && (ref.IsResourceRef() || ref.Kind == template.ByDependsOn) && ref.Name != "" && !known(ref.Name) {
				bad = ref.Name
			}
		})
		if bad != "" {
			return fmt.Errorf("%s refers to %s, which the template does not have", id, bad)
		}
	}
	for _, id := range template.SortedKeys(template.Section(doc, "Outputs")) {
		for _, name := range template.ReferencedIDs(template.Section(doc, "Outputs")[id]) {
			if !known(name) {
				return fmt.Errorf("output %s refers to %s, which the template does not have", id, name)
			}
		}
	}
	return nil
}
