package transform

import (
	"sort"

	"github.com/quiltdata/quilt-private-endpoints/internal/template"
)

// Identity is one logical id the macro adds to a template or gives a
// resource in place of its old one: the contract that keeps a render's ids
// stable across engine versions and Quilt releases (docs/transform.md,
// "Stable identity"). An upgrade that renders a new release over a deployed
// render relies on every one of them meaning the same resource.
type Identity struct {
	// Section is Resources, Outputs, Conditions or Parameters.
	Section string
	// ID is the logical id (or output, condition, parameter name) in the
	// render.
	ID string
	// Type is the resource type (Resources only).
	Type string
	// RenamedFrom is the input's logical id the resource had, for a
	// renamed resource; empty for an added one.
	RenamedFrom string
}

// Identities lists the logical ids the render adds to or renames in the
// input: resources (added, or renamed per renamed: old -> new, as
// Result.Renamed), outputs, conditions and parameters that the input does
// not have. Sorted by Section, then ID.
func Identities(input, render map[string]any, renamed map[string]string) []Identity {
	from := map[string]string{}
	for old, id := range renamed {
		from[id] = old
	}
	var out []Identity
	for _, sec := range []string{"Conditions", "Outputs", "Parameters", "Resources"} {
		in := template.Section(input, sec)
		got := template.Section(render, sec)
		for _, id := range template.SortedKeys(got) {
			if _, had := in[id]; had {
				continue
			}
			e := Identity{Section: sec, ID: id}
			if sec == "Resources" {
				r, _ := got[id].(map[string]any)
				e.Type, _ = r["Type"].(string)
				e.RenamedFrom = from[id]
			}
			out = append(out, e)
		}
	}
	sort.SliceStable(out, func(i, j int) bool {
		if out[i].Section != out[j].Section {
			return out[i].Section < out[j].Section
		}
		return out[i].ID < out[j].ID
	})
	return out
}

// deploymentType is the type of the resources the macro makes whose
// logical id follows the REST API's body by design (pass_redeploy).
const deploymentType = "AWS::ApiGateway::Deployment"

// ReplacedByDesign reports whether a resource of type typ that the macro
// made (Identities) is meant to be replaced by later updates: an API
// Gateway deployment's logical id follows the API's body, so a new release
// that changes the API brings a new deployment and the old one is removed
// in cleanup. The one answer for what guards the macro's resources: the
// stack policy and QPE-UP-012 leave these out.
func ReplacedByDesign(typ string) bool {
	return typ == deploymentType
}
