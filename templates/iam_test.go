package templates

import (
	"encoding/json"
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/quiltdata/quilt-private-endpoints/internal/template"
	"github.com/quiltdata/quilt-private-endpoints/internal/testenv"
)

// actionFor maps an SDK method to the IAM action that authorises it, where
// the two names differ.
var actionFor = map[string]string{
	// HeadBucket is called only for the x-amz-bucket-region header, which
	// S3 sends with its 403 too: no permission is needed (nor granted).
	"s3:HeadBucket": "",
}

// sdkCalls lists the AWS SDK operations that a Lambda main package can call:
// the methods of every interface, in the project packages it links, whose
// input type comes from an aws-sdk-go-v2 service package. The project
// reaches AWS only through such small interfaces.
func sdkCalls(t *testing.T, mainPkg string) []string {
	t.Helper()
	root := testenv.Root(t)
	cmd := exec.Command("go", "list", "-deps", "-f", "{{if not .Standard}}{{.ImportPath}}\t{{.Dir}}{{end}}", mainPkg)
	cmd.Dir = root
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("go list %s: %v", mainPkg, err)
	}
	const module = "github.com/quiltdata/quilt-private-endpoints/"
	set := map[string]bool{}
	for _, line := range strings.Split(strings.TrimSpace(string(out)), "\n") {
		path, dir, _ := strings.Cut(line, "\t")
		if !strings.HasPrefix(path, module) && path != strings.TrimSuffix(module, "/") {
			continue
		}
		files, _ := filepath.Glob(filepath.Join(dir, "*.go"))
		for _, f := range files {
			if strings.HasSuffix(f, "_test.go") {
				continue
			}
			interfaceMethods(t, f, set)
		}
	}
	var calls []string
	for c := range set {
		calls = append(calls, c)
	}
	slices.Sort(calls)
	return calls
}

func interfaceMethods(t *testing.T, file string, set map[string]bool) {
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, file, nil, parser.SkipObjectResolution)
	if err != nil {
		t.Fatal(err)
	}
	services := map[string]string{} // local package name -> service
	for _, imp := range f.Imports {
		p, _ := strconv.Unquote(imp.Path.Value)
		const prefix = "github.com/aws/aws-sdk-go-v2/service/"
		if !strings.HasPrefix(p, prefix) {
			continue
		}
		svc := strings.TrimPrefix(p, prefix)
		name := svc
		if imp.Name != nil {
			name = imp.Name.Name
		}
		services[name] = svc
	}
	ast.Inspect(f, func(n ast.Node) bool {
		it, ok := n.(*ast.InterfaceType)
		if !ok {
			return true
		}
		for _, m := range it.Methods.List {
			ft, ok := m.Type.(*ast.FuncType)
			if !ok || len(m.Names) == 0 || ft.Params == nil || len(ft.Params.List) < 2 {
				continue
			}
			star, ok := ft.Params.List[1].Type.(*ast.StarExpr)
			if !ok {
				continue
			}
			sel, ok := star.X.(*ast.SelectorExpr)
			if !ok {
				continue
			}
			pkg, ok := sel.X.(*ast.Ident)
			if !ok {
				continue
			}
			if svc, ok := services[pkg.Name]; ok {
				call := svc + ":" + m.Names[0].Name
				if a, ok := actionFor[call]; ok {
					call = a
				}
				if call != "" {
					set[call] = true
				}
			}
		}
		return true
	})
}

// roleStatements returns the statements of a role's inline policies.
func roleStatements(t *testing.T, role string) []map[string]any {
	t.Helper()
	r, ok := template.Resources(doc(t))[role].(map[string]any)
	if !ok {
		t.Fatalf("no resource %s", role)
	}
	var out []map[string]any
	pols, _ := r["Properties"].(map[string]any)["Policies"].([]any)
	for _, p := range pols {
		stmts, _ := p.(map[string]any)["PolicyDocument"].(map[string]any)["Statement"].([]any)
		for _, s := range stmts {
			out = append(out, s.(map[string]any))
		}
	}
	if r["Properties"].(map[string]any)["ManagedPolicyArns"] != nil {
		t.Errorf("%s: managed policies grant more than the code needs", role)
	}
	return out
}

func strs(v any) []string {
	switch t := v.(type) {
	case string:
		return []string{t}
	case []any:
		var out []string
		for _, e := range t {
			if s, ok := e.(string); ok {
				out = append(out, s)
			}
		}
		return out
	}
	return nil
}

func actionsOf(stmts []map[string]any) []string {
	set := map[string]bool{}
	for _, s := range stmts {
		if s["Effect"] != "Allow" {
			continue
		}
		for _, a := range strs(s["Action"]) {
			if strings.HasPrefix(a, "logs:") {
				continue
			}
			set[a] = true
		}
	}
	var out []string
	for a := range set {
		out = append(out, a)
	}
	slices.Sort(out)
	return out
}

// TestPreflightRoleMatchesTheCalls is the IAM drift test: the preflight role
// allows exactly the AWS calls the custom resource's code can make (plus
// ec2:CreateTags, which tag-on-create needs).
func TestPreflightRoleMatchesTheCalls(t *testing.T) {
	calls := sdkCalls(t, "./customresource")
	if len(calls) == 0 {
		t.Fatal("found no SDK calls in ./customresource: the drift test would prove nothing")
	}
	want := slices.Clone(calls)
	if slices.ContainsFunc(calls, func(c string) bool { return strings.HasPrefix(c, "ec2:Create") }) {
		want = append(want, "ec2:CreateTags")
	}
	slices.Sort(want)
	want = slices.Compact(want)
	got := actionsOf(roleStatements(t, "PreflightRole"))
	for _, a := range want {
		if !slices.Contains(got, a) {
			t.Errorf("PreflightRole lacks %s, which the code calls", a)
		}
	}
	for _, a := range got {
		if !slices.Contains(want, a) {
			t.Errorf("PreflightRole allows %s, which no code calls: remove it (least privilege)", a)
		}
	}
}

// TestPreflightRoleMutatesOnlyOwnedResources: every create of an endpoint or
// security group requires the owner tag in the request, every change or
// delete requires it on the resource, and tagging is allowed only on create.
func TestPreflightRoleMutatesOnlyOwnedResources(t *testing.T) {
	const ownerTag = "quilt-private-endpoints:stack-id"
	src, err := os.ReadFile(filepath.Join(testenv.Root(t), "internal", "provision", "provision.go"))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(src), strconv.Quote(ownerTag)) {
		t.Fatalf("internal/provision no longer tags with %s: update the role's conditions with it", ownerTag)
	}
	owned := func(r string) bool {
		return strings.Contains(r, ":vpc-endpoint/") || strings.Contains(r, ":security-group/")
	}
	for _, s := range roleStatements(t, "PreflightRole") {
		cond, _ := json.Marshal(s["Condition"])
		var resources []string
		list, ok := s["Resource"].([]any)
		if !ok {
			list = []any{s["Resource"]}
		}
		for _, r := range list {
			switch v := r.(type) {
			case string:
				resources = append(resources, v)
			default:
				b, _ := json.Marshal(v)
				resources = append(resources, string(b))
			}
		}
		for _, a := range strs(s["Action"]) {
			verb := strings.TrimPrefix(a, "ec2:")
			mutating := a != verb && !strings.HasPrefix(verb, "Describe")
			if !mutating {
				continue
			}
			switch {
			case verb == "CreateTags" || verb == "DeleteTags":
				// On create only, or only the used-by mark on endpoints the
				// project created.
				onCreate := verb == "CreateTags" && strings.Contains(string(cond), "ec2:CreateAction")
				mark := strings.Contains(string(cond), `"aws:TagKeys":"quilt-private-endpoints:used-by:*"`) &&
					strings.Contains(string(cond), "aws:ResourceTag/"+ownerTag) && strings.Contains(string(cond), `"Null":{"aws:TagKeys":"false"}`)
				if !onCreate && !mark {
					t.Errorf("%s: %s without an ec2:CreateAction condition, or the used-by key and owner tag conditions, lets the role retag customer resources", s["Sid"], a)
				}
			case verb == "CreateVpcEndpoint" && slices.ContainsFunc(resources, func(r string) bool { return strings.Contains(r, ":security-group/") }):
				// An endpoint may be given only security groups the project created.
				if !strings.Contains(string(cond), "aws:ResourceTag/"+ownerTag) {
					t.Errorf("%s: %s may attach any security group: it needs the aws:ResourceTag/%s condition", s["Sid"], a, ownerTag)
				}
			case strings.HasPrefix(verb, "Create") && slices.ContainsFunc(resources, func(r string) bool { return strings.Contains(r, ":vpc/") }):
				// Create mode only in a VPC its owner opted in.
				if !strings.Contains(string(cond), `"aws:ResourceTag/quilt-private-endpoints:allow-create":"true"`) {
					t.Errorf("%s: %s on any VPC: it needs the aws:ResourceTag/quilt-private-endpoints:allow-create condition", s["Sid"], a)
				}
			case strings.HasPrefix(verb, "Create"):
				for _, r := range resources {
					if owned(r) && !strings.Contains(string(cond), "aws:RequestTag/"+ownerTag) {
						t.Errorf("%s: %s on %s without the aws:RequestTag/%s condition", s["Sid"], a, r, ownerTag)
					}
				}
			default:
				for _, r := range resources {
					if owned(r) && !strings.Contains(string(cond), "aws:ResourceTag/"+ownerTag) {
						t.Errorf("%s: %s on %s without the aws:ResourceTag/%s condition", s["Sid"], a, r, ownerTag)
					}
				}
			}
		}
	}
}

// TestOwnerTagPinnedToTheAccountsStacks: a condition on the owner tag
// requires a stack ARN of this account and Region, not any value (a tag
// someone wrote by hand, or another account's stack).
func TestOwnerTagPinnedToTheAccountsStacks(t *testing.T) {
	n := 0
	for _, s := range roleStatements(t, "PreflightRole") {
		cond, _ := s["Condition"].(map[string]any)
		for _, kv := range cond {
			m, _ := kv.(map[string]any)
			for k, v := range m {
				if !strings.HasSuffix(k, "Tag/quilt-private-endpoints:stack-id") {
					continue
				}
				n++
				b, _ := json.Marshal(v)
				if !strings.Contains(string(b), `"Fn::Sub":"arn:${AWS::Partition}:cloudformation:${AWS::Region}:${AWS::AccountId}:stack/*"`) {
					t.Errorf("%s: %s is %s, want the stack ARNs of this account and Region", s["Sid"], k, b)
				}
			}
		}
	}
	if n < 4 {
		t.Errorf("%d owner tag conditions, want at least 4", n)
	}
}

// TestMacroRoleWritesLogsOnly: the macro links no AWS service client and its
// role can only write its logs.
func TestMacroRoleWritesLogsOnly(t *testing.T) {
	if calls := sdkCalls(t, "./macro"); len(calls) != 0 {
		t.Errorf("the macro calls AWS (%v): it must not", calls)
	}
	for _, s := range roleStatements(t, "MacroRole") {
		for _, a := range strs(s["Action"]) {
			if a != "logs:CreateLogStream" && a != "logs:PutLogEvents" {
				t.Errorf("MacroRole allows %s: the macro writes logs only", a)
			}
		}
	}
}
