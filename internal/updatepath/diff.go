package updatepath

import (
	"strconv"

	"github.com/quiltdata/quilt-private-endpoints/internal/template"
)

// diffPath is one changed property path. Under lists the paths inside the
// value present when one side lacks the path (so that a create-only
// property added or removed with its parent is seen).
type diffPath struct {
	Path  string
	Under []string
}

// diff lists the paths where resolved values a and b differ. Objects are
// compared key by key, lists of equal length item by item; an intrinsic is
// compared whole.
func diff(a, b any, path string, out *[]diffPath) {
	if identical(a, b) {
		return
	}
	am, aIsMap := a.(map[string]any)
	bm, bIsMap := b.(map[string]any)
	if aIsMap && bIsMap && !isIntrinsic(am) && !isIntrinsic(bm) {
		// Keys in any order: the caller sorts the paths.
		for k, av := range am {
			p := joinPath(path, k)
			if bv, inB := bm[k]; inB {
				diff(av, bv, p, out)
			} else {
				*out = append(*out, diffPath{Path: p, Under: subPaths(av, p)})
			}
		}
		for k, bv := range bm {
			if _, inA := am[k]; !inA {
				p := joinPath(path, k)
				*out = append(*out, diffPath{Path: p, Under: subPaths(bv, p)})
			}
		}
		return
	}
	if as, ok := a.(string); ok {
		if bs, ok := b.(string); ok {
			if as != bs {
				*out = append(*out, diffPath{Path: path})
			}
			return
		}
	}
	al, aIsList := a.([]any)
	bl, bIsList := b.([]any)
	if an, bn := byName(al), byName(bl); aIsList && bIsList && an != nil && bn != nil {
		keys := map[string]bool{}
		for k := range an {
			keys[k] = true
		}
		for k := range bn {
			keys[k] = true
		}
		for _, k := range sortedSet(keys) {
			av, inA := an[k]
			bv, inB := bn[k]
			p := path + "[Name=" + k + "]"
			switch {
			case inA && inB:
				diff(av, bv, p, out)
			case inA:
				*out = append(*out, diffPath{Path: p, Under: subPaths(av, p)})
			default:
				*out = append(*out, diffPath{Path: p, Under: subPaths(bv, p)})
			}
		}
		return
	}
	if aIsList && bIsList && len(al) == len(bl) {
		for i := range al {
			diff(al[i], bl[i], path+"["+strconv.Itoa(i)+"]", out)
		}
		return
	}
	if !template.Equal(a, b) {
		*out = append(*out, diffPath{Path: path, Under: append(subPaths(a, path), subPaths(b, path)...)})
	}
}

// byName indexes a list whose items are all objects with a distinct
// string Name (template.NamedItems), or nil.
func byName(l []any) map[string]any {
	names, ok := template.NamedItems(l)
	if !ok {
		return nil
	}
	out := make(map[string]any, len(l))
	for i, n := range names {
		out[n] = l[i]
	}
	return out
}

func isIntrinsic(m map[string]any) bool {
	_, _, ok := template.Intrinsic(m)
	return ok
}

// subPaths lists the object paths inside v (list items not indexed).
func subPaths(v any, path string) []string {
	var out []string
	var walk func(v any, p string)
	walk = func(v any, p string) {
		switch t := v.(type) {
		case map[string]any:
			if isIntrinsic(t) {
				return
			}
			for k, x := range t {
				q := joinPath(p, k)
				out = append(out, q)
				walk(x, q)
			}
		case []any:
			for _, x := range t {
				walk(x, p)
			}
		}
	}
	walk(v, path)
	return out
}
