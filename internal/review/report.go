// Package review tells a reviewer what enabling Private Endpoints does to a
// stack: resource by resource, each changed property with its value before
// and after and the update behaviour CloudFormation's resource specification
// predicts, new parameters, renamed logical ids, IAM changes and the risks
// that apply. It can also annotate the changeset CloudFormation computed
// (describe-change-set JSON) with why the macro made each change.
package review

import (
	"context"
	"sort"
	"strings"

	"github.com/quiltdata/quilt-private-endpoints/internal/cfnspec"
	"github.com/quiltdata/quilt-private-endpoints/internal/template"
	"github.com/quiltdata/quilt-private-endpoints/internal/updatepath"
)

// EngineChange is one change the engine reports (EngineChange).
type EngineChange struct {
	Pass     string `json:"pass"`
	Resource string `json:"resource"`
	Detail   string `json:"detail"`
}

// Input is what a review compares.
type Input struct {
	// Name is the template's name for the report's title.
	Name string
	// Before is the template as given; After is the engine's output.
	Before, After map[string]any
	// Changes and Warnings are the engine's (transform.Result).
	Changes  []EngineChange
	Warnings []string
	// Settings are the Transform parameters used (--set), for the record.
	Settings map[string]string
	// Renamed (old -> new logical id) and Moved (functions put into the
	// VPC) are the engine's facts (transform.Result).
	Renamed map[string]string
	Moved   []string
	// Plan is the update path of the change (updatepath.Compute with
	// deployed = Before, new = After), when computed.
	Plan *updatepath.Plan
	// DeployedRender is the live stack's processed template (review
	// --stack): its render record is compared with After's
	// (Report.Render). Nil without a stack.
	DeployedRender map[string]any
}

// Actions of a resource.
const (
	ActionAdd    = "added"
	ActionModify = "modified"
	ActionRename = "renamed"
	ActionRemove = "removed"
	// ActionKnockOn: not changed by the engine, but the update modifies
	// or replaces it (it references a replaced resource).
	ActionKnockOn = "knock-on"
	// ActionNoUpdate: only DependsOn or a deletion or update policy
	// changes (a resource that now waits for the preflight):
	// CloudFormation updates nothing.
	ActionNoUpdate = "no update"
)

// Report is the whole review. Its JSON form is the --format json output.
type Report struct {
	// Verdict is the update path's (updatepath.Decision) with the steps
	// outside the stack the risks call for: the JSON's first object.
	Verdict    updatepath.Decision `json:"verdict"`
	Template   string              `json:"template"`
	Settings   map[string]string   `json:"settings,omitempty"`
	Spec       SpecSource          `json:"spec"`
	Summary    Summary             `json:"summary"`
	Risks      []Risk              `json:"risks"`
	Parameters []Parameter         `json:"parameters"`
	Resources  []Resource          `json:"resources"`
	IAM        []IAMChange         `json:"iam"`
	Sections   []Change            `json:"sections"`
	// OtherChanges are engine changes that name no resource or parameter.
	OtherChanges []EngineChange   `json:"otherChanges,omitempty"`
	Warnings     []string         `json:"warnings"`
	ChangeSet    *ChangeSetReview `json:"changeSet,omitempty"`
	// Rollout and Outputs are the update path's (Input.Plan).
	Rollout *updatepath.Rollout `json:"rollout,omitempty"`
	Outputs []updatepath.Output `json:"outputs,omitempty"`
	// Render compares the deployed render's record with the new render's
	// (review --stack only).
	Render *RenderComparison `json:"render,omitempty"`
	// Plan is the update path the report renders (for the diagrams).
	Plan *updatepath.Plan `json:"-"`
}

// SpecSource says where the update behaviours come from.
type SpecSource struct {
	Package string `json:"package"`
	Version string `json:"version"`
}

// Summary counts what the report lists. The resource counts are the
// update path's (updatepath.Counts, the same numbers qpe plan prints).
type Summary struct {
	updatepath.Counts
	// Replacements counts the resources replaced in place and the renamed
	// ones (a new copy, the old one deleted).
	Replacements     int `json:"replacements"`
	SomeInterruption int `json:"someInterruption"`
	ParametersAdded  int `json:"parametersAdded"`
	Risks            int `json:"risks"`
	// KnockOn counts the resources the update touches that the engine did
	// not change (update path).
	KnockOn  int `json:"knockOn"`
	Blockers int `json:"blockers"`
}

// Parameter is a template parameter the engine added or changed.
type Parameter struct {
	Name        string   `json:"name"`
	Action      string   `json:"action"`
	Type        string   `json:"type,omitempty"`
	Default     string   `json:"default,omitempty"`
	Description string   `json:"description,omitempty"`
	Changes     []Change `json:"changes,omitempty"`
	Why         []string `json:"why,omitempty"`
}

// Resource is one resource the engine added, changed, renamed or removed.
type Resource struct {
	LogicalID   string `json:"logicalId"`
	Type        string `json:"type"`
	Action      string `json:"action"`
	RenamedFrom string `json:"renamedFrom,omitempty"`
	// Behavior is the predicted update: the worst of the changed
	// properties; a renamed resource is a replacement (new + deleted).
	Behavior cfnspec.Behavior `json:"behavior"`
	// ReplacedBecause names the create-only property paths that force a
	// replacement, or "cascade: <LogicalId>.<Attribute>" (update path).
	ReplacedBecause []string `json:"replacedBecause,omitempty"`
	Why             []string `json:"why,omitempty"`
	Changes         []Change `json:"changes,omitempty"`
	Risks           []string `json:"risks,omitempty"`
}

// Change is one changed value. For resources, Attribute is "Properties"
// (Path relative to Properties) or the resource attribute (DependsOn,
// Metadata, Condition, ...); for sections, the section name.
type Change struct {
	Attribute string             `json:"attribute"`
	Path      string             `json:"path"`
	Kind      string             `json:"kind"`
	Before    string             `json:"before,omitempty"`
	After     string             `json:"after,omitempty"`
	Update    cfnspec.UpdateType `json:"update,omitempty"`
	Behavior  cfnspec.Behavior   `json:"behavior"`
	// Cause is "cascade: <LogicalId>.<Attribute>" for a value that follows
	// a replaced resource.
	Cause string `json:"cause,omitempty"`
}

// IAMChange is a managed policy attached to or detached from a role, or an
// inline policy change.
type IAMChange struct {
	Role   string   `json:"role"`
	Change string   `json:"change"`
	Policy string   `json:"policy"`
	UsedBy []string `json:"usedBy,omitempty"`
}

// Build compares the documents and writes the report.
func Build(in Input, spec *cfnspec.Spec) *Report {
	src := spec.Source()
	r := &Report{
		Template: in.Name,
		Settings: in.Settings,
		Spec:     SpecSource{Package: src.Package, Version: src.Version},
		Warnings: append([]string{}, in.Warnings...),
		Risks:    []Risk{}, Parameters: []Parameter{}, Resources: []Resource{}, IAM: []IAMChange{}, Sections: []Change{},
	}
	sort.Strings(r.Warnings)
	if in.DeployedRender != nil {
		r.Render = CompareRenders(in.DeployedRender, in.After)
	}
	why := map[string][]string{}
	for _, c := range in.Changes {
		why[c.Resource] = append(why[c.Resource], c.Pass+": "+c.Detail)
	}
	used := map[string]bool{}

	r.Parameters = diffParameters(in.Before, in.After, why, used)
	plan := in.Plan
	if plan == nil {
		var err error
		plan, err = updatepath.Compute(context.Background(), updatepath.Input{Deployed: in.Before, New: in.After, Renamed: in.Renamed})
		if err != nil {
			r.Warnings = append(r.Warnings, "update path not computed: "+err.Error())
			plan = &updatepath.Plan{}
		}
	}
	for _, doc := range []map[string]any{in.Before, in.After} {
		for id := range template.Resources(doc) {
			used[id] = true
		}
	}
	r.Resources = resourcesFromPlan(in.After, plan, spec, why)
	if in.Plan != nil {
		r.Rollout, r.Outputs, r.Plan = &in.Plan.Rollout, in.Plan.Outputs, in.Plan
	}
	r.IAM = iamChanges(in.Before, in.After)
	for _, sec := range sectionNames(in.Before, in.After) {
		for _, d := range updatepath.Diff("", in.Before[sec], in.After[sec]) {
			r.Sections = append(r.Sections, toChange(sec, d))
		}
	}
	for _, c := range in.Changes {
		if !used[c.Resource] {
			r.OtherChanges = append(r.OtherChanges, c)
		}
	}
	r.Risks = risks(in, r, spec)
	byID := map[string]*Resource{}
	for i := range r.Resources {
		byID[r.Resources[i].LogicalID] = &r.Resources[i]
	}
	for _, k := range r.Risks {
		for _, id := range k.Resources {
			if res := byID[id]; res != nil {
				res.Risks = append(res.Risks, k.ID)
			}
		}
	}
	r.Summary = summarize(r, plan.Counts)
	r.Verdict = plan.Verdict
	r.Verdict.Outside = append([]updatepath.Step{}, plan.Verdict.Outside...)
	for _, s := range outsideSteps(r.Risks) {
		r.Verdict.AddStep(s)
	}
	return r
}

func summarize(r *Report, counts updatepath.Counts) Summary {
	s := Summary{Counts: counts}
	for _, res := range r.Resources {
		if res.Action == ActionKnockOn {
			s.KnockOn++
		}
		if res.Action == ActionModify || res.Action == ActionKnockOn {
			switch res.Behavior {
			case cfnspec.Replacement:
				s.Replacements++
			case cfnspec.SomeInterruption:
				s.SomeInterruption++
			}
		}
	}
	s.Replacements += counts.Renamed
	for _, p := range r.Parameters {
		if p.Action == ActionAdd {
			s.ParametersAdded++
		}
	}
	s.Risks = len(r.Risks)
	if r.Rollout != nil {
		s.Blockers = len(r.Rollout.Blockers)
	}
	return s
}

// sectionNames lists the top-level keys other than Resources and
// Parameters, sorted.
func sectionNames(a, b map[string]any) []string {
	set := map[string]bool{}
	for _, m := range []map[string]any{a, b} {
		for k := range m {
			if k != "Resources" && k != "Parameters" {
				set[k] = true
			}
		}
	}
	return sortedSet(set)
}

func diffParameters(before, after map[string]any, why map[string][]string, used map[string]bool) []Parameter {
	bp := template.Section(before, "Parameters")
	ap := template.Section(after, "Parameters")
	out := []Parameter{}
	for _, name := range template.SortedKeys(ap) {
		av := ap[name]
		bv, existed := bp[name]
		if existed && template.Equal(bv, av) {
			continue
		}
		p := Parameter{Name: name, Why: append(append([]string{}, why[name]...), why["Parameters."+name]...)}
		used[name] = true
		used["Parameters."+name] = true
		if m, ok := av.(map[string]any); ok {
			p.Type, _ = m["Type"].(string)
			if d, ok := m["Default"]; ok {
				p.Default = Short(d)
			}
			p.Description, _ = m["Description"].(string)
		}
		if existed {
			p.Action = ActionModify
			for _, d := range updatepath.Diff("", bv, av) {
				p.Changes = append(p.Changes, toChange("Parameters", d))
			}
		} else {
			p.Action = ActionAdd
		}
		out = append(out, p)
	}
	for _, name := range template.SortedKeys(bp) {
		if _, ok := ap[name]; !ok {
			used[name] = true
			out = append(out, Parameter{Name: name, Action: ActionRemove, Why: why[name]})
		}
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out
}

// resourcesFromPlan renders the plan's resources: the update path
// computed every change and its behaviour; the report adds the engine's
// reasons and shows a resource the engine renamed as one row (the plan's
// add of the new id and remove of the old one).
func resourcesFromPlan(after map[string]any, p *updatepath.Plan, spec *cfnspec.Spec, why map[string][]string) []Resource {
	out := []Resource{}
	renamedOld := map[string]bool{}
	for _, pr := range p.Resources {
		if pr.RenamedFrom != "" {
			renamedOld[pr.RenamedFrom] = true
		}
	}
	ar := template.Resources(after)
	for _, pr := range p.Resources {
		res := Resource{LogicalID: pr.LogicalID, Type: pr.Type, Why: why[pr.LogicalID],
			Behavior: planBehavior(pr.Behavior), ReplacedBecause: pr.ReplacedBecause}
		switch pr.Action {
		case updatepath.Remove:
			if renamedOld[pr.LogicalID] {
				continue // shown with the resource that takes it over
			}
			res.Action, res.Behavior = ActionRemove, cfnspec.None
		case updatepath.Add:
			if pr.RenamedFrom != "" {
				res.Action, res.RenamedFrom, res.Behavior = ActionRename, pr.RenamedFrom, cfnspec.Replacement
				res.Why = append(append([]string{}, why[pr.LogicalID]...), why[pr.RenamedFrom]...)
				res.Changes = changesFromPlan(pr, spec)
				break
			}
			res.Action, res.Behavior = ActionAdd, cfnspec.None
			a, _ := ar[pr.LogicalID].(map[string]any)
			props := template.Section(a, "Properties")
			for _, k := range template.SortedKeys(props) {
				res.Changes = append(res.Changes, Change{Attribute: "Properties", Path: k, Kind: "added", After: Short(props[k]), Behavior: cfnspec.None})
			}
			for _, k := range template.SortedKeys(a) {
				if k != "Type" && k != "Properties" {
					res.Changes = append(res.Changes, Change{Attribute: k, Path: k, Kind: "added", After: Short(a[k]), Behavior: cfnspec.None})
				}
			}
		default:
			res.Action = ActionModify
			res.Changes = changesFromPlan(pr, spec)
			if knockOn(pr) {
				res.Action = ActionKnockOn
				for _, c := range pr.Changes {
					res.Why = append(res.Why, "update path: "+c.Path+" follows "+strings.TrimPrefix(c.Cause, "cascade: "))
				}
			}
		}
		out = append(out, res)
	}
	for _, pr := range p.NoUpdate {
		out = append(out, Resource{LogicalID: pr.LogicalID, Type: pr.Type, Action: ActionNoUpdate, Behavior: cfnspec.None,
			Why: why[pr.LogicalID], Changes: changesFromPlan(pr, spec)})
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].LogicalID < out[j].LogicalID })
	return out
}

// knockOn reports a resource the update touches only because it follows
// a replaced one (every change has a cascade cause).
func knockOn(pr updatepath.Resource) bool {
	for _, c := range pr.Changes {
		if c.Cause == "" {
			return false
		}
	}
	return len(pr.Changes) > 0
}

// changesFromPlan renders a plan resource's changes: its values in short
// form, the specification's update type for a property.
func changesFromPlan(pr updatepath.Resource, spec *cfnspec.Spec) []Change {
	var out []Change
	for _, c := range pr.Changes {
		ch := Change{Attribute: c.Attribute, Path: c.Path, Kind: "changed", Behavior: planBehavior(c.Behavior), Cause: c.Cause}
		if c.Attribute == "" {
			ch.Attribute = "Properties"
			if u, ok := spec.Lookup(pr.Type, c.Path); ok {
				ch.Update = u
			}
		}
		if c.Cause == "" {
			ch.Kind = c.Value.Kind()
			if c.Value.HasBefore {
				ch.Before = Short(c.Value.Before)
			}
			if c.Value.HasAfter {
				ch.After = Short(c.Value.After)
			}
		} else {
			ch.After = "new value of " + strings.TrimPrefix(c.Cause, "cascade: ")
		}
		out = append(out, ch)
	}
	return out
}

func toChange(attr string, d updatepath.Delta) Change {
	c := Change{Attribute: attr, Path: d.Path, Kind: d.Kind()}
	if d.HasBefore {
		c.Before = Short(d.Before)
	}
	if d.HasAfter {
		c.After = Short(d.After)
	}
	return c
}

// roleRef classifies a function's Role value: the in-template AWS::IAM::Role
// it names, or external (a parameter, a literal ARN, an import, ...).
func roleRef(v any, resources map[string]any) (role string, external bool) {
	if v == nil {
		return "", false
	}
	id := ""
	if r, ok := template.Ref(v); ok {
		id = r
	} else if r, attr, ok := template.GetAtt(v); ok && attr == "Arn" {
		id = r
	}
	if id != "" {
		if m, ok := resources[id].(map[string]any); ok && m["Type"] == "AWS::IAM::Role" {
			return id, false
		}
	}
	if name, arg, ok := template.Intrinsic(v); ok && name == "Fn::If" {
		if l, ok := arg.([]any); ok && len(l) == 3 {
			r1, e1 := roleRef(l[1], resources)
			r2, e2 := roleRef(l[2], resources)
			if template.IsNoValue(l[1]) {
				return r2, e2
			}
			if template.IsNoValue(l[2]) {
				return r1, e1
			}
			if !e1 && !e2 && r1 == r2 {
				return r1, false
			}
		}
	}
	return Short(v), true
}

func isFunction(typ string) bool {
	return typ == "AWS::Lambda::Function" || typ == "AWS::Serverless::Function"
}

func iamChanges(before, after map[string]any) []IAMChange {
	br := template.Resources(before)
	ar := template.Resources(after)
	usedBy := map[string][]string{}
	for _, id := range template.SortedKeys(ar) {
		m, _ := ar[id].(map[string]any)
		typ, _ := m["Type"].(string)
		props := template.Section(m, "Properties")
		var ref any
		switch {
		case isFunction(typ):
			ref = props["Role"]
		case typ == "AWS::Synthetics::Canary":
			ref = props["ExecutionRoleArn"]
		default:
			continue
		}
		for _, role := range rolesIn(ref, ar) {
			usedBy[role] = append(usedBy[role], id)
		}
	}
	out := []IAMChange{}
	ids := map[string]bool{}
	for _, m := range []map[string]any{br, ar} {
		for id := range m {
			ids[id] = true
		}
	}
	for _, id := range sortedSet(ids) {
		a, _ := ar[id].(map[string]any)
		b, _ := br[id].(map[string]any)
		typ, _ := a["Type"].(string)
		if typ == "" {
			typ, _ = b["Type"].(string)
		}
		switch typ {
		case "AWS::IAM::Role":
			bp := template.Section(b, "Properties")
			ap := template.Section(a, "Properties")
			for _, c := range listDelta(bp["ManagedPolicyArns"], ap["ManagedPolicyArns"]) {
				c.Role = id
				c.UsedBy = usedBy[id]
				out = append(out, c)
			}
			for _, d := range updatepath.Diff("Policies", bp["Policies"], ap["Policies"]) {
				out = append(out, IAMChange{Role: id, Change: "inline policy " + d.Kind(), Policy: d.Path + ": " + Short(pick(d)), UsedBy: usedBy[id]})
			}
		case "AWS::Serverless::Function":
			bp := template.Section(b, "Properties")
			ap := template.Section(a, "Properties")
			for _, c := range listDelta(asList(bp["Policies"]), asList(ap["Policies"])) {
				c.Role = id + " (role SAM creates)"
				c.UsedBy = []string{id}
				out = append(out, c)
			}
		}
	}
	return out
}

func pick(d updatepath.Delta) any {
	if d.HasAfter {
		return d.After
	}
	return d.Before
}

func asList(v any) any {
	switch v.(type) {
	case nil, []any:
		return v
	}
	return []any{v}
}

// listDelta compares two policy lists by their short form.
func listDelta(before, after any) []IAMChange {
	if _, _, ok := template.Intrinsic(after); ok {
		if !template.Equal(before, after) {
			return []IAMChange{{Change: "changed", Policy: Short(after)}}
		}
		return nil
	}
	set := func(v any) map[string]bool {
		s := map[string]bool{}
		if l, ok := v.([]any); ok {
			for _, e := range l {
				s[Short(e)] = true
			}
		}
		return s
	}
	bs, as := set(before), set(after)
	var out []IAMChange
	for _, p := range sortedSet(as) {
		if !bs[p] {
			out = append(out, IAMChange{Change: "attached", Policy: p})
		}
	}
	for _, p := range sortedSet(bs) {
		if !as[p] {
			out = append(out, IAMChange{Change: "detached", Policy: p})
		}
	}
	return out
}

// rolesIn lists the in-template roles a value names anywhere (both
// branches of an Fn::If, for example), sorted.
func rolesIn(v any, resources map[string]any) []string {
	set := map[string]bool{}
	template.WalkReferences(v, func(_ []string, r template.Reference) {
		if r.Kind != template.ByRef && r.Kind != template.ByGetAtt {
			return
		}
		if m, ok := resources[r.Name].(map[string]any); ok && m["Type"] == "AWS::IAM::Role" {
			set[r.Name] = true
		}
	})
	return sortedSet(set)
}

func planBehavior(b string) cfnspec.Behavior {
	switch b {
	case updatepath.BehaviorNoInterruption:
		return cfnspec.NoInterruption
	case updatepath.BehaviorSomeInterruption:
		return cfnspec.SomeInterruption
	case updatepath.BehaviorReplacement:
		return cfnspec.Replacement
	}
	return cfnspec.None
}

func sortedSet(set map[string]bool) []string {
	out := make([]string, 0, len(set))
	for k := range set {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}
