// Package template reads and writes CloudFormation templates as generic
// JSON values (map[string]any, []any, string, json.Number, bool, nil), so a
// template passes through the project's passes without losing anything it
// does not own.
package template

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"sort"
)

// Decode reads a template in JSON or YAML (short-form tags understood).
func Decode(data []byte) (map[string]any, error) {
	trimmed := bytes.TrimLeft(data, " \t\r\n\ufeff")
	if len(trimmed) > 0 && trimmed[0] == '{' {
		return DecodeJSON(data)
	}
	return DecodeYAML(data)
}

// DecodeJSON reads a JSON template; numbers stay json.Number so they
// round-trip to the same text.
func DecodeJSON(data []byte) (map[string]any, error) {
	v, err := DecodeJSONValue(data)
	if err != nil {
		return nil, err
	}
	m, ok := v.(map[string]any)
	if !ok {
		return nil, fmt.Errorf("template: the document is a %s, not a JSON object", KindOf(v))
	}
	return m, nil
}

// EncodeJSON writes v as JSON with sorted keys and no HTML escaping. With
// indent the output is indented by two spaces and ends in a newline.
func EncodeJSON(v any, indent bool) ([]byte, error) {
	if !indent {
		var out chunks
		w := bufio.NewWriterSize(&out, 64<<10)
		if err := writeCompact(w, v, false); err != nil {
			return nil, fmt.Errorf("template: encode JSON: %w", err)
		}
		if err := w.Flush(); err != nil {
			return nil, fmt.Errorf("template: encode JSON: %w", err)
		}
		return out.bytes(), nil
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if indent {
		enc.SetIndent("", "  ")
	}
	if err := enc.Encode(v); err != nil {
		return nil, fmt.Errorf("template: encode JSON: %w", err)
	}
	out := buf.Bytes()
	if !indent {
		out = bytes.TrimSuffix(out, []byte("\n"))
	}
	return out, nil
}

// KindOf names the JSON kind of a generic value, for error messages.
func KindOf(v any) string {
	switch v.(type) {
	case nil:
		return "null"
	case map[string]any:
		return "object"
	case []any:
		return "list"
	case string:
		return "string"
	case bool:
		return "boolean"
	case json.Number, float64, int, int64:
		return "number"
	default:
		return fmt.Sprintf("%T", v)
	}
}

// AKindOf is KindOf with its indefinite article ("an object", "a list"),
// for messages such as "DependsOn is an object".
func AKindOf(v any) string {
	switch k := KindOf(v); k[0] {
	case 'a', 'e', 'i', 'o', 'u':
		return "an " + k
	default:
		return "a " + k
	}
}

// SortedKeys returns the keys of m in byte order.
func SortedKeys(m map[string]any) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// Clone returns a deep copy of a generic value.
func Clone(v any) any {
	switch t := v.(type) {
	case map[string]any:
		m := make(map[string]any, len(t))
		for k, e := range t {
			m[k] = Clone(e)
		}
		return m
	case []any:
		l := make([]any, len(t))
		for i, e := range t {
			l[i] = Clone(e)
		}
		return l
	default:
		return v
	}
}

// chunks collects what is written in pieces and joins them once at the
// end: one copy of the output, where a growing buffer copies it again at
// every doubling.
type chunks struct {
	parts [][]byte
}

func (c *chunks) Write(p []byte) (int, error) {
	c.parts = append(c.parts, bytes.Clone(p))
	return len(p), nil
}

func (c *chunks) bytes() []byte {
	if len(c.parts) == 1 {
		return c.parts[0]
	}
	return bytes.Join(c.parts, nil)
}
