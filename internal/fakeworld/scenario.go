package fakeworld

import (
	"fmt"
	"os"
	"path/filepath"

	"go.yaml.in/yaml/v3"
)

// Load reads a scenario file (YAML or JSON) merged over its base chain
// (LoadDocument) into v, by v's yaml tags.
func Load(path string, v any) error {
	doc, err := LoadDocument(path)
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
// its own directory) is laid over it: maps merge key by key, a null removes
// the base's key, any other value (lists included) replaces the base's.
func LoadDocument(path string) (map[string]any, error) {
	return loadMerged(path, 0)
}

func loadMerged(path string, depth int) (map[string]any, error) {
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
	if base == "" {
		return doc, nil
	}
	delete(doc, "base")
	under, err := loadMerged(filepath.Join(filepath.Dir(path), base), depth+1)
	if err != nil {
		return nil, err
	}
	return Merge(under, doc), nil
}

// Merge lays over onto under: maps merge recursively, a nil value removes
// the key, other values replace.
func Merge(under, over map[string]any) map[string]any {
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
			out[k] = Merge(um, om)
			continue
		}
		out[k] = v
	}
	return out
}
