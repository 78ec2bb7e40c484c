package transform

import (
	"regexp"
	"strconv"
	"strings"

	"github.com/quiltdata/quilt-private-endpoints/internal/template"
)

// renameResources gives resources new logical ids (old -> new): each moves,
// keeps what the run knows about it, and gets a change of the pass with
// detail (a format taking the old id). Every reference follows in the
// references pass: Ref, Fn::GetAtt, Fn::Sub and DependsOn, in resources
// (excluded ones too), Outputs, Conditions, Metadata and Rules.
func (st *state) renameResources(pass string, renames map[string]string, detail string) {
	if len(renames) == 0 {
		return
	}
	olds := template.SortedKeys(toAnyMapS(renames))
	for _, old := range olds {
		nid := renames[old]
		st.res[nid] = st.res[old]
		st.own[nid] = st.own[old]
		delete(st.res, old)
		delete(st.own, old)
		st.change(pass, nid, detail, old)
		resRewritten.of(st).Add(nid)
		resRewritten.of(st).Remove(old)
		st.ids = removeSorted(st.ids, old)
		st.ids = insertSorted(st.ids, nid)
		resRenamed.of(st).Add(old, nid)
	}
	st.byType = nil
	// The warnings so far name the resources by the ids the output has.
	for i, w := range st.warnings {
		for _, old := range olds {
			if w.Resource == old {
				w.Resource = renames[old]
			}
			if strings.Contains(w.Message, old) {
				w.Message = regexp.MustCompile(`\b`+regexp.QuoteMeta(old)+`\b`).ReplaceAllString(w.Message, renames[old])
			}
		}
		st.warnings[i] = w
	}
}

// freeID returns base+suffix, or with a number after it, that no resource,
// parameter or earlier rename of this run uses.
func (st *state) freeID(base, suffix string, taken map[string]string) string {
	params := template.Section(st.doc, "Parameters")
	for n := 1; ; n++ {
		id := base + suffix
		if n > 1 {
			id += strconv.Itoa(n)
		}
		if len(id) > 255 {
			id = id[len(id)-255:]
		}
		_, res := st.res[id]
		_, par := params[id]
		if !res && !par && !taken2(taken, id) && !resRenamed.of(st).IsNew(id) {
			return id
		}
	}
}

// applyRenames makes DependsOn follow the renames and registers the walker
// that makes every other reference follow them.
func applyRenames(st *state) {
	renamed := resRenamed.of(st)
	if renamed.Len() == 0 {
		return
	}
	rn := renamer{renames: renamed.Map()}
	for _, id := range st.ids {
		r := st.resource(id)
		if nd, ch := rn.dependsOn(r); ch {
			nr := shallow(r)
			nr["DependsOn"] = nd
			st.put(id, nr)
		}
	}
	resWalkers.of(st).Add(rn)
}
