package updatepath

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/quiltdata/quilt-private-endpoints/internal/quiltfixture"
	"github.com/quiltdata/quilt-private-endpoints/internal/template"
	"github.com/quiltdata/quilt-private-endpoints/internal/transform"
)

func goldenDocs(t *testing.T) map[string]map[string]any {
	out := map[string]map[string]any{
		"stable":  quiltfixture.Decode(quiltfixture.Stable()),
		"private": quiltfixture.Decode(quiltfixture.Private()),
	}
	for _, settings := range []map[string]any{{}, {"LoadBalancerScheme": "unchanged"}, {"LoadBalancerScheme": "internal"}, {"LoadBalancerScheme": "internal", "PublicLoadBalancer": "retire"}} {
		res, err := transform.Transform(context.Background(), transform.Request{Fragment: quiltfixture.Decode(quiltfixture.Stable()), Params: settings})
		if err == nil {
			out[fmt.Sprint("render", settings)] = res.Fragment
		}
	}
	for _, pat := range []string{"../*/testdata/*/*.json", "../*/testdata/*/*.yaml", "../*/testdata/*.json", "../*/testdata/*.yaml", "../*/testdata/*/*/*.json"} {
		files, _ := filepath.Glob(pat)
		for _, f := range files {
			data, err := os.ReadFile(f)
			if err != nil {
				continue
			}
			doc, err := template.Decode(data)
			if err == nil && template.Resources(doc) != nil {
				out[f] = doc
			}
		}
	}
	if len(out) < 50 {
		t.Fatalf("only %d golden templates", len(out))
	}
	return out
}

// newRefs is walkRefs through template.WalkReferences.
func (e *evaluator) newRefs(v any, path string) []ref {
	var out []ref
	template.WalkReferences(v, func(p []string, r template.Reference) {
		if !r.IsResourceRef() || !e.isResource(r.Name) {
			return
		}
		attr := r.Attr
		if r.Kind == template.ByRef || (r.Kind == template.BySub && attr == "") {
			attr = "Ref"
		}
		segs := p
		if path != "" {
			segs = append([]string{path}, p...)
		}
		out = append(out, ref{r.Name, attr, joinSegs(segs)})
	})
	return out
}

func joinSegs(segs []string) string {
	var b strings.Builder
	for i, sg := range segs {
		if i > 0 && !strings.HasPrefix(sg, "[") {
			b.WriteByte('.')
		}
		b.WriteString(sg)
	}
	return b.String()
}

// TestOldNewAgree compares updatepath's own walker, condition evaluator,
// equality and "reads a difference" with internal/template's on every
// golden template, before the old ones go.
func TestOldNewAgree(t *testing.T) {
	docs := goldenDocs(t)
	pseudo := pseudoParams(Input{Region: "us-east-1", AccountID: "123456789012", StackName: "quilt"})
	var prev *evaluator
	var prevDoc map[string]any
	for _, f := range template.SortedKeys(func() map[string]any {
		m := map[string]any{}
		for k := range docs {
			m[k] = true
		}
		return m
	}()) {
		doc := docs[f]
		ev := newEvaluator(doc, nil, pseudo)
		conds := template.NewConditions(ev.conditions, func(v any) (any, bool) {
			r := ev.resolve(v)
			_, ok := asString(r)
			return r, ok
		})
		for name := range ev.conditions {
			nu, _ := conds.Eval(name)
			if old := ev.condition(name); int(old) != int(nu) {
				t.Errorf("%s: condition %s: %v vs %v", f, name, old, nu)
			}
		}
		for id, r := range ev.resources {
			m, _ := r.(map[string]any)
			props := ev.resolve(template.Section(m, "Properties"))
			var old []ref
			ev.refs(props, "", &old)
			nu := ev.newRefs(props, "")
			sortRefs(old)
			sortRefs(nu)
			if !reflect.DeepEqual(old, nu) && len(old)+len(nu) > 0 {
				t.Errorf("%s %s: refs\n%v\n%v", f, id, old, nu)
			}
			if prevDoc != nil {
				pm, _ := template.Resources(prevDoc)[id].(map[string]any)
				a, b := template.Section(pm, "Properties"), template.Section(m, "Properties")
				for k := range b {
					if equal(a[k], b[k]) != template.Equal(a[k], b[k]) {
						t.Errorf("%s %s.%s: equal disagrees", f, id, k)
					}
				}
			}
		}
		if prev != nil {
			d := newDifferences(prev, ev)
			for id, r := range ev.resources {
				// The old reads did not skip a Fn::Sub's own variables (sub_variable_map:
				// ${Api} is its own variable, Api a resource on one side): it only
				// missed the shortcut, the plan was the same.
				if old, nu := d.reads(r), d.newReads(r); old != nu && !(old && strings.Contains(f, "sub_variable_map")) {
					t.Errorf("%s %s: reads %v vs %v", f, id, old, nu)
				}
			}
		}
		prev, prevDoc = ev, doc
	}
}
