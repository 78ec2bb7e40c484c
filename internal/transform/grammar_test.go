package transform

import (
	"strings"
	"testing"
)

// TestMessagesSayAnObject (issue 15, item 18): a value of the wrong kind is
// "an object", not "a object".
func TestMessagesSayAnObject(t *testing.T) {
	_, err := ParseSettings(map[string]any{"VpcParameter": map[string]any{"Ref": "VPC"}}, map[string]any{})
	if err == nil || !strings.Contains(err.Error(), "is an object, want a string") || strings.Contains(err.Error(), "a object") {
		t.Errorf("error %v", err)
	}
}
