package updatepath

import (
	"sort"
	"strconv"
	"strings"

	"github.com/quiltdata/quilt-private-endpoints/internal/template"
)

// Delta is one changed value between two documents: the one diff of the
// project (internal/review renders these, it does not diff).
type Delta struct {
	// Path is dotted: "VpcConfig.SubnetIds", list items as "[2]", or as
	// "[Name=API_GATEWAY]" when every item of both lists has a unique Name.
	Path string
	// Before and After are the values; HasBefore/HasAfter tell an added
	// or removed value from a null one.
	Before, After       any
	HasBefore, HasAfter bool
}

// Kind is "added", "removed" or "changed".
func (d Delta) Kind() string {
	switch {
	case !d.HasBefore:
		return "added"
	case !d.HasAfter:
		return "removed"
	}
	return "changed"
}

// diffPath is one changed property path. Under lists the paths inside the
// value present when one side lacks the path (so that a create-only
// property added or removed with its parent is seen).
type diffPath struct {
	Delta
	Under []string
}

// Diff lists the differences between two values as CloudFormation compares
// them (Equal), sorted by path; prefix starts every path. Objects are
// compared key by key, lists of named items by Name, other lists item by
// item (an item one side lacks is added or removed), an
// intrinsic whole, and a JSON object written as a string (a policy
// document) by its content.
func Diff(prefix string, before, after any) []Delta {
	var paths []diffPath
	diff(before, after, prefix, &paths)
	sortPaths(paths)
	out := make([]Delta, len(paths))
	for i, p := range paths {
		out[i] = p.Delta
	}
	return out
}

func sortPaths(paths []diffPath) {
	sort.SliceStable(paths, func(i, j int) bool { return paths[i].Path < paths[j].Path })
}

func both(path string, a, b any, under []string) diffPath {
	return diffPath{Delta: Delta{Path: path, Before: a, After: b, HasBefore: true, HasAfter: true}, Under: under}
}

func onlyBefore(path string, a any) diffPath {
	return diffPath{Delta: Delta{Path: path, Before: a, HasBefore: true}, Under: subPaths(a, path)}
}

func onlyAfter(path string, b any) diffPath {
	return diffPath{Delta: Delta{Path: path, After: b, HasAfter: true}, Under: subPaths(b, path)}
}

// diff lists the paths where resolved values a and b differ. Objects are
// compared key by key, lists item by item (Diff); an intrinsic is compared
// whole.
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
				*out = append(*out, onlyBefore(p, av))
			}
		}
		for k, bv := range bm {
			if _, inA := am[k]; !inA {
				*out = append(*out, onlyAfter(joinPath(path, k), bv))
			}
		}
		return
	}
	if as, ok := a.(string); ok {
		if bs, ok := b.(string); ok {
			if as == bs {
				return
			}
			if ao, bo, ok := jsonObjects(as, bs); ok {
				// A policy document given as a JSON string: its content.
				n := len(*out)
				diff(ao, bo, path, out)
				if len(*out) == n {
					*out = append(*out, both(path, a, b, nil)) // same content, other text
				}
				return
			}
			*out = append(*out, both(path, a, b, nil))
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
				*out = append(*out, onlyBefore(p, av))
			default:
				*out = append(*out, onlyAfter(p, bv))
			}
		}
		return
	}
	if aIsList && bIsList {
		// Item by item; an item only one side has is added or removed
		// with the paths under it.
		for i := 0; i < len(al) || i < len(bl); i++ {
			p := path + "[" + strconv.Itoa(i) + "]"
			switch {
			case i < len(al) && i < len(bl):
				diff(al[i], bl[i], p, out)
			case i < len(al):
				*out = append(*out, onlyBefore(p, al[i]))
			default:
				*out = append(*out, onlyAfter(p, bl[i]))
			}
		}
		return
	}
	if !template.Equal(a, b) {
		*out = append(*out, both(path, a, b, append(subPaths(a, path), subPaths(b, path)...)))
	}
}

// jsonObjects parses two strings that both hold a JSON object.
func jsonObjects(a, b string) (map[string]any, map[string]any, bool) {
	if !strings.HasPrefix(strings.TrimSpace(a), "{") || !strings.HasPrefix(strings.TrimSpace(b), "{") {
		return nil, nil, false
	}
	av, err1 := template.DecodeJSONValue([]byte(a))
	bv, err2 := template.DecodeJSONValue([]byte(b))
	ao, ok1 := av.(map[string]any)
	bo, ok2 := bv.(map[string]any)
	if err1 != nil || err2 != nil || !ok1 || !ok2 {
		return nil, nil, false
	}
	return ao, bo, true
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
