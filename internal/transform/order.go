package transform

import (
	"fmt"
	"slices"
	"strings"

	"github.com/quiltdata/quilt-private-endpoints/internal/template"
)

// The update orderings: the DependsOn that make an update of a template
// safe, computed once here for the passes that add them to a render
// (pass_canaries.go, pass_apiwait.go) and for qpe disable, which adds the
// same ordering to the original template it deploys (OrderCanaries,
// WaitForStages).

// view is a template's resources as an ordering reads them: the sorted
// logical ids and each resource.
type view struct {
	ids      []string
	resource func(id string) map[string]any
}

// deps returns what a resource waits for: its DependsOn and the resources
// its Properties name.
func (v view) deps() func(id string) []string {
	refs := map[string][]string{}
	return func(id string) []string {
		r := v.resource(id)
		props, ok := refs[id]
		if !ok {
			props = template.ReferencedIDs(r["Properties"])
			refs[id] = props
		}
		deps, _ := template.DependsOn(r)
		return append(deps, props...)
	}
}

func (v view) typeOf(id string) string {
	s, _ := v.resource(id)["Type"].(string)
	return s
}

func (v view) props(id string) map[string]any {
	p, _ := v.resource(id)["Properties"].(map[string]any)
	return p
}

// canaryWaits returns what each of canaries (in that order) must DependsOn
// so that they update last, one at a time: the Synthetics handler refuses
// to roll back a canary that is still UPDATING ("Canary is already
// updating."), so a canary must not update beside a resource that can
// fail (updatepath QPE-UP-009). Each canary waits for every resource that
// does not itself wait for a canary (the last ones of the dependency
// graph), and the canaries are chained in the order given. Resources with
// a Condition are left out (a DependsOn on a resource that does not exist
// is refused), and so is a canary's own chain when it has a Condition.
func canaryWaits(v view, canaries []string) [][]string {
	out := make([][]string, len(canaries))
	if len(canaries) == 0 {
		return out
	}
	// The graph of the template before the ordering: the DependsOn added
	// lead only to resources that wait for no canary, so they make no path
	// the checks below would have to see.
	g := template.NewGraph(v.ids, v.deps())
	upstream := map[string]map[string]bool{}
	up := func(id string) map[string]bool {
		u, ok := upstream[id]
		if !ok {
			u = g.Upstream(id)
			upstream[id] = u
		}
		return u
	}
	isCanary := map[string]bool{}
	for _, id := range v.ids {
		if v.typeOf(id) == typeCanary {
			isCanary[id] = true
		}
	}
	var others []string
	for _, id := range v.ids {
		if isCanary[id] || v.resource(id)["Condition"] != nil {
			continue
		}
		waits := false
		for d := range up(id) {
			if isCanary[d] {
				waits = true
				break
			}
		}
		if !waits {
			others = append(others, id)
		}
	}
	covered := map[string]bool{}
	for _, id := range others {
		for d := range up(id) {
			covered[d] = true
		}
	}
	var last []string
	for _, id := range others {
		if !covered[id] {
			last = append(last, id)
		}
	}
	prev := last
	for i, c := range canaries {
		for _, d := range prev {
			if d != c && !up(c)[d] && !up(d)[c] {
				out[i] = append(out[i], d)
			}
		}
		if v.resource(c)["Condition"] == nil {
			prev = []string{c}
		}
	}
	return out
}

// apiStages returns the unconditional stages of the REST APIs isAPI
// accepts, by API.
func apiStages(v view, isAPI func(id string) bool) map[string][]string {
	stages := map[string][]string{}
	for _, id := range v.ids {
		if v.typeOf(id) != "AWS::ApiGateway::Stage" || v.resource(id)["Condition"] != nil {
			continue
		}
		if api, ok := template.Ref(v.props(id)["RestApiId"]); ok && isAPI(api) {
			stages[api] = append(stages[api], id)
		}
	}
	return stages
}

// stageWaits returns what each of taskDefs (ECS task definitions) must
// DependsOn so that one whose container environment names an API of
// stages (API -> its stages) starts its tasks once that API has its
// stages: otherwise the service starts tasks that hand browsers the API's
// URL before the API has a stage, and every call fails until the stage
// exists (updatepath's availability model: downtime of the API URL).
func stageWaits(v view, taskDefs []string, stages map[string][]string) [][]string {
	out := make([][]string, len(taskDefs))
	if len(stages) == 0 {
		return out
	}
	g := template.NewGraph(v.ids, v.deps())
	for i, id := range taskDefs {
		var apis []string
		cds, _ := v.props(id)["ContainerDefinitions"].([]any)
		for _, cd := range cds {
			c, _ := cd.(map[string]any)
			envs, _ := c["Environment"].([]any)
			for _, e := range envs {
				em, _ := e.(map[string]any)
				for _, ref := range template.ReferencedIDs(em["Value"]) {
					if len(stages[ref]) > 0 && !slices.Contains(apis, ref) {
						apis = append(apis, ref)
					}
				}
			}
		}
		up := g.Upstream(id)
		for _, api := range apis {
			for _, s := range stages[api] {
				if !up[s] && !g.Upstream(s)[id] {
					out[i] = append(out[i], s)
				}
			}
		}
	}
	return out
}

// Why an ordering adds a DependsOn (the Detail of its Change, after the
// ids).
const (
	WhyCanaries = "canaries update last, one at a time: a canary's rollback is refused while it is UPDATING"
	whyAPIWait  = "its tasks call the private API: they start once it has a stage"
	WhyStages   = "its tasks hand out the URL of an API the update creates: they start once the API has its stage"
)

// OrderCanaries returns doc with the DependsOn that make the canaries
// (logical ids of doc's canaries, chained in that order; other ids are
// left out) update last, one at a time (QPE-UP-009), the ordering the
// macro's canaries pass gives a render, and a Change (Pass "canaries") for
// each resource given a DependsOn. doc is not modified.
func OrderCanaries(doc map[string]any, canaries []string) (map[string]any, []Change) {
	o := newOrdering(doc)
	var ids []string
	for _, id := range canaries {
		if o.v.typeOf(id) == typeCanary {
			ids = append(ids, id)
		}
	}
	o.add("canaries", WhyCanaries, ids, canaryWaits(o.v, ids))
	return o.doc, o.changes
}

// WaitForStages returns doc with the DependsOn that make each ECS task
// definition whose container environment names one of apis (REST API
// logical ids of doc) wait for that API's unconditional stages, the
// ordering the macro's apiwait pass gives a render, and a Change (Pass
// "apiwait") for each resource given a DependsOn. doc is not modified.
func WaitForStages(doc map[string]any, apis []string) (map[string]any, []Change) {
	o := newOrdering(doc)
	stages := apiStages(o.v, func(id string) bool {
		return slices.Contains(apis, id) && o.v.typeOf(id) == "AWS::ApiGateway::RestApi"
	})
	var tds []string
	for _, id := range o.v.ids {
		if o.v.typeOf(id) == "AWS::ECS::TaskDefinition" {
			tds = append(tds, id)
		}
	}
	o.add("apiwait", WhyStages, tds, stageWaits(o.v, tds, stages))
	return o.doc, o.changes
}

// ordering adds DependsOn to a copy of a template, copy-on-write.
type ordering struct {
	doc     map[string]any
	res     map[string]any
	v       view
	changes []Change
}

func newOrdering(doc map[string]any) *ordering {
	out := shallow(doc)
	res := shallow(template.Resources(doc))
	out["Resources"] = res
	get := func(id string) map[string]any {
		r, _ := res[id].(map[string]any)
		return r
	}
	return &ordering{doc: out, res: res, v: view{ids: template.SortedKeys(res), resource: get}}
}

// add gives each of ids its waits (same index), copying the resources it
// changes.
func (o *ordering) add(pass, why string, ids []string, waits [][]string) {
	for i, id := range ids {
		if len(waits[i]) == 0 {
			continue
		}
		r := shallow(o.v.resource(id))
		if template.AddDependsOn(r, waits[i]...) {
			o.res[id] = r
			o.changes = append(o.changes, Change{Pass: pass, Resource: id, Detail: waitDetail(waits[i], why)})
		}
	}
}

// waitDetail is the Detail of an ordering's Change.
func waitDetail(ids []string, why string) string {
	return fmt.Sprintf("DependsOn += %s (%s)", strings.Join(ids, ", "), why)
}
