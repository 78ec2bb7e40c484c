// Package transform rewrites a Quilt CloudFormation template for Private
// Endpoints. It is the engine behind the macro Lambda and `qpe render`.
//
// The engine works on the generic document (see internal/template). Each
// rewrite is a pass in its own file (pass_*.go). The input is never
// modified: resources and sections are copied before a pass changes them.
package transform

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sort"
	"strings"

	"github.com/quiltdata/quilt-private-endpoints/internal/finding"
	"github.com/quiltdata/quilt-private-endpoints/internal/template"
)

// Request is one rewrite: the template fragment and the Transform's own
// parameters, as a CloudFormation macro receives them.
type Request struct {
	// Fragment is the template as generic JSON values (see internal/template).
	// Transform does not modify it.
	Fragment map[string]any
	// Params are the Transform's Parameters (the CLI's --set Name=Value).
	Params map[string]any
	// TemplateParameterValues are the resolved values of the original
	// template's parameters, when known (macro only).
	TemplateParameterValues map[string]any
	Region                  string
	AccountID               string
}

// Result is the rewritten template and what the engine did.
type Result struct {
	// Fragment is the rewritten template. It shares the values the engine
	// did not change with Request.Fragment: clone it (template.Clone)
	// before modifying it.
	Fragment map[string]any
	// Changes lists what each pass changed, one line per change, sorted.
	Changes []Change
	// Warnings are things the user must look at (roles from outside the
	// template, Lambda@Edge functions left public, ...), sorted by text. Each
	// carries the id of its rule (QPE-TF-nnn, see Rules).
	Warnings []finding.Finding
	// Settings are the settings the engine used, defaults filled in.
	Settings Settings
	// Renamed maps the old logical ids of the resources the run renamed
	// (Deployments, REST APIs made private, target groups of a replaced load
	// balancer) to their new ones.
	Renamed map[string]string
	// Moved lists the Lambda functions the rewrite puts into the VPC
	// (no subnets before, subnets after; SAM functions through
	// Globals.Function too), sorted.
	Moved []string
}

// WarningTexts returns the warnings as text, "<resource>: <message>", in
// order (what the macro logs and render prints).
func (r *Result) WarningTexts() []string {
	out := make([]string, len(r.Warnings))
	for i, w := range r.Warnings {
		out[i] = warningText(w)
	}
	return out
}

func warningText(w finding.Finding) string {
	if w.Resource == "" {
		return w.Message
	}
	return w.Resource + ": " + w.Message
}

// Change is one change that a pass made.
type Change struct {
	Pass     string `json:"pass"`
	Resource string `json:"resource"`
	Detail   string `json:"detail"`
}

// Error is a rewrite refused: it names the resource or setting and the fix.
type Error struct {
	Resource string // logical id, section or setting the problem is in
	Message  string
	// Remedy says what to change; the text shows it after "Fix:".
	Remedy string
	// Setting and Choices are set when a setting without a default is
	// missing: its name and the values to choose from (see
	// LoadBalancerChoice).
	Setting string
	Choices []Choice
}

func (e *Error) Error() string {
	s := e.Message
	if e.Resource != "" {
		s = e.Resource + ": " + s
	}
	if e.Remedy != "" {
		s += ". Fix: " + e.Remedy
	}
	return s
}

// Transform rewrites req.Fragment. On error no partial output is returned.
func Transform(ctx context.Context, req Request) (*Result, error) {
	ids, err := validate(req.Fragment)
	if err != nil {
		return nil, err
	}
	set, err := ParseSettings(req.Params, req.Fragment)
	if err != nil {
		return nil, err
	}
	st := newState(req, set, ids)
	// First, so the preflight's Fingerprint covers it (a new engine version
	// runs the preflight again).
	st.recordRenderInfo()
	if err := st.run(ctx, passes()); err != nil {
		return nil, err
	}
	st.recordOwned()
	sort.Slice(st.changes, func(i, j int) bool {
		a, b := st.changes[i], st.changes[j]
		if a.Pass != b.Pass {
			return a.Pass < b.Pass
		}
		if a.Resource != b.Resource {
			return a.Resource < b.Resource
		}
		return a.Detail < b.Detail
	})
	// The branches of an Fn::If can report the same change: keep one.
	changes := st.changes[:0:0]
	for i, c := range st.changes {
		if i == 0 || c != st.changes[i-1] {
			changes = append(changes, c)
		}
	}
	slices.SortFunc(st.warnings, func(a, b finding.Finding) int { return strings.Compare(warningText(a), warningText(b)) })
	warnings := slices.CompactFunc(st.warnings, func(a, b finding.Finding) bool { return warningText(a) == warningText(b) })
	return &Result{Fragment: st.doc, Changes: changes, Warnings: warnings, Settings: set, Renamed: resRenamed.of(st).Map(),
		Moved: movedIntoVPC(req.Fragment, st.doc)}, nil
}

// run runs the passes in the order their declarations give (order). A
// pass that reads a resource type or a result it does not declare is a
// bug, reported in place of the pass's own outcome.
func (st *state) run(ctx context.Context, ps []pass) error {
	ps, err := order(ps)
	if err != nil {
		return err
	}
	for i := range ps {
		p := &ps[i]
		if err := ctx.Err(); err != nil {
			return fmt.Errorf("transform: %s pass: %w", p.name, err)
		}
		st.pass = p
		err := p.run(st)
		st.pass = nil
		if st.bug != nil {
			return st.bug
		}
		if err != nil {
			return err
		}
	}
	return nil
}

// movedIntoVPC lists the Lambda functions whose effective VpcConfig has
// subnets in after and none in before.
func movedIntoVPC(before, after map[string]any) []string {
	vpc := func(doc map[string]any, id string) any {
		m, _ := template.Resources(doc)[id].(map[string]any)
		if v, ok := template.Section(m, "Properties")["VpcConfig"]; ok {
			return v
		}
		if m["Type"] == "AWS::Serverless::Function" {
			if g, ok := template.Section(doc, "Globals")["Function"].(map[string]any); ok {
				return g["VpcConfig"]
			}
		}
		return nil
	}
	var out []string
	for _, id := range template.SortedKeys(template.Resources(after)) {
		m, _ := template.Resources(after)[id].(map[string]any)
		if t := m["Type"]; t != "AWS::Lambda::Function" && t != "AWS::Serverless::Function" {
			continue
		}
		if !noSubnets(vpc(after, id)) && noSubnets(vpc(before, id)) {
			out = append(out, id)
		}
	}
	return out
}

// validate checks the shape every pass relies on and returns the sorted
// logical ids.
func validate(doc map[string]any) ([]string, error) {
	if doc == nil {
		return nil, &Error{Resource: "template", Message: "the template is empty or not a JSON object",
			Remedy: "pass a CloudFormation template whose top level is an object with a Resources section"}
	}
	raw, ok := doc["Resources"]
	if !ok {
		return nil, &Error{Resource: "Resources", Message: "the template has no Resources section",
			Remedy: "add a Resources section with at least one resource"}
	}
	res, ok := raw.(map[string]any)
	if !ok {
		return nil, &Error{Resource: "Resources", Message: fmt.Sprintf("the Resources section is a %s, not an object", template.KindOf(raw)),
			Remedy: "make Resources an object of logical id to resource"}
	}
	if len(res) == 0 {
		return nil, &Error{Resource: "Resources", Message: "the Resources section is empty",
			Remedy: "add at least one resource"}
	}
	ids := template.SortedKeys(res)
	for _, id := range ids {
		if strings.HasPrefix(id, "Fn::") || id == "Ref" {
			return nil, &Error{Resource: "Resources", Message: fmt.Sprintf("the Resources section holds %s, an intrinsic function, where a resource belongs", id),
				Remedy: "expand it first: CloudFormation runs Fn::Transform (e.g. AWS::Include) before the macro, so render the processed template " +
					"(aws cloudformation get-template --template-stage Processed) or inline the included resources"}
		}
		r, ok := res[id].(map[string]any)
		if !ok {
			return nil, &Error{Resource: id, Message: fmt.Sprintf("the resource is a %s, not an object", template.KindOf(res[id])),
				Remedy: "give the resource a Type and Properties"}
		}
		t, ok := r["Type"]
		if !ok {
			return nil, &Error{Resource: id, Message: "the resource has no Type", Remedy: "add the resource's Type, e.g. Type: AWS::Lambda::Function"}
		}
		if s, ok := t.(string); !ok || s == "" {
			return nil, &Error{Resource: id, Message: fmt.Sprintf("the resource's Type is %s, not a resource type name", template.AKindOf(t)),
				Remedy: "set Type to a resource type name, e.g. AWS::Lambda::Function"}
		}
		if _, err := template.DependsOn(r); err != nil {
			var de *template.DependsOnError
			errors.As(err, &de)
			return nil, &Error{Resource: id, Message: de.Problem, Remedy: de.Fix}
		}
		if p, ok := r["Properties"]; ok && p != nil {
			if _, ok := p.(map[string]any); !ok {
				return nil, &Error{Resource: id, Message: fmt.Sprintf("the resource's Properties is a %s, not an object", template.KindOf(p)),
					Remedy: "make Properties an object"}
			}
			if name, ok := intrinsicObject(p); ok && editsProperties(r["Type"]) {
				return nil, &Error{Resource: id, Message: fmt.Sprintf("the resource's Properties is built by %s, which the macro cannot edit", name),
					Remedy: "make Properties an object and put the condition inside each property value (Fn::If per property)"}
			}
		}
	}
	for _, sec := range []string{"Parameters", "Conditions", "Mappings", "Outputs", "Metadata", "Rules", "Globals"} {
		if p, ok := doc[sec]; ok && p != nil {
			if _, ok := p.(map[string]any); !ok {
				return nil, &Error{Resource: sec, Message: fmt.Sprintf("the %s section is a %s, not an object", sec, template.KindOf(p)),
					Remedy: "make " + sec + " an object of name to entry"}
			}
			if fn, ok := intrinsicObject(p); ok {
				return nil, &Error{Resource: sec, Message: fmt.Sprintf("the %s section is built by %s, which the macro cannot edit", sec, fn),
					Remedy: "make " + sec + " an object of name to entry"}
			}
		}
	}
	params, _ := doc["Parameters"].(map[string]any)
	for _, name := range template.SortedKeys(params) {
		decl, ok := params[name].(map[string]any)
		if !ok {
			return nil, &Error{Resource: "Parameters." + name, Message: fmt.Sprintf("the parameter declaration is a %s, not an object", template.KindOf(params[name])),
				Remedy: "declare the parameter as an object with a Type, e.g. {Type: String}"}
		}
		if fn, ok := intrinsicObject(decl); ok {
			return nil, &Error{Resource: "Parameters." + name, Message: fmt.Sprintf("the parameter declaration is built by %s, which the macro cannot read", fn),
				Remedy: "declare the parameter as an object with a Type, e.g. {Type: String}"}
		}
	}
	return ids, nil
}

// intrinsicObject reports whether v is an object whose only key is an
// intrinsic function (Ref or Fn::...), where a literal object belongs.
func intrinsicObject(v any) (string, bool) {
	m, ok := v.(map[string]any)
	if !ok || len(m) != 1 {
		return "", false
	}
	for k := range m {
		if k == "Ref" || strings.HasPrefix(k, "Fn::") {
			return k, true
		}
	}
	return "", false
}

// editsProperties reports whether a pass may add to the Properties of a
// resource of this type (other types pass through whatever their shape).
func editsProperties(typ any) bool {
	switch typ {
	case "AWS::Lambda::Function", "AWS::Serverless::Function", "AWS::ApiGateway::RestApi", "AWS::Serverless::Api",
		"AWS::ECS::Service", "AWS::Synthetics::Canary", "AWS::IAM::Role", "AWS::ElasticLoadBalancingV2::LoadBalancer", typeWebACL, PreflightType:
		return true
	}
	return false
}
