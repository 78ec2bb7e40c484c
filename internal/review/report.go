// Package review tells a reviewer what enabling Private Endpoints does to a
// stack: resource by resource, each changed property with its value before
// and after and the update behaviour CloudFormation's resource specification
// predicts, new parameters, renamed logical ids, IAM changes and the risks
// that apply. It can also annotate the changeset CloudFormation computed
// (describe-change-set JSON) with why the macro made each change.
package review

import (
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
)

// Report is the whole review. Its JSON form is the --format json output.
type Report struct {
	Template   string            `json:"template"`
	Settings   map[string]string `json:"settings,omitempty"`
	Spec       SpecSource        `json:"spec"`
	Summary    Summary           `json:"summary"`
	Risks      []Risk            `json:"risks"`
	Parameters []Parameter       `json:"parameters"`
	Resources  []Resource        `json:"resources"`
	IAM        []IAMChange       `json:"iam"`
	Sections   []Change          `json:"sections"`
	// OtherChanges are engine changes that name no resource or parameter.
	OtherChanges []EngineChange   `json:"otherChanges,omitempty"`
	Warnings     []string         `json:"warnings"`
	ChangeSet    *ChangeSetReview `json:"changeSet,omitempty"`
	// Rollout and Outputs are the update path's (Input.Plan).
	Rollout *updatepath.Rollout `json:"rollout,omitempty"`
	Outputs []updatepath.Output `json:"outputs,omitempty"`
}

// SpecSource says where the update behaviours come from.
type SpecSource struct {
	Package string `json:"package"`
	Version string `json:"version"`
}

// Summary counts what the report lists.
type Summary struct {
	Added            int `json:"added"`
	Modified         int `json:"modified"`
	Renamed          int `json:"renamed"`
	Removed          int `json:"removed"`
	Replacements     int `json:"replacements"`
	SomeInterruption int `json:"someInterruption"`
	ParametersAdded  int `json:"parametersAdded"`
	Risks            int `json:"risks"`
	// KnockOn counts the resources the update touches that the engine did
	// not change (update path).
	KnockOn int `json:"knockOn,omitempty"`
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
	why := map[string][]string{}
	for _, c := range in.Changes {
		why[c.Resource] = append(why[c.Resource], c.Pass+": "+c.Detail)
	}
	used := map[string]bool{}

	r.Parameters = diffParameters(in.Before, in.After, why, used)
	r.Resources = diffResources(in.Before, in.After, in.Renamed, spec, why, used)
	applyPlan(r, in.Plan)
	r.IAM = iamChanges(in.Before, in.After)
	for _, sec := range sectionNames(in.Before, in.After) {
		for _, d := range Diff("", in.Before[sec], in.After[sec]) {
			r.Sections = append(r.Sections, toChange(sec, d, "", spec))
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
	r.Summary = summarize(r)
	return r
}

func summarize(r *Report) Summary {
	var s Summary
	for _, res := range r.Resources {
		switch res.Action {
		case ActionAdd:
			s.Added++
		case ActionModify:
			s.Modified++
		case ActionRename:
			s.Renamed++
		case ActionRemove:
			s.Removed++
		}
		if res.Action == ActionKnockOn {
			s.KnockOn++
		}
		if res.Action == ActionModify || res.Action == ActionRename || res.Action == ActionKnockOn {
			switch res.Behavior {
			case cfnspec.Replacement:
				s.Replacements++
			case cfnspec.SomeInterruption:
				s.SomeInterruption++
			}
		}
	}
	for _, p := range r.Parameters {
		if p.Action == ActionAdd {
			s.ParametersAdded++
		}
	}
	s.Risks = len(r.Risks)
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
		if existed && equal(bv, av) {
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
			for _, d := range Diff("", bv, av) {
				p.Changes = append(p.Changes, toChange("Parameters", d, "", nil))
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

// resourceAttributes are the keys of a resource besides Type and Properties.
func attributeBehavior(attr string) cfnspec.Behavior {
	switch attr {
	case "DependsOn", "DeletionPolicy", "UpdateReplacePolicy", "UpdatePolicy", "CreationPolicy":
		return cfnspec.None
	case "Metadata":
		return cfnspec.NoInterruption
	}
	return cfnspec.Unknown
}

func diffResources(before, after map[string]any, renamed map[string]string, spec *cfnspec.Spec, why map[string][]string, used map[string]bool) []Resource {
	br := template.Resources(before)
	ar := template.Resources(after)
	var removed []string
	out := []Resource{}
	for _, id := range template.SortedKeys(br) {
		if _, ok := ar[id]; !ok {
			removed = append(removed, id)
		}
	}
	renamedTo := map[string]string{}
	for old, nu := range renamed {
		if _, gone := br[old]; gone && ar[nu] != nil && br[nu] == nil {
			renamedTo[old] = nu
		}
	}
	renamedFrom := map[string]string{}
	for old, nu := range renamedTo {
		renamedFrom[nu] = old
	}

	for _, id := range template.SortedKeys(ar) {
		a, _ := ar[id].(map[string]any)
		typ, _ := a["Type"].(string)
		res := Resource{LogicalID: id, Type: typ}
		var b map[string]any
		if old, ok := renamedFrom[id]; ok {
			res.Action, res.RenamedFrom = ActionRename, old
			b, _ = br[old].(map[string]any)
			res.Why = append(append(res.Why, why[id]...), why[old]...)
			used[old] = true
		} else if bv, ok := br[id]; ok {
			res.Action = ActionModify
			b, _ = bv.(map[string]any)
			res.Why = why[id]
		} else {
			res.Action = ActionAdd
			res.Why = why[id]
			res.Behavior = cfnspec.None
			for _, k := range template.SortedKeys(template.Section(a, "Properties")) {
				res.Changes = append(res.Changes, Change{Attribute: "Properties", Path: k, Kind: "added",
					After: Short(template.Section(a, "Properties")[k]), Behavior: cfnspec.None})
			}
			for _, k := range template.SortedKeys(a) {
				if k != "Type" && k != "Properties" {
					res.Changes = append(res.Changes, Change{Attribute: k, Path: k, Kind: "added", After: Short(normalizeAttr(k, a[k])), Behavior: cfnspec.None})
				}
			}
			used[id] = true
			out = append(out, res)
			continue
		}
		used[id] = true
		res.Changes, res.Behavior = resourceChanges(b, a, typ, spec)
		if res.Action == ActionRename {
			res.Behavior = cfnspec.Replacement
		}
		if res.Action == ActionModify && len(res.Changes) == 0 {
			continue
		}
		out = append(out, res)
	}
	for _, id := range removed {
		if _, ok := renamedTo[id]; ok {
			continue
		}
		b, _ := br[id].(map[string]any)
		typ, _ := b["Type"].(string)
		used[id] = true
		out = append(out, Resource{LogicalID: id, Type: typ, Action: ActionRemove, Behavior: cfnspec.None, Why: why[id]})
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].LogicalID < out[j].LogicalID })
	return out
}

// resourceChanges diffs one resource and returns the worst behaviour.
func resourceChanges(b, a map[string]any, typ string, spec *cfnspec.Spec) ([]Change, cfnspec.Behavior) {
	var out []Change
	worst := cfnspec.None
	btyp, _ := b["Type"].(string)
	if btyp != typ {
		out = append(out, Change{Attribute: "Type", Path: "Type", Kind: "changed", Before: btyp, After: typ, Behavior: cfnspec.Replacement})
		worst = cfnspec.Replacement
	}
	for _, d := range Diff("", b["Properties"], a["Properties"]) {
		c := toChange("Properties", d, typ, spec)
		out = append(out, c)
		worst = max(worst, c.Behavior)
	}
	attrs := map[string]bool{}
	for _, m := range []map[string]any{a, b} {
		for k := range m {
			if k != "Type" && k != "Properties" {
				attrs[k] = true
			}
		}
	}
	for _, k := range sortedSet(attrs) {
		bv, inB := b[k]
		av, inA := a[k]
		var ds []Delta
		switch {
		case inA && inB:
			ds = Diff(k, normalizeAttr(k, bv), normalizeAttr(k, av))
		case inA:
			ds = []Delta{{Path: k, After: normalizeAttr(k, av), HasAfter: true}}
		default:
			ds = []Delta{{Path: k, Before: normalizeAttr(k, bv), HasBefore: true}}
		}
		for _, d := range ds {
			c := toChange(k, d, typ, nil)
			c.Behavior = attributeBehavior(k)
			out = append(out, c)
			worst = max(worst, c.Behavior)
		}
	}
	return out, worst
}

// normalizeAttr turns a DependsOn string into a one-item list, so adding
// a dependency shows as one added item.
func normalizeAttr(k string, v any) any {
	if s, ok := v.(string); ok && k == "DependsOn" {
		return []any{s}
	}
	return v
}

func toChange(attr string, d Delta, typ string, spec *cfnspec.Spec) Change {
	c := Change{Attribute: attr, Path: d.Path, Kind: d.Kind()}
	if d.HasBefore {
		c.Before = Short(d.Before)
	}
	if d.HasAfter {
		c.After = Short(d.After)
	}
	if spec != nil && attr == "Properties" {
		if u, ok := spec.Lookup(typ, d.Path); ok {
			c.Update = u
			c.Behavior = u.Behavior()
		}
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
			for _, d := range Diff("Policies", bp["Policies"], ap["Policies"]) {
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

func pick(d Delta) any {
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
		if !equal(before, after) {
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
	var walk func(any)
	walk = func(v any) {
		id := ""
		if r, ok := template.Ref(v); ok {
			id = r
		} else if r, _, ok := template.GetAtt(v); ok {
			id = r
		}
		if id != "" {
			if m, ok := resources[id].(map[string]any); ok && m["Type"] == "AWS::IAM::Role" {
				set[id] = true
			}
			return
		}
		switch t := v.(type) {
		case map[string]any:
			for _, k := range template.SortedKeys(t) {
				walk(t[k])
			}
		case []any:
			for _, e := range t {
				walk(e)
			}
		}
	}
	walk(v)
	return sortedSet(set)
}

// applyPlan merges the update path into the resource list: each resource's
// behaviour becomes the worse of the engine diff's and the plan's, with the
// plan's replacement reasons, and the knock-on resources (touched by the
// update, not by the engine) are added.
func applyPlan(r *Report, p *updatepath.Plan) {
	if p == nil {
		return
	}
	r.Rollout, r.Outputs = &p.Rollout, p.Outputs
	byID := map[string]*Resource{}
	for i := range r.Resources {
		byID[r.Resources[i].LogicalID] = &r.Resources[i]
	}
	for _, pr := range p.Resources {
		if pr.Action == updatepath.Add || pr.Action == updatepath.Remove {
			continue
		}
		b := planBehavior(pr.Behavior)
		if res := byID[pr.LogicalID]; res != nil {
			if res.Action == ActionModify {
				res.Behavior = max(res.Behavior, b)
				res.ReplacedBecause = pr.ReplacedBecause
			}
			continue
		}
		if b <= cfnspec.None {
			continue
		}
		var why []string
		for _, c := range pr.Changes {
			if c.Cause != "" {
				why = append(why, "update path: "+c.Path+" follows "+strings.TrimPrefix(c.Cause, "cascade: "))
			}
		}
		r.Resources = append(r.Resources, Resource{LogicalID: pr.LogicalID, Type: pr.Type, Action: ActionKnockOn,
			Behavior: b, ReplacedBecause: pr.ReplacedBecause, Why: why})
	}
	sort.SliceStable(r.Resources, func(i, j int) bool { return r.Resources[i].LogicalID < r.Resources[j].LogicalID })
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
