package review

import (
	"encoding/json"
	"reflect"
	"sort"
	"strconv"
	"strings"

	"github.com/quiltdata/quilt-private-endpoints/internal/template"
)

// Delta is one changed value between two documents. Intrinsic functions are
// compared whole: a changed `!Sub` is one delta, not a walk into its string.
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

// Diff lists the differences between two values, in document order of the
// sorted keys. prefix starts every path.
func Diff(prefix string, before, after any) []Delta {
	var out []Delta
	diffInto(&out, prefix, before, after)
	return out
}

func join(prefix, key string) string {
	if prefix == "" {
		return key
	}
	return prefix + "." + key
}

func diffInto(out *[]Delta, path string, a, b any) {
	if equal(a, b) {
		return
	}
	_, _, aIntr := template.Intrinsic(a)
	_, _, bIntr := template.Intrinsic(b)
	if !aIntr && !bIntr {
		switch at := a.(type) {
		case map[string]any:
			if bt, ok := b.(map[string]any); ok {
				diffMaps(out, path, at, bt)
				return
			}
		case []any:
			if bt, ok := b.([]any); ok {
				diffLists(out, path, at, bt)
				return
			}
		case string:
			// A policy document given as a JSON string: compare its content.
			if bs, ok := b.(string); ok {
				if ao, bo, ok := jsonObjects(at, bs); ok {
					diffMaps(out, path, ao, bo)
					return
				}
			}
		}
	}
	*out = append(*out, Delta{Path: path, Before: a, After: b, HasBefore: true, HasAfter: true})
}

func diffMaps(out *[]Delta, path string, a, b map[string]any) {
	keys := map[string]bool{}
	for k := range a {
		keys[k] = true
	}
	for k := range b {
		keys[k] = true
	}
	for _, k := range sortedSet(keys) {
		av, inA := a[k]
		bv, inB := b[k]
		p := join(path, k)
		switch {
		case inA && inB:
			diffInto(out, p, av, bv)
		case inA:
			*out = append(*out, Delta{Path: p, Before: av, HasBefore: true})
		default:
			*out = append(*out, Delta{Path: p, After: bv, HasAfter: true})
		}
	}
}

func diffLists(out *[]Delta, path string, a, b []any) {
	if an, ok := template.NamedItems(a); ok {
		if bn, ok := template.NamedItems(b); ok {
			diffNamed(out, path, a, b, an, bn)
			return
		}
	}
	for i := 0; i < len(a) || i < len(b); i++ {
		p := path + "[" + strconv.Itoa(i) + "]"
		switch {
		case i < len(a) && i < len(b):
			diffInto(out, p, a[i], b[i])
		case i < len(a):
			*out = append(*out, Delta{Path: p, Before: a[i], HasBefore: true})
		default:
			*out = append(*out, Delta{Path: p, After: b[i], HasAfter: true})
		}
	}
}

// diffNamed matches list items by their Name (container definitions,
// environment variables).
func diffNamed(out *[]Delta, path string, a, b []any, an, bn []string) {
	ai := map[string]int{}
	for i, n := range an {
		ai[n] = i
	}
	bi := map[string]int{}
	for i, n := range bn {
		bi[n] = i
	}
	for i, n := range an {
		p := path + "[Name=" + n + "]"
		if j, ok := bi[n]; ok {
			diffInto(out, p, a[i], b[j])
		} else {
			*out = append(*out, Delta{Path: p, Before: a[i], HasBefore: true})
		}
	}
	for j, n := range bn {
		if _, ok := ai[n]; !ok {
			*out = append(*out, Delta{Path: path + "[Name=" + n + "]", After: b[j], HasAfter: true})
		}
	}
}

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

// equal compares template values; numbers compare by their text.
func equal(a, b any) bool {
	switch at := a.(type) {
	case json.Number:
		bt, ok := b.(json.Number)
		return ok && at == bt
	case map[string]any:
		bt, ok := b.(map[string]any)
		if !ok || len(at) != len(bt) {
			return false
		}
		for k, v := range at {
			w, ok := bt[k]
			if !ok || !equal(v, w) {
				return false
			}
		}
		return true
	case []any:
		bt, ok := b.([]any)
		if !ok || len(at) != len(bt) {
			return false
		}
		for i := range at {
			if !equal(at[i], bt[i]) {
				return false
			}
		}
		return true
	}
	return reflect.DeepEqual(a, b)
}

func sortedSet(set map[string]bool) []string {
	out := make([]string, 0, len(set))
	for k := range set {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}
