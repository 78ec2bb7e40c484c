package updatepath

import (
	"strings"

	"github.com/quiltdata/quilt-private-endpoints/internal/finding"
)

// ruleExport: an exported value that changes or goes.
var ruleExport = finding.Rule{
	ID:       "QPE-UP-003",
	Severity: finding.Error,
	Title:    "an exported value that changes",
	Meaning: "An output exported for other stacks changes value (or goes). If another stack imports it, " +
		"CloudFormation fails the update at its end (\"Cannot update export ... as it is in use by ...\") and rolls " +
		"everything back, a replaced load balancer included. An error when an importer is known, a warning otherwise.",
	Remedy: "Update the importing stacks first so they no longer import the export (aws cloudformation list-imports " +
		"--export-name <name>), or keep the exported value unchanged.",
	Source: "update-path.md section 4",
}

func checkExport(m *model) []finding.Finding {
	var fs []finding.Finding
	for _, o := range m.outputs {
		if o.Export == "" || o.Change == "added" {
			continue
		}
		why := ""
		if len(o.Because) > 0 {
			why = " (it follows " + strings.Join(o.Because, ", ") + ", replaced)"
		}
		importers := m.in.ImportedExports[o.Export]
		if len(importers) > 0 {
			fs = append(fs, ruleExport.New("Outputs."+o.Name, "",
				"export %s is %s%s but stack %s imports it: the update fails at its end and rolls back",
				o.Export, o.Change, why, strings.Join(importers, ", ")))
			continue
		}
		if m.in.ImportedExports != nil {
			continue // importers were read: none
		}
		fs = append(fs, ruleExport.NewSeverity(finding.Warning, "Outputs."+o.Name, "",
			"export %s is %s%s: if another stack imports it, the update fails at its end and rolls back (importers not read; use qpe review --stack)",
			o.Export, o.Change, why))
	}
	return fs
}

// exportInUse reports whether a changed export may fail the update at its
// end: imported, or importers unknown.
func (m *model) exportInUse(o Output) bool {
	if o.Export == "" || o.Change == "added" {
		return false
	}
	return m.in.ImportedExports == nil || len(m.in.ImportedExports[o.Export]) > 0
}
