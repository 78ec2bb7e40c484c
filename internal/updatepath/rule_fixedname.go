package updatepath

import (
	"github.com/quiltdata/quilt-private-endpoints/internal/finding"
	"github.com/quiltdata/quilt-private-endpoints/internal/template"
)

// ruleFixedName: a replaced resource whose physical name stays the same.
var ruleFixedName = finding.Rule{
	ID:       "QPE-UP-004",
	Severity: finding.Error,
	Title:    "a replaced resource with a fixed physical name",
	Meaning: "The update replaces a resource whose name property (ECS ServiceName, BucketName, FunctionName, ...) " +
		"keeps its value. CloudFormation creates the new copy before deleting the old one, so the name is taken " +
		"and the creation fails.",
	Remedy: "Do not change the create-only properties that force the replacement, or change the name in the same " +
		"update (or drop it and let CloudFormation generate one).",
	Source: "update-path.md sections 1 and 3 (replacement creates the new copy first)",
}

func checkFixedName(m *model) []finding.Finding {
	var fs []finding.Finding
	for _, id := range m.updatedIDs() {
		r := m.res[id]
		if r.Action != Replace {
			continue
		}
		prop := m.spec.NameProperty(r.Type)
		if prop == "" {
			continue
		}
		o, n := m.old.props(id)[prop], m.new.props(id)[prop]
		if n == nil || !template.Equal(o, n) {
			continue
		}
		fs = append(fs, ruleFixedName.New(id, "",
			"%s is replaced (%s) but keeps %s %v: the new copy cannot be created while the old one holds the name",
			id, joinComma(r.ReplacedBecause), prop, n))
	}
	return fs
}
