package transform

import (
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"testing"

	"github.com/quiltdata/quilt-private-endpoints/internal/template"
)

// goldenDocs decodes every golden template of the repository (inputs and
// expected outputs of transform, updatepath, review).
func goldenDocs(t *testing.T) map[string]map[string]any {
	out := map[string]map[string]any{}
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

// TestOldNewAgree compares the transform's own walker, Sub scanner,
// dependency sort and DependsOn reader with internal/template's on every
// golden template, before the old ones go.
func TestOldNewAgree(t *testing.T) {
	n := 0
	for f, doc := range goldenDocs(t) {
		st := &state{doc: doc}
		rs := template.Resources(doc)
		ids := template.SortedKeys(rs)
		for _, id := range ids {
			r, _ := rs[id].(map[string]any)
			old := referenced(r)
			nu := template.ReferencedIDs(r)
			slices.Sort(old)
			slices.Sort(nu)
			if !slices.Equal(old, nu) {
				t.Errorf("%s %s: referenced %v, walker %v", f, id, old, nu)
			}
			oldDeps := appendDependsOn(nil, r["DependsOn"])
			nuDeps, _ := template.DependsOn(r)
			if !slices.Equal(oldDeps, nuDeps) && len(oldDeps)+len(nuDeps) > 0 {
				t.Errorf("%s %s: DependsOn %v vs %v", f, id, oldDeps, nuDeps)
			}
			template.WalkReferences(r, func(_ []string, _ template.Reference) {})
			collectStrings(r, func(s string) {
				var a, b []string
				subVars(s, func(name string) (string, bool) { a = append(a, name); return "", false })
				template.ScanSub(s, func(name string) (string, bool) { b = append(b, name); return "", false })
				if !slices.Equal(a, b) {
					t.Errorf("%s: Sub %q: %v vs %v", f, s, a, b)
				}
			})
			n++
		}
		st.ids = ids
		st.res = rs
		deps := func(id string) []string {
			r, _ := rs[id].(map[string]any)
			return resourceDeps(r)
		}
		old := dependencyOrder(st, deps)
		nu := template.NewGraph(ids, deps).Order()
		if !reflect.DeepEqual(old, nu) {
			t.Errorf("%s: order %v vs %v", f, old, nu)
		}
	}
	t.Logf("%d resources compared", n)
}
