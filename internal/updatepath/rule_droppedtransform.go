package updatepath

import (
	"github.com/quiltdata/quilt-private-endpoints/internal/finding"
	"github.com/quiltdata/quilt-private-endpoints/internal/macroevent"
	"github.com/quiltdata/quilt-private-endpoints/internal/preflightcontract"
	"github.com/quiltdata/quilt-private-endpoints/internal/template"
	"github.com/quiltdata/quilt-private-endpoints/internal/transform"
)

// ruleDroppedTransform: the new template drops the deployed render's
// Transform.
var ruleDroppedTransform = finding.Rule{
	ID:       "QPE-UP-011",
	Severity: finding.Error,
	Title:    "the new template drops the QuiltPrivateEndpoints Transform of the deployed stack",
	Meaning: "The deployed stack is a render of the QuiltPrivateEndpoints macro (it has the preflight resource or the " +
		"macro's Metadata entry), but the new template neither names the macro in its Transform section nor is a " +
		"render. Applied, the update silently turns the stack public again: a new EDGE API, the internal load " +
		"balancer side and the preflight removed. This is what happens when a new Quilt release is given to the " +
		"console as Quilt's upgrade steps say.",
	Remedy: "Add the Transform entry with the deployed settings (Transform: [{Name: QuiltPrivateEndpoints, Parameters: " +
		"{...}}]; the deployed settings are in the stack's processed template, Metadata.QuiltPrivateEndpoints.Settings), " +
		"or render the new template with qpe render and update with the render. To leave Private Endpoints on purpose, " +
		"plan the return to the original template as its own update.",
	Source: "issue 22 item 3; docs/transform.md (Stable identity and what a render records)",
}

func checkDroppedTransform(m *model) []finding.Finding {
	at, dropped := droppedTransform(m)
	if !dropped || m.in.Leaving {
		return nil
	}
	return []finding.Finding{ruleDroppedTransform.New(at, "",
		"the deployed stack is a render of %s (%s) but the new template, as given, has no %s Transform and is not a render: "+
			"deployed as given, the update makes the stack public again and removes what the macro made",
		macroevent.MacroName, at, macroevent.MacroName)}
}

// droppedTransform reports whether the update drops the deployed render's
// Transform (QPE-UP-011), with the deployed render's mark: the deployed
// template is a render and the new one, as given, neither names the macro
// nor is a render. QPE-UP-012 stays quiet then.
func droppedTransform(m *model) (string, bool) {
	at, deployedRender := renderMark(m.in.Deployed)
	if !deployedRender {
		return "", false
	}
	given := m.in.New
	if m.in.NewAsGiven != nil {
		given = m.in.NewAsGiven
	}
	if macroevent.HasEntry(given) {
		return "", false
	}
	if _, newRender := renderMark(given); newRender {
		return "", false
	}
	return at, true
}

// renderMark reports whether doc is a render of the macro, and the mark
// that says so: the preflight resource's logical id, or the Metadata entry.
func renderMark(doc map[string]any) (string, bool) {
	res := template.Resources(doc)
	for _, id := range template.SortedKeys(res) {
		if r, _ := res[id].(map[string]any); r["Type"] == preflightcontract.Type {
			return id, true
		}
	}
	if _, ok := template.Section(doc, "Metadata")[transform.MetadataKey]; ok {
		return "Metadata." + transform.MetadataKey, true
	}
	return "", false
}
