package enable

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/quiltdata/quilt-private-endpoints/internal/macroevent"
	"github.com/quiltdata/quilt-private-endpoints/internal/review"
	"github.com/quiltdata/quilt-private-endpoints/internal/template"
	"github.com/quiltdata/quilt-private-endpoints/internal/transform"
)

// Upgrade is what an upgrade to a new template (qpe enable --template NEW)
// read and decided before the enable flow runs on it: the JSON's
// "upgrade".
type Upgrade struct {
	// From is the deployed stack's template.
	From UpgradeFrom `json:"from"`
	// To is NEW as given: a file name or an S3 URL.
	To string `json:"to"`
	// Settings are the Transform settings NEW is submitted with (the
	// deployed entry's, --set over them), Refs resolved.
	Settings map[string]string `json:"settings"`
	// SettingsFrom says where the settings come from: the deployed
	// Transform entry, or NEW's own entry on a stack not enabled yet.
	SettingsFrom string `json:"settingsFrom"`
	// NewParameters are NEW's parameters the stack does not have yet.
	NewParameters []NewParameter `json:"newParameters"`
	// DroppedParameters are the deployed template's parameters NEW does not
	// declare (their values go with the update).
	DroppedParameters []string `json:"droppedParameters"`
	// Warnings are disagreements read on the way (the render's Metadata
	// against the deployed entry).
	Warnings []string `json:"warnings,omitempty"`

	// doc is NEW with the macro's entry: the template every stage renders
	// and submits, in place of the deployed original.
	doc map[string]any
	// given is NEW as given: with the deployed original, the same upgrade
	// without the macro (updatepath.Baseline).
	given map[string]any
}

// UpgradeFrom describes the deployed template an upgrade starts from.
type UpgradeFrom struct {
	// Enabled: the deployed template has the QuiltPrivateEndpoints entry.
	Enabled bool `json:"enabled"`
	// EngineVersion is the engine version the deployed render records
	// (transform.ReadRenderInfo); "" when it records none.
	EngineVersion string `json:"engineVersion,omitempty"`
	// Description is the deployed template's Description (Quilt's names
	// the release).
	Description string `json:"description,omitempty"`
}

// NewParameter is a parameter of NEW that the stack does not have.
type NewParameter struct {
	Name string `json:"name"`
	// Value is the value it takes ("(NoEcho)" for a NoEcho parameter).
	Value string `json:"value"`
	// From is "default" (NEW's Default) or "--parameter".
	From string `json:"from"`
}

// Where an upgrade's settings come from (Upgrade.SettingsFrom).
const (
	SettingsFromDeployed = "deployed-transform-entry"
	SettingsFromNew      = "new-template-entry"
	SettingsFromFlags    = "set-flags-only"
)

// noEchoShown stands for the value of a NoEcho parameter in the output.
const noEchoShown = "(NoEcho)"

// prepareUpgrade reads NEW (the file's bytes the caller read, or the S3
// URL) and makes it the template of the run: the deployed Transform
// entry's settings carried into it (--set over them), the parameters
// matched. Everything it refuses is the caller's to fix (a *UsageError).
func (r *Result) prepareUpgrade(ctx context.Context) error {
	in, st := r.input, r.stack
	body := in.TemplateBody
	if body == nil {
		if !IsS3URL(in.Template) {
			return usagef("--template %s: give a local file (JSON or YAML) or an S3 URL (s3://BUCKET/KEY, https://BUCKET.s3.REGION.amazonaws.com/KEY)", in.Template)
		}
		owner, err := st.bucketOwner()
		if err != nil {
			return &UsageError{Err: err}
		}
		max := in.MaxTemplateBytes
		if max <= 0 {
			max = DefaultMaxTemplateBytes
		}
		r.step("reading the new template from %s (s3:GetObject, bucket owner pinned to the stack's account %s)", in.Template, owner)
		if body, err = downloadTemplate(ctx, r.clients.S3, in.Template, owner, max); err != nil {
			return &UsageError{Err: err}
		}
	}
	newDoc, err := decodeNewTemplate(in.Template, body)
	if err != nil {
		return &UsageError{Err: err}
	}
	up, err := planUpgrade(st, newDoc, in)
	if err != nil {
		return &UsageError{Err: err}
	}
	r.Upgrade = up
	r.reportUpgrade()
	return nil
}

// planUpgrade decides an upgrade from the deployed stack to newDoc (pure:
// tested on its own): the settings, the placement of the entry, the
// parameters.
func planUpgrade(st *deployedStack, newDoc map[string]any, in Input) (*Upgrade, error) {
	up := &Upgrade{To: in.Template, NewParameters: []NewParameter{}, DroppedParameters: []string{}}
	up.From.Description, _ = st.Original["Description"].(string)
	deployed, at, enabled := macroevent.Entry(st.Original)
	own, ownAt, newHas := macroevent.Entry(newDoc)
	up.From.Enabled = enabled
	kept := maps.Clone(deployed)
	switch {
	case enabled:
		up.SettingsFrom = SettingsFromDeployed
		if newHas {
			if diff := settingDifferences(deployed, own, in.Settings); len(diff) > 0 {
				return nil, fmt.Errorf("--template %s has its own %s Transform entry whose settings differ from the deployed stack's: %s. Fix: give each with --set Name=Value (the value the upgrade should have), or remove the entry from the new template (the deployed settings are then kept)",
					in.Template, macroevent.MacroName, strings.Join(diff, "; "))
			}
		}
	case newHas:
		up.SettingsFrom, kept, at = SettingsFromNew, maps.Clone(own), ownAt
	default:
		up.SettingsFrom = SettingsFromFlags
	}
	if kept == nil {
		kept = map[string]any{}
	}
	if enabled {
		up.From.EngineVersion, up.Warnings = crossCheckRenderInfo(st)
	}
	doc, _ := template.Clone(newDoc).(map[string]any)
	entry := map[string]any{"Name": macroevent.MacroName}
	if len(kept) > 0 {
		entry["Parameters"] = kept
	}
	_, others := macroevent.WithoutEntry(newDoc)
	doc["Transform"] = slices.Insert(slices.Clone(others), min(at, len(others)), any(entry))
	up.doc, up.given = doc, newDoc

	if err := matchParameters(up, st, newDoc, in); err != nil {
		return nil, err
	}
	up.Settings = resolvedSettings(macroevent.WithEntry(doc, in.Settings), st.Parameters)
	return up, nil
}

// settingDifferences lists the settings on which NEW's own entry and the
// deployed entry disagree (compared as written), those --set decides left
// out; sorted.
func settingDifferences(deployed, own map[string]any, set map[string]string) []string {
	var out []string
	names := map[string]any{}
	maps.Copy(names, deployed)
	maps.Copy(names, own)
	for _, name := range template.SortedKeys(names) {
		if _, decided := set[name]; decided {
			continue
		}
		d, inD := deployed[name]
		n, inN := own[name]
		if inD && inN && template.Equal(d, n) {
			continue
		}
		out = append(out, fmt.Sprintf("%s: deployed %s, new template %s", name, shownSetting(d, inD), shownSetting(n, inN)))
	}
	return out
}

func shownSetting(v any, present bool) string {
	if !present {
		return "(not set)"
	}
	return review.Short(v)
}

// crossCheckRenderInfo reads the deployed render's Metadata (the engine
// version and the effective settings it records) and compares its settings
// with the deployed Transform entry's. The entry wins: it is what
// CloudFormation hands the macro on every update, the Metadata only what
// the last render recorded. A disagreement (or an unreadable entry) is a
// warning.
func crossCheckRenderInfo(st *deployedStack) (version string, warnings []string) {
	info, ok, err := transform.ReadRenderInfo(st.Processed)
	if err != nil {
		return "", []string{fmt.Sprintf("the deployed render's Metadata cannot be read (%v): the settings come from the deployed Transform entry alone", err)}
	}
	if !ok {
		return "", []string{fmt.Sprintf("the deployed template has the %s Transform but its render records no Metadata.%s (made before the engine recorded it): the settings come from the deployed Transform entry alone",
			macroevent.MacroName, transform.MetadataKey)}
	}
	params, err := resolvedEntry(st.Original, st.Parameters)
	if err != nil {
		return info.EngineVersion, []string{fmt.Sprintf("the deployed Transform entry cannot be resolved (%v): not compared with the render's Metadata", err)}
	}
	set, err := transform.ParseSettings(params, st.Original)
	if err != nil {
		return info.EngineVersion, []string{fmt.Sprintf("the deployed Transform entry's settings are refused by this engine (%v): not compared with the render's Metadata", err)}
	}
	entry := set.Effective()
	redacted := info.RedactedSettings()
	names := map[string]any{}
	maps.Copy(names, entry)
	maps.Copy(names, info.Settings)
	for _, name := range template.SortedKeys(names) {
		if slices.Contains(redacted, name) {
			continue
		}
		e, inE := entry[name]
		m, inM := info.Settings[name]
		if inE && inM && template.Equal(e, m) {
			continue
		}
		warnings = append(warnings, fmt.Sprintf("setting %s: the deployed Transform entry gives %s, the deployed render's Metadata (engine %s) records %s; the Transform entry wins (it is what CloudFormation hands the macro): check the stack was not updated outside qpe",
			name, shownSetting(e, inE), info.EngineVersion, shownSetting(m, inM)))
	}
	return info.EngineVersion, warnings
}

// resolvedEntry is the macro's entry's Parameters of doc as CloudFormation
// hands them to the macro: Refs to template parameters resolved with the
// stack's values.
func resolvedEntry(doc map[string]any, values map[string]string) (map[string]any, error) {
	c, _ := template.Clone(doc).(map[string]any)
	inv, err := macroevent.Build(c, nil, declaredValues(doc, values))
	if err != nil {
		return nil, err
	}
	return inv.Event.Params, nil
}

// resolvedSettings are the entry's settings of doc as strings, for the
// output; an entry that cannot be resolved shows as written (the render
// step reports why). A setting that Refs a NoEcho parameter is not shown.
func resolvedSettings(doc map[string]any, values map[string]string) map[string]string {
	params, err := resolvedEntry(doc, values)
	if err != nil {
		params, _, _ = macroevent.Entry(doc)
	}
	out := stringSettings(params)
	if out == nil {
		out = map[string]string{}
	}
	raw, _, _ := macroevent.Entry(doc)
	declared := template.Section(doc, "Parameters")
	for k, v := range raw {
		if name, isRef := template.Ref(v); isRef && template.NoEcho(declared[name]) {
			out[k] = fmt.Sprintf("(from NoEcho parameter %s, not shown)", name)
		}
	}
	return out
}

// matchParameters sorts NEW's parameters: the stack's keep their values
// (UsePreviousValue, in the change set); a new one takes --parameter or
// its Default, and one with neither is an error listing them all; the
// deployed template's parameters NEW does not declare are listed.
func matchParameters(up *Upgrade, st *deployedStack, newDoc map[string]any, in Input) error {
	declared := template.Section(newDoc, "Parameters")
	var missing []string
	for _, name := range template.SortedKeys(declared) {
		if _, has := st.Parameters[name]; has {
			continue
		}
		decl, _ := declared[name].(map[string]any)
		p := NewParameter{Name: name}
		if v, given := in.Parameters[name]; given {
			p.Value, p.From = v, "--parameter"
		} else if def, ok := decl["Default"]; ok {
			p.Value, p.From = review.Short(def), "default"
			if s, scalar := template.ScalarString(def); scalar {
				p.Value = s
			}
		} else {
			typ, _ := decl["Type"].(string)
			missing = append(missing, fmt.Sprintf("%s (%s)", name, orNone(typ)))
			continue
		}
		if template.NoEcho(decl) {
			p.Value = noEchoShown
		}
		up.NewParameters = append(up.NewParameters, p)
	}
	if len(missing) > 0 {
		return fmt.Errorf("--template %s declares %d new parameter(s) without a Default that the stack does not have: %s. Fix: give each a value with --parameter Name=Value",
			in.Template, len(missing), strings.Join(missing, ", "))
	}
	for _, name := range template.SortedKeys(template.Section(st.Original, "Parameters")) {
		if _, kept := declared[name]; !kept {
			up.DroppedParameters = append(up.DroppedParameters, name)
		}
	}
	return nil
}

// reportUpgrade prints what the upgrade decided.
func (r *Result) reportUpgrade() {
	up := r.Upgrade
	from := "a stack without " + macroevent.MacroName
	if up.From.Enabled {
		from = "a render of engine " + orNone(up.From.EngineVersion)
	}
	if up.From.Description != "" {
		from += fmt.Sprintf(" (%q)", up.From.Description)
	}
	r.step("upgrade: from %s to %s", from, up.To)
	var set []string
	for _, k := range sortedKeys(up.Settings) {
		set = append(set, k+"="+up.Settings[k])
	}
	switch up.SettingsFrom {
	case SettingsFromDeployed:
		r.step("upgrade: settings kept from the deployed Transform entry (--set overrides): %s", orNone(strings.Join(set, ", ")))
	case SettingsFromNew:
		r.step("upgrade: the stack has no %s entry yet: settings from the new template's entry (--set overrides): %s", macroevent.MacroName, orNone(strings.Join(set, ", ")))
	default:
		r.step("upgrade: the stack has no %s entry yet: settings from --set: %s", macroevent.MacroName, orNone(strings.Join(set, ", ")))
	}
	for _, w := range up.Warnings {
		r.step("warning: %s", w)
	}
	if len(up.NewParameters) > 0 {
		var l []string
		for _, p := range up.NewParameters {
			l = append(l, fmt.Sprintf("%s=%s (%s)", p.Name, p.Value, p.From))
		}
		r.step("upgrade: new parameters: %s", strings.Join(l, ", "))
	}
	if len(up.DroppedParameters) > 0 {
		r.step("upgrade: parameters the new template drops (their values go with the update): %s", strings.Join(up.DroppedParameters, ", "))
	}
}

// baseTemplate is the template a stage adds the entry to and renders: the
// upgrade's NEW, else the deployed original.
func (r *Result) baseTemplate() map[string]any {
	if r.Upgrade != nil {
		return r.Upgrade.doc
	}
	return r.stack.Original
}
