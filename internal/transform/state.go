package transform

import (
	"fmt"
	"slices"
	"sort"

	"github.com/quiltdata/quilt-private-endpoints/internal/awsid"
	"github.com/quiltdata/quilt-private-endpoints/internal/finding"
	"github.com/quiltdata/quilt-private-endpoints/internal/preflightcontract"
	"github.com/quiltdata/quilt-private-endpoints/internal/template"
)

// state is one run of the engine: the copy-on-write document and what the
// passes found and changed.
type state struct {
	req Request
	set Settings
	doc map[string]any // new top level (shallow copy of the input)
	res map[string]any // new Resources (shallow copy of the input's)
	ids []string       // sorted logical ids of res
	// byType indexes ids by resource type; nil when ids changed.
	byType map[string][]string
	own    map[string]bool
	sect   map[string]bool // top-level sections deep-copied

	changes  []Change
	warnings []finding.Finding
	excluded map[string]bool
	// pass is the pass running; bug a programming error it made (a kind
	// it reads but does not declare).
	pass *pass
	bug  error

	// results are the values passes hand to the passes after them, by
	// name (results.go: the table of results); read and written through
	// their keys only, which check the running pass's declarations.
	results map[result]any
}

func newState(req Request, set Settings, ids []string) *state {
	doc := make(map[string]any, len(req.Fragment))
	for k, v := range req.Fragment {
		doc[k] = v
	}
	in := template.Resources(req.Fragment)
	res := make(map[string]any, len(in)+2)
	for k, v := range in {
		res[k] = v
	}
	doc["Resources"] = res
	st := &state{
		req: req, set: set, doc: doc, res: res, ids: ids,
		own: map[string]bool{}, sect: map[string]bool{}, excluded: map[string]bool{},
		results: map[result]any{},
	}
	for _, id := range set.Exclude {
		st.excluded[id] = true
	}
	return st
}

// resource returns a resource for reading.
func (st *state) resource(id string) map[string]any {
	r, _ := st.res[id].(map[string]any)
	return r
}

// typeOf returns a resource's Type.
func (st *state) typeOf(id string) string {
	s, _ := st.resource(id)["Type"].(string)
	return s
}

// props returns a resource's Properties for reading (nil when absent).
func (st *state) props(id string) map[string]any {
	p, _ := st.resource(id)["Properties"].(map[string]any)
	return p
}

// ofType returns the sorted logical ids of resources of the given types.
func (st *state) ofType(types ...string) []string {
	if st.byType == nil {
		st.byType = map[string][]string{}
		for _, id := range st.ids {
			t := st.typeOf(id)
			st.byType[t] = append(st.byType[t], id)
		}
	}
	if len(types) == 1 {
		return st.byType[types[0]]
	}
	var out []string
	for _, t := range types {
		out = append(out, st.byType[t]...)
	}
	sort.Strings(out)
	return out
}

// of returns the sorted logical ids of the resources of the given types,
// which the running pass must declare in its kinds, less those the Exclude
// setting leaves alone.
func (st *state) of(types ...string) []string {
	var out []string
	for _, id := range st.declared(types) {
		if !st.excluded[id] {
			out = append(out, id)
		}
	}
	return out
}

// excludedOf returns the sorted logical ids of the resources of the given
// types (declared by the running pass) that the Exclude setting leaves alone.
func (st *state) excludedOf(types ...string) []string {
	var out []string
	for _, id := range st.declared(types) {
		if st.excluded[id] {
			out = append(out, id)
		}
	}
	return out
}

func (st *state) declared(types []string) []string {
	for _, t := range types {
		if st.pass == nil || !slices.Contains(st.pass.kinds, t) {
			name := "(none)"
			if st.pass != nil {
				name = st.pass.name
			}
			if st.bug == nil {
				st.bug = fmt.Errorf("transform: pass %s reads resources of type %s, which it does not declare in its kinds; this is a bug in QuiltPrivateEndpoints", name, t)
			}
			return nil
		}
	}
	return st.ofType(types...)
}

// edit returns a resource that the caller may modify: the resource and its
// Properties are copied one level deep. Passes replace property values;
// they never modify a nested map or list in place (copy it first).
func (st *state) edit(id string) map[string]any {
	if !st.own[id] {
		r := shallow(st.res[id].(map[string]any))
		if p, ok := r["Properties"].(map[string]any); ok {
			r["Properties"] = shallow(p)
		}
		st.res[id] = r
		st.own[id] = true
	}
	r, _ := st.res[id].(map[string]any)
	return r
}

// editProps returns a resource's Properties for modification, creating
// them when absent.
func (st *state) editProps(id string) map[string]any {
	r := st.edit(id)
	p, ok := r["Properties"].(map[string]any)
	if !ok {
		p = map[string]any{}
		r["Properties"] = p
	}
	return p
}

// put stores a resource value built by a copy-on-write rewrite.
func (st *state) put(id string, v any) {
	st.res[id] = v
	st.own[id] = false
}

// add adds a new resource the engine built.
func (st *state) add(id string, r map[string]any) {
	if _, exists := st.res[id]; !exists {
		st.ids = insertSorted(st.ids, id)
		st.byType = nil
	}
	st.res[id] = r
	st.own[id] = true
}

// section returns a top-level section for modification, creating it.
func (st *state) section(name string) map[string]any {
	if !st.sect[name] {
		m, ok := template.Clone(st.doc[name]).(map[string]any)
		if !ok {
			m = map[string]any{}
		}
		st.doc[name] = m
		st.sect[name] = true
	}
	return st.doc[name].(map[string]any)
}

func (st *state) change(pass, resource, format string, args ...any) {
	st.changes = append(st.changes, Change{Pass: pass, Resource: resource, Detail: fmt.Sprintf(format, args...)})
}

// warn records a warning of rule r about resource.
func (st *state) warn(r finding.Rule, resource, format string, args ...any) {
	st.warnings = append(st.warnings, r.New(resource, "", format, args...))
}

// param returns {"Ref": name} and records that the parameter is needed.
func (st *state) param(name string) any {
	resUsedParams.of(st).Add(name)
	return map[string]any{"Ref": name}
}

func (st *state) subnets() any { return st.param(st.set.SubnetsParameter) }
func (st *state) vpc() any     { return st.param(st.set.VpcParameter) }

// endpoint returns the endpoint id expression: the parameter, or in create
// mode the preflight's endpoint when the parameter is empty.
func (st *state) endpoint() any {
	resUsedParams.of(st).Add(st.set.EndpointParameter)
	return st.endpointExpr()
}

// endpointExpr is endpoint without marking the parameter used (for passes
// that only read the finished template).
func (st *state) endpointExpr() any {
	ref := map[string]any{"Ref": st.set.EndpointParameter}
	if st.set.PreflightMode != ModeCreate {
		return ref
	}
	return map[string]any{"Fn::If": []any{CreateEndpointCondition,
		map[string]any{"Fn::GetAtt": []any{PreflightLogicalID, preflightcontract.AttrAPIEndpointID}}, ref}}
}

// endpointValue is the endpoint id the stack passes (macro) or the
// setting's value, when known; nil otherwise.
func (st *state) endpointValue() any {
	if v, ok := st.req.TemplateParameterValues[st.set.EndpointParameter]; ok {
		return v
	}
	if st.set.EndpointID != "" {
		return st.set.EndpointID
	}
	return nil
}

// securityGroups returns the SecurityGroupIds list for moved functions.
func (st *state) securityGroups() []any {
	if len(st.set.SecurityGroupIds) == 0 {
		resNeedSG.of(st).Set()
		return []any{map[string]any{"Ref": SecurityGroupLogicalID}}
	}
	out := make([]any, 0, len(st.set.SecurityGroupIds))
	for _, id := range st.set.SecurityGroupIds {
		if awsid.Valid(id, "sg") {
			out = append(out, id)
		} else {
			out = append(out, map[string]any{"Ref": id})
		}
	}
	return out
}

func insertSorted(l []string, s string) []string {
	i := sort.SearchStrings(l, s)
	l = append(l[:len(l):len(l)], "")
	copy(l[i+1:], l[i:])
	l[i] = s
	return l
}

// sortedSet returns the keys of a set, sorted.
func sortedSet(m map[string]bool) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}
