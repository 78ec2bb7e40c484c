package template

import (
	"encoding/json"
	"reflect"
	"strconv"
)

// Equal compares two template values as CloudFormation does: scalars by
// their string form ("443" equals 443, "true" equals true), objects and
// lists member by member; null equals only null.
func Equal(a, b any) bool {
	switch x := a.(type) {
	case map[string]any:
		y, ok := b.(map[string]any)
		if !ok || len(x) != len(y) {
			return false
		}
		if SameObject(x, y) {
			return true
		}
		for k, v := range x {
			w, ok := y[k]
			if !ok || !Equal(v, w) {
				return false
			}
		}
		return true
	case []any:
		y, ok := b.([]any)
		if !ok || len(x) != len(y) {
			return false
		}
		for i := range x {
			if !Equal(x[i], y[i]) {
				return false
			}
		}
		return true
	case nil:
		return b == nil
	}
	as, aok := ScalarString(a)
	bs, bok := ScalarString(b)
	if aok && bok {
		return as == bs
	}
	return reflect.DeepEqual(a, b)
}

// ScalarString is the string form CloudFormation gives a scalar (numbers
// and booleans as written); ok is false for an object, a list or null.
func ScalarString(v any) (string, bool) {
	switch t := v.(type) {
	case string:
		return t, true
	case json.Number:
		return t.String(), true
	case bool:
		return strconv.FormatBool(t), true
	case float64:
		return strconv.FormatFloat(t, 'f', -1, 64), true
	case int:
		return strconv.Itoa(t), true
	}
	return "", false
}

// SameObject reports whether a and b are the same map (not merely equal).
func SameObject(a, b map[string]any) bool {
	return a != nil && b != nil && reflect.ValueOf(a).UnsafePointer() == reflect.ValueOf(b).UnsafePointer()
}
