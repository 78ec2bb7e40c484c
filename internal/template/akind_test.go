package template

import "testing"

// TestAKindOf: "is an object", never "is a object" (issue 15, item 18).
func TestAKindOf(t *testing.T) {
	for v, want := range map[any]string{"x": "a string", true: "a boolean", 1: "a number"} {
		if got := AKindOf(v); got != want {
			t.Errorf("AKindOf(%v) = %q, want %q", v, got, want)
		}
	}
	if got := AKindOf(map[string]any{}); got != "an object" {
		t.Errorf("object: %q", got)
	}
	if got := AKindOf([]any{}); got != "a list" {
		t.Errorf("list: %q", got)
	}
	if got := AKindOf(nil); got != "a null" {
		t.Errorf("nil: %q", got)
	}
}
