package fakeworld

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"

	"go.yaml.in/yaml/v3"
)

// Option changes how Load and LoadDocument lay a scenario over its base.
type Option func(*rules)

// rules are the options of one load.
type rules struct {
	base string // the base of a file that names none ("" none)
	byID bool   // lists of resources merge item by item; "remove" applies
}

// WithBase lays a scenario file that names no "base" of its own over path
// (itself laid over its own base chain): the world a set of scenarios shares,
// each file saying only how it differs. The file at path is not laid over
// itself.
func WithBase(path string) Option { return func(r *rules) { r.base = path } }

// ByID merges lists of resources item by item instead of replacing them:
// when every item of the base's and the overlay's list is a map with an
// "id" (else a "name"), an overlay item replaces the base's item with its id
// in place and a new id is appended; other lists still replace. The ids in
// the overlay's top-level "remove" list are then taken out of every list of
// resources in the merged document (base's and overlay's), and "remove"
// itself is dropped.
func ByID() Option { return func(r *rules) { r.byID = true } }

// Load reads a scenario file (YAML or JSON) merged over its base chain
// (LoadDocument) into v, by v's yaml tags.
func Load(path string, v any, opts ...Option) error {
	doc, err := LoadDocument(path, opts...)
	if err != nil {
		return err
	}
	b, err := yaml.Marshal(doc)
	if err != nil {
		return fmt.Errorf("scenario %s: %w", path, err)
	}
	if err := yaml.Unmarshal(b, v); err != nil {
		return fmt.Errorf("scenario %s: %w", path, err)
	}
	return nil
}

// LoadDocument reads a scenario file (YAML or JSON) as a generic document.
// A file whose top-level "base" names another scenario file (relative to
// its own directory), or any file when WithBase gives one, is laid over it:
// maps merge key by key, a null removes the base's key, any other value
// replaces the base's (lists too, unless ByID).
func LoadDocument(path string, opts ...Option) (map[string]any, error) {
	var r rules
	for _, o := range opts {
		o(&r)
	}
	return r.load(path, 0)
}

func (r rules) load(path string, depth int) (map[string]any, error) {
	if depth > 8 {
		return nil, fmt.Errorf("scenario %s: base chain too deep", path)
	}
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("read scenario: %w", err)
	}
	var doc map[string]any
	if err := yaml.Unmarshal(b, &doc); err != nil {
		return nil, fmt.Errorf("decode scenario %s: %w", path, err)
	}
	base, _ := doc["base"].(string)
	delete(doc, "base")
	if base != "" {
		base = filepath.Join(filepath.Dir(path), base)
	} else if depth == 0 && r.base != "" && filepath.Clean(r.base) != filepath.Clean(path) {
		base = r.base
	}
	under := map[string]any{}
	if base != "" {
		if under, err = r.load(base, depth+1); err != nil {
			return nil, err
		}
	}
	if !r.byID {
		return Merge(under, doc), nil
	}
	remove, err := removeList(path, doc)
	if err != nil {
		return nil, err
	}
	out := mergeDoc(under, doc, true)
	if len(remove) > 0 {
		out = drop(out, remove).(map[string]any)
	}
	return out, nil
}

// removeList takes the top-level "remove" list out of doc.
func removeList(path string, doc map[string]any) ([]string, error) {
	v, ok := doc["remove"]
	if !ok {
		return nil, nil
	}
	delete(doc, "remove")
	l, _ := v.([]any)
	out := make([]string, 0, len(l))
	for _, x := range l {
		s, ok := x.(string)
		if !ok {
			return nil, fmt.Errorf("scenario %s: remove must list resource ids, found %v", path, x)
		}
		out = append(out, s)
	}
	return out, nil
}

// Merge lays over onto under: maps merge recursively, a nil value removes
// the key, other values replace.
func Merge(under, over map[string]any) map[string]any {
	return mergeDoc(under, over, false)
}

func mergeDoc(under, over map[string]any, byID bool) map[string]any {
	out := make(map[string]any, len(under)+len(over))
	for k, v := range under {
		out[k] = v
	}
	for k, v := range over {
		if v == nil {
			delete(out, k) // "key: null" removes the base's entry
			continue
		}
		um, uok := out[k].(map[string]any)
		om, ook := v.(map[string]any)
		if uok && ook {
			out[k] = mergeDoc(um, om, byID)
			continue
		}
		if ul, ol, ok := resourceLists(out[k], v); byID && ok {
			out[k] = mergeList(ul, ol)
			continue
		}
		out[k] = v
	}
	return out
}

// resourceLists reports whether a and b are both lists of resources (maps
// with an id, resourceID), and returns them.
func resourceLists(a, b any) ([]any, []any, bool) {
	al, aok := a.([]any)
	bl, bok := b.([]any)
	if !aok || !bok {
		return nil, nil, false
	}
	for _, x := range slices.Concat(al, bl) {
		if _, ok := resourceID(x); !ok {
			return nil, nil, false
		}
	}
	return al, bl, true
}

// resourceID is the "id" of a map, else its "name".
func resourceID(v any) (string, bool) {
	m, ok := v.(map[string]any)
	if !ok {
		return "", false
	}
	for _, k := range []string{"id", "name"} {
		if s, ok := m[k].(string); ok && s != "" {
			return s, true
		}
	}
	return "", false
}

// mergeList lays over onto under item by item: the same id replaces in
// place, a new id is appended.
func mergeList(under, over []any) []any {
	out := slices.Clone(under)
	for _, o := range over {
		id, _ := resourceID(o)
		if i := slices.IndexFunc(out, func(u any) bool { u2, _ := resourceID(u); return u2 == id }); i >= 0 {
			out[i] = o
		} else {
			out = append(out, o)
		}
	}
	return out
}

// drop takes the resources whose id is in ids out of every list of v.
func drop(v any, ids []string) any {
	switch x := v.(type) {
	case map[string]any:
		out := make(map[string]any, len(x))
		for k, e := range x {
			out[k] = drop(e, ids)
		}
		return out
	case []any:
		out := make([]any, 0, len(x))
		for _, e := range x {
			if id, ok := resourceID(e); ok && slices.Contains(ids, id) {
				continue
			}
			out = append(out, drop(e, ids))
		}
		return out
	}
	return v
}
