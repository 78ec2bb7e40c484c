package transform

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/quiltdata/quilt-private-endpoints/internal/template"
)

// fromGoformation converts a goformation resource (typed struct) into the
// generic map form, turning goformation's encoded intrinsics (base64 JSON
// strings made by cloudformation.Ref, Sub, GetAtt, ...) back into objects.
func fromGoformation(r any) (map[string]any, error) {
	b, err := json.Marshal(r)
	if err != nil {
		return nil, fmt.Errorf("transform: build resource: %w", err)
	}
	v, err := template.DecodeJSONValue(b)
	if err != nil {
		return nil, fmt.Errorf("transform: build resource: %w", err)
	}
	v = decodeIntrinsics(v)
	m, ok := v.(map[string]any)
	if !ok {
		return nil, fmt.Errorf("transform: build resource: got %s", template.AKindOf(v))
	}
	return m, nil
}

// decodeIntrinsics replaces goformation's encoded intrinsics in a value
// built from the engine's own structs.
func decodeIntrinsics(v any) any {
	switch t := v.(type) {
	case map[string]any:
		for k, e := range t {
			t[k] = decodeIntrinsics(e)
		}
	case []any:
		for i, e := range t {
			t[i] = decodeIntrinsics(e)
		}
	case string:
		d, _ := decodeIntrinsic(t)
		return d
	}
	return v
}

func decodeIntrinsic(v any) (any, bool) {
	s, ok := v.(string)
	if !ok || len(s) < 8 || strings.ContainsAny(s, " :-_") {
		return v, false
	}
	raw, err := base64.StdEncoding.DecodeString(s)
	if err != nil || len(raw) == 0 || raw[0] != '{' {
		return v, false
	}
	d, err := template.DecodeJSONValue(raw)
	if err != nil {
		return v, false
	}
	if _, _, ok := template.Intrinsic(d); !ok {
		return v, false
	}
	return d, true
}
