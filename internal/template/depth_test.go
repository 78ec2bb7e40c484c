package template

import (
	"strings"
	"testing"
	"time"
)

// nestedJSON is a template whose one property nests n lists deep.
func nestedJSON(n int) string {
	return `{"Resources":{"R":{"Type":"AWS::SNS::Topic","Properties":{"P":` + strings.Repeat("[", n) + strings.Repeat("]", n) + `}}}}`
}

// nestedYAML is nestedJSON in block YAML: each level indented once more.
func nestedYAML(n int) string {
	var b strings.Builder
	b.WriteString("Resources:\n  R:\n    Type: AWS::SNS::Topic\n    Properties:\n      P:\n")
	for i := 0; i < n; i++ {
		b.WriteString(strings.Repeat(" ", 6+2*i) + "-\n")
	}
	return b.String()
}

// TestNestingBounded: a template nested deeper than MaxDepth is refused,
// in JSON and YAML (flow and block), quickly and with the limit named; one
// at the limit's edge decodes. Before the bound, a 20 KB document nested
// 9,990 deep decoded and rendered to 200 MB.
func TestNestingBounded(t *testing.T) {
	// Resources, R, Properties, P: 4 levels above the lists.
	ok := MaxDepth - 5
	for _, tc := range []struct {
		name string
		doc  string
		want bool
	}{
		{"JSON at the limit", nestedJSON(ok), true},
		{"YAML at the limit", nestedYAML(ok), true},
		{"YAML flow at the limit", "Resources: {R: {Type: AWS::SNS::Topic, Properties: {P: " + strings.Repeat("[", ok) + strings.Repeat("]", ok) + "}}}", true},
		{"JSON over the limit", nestedJSON(MaxDepth + 1), false},
		{"YAML over the limit", nestedYAML(MaxDepth + 1), false},
		{"JSON 9,990 deep (20 KB)", nestedJSON(9990), false},
		{"YAML flow 9,990 deep", "Resources: {R: {Properties: {P: " + strings.Repeat("[", 9990) + strings.Repeat("]", 9990) + "}}}", false},
		{"JSON objects 9,990 deep", `{"Resources":` + strings.Repeat(`{"a":`, 9990) + `1` + strings.Repeat("}", 9990) + "}", false},
		{"YAML tags 9,990 deep", "Resources: " + strings.Repeat("!Not [", 9990) + strings.Repeat("]", 9990), false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			start := time.Now()
			_, err := Decode([]byte(tc.doc))
			if took := time.Since(start); took > 2*time.Second {
				t.Errorf("took %v", took)
			}
			if (err == nil) != tc.want {
				t.Fatalf("err = %v, want accepted %v", err, tc.want)
			}
			if err != nil && !strings.Contains(err.Error(), "levels deep") {
				t.Errorf("err = %v, want the nesting named", err)
			}
		})
	}
}
