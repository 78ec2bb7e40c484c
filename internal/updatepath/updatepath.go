// Package updatepath computes what a CloudFormation stack update does: for
// each resource its action (add, modify with or without interruption,
// replace, remove) and why, the knock-on replacements to a fixed point, the
// order (waves from the dependency graph, then the cleanup phase), and the
// rollback from a failure at every point, with whether each rollback step
// is possible. Constraint rules (rule_*.go, ids QPE-UP-nnn) name what
// blocks an update or its rollback, with the recovery.
//
// The facts behind the model are CloudFormation's documented update
// behaviour; create-only properties come from internal/cfnspec.
package updatepath

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/quiltdata/quilt-private-endpoints/internal/cfnspec"
	"github.com/quiltdata/quilt-private-endpoints/internal/finding"
	"github.com/quiltdata/quilt-private-endpoints/internal/preflightcontract"
	"github.com/quiltdata/quilt-private-endpoints/internal/template"
)

// Input is one update: the deployed template with its parameter values and
// the new template with the values the update passes.
type Input struct {
	Deployed, New map[string]any
	// DeployedParams are the stack's parameter values; NewParams those of
	// the update. A parameter missing from NewParams keeps its deployed
	// value (UsePreviousValue), else its Default.
	DeployedParams, NewParams map[string]string
	// Partition defaults to "aws"; Region and AccountID resolve pseudo
	// parameters when set.
	Partition, Region, AccountID string
	// StackName resolves AWS::StackName (export names), when known.
	StackName string
	// ImportedExports maps an export name to the stacks importing it (from
	// ListImports). Nil means unknown.
	ImportedExports map[string][]string
	// Today is the date the Lambda runtime dates are compared with; zero
	// means time.Now.
	Today time.Time
	// RollbackTolerant lists custom resource types whose handler answers
	// SUCCESS to a rollback Update; nil means DefaultRollbackTolerant().
	RollbackTolerant []string
	// DNSMoved says the host names already resolve to the internal load
	// balancer (qpe enable checked DNS); otherwise they resolve to the load
	// balancer the deployed template's outputs name.
	DNSMoved bool
	// Renamed maps a deployed logical id to the new id the engine gave the
	// same resource (transform.Result.Renamed). CloudFormation still adds
	// the new id and removes the old one; the added resource carries
	// RenamedFrom and its changes against the old one.
	Renamed map[string]string
	// NewAsGiven is the new template as the user gives it, with its
	// Transform section, when New is the engine's render of it (qpe review):
	// QPE-UP-011 reads it to tell whether the template, deployed as given,
	// keeps the macro. Nil means New as given.
	NewAsGiven map[string]any
	// Leaving says the update is the deliberate return of a deployed render
	// to its original template without the QuiltPrivateEndpoints Transform
	// (qpe disable): QPE-UP-011, which warns of that update made by
	// mistake, is not raised.
	Leaving bool
	// Baseline, when set, is the same update without the macro: its plan
	// marks the findings Quilt's release has on its own (Blocker.Inherent,
	// Rollout.Baseline).
	Baseline *Baseline
}

// DefaultRollbackTolerant are the custom resource types known to answer
// SUCCESS when CloudFormation rolls them back: the Private Endpoints
// preflight (internal/preflightresource detects UPDATE_ROLLBACK_IN_PROGRESS).
func DefaultRollbackTolerant() []string { return []string{preflightcontract.Type} }

// Action is what the update does to a resource.
type Action string

// Actions.
const (
	Add     Action = "add"
	Modify  Action = "modify"
	Replace Action = "replace"
	Remove  Action = "remove"
)

// Behaviors, as the JSON names them.
const (
	BehaviorNone             = "none"
	BehaviorNoInterruption   = "no interruption"
	BehaviorSomeInterruption = "some interruption"
	BehaviorReplacement      = "replacement"
)

// Plan is the computed update.
type Plan struct {
	// Verdict is what a report says first (the JSON's first object).
	Verdict Decision `json:"verdict"`
	// Counts are the plan's counts, the ones every report prints.
	Counts Counts `json:"counts"`
	// Resources are the resources the update touches, knock-on ones
	// included, by logical id (a change of DependsOn or of a deletion or
	// update policy alone is no update and is listed in NoUpdate).
	Resources []Resource `json:"resources"`
	// NoUpdate are the resources whose only change is DependsOn or a
	// deletion or update policy: CloudFormation updates nothing (they wait
	// for another resource, the preflight for example).
	NoUpdate []Resource `json:"noUpdate,omitempty"`
	// Outputs are the outputs whose value changes, appears or goes.
	Outputs []Output `json:"outputs,omitempty"`
	Rollout Rollout  `json:"rollout"`
}

// Counts are what the update does, resource by resource: each touched
// resource is counted once, by its action.
type Counts struct {
	Added    int `json:"added"`
	Modified int `json:"modified"`
	Replaced int `json:"replaced"`
	Removed  int `json:"removed"`
	// Renamed counts the added resources that take over a removed one
	// under a new logical id (Input.Renamed): each is one added and one
	// removed.
	Renamed int `json:"renamed"`
	// NoUpdate counts Plan.NoUpdate; WaitsForPreflight those of them that
	// gain a DependsOn on the preflight custom resource.
	NoUpdate          int `json:"noUpdate"`
	WaitsForPreflight int `json:"waitsForPreflight"`
}

// Resource is one touched resource.
type Resource struct {
	LogicalID string `json:"logicalId"`
	Type      string `json:"type"`
	Action    Action `json:"action"`
	// RenamedFrom is the removed logical id an added resource takes over
	// (Input.Renamed); its Changes are then against that resource.
	RenamedFrom string `json:"renamedFrom,omitempty"`
	Behavior    string `json:"behavior"`
	// ReplacedBecause names the create-only property paths that force the
	// replacement, or "cascade: <LogicalId>.<Attribute>".
	ReplacedBecause []string `json:"replacedBecause,omitempty"`
	// Changes are the changed property paths with their behaviour.
	Changes []Change `json:"changes,omitempty"`
	// Wave is the resource's wave in Rollout.Waves (-1: cleanup only).
	Wave int `json:"wave"`
}

// Change is one changed property path, or a resource attribute (Type,
// Metadata, DependsOn, DeletionPolicy, UpdateReplacePolicy, UpdatePolicy).
type Change struct {
	Path     string `json:"path"`
	Behavior string `json:"behavior"`
	// Cause is "cascade: <Id>.<Attr>" for a knock-on change.
	Cause string `json:"cause,omitempty"`
	// Attribute names the resource attribute the change is to, "" for a
	// property.
	Attribute string `json:"attribute,omitempty"`
	// Value is the change's values, resolved (parameters, conditions,
	// mappings); for the reports that render them.
	Value Delta `json:"-"`
}

// Output is an output whose value changes.
type Output struct {
	Name   string `json:"name"`
	Export string `json:"export,omitempty"`
	Change string `json:"change"` // "added", "removed", "changed"
	// Because names the replaced resources it follows (cascade), if any.
	Because []string `json:"because,omitempty"`
}

// Rollout is the order of the update and what happens when it fails.
type Rollout struct {
	// Waves are the resources changed in parallel, in order.
	Waves [][]string `json:"waves"`
	// Cleanup are deleted after success: old copies of replaced resources
	// and removed resources.
	Cleanup []string `json:"cleanup"`
	// RollbackSafe is true only when a failure at any point rolls back
	// cleanly.
	RollbackSafe bool `json:"rollbackSafe"`
	// Blockers are what makes the update or its rollback fail.
	Blockers []Blocker `json:"blockers"`
	// Warnings are findings that do not block (an export whose value
	// changes when no importer is known, ...).
	Warnings []Blocker `json:"warnings,omitempty"`
	// Rollback is each changed resource's rollback step.
	Rollback []RollbackStep `json:"rollback"`
	// Failures are the failure points: a failure in each wave, and at the
	// stack level after the last wave (an export in use, a cancelled
	// update) when an export changes or a rollback step is impossible.
	Failures []FailurePoint `json:"failures"`
	// Availability is who can reach which entry point at each point of the
	// update.
	Availability Availability `json:"availability"`
	// Baseline says which blockers the same update without the macro has
	// too (Input.Baseline); nil when it was not planned.
	Baseline *BaselineSummary `json:"baseline,omitempty"`
}

// Blocker is a finding that blocks the update or its rollback.
type Blocker struct {
	ID       string `json:"id"`
	Resource string `json:"resource"`
	Detail   string `json:"detail"`
	Recovery string `json:"recovery"`
	// Inherent says the same update without the macro has this finding
	// too (Input.Baseline): it is Quilt's release's, not Private Endpoints'.
	Inherent bool `json:"inherent,omitempty"`
}

// RollbackStep is what CloudFormation does to a changed resource when the
// update rolls back.
type RollbackStep struct {
	Resource string `json:"resource"`
	// Step: "delete the added resource", "delete the new copy", "update
	// with the old properties".
	Step     string `json:"step"`
	Possible bool   `json:"possible"`
	// Rule and Why say why a step is impossible.
	Rule string `json:"rule,omitempty"`
	Why  string `json:"why,omitempty"`
	// RefusedInFlight says why the step fails when the failure comes while
	// the resource is still updating (a sibling of its wave fails): it is
	// stuck at that failure point only.
	RefusedInFlight string `json:"refusedInFlight,omitempty"`
}

// FailurePoint is a failure and the rollback it starts.
type FailurePoint struct {
	// Wave is the failing wave (len(Waves) for the stack-level failure).
	Wave int    `json:"wave"`
	At   string `json:"at"`
	// RolledBack counts the resources the rollback returns; Stuck lists
	// those whose step is impossible.
	RolledBack int      `json:"rolledBack"`
	Stuck      []string `json:"stuck,omitempty"`
	Clean      bool     `json:"clean"`
}

// resolved is one resource of one side, its values resolved.
type resolved struct {
	ID, Type string
	Props    map[string]any
	Attrs    map[string]any // DependsOn, Metadata, policies
	Refs     []ref          // references to resources, in Props
	Deps     []string       // Refs targets and DependsOn, sorted, unique
	raw      map[string]any // the template's resource object
}

// side is one template, evaluated.
type side struct {
	ev        *evaluator
	resources map[string]*resolved
	outputs   map[string]outputValue
}

type outputValue struct {
	Value  any
	Export string // resolved export name ("" when none or unresolvable)
	Refs   []ref
}

// evaluate resolves one template. With prev (the deployed side), a
// resource the new template shares with the deployed one (the same object,
// as the engine's output shares what it did not change) that reads no
// parameter, condition, mapping or id resolving differently on the two sides
// reuses the deployed resolution.
func evaluate(doc map[string]any, values map[string]string, pseudo map[string]string, prev *side) *side {
	ev := newEvaluator(doc, values, pseudo)
	s := &side{ev: ev, resources: map[string]*resolved{}, outputs: map[string]outputValue{}}
	var differ *differences
	if prev != nil {
		differ = newDifferences(prev.ev, ev)
	}
	for id, r := range template.Resources(doc) {
		m, _ := r.(map[string]any)
		if m == nil || !ev.present(m) {
			continue
		}
		if differ != nil {
			if pr := prev.resources[id]; pr != nil && template.SameObject(pr.raw, m) && !differ.reads(m) {
				cp := *pr
				cp.Deps = slices.Clone(pr.Deps)
				s.resources[id] = &cp
				continue
			}
		}
		typ, _ := m["Type"].(string)
		var pr *resolved
		if differ != nil {
			pr = prev.resources[id]
		}
		res := &resolved{ID: id, Type: typ, Attrs: map[string]any{}, raw: m}
		res.Props, res.Refs = resolveProps(ev, template.Section(m, "Properties"), pr, differ)
		for _, k := range []string{"Metadata", "UpdatePolicy", "DeletionPolicy", "UpdateReplacePolicy", "DependsOn"} {
			if v, ok := m[k]; ok {
				res.Attrs[k] = ev.resolve(v)
			}
		}
		sortRefs(res.Refs)
		deps := map[string]bool{}
		for _, rf := range res.Refs {
			deps[rf.Target] = true
		}
		dependsOn, _ := template.DependsOn(m)
		for _, d := range dependsOn {
			if ev.isResource(d) {
				deps[d] = true
			}
		}
		delete(deps, id)
		for d := range deps {
			res.Deps = append(res.Deps, d)
		}
		sort.Strings(res.Deps)
		s.resources[id] = res
	}
	// A dependency on a resource whose condition is false is dropped.
	for _, r := range s.resources {
		r.Deps = slices.DeleteFunc(r.Deps, func(d string) bool { return s.resources[d] == nil })
	}
	for name, o := range template.Section(doc, "Outputs") {
		m, _ := o.(map[string]any)
		if m == nil || !ev.present(m) {
			continue
		}
		ov := outputValue{Value: ev.resolve(m["Value"])}
		if ex, ok := m["Export"].(map[string]any); ok {
			ov.Export = exportName(ev.resolve(ex["Name"]))
		}
		ev.refs(ov.Value, "", &ov.Refs)
		sortRefs(ov.Refs)
		s.outputs[name] = ov
	}
	return s
}

// resolveProps resolves a resource's properties and lists their
// references. A property whose value the deployed resource pr shares (the
// same object or scalar) and that reads nothing resolving differently
// reuses the deployed resolution and references.
func resolveProps(ev *evaluator, raw map[string]any, pr *resolved, differ *differences) (map[string]any, []ref) {
	var refs []ref
	if pr == nil || raw == nil || isIntrinsic(raw) {
		props, _ := ev.resolve(raw).(map[string]any)
		if props == nil {
			props = map[string]any{}
		}
		ev.refs(props, "", &refs)
		return props, refs
	}
	oldRaw := template.Section(pr.raw, "Properties")
	props := make(map[string]any, len(raw))
	shared := map[string]bool{}
	for k, v := range raw {
		if ov, ok := oldRaw[k]; ok && identical(ov, v) && !differ.reads(v) {
			shared[k] = true
			if rv, ok := pr.Props[k]; ok {
				props[k] = rv
			}
			continue
		}
		if r := ev.resolve(v); r != noValue {
			props[k] = r
			ev.refs(r, k, &refs)
		}
	}
	for _, rf := range pr.Refs {
		if shared[topKey(rf.Path)] {
			refs = append(refs, rf)
		}
	}
	return props, refs
}

// topKey is the property a path starts with.
func topKey(path string) string {
	if i := strings.IndexAny(path, ".["); i >= 0 {
		return path[:i]
	}
	return path
}

func pseudoParams(in Input) map[string]string {
	p := map[string]string{"AWS::Partition": in.Partition}
	if p["AWS::Partition"] == "" {
		p["AWS::Partition"] = "aws"
	}
	switch p["AWS::Partition"] {
	case "aws-cn":
		p["AWS::URLSuffix"] = "amazonaws.com.cn"
	default:
		p["AWS::URLSuffix"] = "amazonaws.com"
	}
	if in.Region != "" {
		p["AWS::Region"] = in.Region
	}
	if in.AccountID != "" {
		p["AWS::AccountId"] = in.AccountID
	}
	if in.StackName != "" {
		p["AWS::StackName"] = in.StackName
	}
	return p
}

// model is the state of one computation, shared with the rules.
type model struct {
	in        Input
	spec      *cfnspec.Spec
	old, new  *side
	res       map[string]*Resource
	waveOf    map[string]int
	waves     [][]string
	outputs   []Output
	today     time.Time
	stackWide bool // an export changes: the stack can fail at its end
	// beforeState is the availability model's state before the update.
	beforeState *state
	// base is the plan of the same update without the macro (Input.Baseline).
	base *Plan
}

// Compute computes the plan of an update. It fails only on a template
// CloudFormation refuses (a *TemplateError: a resource that is not an
// object or has no Type, a DependsOn on an unknown resource, a dependency
// cycle), or when ctx is done.
func Compute(ctx context.Context, in Input) (*Plan, error) {
	return computeShared(ctx, in, true)
}

// computeShared is Compute; with share false, the new template is resolved
// without reusing the deployed side's resolution of the resources and
// properties it shares (evaluate), which must not change the plan
// (TestShareShortcut, FuzzShareShortcut).
func computeShared(ctx context.Context, in Input, share bool) (*Plan, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if err := validate("deployed", in.Deployed); err != nil {
		return nil, err
	}
	if err := validate("new", in.New); err != nil {
		return nil, err
	}
	newValues := map[string]string{}
	for k, v := range in.DeployedParams {
		newValues[k] = v
	}
	for k, v := range in.NewParams {
		newValues[k] = v
	}
	pseudo := pseudoParams(in)
	m := &model{
		in:    in,
		spec:  cfnspec.Default(),
		res:   map[string]*Resource{},
		today: in.Today,
	}
	m.old = evaluate(in.Deployed, in.DeployedParams, pseudo, nil)
	prev := m.old
	if !share {
		prev = nil
	}
	m.new = evaluate(in.New, newValues, pseudo, prev)
	if err := acyclic("deployed", m.old); err != nil {
		return nil, err
	}
	if err := acyclic("new", m.new); err != nil {
		return nil, err
	}
	if m.today.IsZero() {
		m.today = time.Now().UTC()
	}
	if m.in.RollbackTolerant == nil {
		m.in.RollbackTolerant = DefaultRollbackTolerant()
	}
	bin := m.in
	bin.Today = m.today
	base, err := computeBaseline(ctx, bin)
	if err != nil {
		return nil, err
	}
	m.base = base
	m.actions()
	m.cascade()
	m.diffOutputs()
	m.order()
	return m.plan(), nil
}

// actions sets each resource's own action from the two templates.
func (m *model) actions() {
	for id, n := range m.new.resources {
		o, ok := m.old.resources[id]
		if !ok {
			m.res[id] = &Resource{LogicalID: id, Type: n.Type, Action: Add, Behavior: BehaviorNone}
			continue
		}
		r := &Resource{LogicalID: id, Type: n.Type, Action: Modify, Behavior: BehaviorNone}
		if template.SameObject(o.raw, n.raw) && template.Equal(o.Props, n.Props) {
			continue // shared and resolved alike (evaluate)
		}
		r.Changes = m.changes(o, n)
		if len(r.Changes) == 0 {
			continue
		}
		m.settle(r)
		m.res[id] = r
	}
	for id, o := range m.old.resources {
		if _, ok := m.new.resources[id]; !ok {
			m.res[id] = &Resource{LogicalID: id, Type: o.Type, Action: Remove, Behavior: BehaviorNone, Wave: -1}
		}
	}
	for old, nu := range m.in.Renamed {
		o, r := m.old.resources[old], m.res[nu]
		if o == nil || r == nil || r.Action != Add || m.new.resources[old] != nil {
			continue
		}
		r.RenamedFrom, r.Changes = old, m.changes(o, m.new.resources[nu])
	}
}

// changes diffs one resource's two sides: its properties with the
// behaviour cfnspec gives each path, then its attributes.
func (m *model) changes(o, n *resolved) []Change {
	var out []Change
	if o.Type != n.Type {
		return []Change{{Path: "Type", Attribute: "Type", Behavior: BehaviorReplacement,
			Value: Delta{Path: "Type", Before: o.Type, After: n.Type, HasBefore: true, HasAfter: true}}}
	}
	var paths []diffPath
	diff(o.Props, n.Props, "", &paths)
	sortPaths(paths)
	for _, p := range paths {
		out = append(out, Change{Path: p.Path, Behavior: m.changeBehavior(n.Type, p), Value: p.Delta})
	}
	for _, k := range []string{"Metadata", "DependsOn", "DeletionPolicy", "UpdateReplacePolicy", "UpdatePolicy"} {
		ov, inO := o.Attrs[k]
		nv, inN := n.Attrs[k]
		if template.Equal(ov, nv) {
			continue
		}
		b := BehaviorNone
		if k == "Metadata" {
			b = BehaviorNoInterruption
		}
		out = append(out, Change{Path: k, Attribute: k, Behavior: b,
			Value: Delta{Path: k, Before: dependsList(k, ov), After: dependsList(k, nv), HasBefore: inO, HasAfter: inN}})
	}
	return out
}

// dependsList shows a DependsOn string as a one-item list, so that a
// change from one to two dependencies reads as a list change.
func dependsList(k string, v any) any {
	if s, ok := v.(string); ok && k == "DependsOn" {
		return []any{s}
	}
	return v
}

// settle sets a modified resource's action and behaviour from its changes.
func (m *model) settle(r *Resource) {
	worst := BehaviorNone
	r.ReplacedBecause = nil
	for _, c := range r.Changes {
		if rank(c.Behavior) > rank(worst) {
			worst = c.Behavior
		}
		if c.Behavior == BehaviorReplacement {
			why := c.Path
			if c.Cause != "" {
				why = c.Cause
			}
			if !slices.Contains(r.ReplacedBecause, why) {
				r.ReplacedBecause = append(r.ReplacedBecause, why)
			}
		}
	}
	r.Behavior = worst
	if worst == BehaviorReplacement {
		r.Action = Replace
	}
}

func rank(b string) int {
	switch b {
	case BehaviorNoInterruption:
		return 1
	case BehaviorSomeInterruption:
		return 2
	case BehaviorReplacement:
		return 3
	}
	return 0
}

// changeBehavior is the behaviour of one changed path: the worst of the
// path and, when one side lacks it, of every path under the value present
// (adding or removing a create-only property replaces).
func (m *model) changeBehavior(typ string, p diffPath) string {
	worst := m.pathBehavior(typ, p.Path)
	for _, sub := range p.Under {
		if b := m.pathBehavior(typ, sub); rank(b) > rank(worst) {
			worst = b
		}
	}
	return worst
}

// pathBehavior is cfnspec's behaviour of a property path. A path the
// specification does not list updates without interruption on a type it
// covers (a property it has not caught up with), and is taken as some
// interruption on a type it does not cover.
func (m *model) pathBehavior(typ, path string) string {
	switch m.spec.Behavior(typ, path) {
	case cfnspec.Replacement:
		return BehaviorReplacement
	case cfnspec.SomeInterruption:
		return BehaviorSomeInterruption
	case cfnspec.NoInterruption:
		return BehaviorNoInterruption
	}
	if m.spec.HasType(typ) {
		return BehaviorNoInterruption
	}
	return BehaviorSomeInterruption
}

// newPhysical reports whether the update gives a resource a new physical
// id and attribute values: replaced, or added under an id the deployed
// template did not have (its references changed already).
func (m *model) newPhysical(id string) bool {
	r := m.res[id]
	return r != nil && r.Action == Replace
}

// cascade marks every reference to a replaced resource as changed, to a
// fixed point: its new physical id and attributes reach each resource that
// Refs, GetAtts or Subs it.
func (m *model) cascade() {
	ids := make([]string, 0, len(m.new.resources))
	for id := range m.new.resources {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	for changed := true; changed; {
		changed = false
		for _, id := range ids {
			n := m.new.resources[id]
			o, existed := m.old.resources[id]
			if !existed || o.Type != n.Type {
				continue
			}
			r := m.res[id]
			if r != nil && r.Action == Replace {
				continue
			}
			for _, rf := range n.Refs {
				if !m.newPhysical(rf.Target) {
					continue
				}
				cause := "cascade: " + rf.Target + "." + rf.Attr
				if r == nil {
					r = &Resource{LogicalID: id, Type: n.Type, Action: Modify, Behavior: BehaviorNone}
					m.res[id] = r
				}
				if slices.ContainsFunc(r.Changes, func(c Change) bool { return c.Path == rf.Path && c.Cause == cause }) {
					continue
				}
				r.Changes = append(r.Changes, Change{Path: rf.Path, Behavior: m.pathBehavior(n.Type, rf.Path), Cause: cause})
				changed = true
			}
			if r != nil {
				before := r.Action
				m.settle(r)
				if r.Action != before {
					changed = true
				}
			}
		}
	}
}

// diffOutputs lists the outputs whose value changes.
func (m *model) diffOutputs() {
	names := map[string]bool{}
	for n := range m.old.outputs {
		names[n] = true
	}
	for n := range m.new.outputs {
		names[n] = true
	}
	for _, name := range sortedSet(names) {
		o, inOld := m.old.outputs[name]
		n, inNew := m.new.outputs[name]
		out := Output{Name: name, Export: n.Export}
		switch {
		case !inNew:
			out.Change, out.Export = "removed", o.Export
		case !inOld:
			out.Change = "added"
		default:
			for _, rf := range n.Refs {
				if m.newPhysical(rf.Target) && !slices.Contains(out.Because, rf.Target+"."+rf.Attr) {
					out.Because = append(out.Because, rf.Target+"."+rf.Attr)
				}
			}
			if template.Equal(o.Value, n.Value) && len(out.Because) == 0 && o.Export == n.Export {
				continue
			}
			out.Change = "changed"
		}
		m.outputs = append(m.outputs, out)
		if m.exportInUse(out) {
			m.stackWide = true
		}
	}
}

func sortedSet(s map[string]bool) []string {
	out := make([]string, 0, len(s))
	for k := range s {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// updated reports whether the update performs an update on the resource
// (a change other than DependsOn or the policies alone).
func (r *Resource) updated() bool {
	return r.Action != Modify || r.Behavior != BehaviorNone
}

// order computes the waves: a touched resource waits for every touched
// resource it depends on, directly or through untouched ones.
func (m *model) order() {
	depth := map[string]int{}
	visiting := map[string]bool{}
	var walk func(id string) int
	walk = func(id string) int {
		if d, ok := depth[id]; ok {
			return d
		}
		if visiting[id] {
			return 0 // a cycle: CloudFormation refuses the template anyway
		}
		visiting[id] = true
		d := 0
		for _, dep := range m.new.resources[id].Deps {
			dd := walk(dep)
			if r := m.res[dep]; r != nil && r.updated() {
				dd++
			}
			if dd > d {
				d = dd
			}
		}
		visiting[id] = false
		depth[id] = d
		return d
	}
	m.waveOf = map[string]int{}
	for _, id := range m.sortedIDs() {
		r := m.res[id]
		if r.Action == Remove {
			continue
		}
		if !r.updated() {
			r.Wave = -1
			continue
		}
		w := walk(id)
		m.waveOf[id] = w
		for len(m.waves) <= w {
			m.waves = append(m.waves, nil)
		}
		m.waves[w] = append(m.waves[w], id)
		r.Wave = w
	}
	// Compact empty waves (a chain through untouched resources only).
	var waves [][]string
	for _, w := range m.waves {
		if len(w) > 0 {
			waves = append(waves, w)
		}
	}
	m.waves = waves
	for i, w := range m.waves {
		for _, id := range w {
			m.waveOf[id] = i
			m.res[id].Wave = i
		}
	}
}

func (m *model) sortedIDs() []string {
	ids := make([]string, 0, len(m.res))
	for id := range m.res {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	return ids
}

// plan assembles the result: the rules, the rollback steps and the
// failure points.
func (m *model) plan() *Plan {
	p := &Plan{Resources: []Resource{}, Outputs: m.outputs}
	for _, id := range m.sortedIDs() {
		r := m.res[id]
		sort.SliceStable(r.Changes, func(i, j int) bool { return r.Changes[i].Path < r.Changes[j].Path })
		if !r.updated() {
			// Only DependsOn or a policy changed: no update.
			p.NoUpdate = append(p.NoUpdate, *r)
			p.Counts.NoUpdate++
			if m.waitsForPreflight(r) {
				p.Counts.WaitsForPreflight++
			}
			continue
		}
		p.Resources = append(p.Resources, *r)
		switch r.Action {
		case Add:
			p.Counts.Added++
			if r.RenamedFrom != "" {
				p.Counts.Renamed++
			}
		case Modify:
			p.Counts.Modified++
		case Replace:
			p.Counts.Replaced++
		case Remove:
			p.Counts.Removed++
		}
	}
	ro := &p.Rollout
	ro.Waves = m.waves
	if ro.Waves == nil {
		ro.Waves = [][]string{}
	}
	ro.Cleanup = []string{}
	for _, id := range m.sortedIDs() {
		if a := m.res[id].Action; a == Replace || a == Remove {
			ro.Cleanup = append(ro.Cleanup, id)
		}
	}
	ro.Rollback = []RollbackStep{}
	for _, w := range m.waves {
		for _, id := range w {
			ro.Rollback = append(ro.Rollback, m.rollbackStep(id))
		}
	}
	ro.Failures = []FailurePoint{}
	points := len(m.waves)
	if m.stackWide || anyImpossible(ro.Rollback) {
		points++ // the stack-level failure point rolls back every wave
	}
	ro.RollbackSafe = true
	for k := 0; k < points; k++ {
		fp := failAt(ro, k, "")
		if k == len(m.waves) && !m.stackWide {
			fp.At = "after the last wave (stack level: the update cancelled, or failed at its end)"
		}
		if !fp.Clean {
			ro.RollbackSafe = false
		}
		ro.Failures = append(ro.Failures, fp)
	}
	ro.Availability = m.availability()
	fs := rules().Run(m, nil)
	fs = finding.NewReport(fs).Findings
	ro.Blockers, ro.Warnings = []Blocker{}, nil
	for _, f := range fs {
		b := Blocker{ID: f.ID, Resource: f.Resource, Detail: f.Message, Recovery: f.Remedy}
		if f.Severity == finding.Error {
			ro.Blockers = append(ro.Blockers, b)
		} else {
			ro.Warnings = append(ro.Warnings, b)
		}
	}
	if m.base != nil {
		ro.Baseline = markInherent(ro, m.base, m.in.Renamed)
	}
	p.Verdict = m.verdict(p)
	return p
}

// waitsForPreflight reports whether a resource gains a DependsOn on a
// preflight custom resource (preflightcontract.Type).
func (m *model) waitsForPreflight(r *Resource) bool {
	o, n := m.old.resources[r.LogicalID], m.new.resources[r.LogicalID]
	if o == nil || n == nil {
		return false
	}
	had, _ := template.DependsOn(o.raw)
	now, _ := template.DependsOn(n.raw)
	for _, d := range now {
		if dr := m.new.resources[d]; dr != nil && dr.Type == preflightcontract.Type && !slices.Contains(had, d) {
			return true
		}
	}
	return false
}

// rollbackStep is the rollback of one changed resource, and whether a
// rollback constraint forbids it.
func (m *model) rollbackStep(id string) RollbackStep {
	r := m.res[id]
	st := RollbackStep{Resource: id, Possible: true}
	switch r.Action {
	case Add:
		st.Step = "delete the added resource"
	case Replace:
		st.Step = "delete the new copy"
	default:
		st.Step = "update with the old properties"
	}
	for _, rc := range rollbackConstraints {
		if why, bad := rc.blocks(m, id); bad {
			st.Possible, st.Rule, st.Why = false, rc.rule.ID, why
			break
		}
	}
	if why, bad := canaryInFlight(m, id); bad {
		st.RefusedInFlight = why
		if st.Possible {
			st.Rule = ruleCanaryInFlight.ID
		}
	}
	return st
}

// anyImpossible reports whether some changed resource's rollback step is
// impossible. Every such step is reached: besides a failure in a later
// wave, CloudFormation can fail the stack at its end (an export in use)
// and an operator can cancel the update (cancel-update-stack) after the
// resource changed, and either rolls back every changed resource.
func anyImpossible(steps []RollbackStep) bool {
	return slices.ContainsFunc(steps, func(s RollbackStep) bool { return !s.Possible })
}

// props returns a resource's resolved properties on one side (nil if absent).
func (s *side) props(id string) map[string]any {
	if r := s.resources[id]; r != nil {
		return r.Props
	}
	return nil
}

// exportName is a resolved export name, or its Fn::Sub text when it stays
// symbolic (AWS::StackName unknown).
func exportName(v any) string {
	switch t := v.(type) {
	case string:
		return t
	case map[string]any:
		if s, ok := t["Fn::Sub"].(string); ok {
			return s
		}
	}
	b, _ := json.Marshal(v)
	return string(b)
}

// failAt is the rollback from a failure in wave k (k == len(Waves): the
// stack-level failure after the last wave). Every resource of the earlier
// waves is rolled back, and the failing one's in-flight siblings, which may
// have completed; failing names the failing resource ("" for any).
func failAt(ro *Rollout, k int, failing string) FailurePoint {
	possible, inFlight := map[string]bool{}, map[string]bool{}
	for _, st := range ro.Rollback {
		possible[st.Resource] = st.Possible
		inFlight[st.Resource] = st.RefusedInFlight != ""
	}
	fp := FailurePoint{Wave: k}
	if k >= len(ro.Waves) {
		fp.At = "after the last wave (stack level: an export in use)"
	} else {
		fp.At = fmt.Sprintf("wave %d", k)
		if failing != "" {
			fp.At += " (" + failing + " fails)"
		}
	}
	add := func(id string) {
		fp.RolledBack++
		if !possible[id] {
			fp.Stuck = append(fp.Stuck, id)
		}
	}
	for i := 0; i < k && i < len(ro.Waves); i++ {
		for _, id := range ro.Waves[i] {
			add(id)
		}
	}
	if k < len(ro.Waves) {
		for _, id := range ro.Waves[k] {
			if id != failing && (failing != "" || len(ro.Waves[k]) > 1) {
				add(id)
				if possible[id] && inFlight[id] {
					fp.Stuck = append(fp.Stuck, id) // still updating when its sibling fails
				}
			}
		}
	}
	sort.Strings(fp.Stuck)
	fp.Clean = len(fp.Stuck) == 0
	return fp
}

// FailAt injects a failure of one resource of the plan's waves and returns
// the rollback it starts, with the resources whose rollback step is
// impossible.
func (p *Plan) FailAt(id string) (FailurePoint, bool) {
	for k, w := range p.Rollout.Waves {
		if slices.Contains(w, id) {
			return failAt(&p.Rollout, k, id), true
		}
	}
	return FailurePoint{}, false
}
