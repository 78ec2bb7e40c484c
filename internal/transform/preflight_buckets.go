package transform

import (
	"strings"

	"github.com/quiltdata/quilt-private-endpoints/internal/template"
)

// bucketNames lists the buckets the preflight checks the Region of: the
// BucketNames setting, then the template's data bucket parameters, told
// apart as String parameters named ...Bucket or ...BucketName that the
// template's resources use and that are not a trail or log bucket (never
// CloudTrailBucket: an organisation trail bucket, typically in another
// account, read by CloudTrail and Athena, not through the gateway endpoint).
// A NoEcho parameter is never copied: the preflight would write its value
// into a FAILED reason (a stack event) and its logs.
func bucketNames(st *state) []any {
	out := toAny(st.set.BucketNames)
	params := template.Section(st.doc, "Parameters")
	var candidates []string
	for _, name := range template.SortedKeys(params) {
		p, _ := params[name].(map[string]any)
		if t, _ := p["Type"].(string); t != "String" || template.NoEcho(p) {
			continue // a NoEcho value never becomes a preflight property
		}
		if !strings.HasSuffix(name, "Bucket") && !strings.HasSuffix(name, "BucketName") {
			continue
		}
		desc, _ := p["Description"].(string)
		if l := strings.ToLower(name + " " + desc); strings.Contains(l, "trail") || strings.Contains(l, "log") {
			continue
		}
		candidates = append(candidates, name)
	}
	// Which of them the resources use: the walk stops when all are found.
	used := map[string]bool{}
	for _, name := range candidates {
		used[name] = false
	}
	left := len(candidates)
	for _, id := range st.ids {
		if left == 0 {
			break
		}
		for _, r := range template.ReferencedIDs(st.resource(id)) {
			if seen, ok := used[r]; ok && !seen {
				used[r] = true
				left--
			}
		}
	}
	for _, name := range candidates {
		if used[name] {
			out = append(out, map[string]any{"Ref": name})
		}
	}
	return out
}

func toAny(l []string) []any {
	out := make([]any, len(l))
	for i, s := range l {
		out[i] = s
	}
	return out
}
