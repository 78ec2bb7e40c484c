package updatepath

import (
	"github.com/quiltdata/quilt-private-endpoints/internal/finding"
)

// ruleData: a replaced resource that holds data.
var ruleData = finding.Rule{
	ID:       "QPE-UP-005",
	Severity: finding.Error,
	Title:    "a replaced resource that holds data",
	Meaning: "The update replaces a resource that holds data (a bucket, table, file system, search domain, " +
		"database, log group, queue, key, ...): the new copy starts empty and the old one is deleted in cleanup " +
		"(or orphaned with DeletionPolicy Retain).",
	Remedy: "Keep the create-only properties that force the replacement unchanged; if the change is needed, " +
		"migrate the data to a new resource first and switch over in a later update.",
	Source: "@aws-cdk/aws-service-spec isStateful; update-path.md section 1",
}

func checkData(m *model) []finding.Finding {
	var fs []finding.Finding
	for _, id := range m.updatedIDs() {
		r := m.res[id]
		if r.Action != Replace || !m.spec.Stateful(r.Type) {
			continue
		}
		fs = append(fs, ruleData.New(id, "",
			"%s (%s) holds data and is replaced (%s): the new copy is empty and the old one is deleted in cleanup",
			id, r.Type, joinComma(r.ReplacedBecause)))
	}
	return fs
}
