package transform

import "github.com/quiltdata/quilt-private-endpoints/internal/template"

// nodeRewriter is one pass's rewrite of intrinsic functions (one-key
// objects such as {"Ref": ..} or {"Fn::Sub": ..}). The hostnames and
// redeploy passes register theirs; passReferences runs them all in a single
// walk of the document, so a 1 MB template is traversed once.
type nodeRewriter interface {
	// applies reports whether the rewriter works on this resource (resource
	// true, where its logical id) or section entry (where "Section.Name").
	applies(where string, resource bool) bool
	// node returns a replacement for {key: arg}, or false.
	node(key string, arg any) (any, bool)
	// flush is called after each resource (resource true, where its logical
	// id) and each entry of another section (where "Section.Name").
	flush(where string, resource bool)
}

// intrinsicKeys are the functions the rewriters look at (map lookups are
// cheaper than ranging over a one-key map).
var intrinsicKeys = [...]string{"Ref", "Fn::GetAtt", "Fn::Sub", "Fn::Join"}

// intrinsicOf returns the function of intrinsicKeys a one-key object m is,
// and its argument.
func intrinsicOf(m map[string]any) (string, any, bool) {
	for _, k := range intrinsicKeys {
		if arg, ok := m[k]; ok {
			return k, arg, true
		}
	}
	return "", nil, false
}

// passReferences walks every resource and the Outputs, Conditions,
// Metadata and Rules sections once, applying the registered rewriters in
// order (each sees the previous one's result).
func passReferences(st *state) error {
	applyRenames(st)
	walkers := resWalkers.of(st).All()
	if len(walkers) == 0 {
		return nil
	}
	var active []nodeRewriter
	fn := func(m map[string]any) (any, bool) {
		if len(m) != 1 {
			return nil, false
		}
		k, arg, ok := intrinsicOf(m)
		if !ok {
			return nil, false
		}
		var cur any = m
		changed := false
		for _, w := range active {
			r, ch := w.node(k, arg)
			if !ch {
				continue
			}
			cur, changed = r, true
			cm, isMap := r.(map[string]any)
			if !isMap || len(cm) != 1 {
				break
			}
			if k, arg, ok = intrinsicOf(cm); !ok {
				break
			}
		}
		return cur, changed
	}
	enter := func(where string, resource bool) {
		active = active[:0]
		for _, w := range walkers {
			if w.applies(where, resource) {
				active = append(active, w)
			}
		}
	}
	flush := func(where string, resource bool) {
		for _, w := range active {
			w.flush(where, resource)
		}
	}
	for _, id := range st.ids {
		enter(id, true)
		if nv, changed := rewrite(st.res[id], fn); changed {
			st.put(id, nv)
		}
		flush(id, true)
	}
	for _, sec := range []string{"Outputs", "Conditions", "Metadata", "Rules"} {
		m, ok := st.doc[sec].(map[string]any)
		if !ok {
			continue
		}
		for _, name := range template.SortedKeys(m) {
			enter(sec+"."+name, false)
			if nv, changed := rewrite(m[name], fn); changed {
				st.section(sec)[name] = nv
			}
			flush(sec+"."+name, false)
		}
	}
	return nil
}
