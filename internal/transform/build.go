package transform

import (
	"encoding/json"
	"fmt"

	"github.com/quiltdata/quilt-private-endpoints/internal/template"
)

// fromGoformation converts a goformation resource or parameter (a typed
// struct, which checks the property names) into the generic map form with
// encoding/json. Its values are plain: the engine never uses goformation's
// intrinsic helpers (cloudformation.Ref, Sub, ...), which encode an
// intrinsic as a base64 string that would have to be guessed back; a pass
// sets an intrinsic on the map it gets back instead, as an exact object.
func fromGoformation(r any) (map[string]any, error) {
	b, err := json.Marshal(r)
	if err != nil {
		return nil, fmt.Errorf("transform: build resource: %w", err)
	}
	v, err := template.DecodeJSONValue(b)
	if err != nil {
		return nil, fmt.Errorf("transform: build resource: %w", err)
	}
	m, ok := v.(map[string]any)
	if !ok {
		return nil, fmt.Errorf("transform: build resource: got %s", template.AKindOf(v))
	}
	return m, nil
}
