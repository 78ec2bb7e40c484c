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
	// A removed one is deleted in cleanup with its data (a non-empty
	// bucket fails to delete and is left behind).
	for _, id := range m.sortedIDs() {
		r := m.res[id]
		if r.Action != Remove || !m.spec.Stateful(r.Type) || m.old.resources[id].Attrs["DeletionPolicy"] == "Retain" {
			continue
		}
		note := ""
		if r.Type == "AWS::S3::Bucket" {
			note = " (a bucket that is not empty fails to delete and is orphaned)"
		}
		fs = append(fs, ruleData.NewSeverity(finding.Warning, id, "Keep it (DeletionPolicy: Retain), or archive its data before the update.",
			"%s (%s) holds data and is removed: it is deleted in cleanup with its data%s", id, r.Type, note))
	}
	return fs
}
