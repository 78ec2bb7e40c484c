package transform

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"slices"
	"strings"

	contract "github.com/quiltdata/quilt-private-endpoints/internal/preflightcontract"
	"github.com/quiltdata/quilt-private-endpoints/internal/template"
)

// Bounds of the MacroWarnings property (it must stay small: the custom
// resource's Reason is at most 4 KB).
const (
	maxWarnings     = 20
	maxWarningBytes = 300
)

// passPreflightSeal runs after every other pass: it gives the preflight the
// macro's warnings (MacroWarnings, which the custom resource reports in its
// Data summary and its Reason) and the Fingerprint, so that the preflight
// runs on every stack update. The Fingerprint is the sha256 of the rendered
// template without the Fingerprint itself, joined with every parameter's
// value through a Ref (a list parameter joined with commas): a change of the
// template or of a parameter value changes it, identical input gives an
// identical value. NoEcho parameters are left out: their values must not be
// copied into a property, which CloudFormation shows and sends in events.
func passPreflightSeal(st *state) error {
	if st.set.PreflightMode == ModeNone || st.typeOf(PreflightLogicalID) != PreflightType {
		return nil
	}
	props := st.editProps(PreflightLogicalID)
	old := props[contract.PropFingerprint]
	delete(props, contract.PropFingerprint)
	// The warnings of this run, and those already there: a run on the
	// macro's own output (which warns of nothing it already did) keeps them.
	ws := make([]string, 0, len(st.warnings))
	for _, w := range st.warnings {
		ws = append(ws, warningText(w))
	}
	for _, w := range asList(props[contract.PropWarnings]) {
		if s, ok := w.(string); ok && !strings.HasPrefix(s, "... and ") {
			ws = append(ws, s)
		}
	}
	delete(props, contract.PropWarnings)
	// Shortened first, so that a long warning of this run and the same one
	// kept from a run before are one.
	for i, w := range ws {
		if len(w) > maxWarningBytes {
			ws[i] = strings.ToValidUTF8(w[:maxWarningBytes-3], "") + "..."
		}
	}
	slices.Sort(ws)
	ws = slices.Compact(ws)
	if len(ws) > maxWarnings {
		ws = append(ws[:maxWarnings-1], fmt.Sprintf("... and %d more warnings (see the macro's log)", len(ws)-maxWarnings+1))
	}
	if len(ws) > 0 {
		props[contract.PropWarnings] = toAny(ws)
	}
	fp, err := fingerprint(st)
	if err != nil {
		return err
	}
	props[contract.PropFingerprint] = fp
	if old != nil && !template.Equal(old, fp) {
		st.change("preflight", PreflightLogicalID, "Fingerprint updated (the template or its parameters changed)")
	}
	return nil
}

// fingerprint is the preflight's Fingerprint value for the template as it
// is now (the preflight's own Fingerprint removed by the caller).
func fingerprint(st *state) (any, error) {
	doc := shallow(st.doc)
	doc["Resources"] = st.res
	h := sha256.New()
	// The bytes of json.Marshal (map keys sorted: deterministic), streamed.
	if err := template.WriteMarshal(h, doc); err != nil {
		return nil, fmt.Errorf("transform: fingerprint: %w", err)
	}
	sum := h.Sum(nil)
	parts := []any{"sha256:" + hex.EncodeToString(sum[:16])}
	params := template.Section(st.doc, "Parameters")
	for _, name := range template.SortedKeys(params) {
		p, _ := params[name].(map[string]any)
		if template.NoEcho(p) {
			continue
		}
		ref := map[string]any{"Ref": name}
		if t, _ := p["Type"].(string); strings.Contains(t, "List<") || t == "CommaDelimitedList" {
			parts = append(parts, map[string]any{"Fn::Join": []any{",", ref}})
		} else {
			parts = append(parts, ref)
		}
	}
	if len(parts) == 1 {
		return parts[0], nil
	}
	return map[string]any{"Fn::Join": []any{"|", parts}}, nil
}
