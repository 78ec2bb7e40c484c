package review

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"sort"
	"strings"

	"github.com/quiltdata/quilt-private-endpoints/internal/cfnspec"
	"github.com/quiltdata/quilt-private-endpoints/internal/updatepath"
)

// collapseAfter is the number of rows above which a resource's changes go
// into a collapsed <details> block.
const collapseAfter = 6

// maxCell bounds a value shown in a table cell; the JSON report has it all.
const maxCell = 400

// WriteJSON writes the report as indented JSON.
func WriteJSON(w io.Writer, r *Report) error {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(r); err != nil {
		return fmt.Errorf("review: encode JSON: %w", err)
	}
	_, err := w.Write(buf.Bytes())
	return err
}

// WriteMarkdown writes the report as GitHub-flavoured Markdown for a pull
// request. The output is deterministic.
func WriteMarkdown(w io.Writer, r *Report) error {
	var b bytes.Buffer
	name := r.Template
	if name == "" {
		name = "template"
	}
	fmt.Fprintf(&b, "# Private Endpoints review: %s\n\n", code(name))
	if len(r.Settings) > 0 {
		var sets []string
		for _, k := range sortedKeysString(r.Settings) {
			sets = append(sets, code(k+"="+r.Settings[k]))
		}
		fmt.Fprintf(&b, "Settings: %s.\n\n", strings.Join(sets, ", "))
	}
	if err := updatepath.WriteVerdictMarkdown(&b, &r.Verdict, "##"); err != nil {
		return err
	}
	s := r.Summary
	fmt.Fprintf(&b, "Resources: %s; %d knock-on (the engine did not change them), %d with some interruption; %d parameters added. "+
		"Update behaviour from the CloudFormation resource database %s.\n\n",
		s.Counts.Text(), s.KnockOn, s.SomeInterruption, s.ParametersAdded, code(r.Spec.Package+"@"+r.Spec.Version))
	writeRiskTable(&b, r)
	if r.Render != nil {
		writeRender(&b, r.Render)
	}

	details := func(summary string, body func(*bytes.Buffer)) {
		fmt.Fprintf(&b, "<details><summary><b>%s</b></summary>\n\n", summary)
		body(&b)
		b.WriteString("</details>\n\n")
	}
	if r.Plan != nil {
		details("Rollout picture: the waves and the availability timeline", func(b *bytes.Buffer) {
			var sb strings.Builder
			updatepath.WriteMermaid(&sb, r.Plan)
			b.WriteString(sb.String())
		})
	}
	details(fmt.Sprintf("Risks in full (%d)", len(r.Risks)), func(b *bytes.Buffer) { writeRisks(b, r) })
	details(fmt.Sprintf("Parameters (%d)", len(r.Parameters)), func(b *bytes.Buffer) { writeParameters(b, r) })
	details(fmt.Sprintf("Resources (%d)", len(r.Resources)), func(b *bytes.Buffer) { writeResources(b, r) })
	details(fmt.Sprintf("IAM (%d)", len(r.IAM)), func(b *bytes.Buffer) { writeIAM(b, r) })
	if len(r.Sections) > 0 || len(r.OtherChanges) > 0 {
		details("Other template sections", func(b *bytes.Buffer) { writeSections(b, r) })
	}
	var err error
	if r.Rollout != nil {
		details(fmt.Sprintf("Update plan (%d waves)", len(r.Rollout.Waves)), func(b *bytes.Buffer) {
			err = updatepath.WriteRolloutMarkdown(b, r.Rollout, r.Outputs, "Update plan", "###")
		})
		if err != nil {
			return err
		}
	}
	if r.ChangeSet != nil {
		details(fmt.Sprintf("Changeset (%d changes, %d not from Private Endpoints)", len(r.ChangeSet.Entries), r.ChangeSet.NotFromMacro),
			func(b *bytes.Buffer) { writeChangeSet(b, r.ChangeSet) })
	}
	if b.Len() > maxComment {
		note := fmt.Sprintf("> This report is %d bytes, more than a GitHub comment holds (%d): attach it as a file, or post what comes before the first collapsed section.\n\n", b.Len(), maxComment)
		if _, err := io.WriteString(w, note); err != nil {
			return err
		}
	}
	_, err = w.Write(b.Bytes())
	return err
}

// maxComment is the size of the largest GitHub comment or pull request body.
const maxComment = 65536

// severityRank orders severities, most serious first.
func severityRank(s string) int {
	switch s {
	case "error":
		return 0
	case "warning":
		return 1
	}
	return 2
}

// writeRiskTable lists the risks by severity, one line each, with their
// catalogue ids: the part of the report above the first fold.
func writeRiskTable(b *bytes.Buffer, r *Report) {
	b.WriteString("## Risks by severity\n\n")
	if len(r.Risks) == 0 {
		b.WriteString("None apply.\n\n")
		return
	}
	rs := append([]Risk{}, r.Risks...)
	sort.SliceStable(rs, func(i, j int) bool { return severityRank(rs[i].Severity) < severityRank(rs[j].Severity) })
	b.WriteString("| Severity | Risk | Applies to |\n|---|---|---|\n")
	for _, k := range rs {
		fmt.Fprintf(b, "| %s | %s %s | %s |\n", k.Severity, code(k.ID), cell(k.Title), cell(clipList(k.Resources, 3)))
	}
	b.WriteString("\n")
}

func writeRisks(b *bytes.Buffer, r *Report) {
	b.WriteString("### Risks\n\n")
	if len(r.Risks) == 0 {
		b.WriteString("None apply.\n\n")
		return
	}
	for _, k := range r.Risks {
		fmt.Fprintf(b, "#### %s %s (%s)\n\n%s\n\n", code(k.ID), escapeText(k.Title), k.Severity, escapeText(k.Detail))
		if len(k.Resources) > 0 {
			fmt.Fprintf(b, "Applies to: %s.\n\n", codes(k.Resources))
		}
		for _, n := range k.Notes {
			fmt.Fprintf(b, "- %s\n", escapeText(n))
		}
		if len(k.Notes) > 0 {
			b.WriteString("\n")
		}
		fmt.Fprintf(b, "**What to do:** %s\n\n", escapeText(k.Action))
	}
}

func writeParameters(b *bytes.Buffer, r *Report) {
	b.WriteString("### Parameters\n\n")
	if len(r.Parameters) == 0 {
		b.WriteString("No parameter added or changed.\n\n")
		return
	}
	b.WriteString("| Parameter | Change | Type | Default | Description |\n|---|---|---|---|---|\n")
	for _, p := range r.Parameters {
		desc := p.Description
		if p.Action == ActionModify {
			var cs []string
			for _, c := range p.Changes {
				cs = append(cs, c.Path+": "+orDash(c.Before)+" → "+orDash(c.After))
			}
			desc = strings.Join(cs, "; ")
		}
		fmt.Fprintf(b, "| %s | %s | %s | %s | %s |\n", code(p.Name), p.Action, cell(p.Type), cellCode(p.Default), cell(desc))
	}
	b.WriteString("\n")
	n := 0
	for _, p := range r.Parameters {
		for _, w := range p.Why {
			fmt.Fprintf(b, "- %s: %s\n", code(p.Name), escapeText(w))
			n++
		}
	}
	if n > 0 {
		b.WriteString("\n")
	}
}

func behaviorText(res Resource) string {
	switch res.Action {
	case ActionAdd:
		return "created"
	case ActionRemove:
		return "deleted"
	case ActionRename:
		return "replacement (new + deleted)"
	case ActionNoUpdate:
		return "none (no update)"
	}
	return res.Behavior.String()
}

func writeResources(b *bytes.Buffer, r *Report) {
	b.WriteString("### Resources\n\n")
	if len(r.Resources) == 0 {
		b.WriteString("No resource changes.\n\n")
		return
	}
	b.WriteString("| Resource | Type | Change | Update behaviour | Risks |\n|---|---|---|---|---|\n")
	for _, res := range r.Resources {
		change := res.Action
		if res.RenamedFrom != "" {
			change = "renamed from " + code(res.RenamedFrom)
		}
		fmt.Fprintf(b, "| %s | %s | %s | %s | %s |\n", code(res.LogicalID), code(res.Type), change, behaviorText(res), codes(res.Risks))
	}
	b.WriteString("\n")
	for _, group := range sameChange(r.Resources) {
		res := group[0]
		if len(group) == 1 {
			fmt.Fprintf(b, "#### %s\n\n", code(res.LogicalID))
		} else {
			ids := make([]string, len(group))
			for i, g := range group {
				ids[i] = g.LogicalID
			}
			fmt.Fprintf(b, "#### %s and %d more with the same change\n\n", code(res.LogicalID), len(group)-1)
			fmt.Fprintf(b, "The same change for %d resources: %s.\n\n", len(group), codes(ids))
		}
		fmt.Fprintf(b, "%s, %s: **%s**.", code(res.Type), res.Action, behaviorText(res))
		if res.RenamedFrom != "" {
			fmt.Fprintf(b, " Was %s.", code(res.RenamedFrom))
		}
		if len(res.ReplacedBecause) > 0 {
			fmt.Fprintf(b, " Replaced because: %s.", escapeText(strings.Join(res.ReplacedBecause, ", ")))
		}
		b.WriteString("\n\n")
		for _, w := range res.Why {
			fmt.Fprintf(b, "- %s\n", escapeText(w))
		}
		if len(res.Why) > 0 {
			b.WriteString("\n")
		}
		if len(res.Changes) == 0 {
			continue
		}
		collapse := len(res.Changes) > collapseAfter || res.Action == ActionAdd
		if collapse {
			label := "changes"
			if res.Action == ActionAdd {
				label = "properties and attributes"
			}
			fmt.Fprintf(b, "<details><summary>%d %s</summary>\n\n", len(res.Changes), label)
		}
		if res.Action == ActionAdd {
			b.WriteString("| Key | Value |\n|---|---|\n")
			for _, c := range res.Changes {
				fmt.Fprintf(b, "| %s | %s |\n", cell(changePath(c)), cellCode(c.After))
			}
		} else {
			b.WriteString("| Path | Change | Before | After | Update |\n|---|---|---|---|---|\n")
			for _, c := range res.Changes {
				fmt.Fprintf(b, "| %s | %s | %s | %s | %s |\n", cell(changePath(c)), c.Kind, cellCode(c.Before), cellCode(c.After), updateText(c))
			}
		}
		if collapse {
			b.WriteString("\n</details>\n")
		}
		b.WriteString("\n")
	}
}

func changePath(c Change) string {
	if c.Attribute == "Properties" || c.Attribute == "" {
		return c.Path
	}
	if c.Path == c.Attribute || strings.HasPrefix(c.Path, c.Attribute+".") || strings.HasPrefix(c.Path, c.Attribute+"[") {
		return c.Path
	}
	return c.Attribute + "." + c.Path
}

func updateText(c Change) string {
	switch {
	case c.Update != "":
		return c.Behavior.String() + " (" + string(c.Update) + ")"
	case c.Behavior == cfnspec.None:
		return "none (attribute)"
	case c.Behavior == cfnspec.Unknown:
		return "not in the specification"
	}
	return c.Behavior.String()
}

func writeIAM(b *bytes.Buffer, r *Report) {
	b.WriteString("### IAM\n\n")
	if len(r.IAM) == 0 {
		b.WriteString("No IAM change.\n\n")
		return
	}
	b.WriteString("| Role | Change | Policy | Used by |\n|---|---|---|---|\n")
	for _, c := range r.IAM {
		fmt.Fprintf(b, "| %s | %s | %s | %s |\n", code(c.Role), c.Change, cellCode(c.Policy), codes(c.UsedBy))
	}
	b.WriteString("\n")
}

func writeSections(b *bytes.Buffer, r *Report) {
	if len(r.Sections) == 0 && len(r.OtherChanges) == 0 {
		return
	}
	b.WriteString("### Other template sections\n\n")
	defer func() {
		if len(r.OtherChanges) == 0 {
			return
		}
		b.WriteString("Engine changes outside Resources and Parameters:\n\n")
		for _, c := range r.OtherChanges {
			fmt.Fprintf(b, "- %s: %s\n", code(orDash(c.Resource)), escapeText(c.Pass+": "+c.Detail))
		}
		b.WriteString("\n")
	}()
	if len(r.Sections) == 0 {
		return
	}
	b.WriteString("| Section | Path | Change | Before | After |\n|---|---|---|---|---|\n")
	for _, c := range r.Sections {
		fmt.Fprintf(b, "| %s | %s | %s | %s | %s |\n", code(c.Attribute), cell(orDash(c.Path)), c.Kind, cellCode(c.Before), cellCode(c.After))
	}
	b.WriteString("\n")
}

func writeChangeSet(b *bytes.Buffer, cs *ChangeSetReview) {
	b.WriteString("### Changeset\n\n")
	fmt.Fprintf(b, "Changeset %s of stack %s (%s): %d resource changes, %d not (only) from Private Endpoints.\n\n",
		code(orDash(cs.Name)), code(orDash(cs.Stack)), orDash(cs.Status), len(cs.Entries), cs.NotFromMacro)
	for _, n := range cs.Notes {
		fmt.Fprintf(b, "> %s\n\n", escapeText(n))
	}
	if len(cs.Entries) > 0 {
		b.WriteString("| Resource | Action | Replacement | Origin | Why | Risks |\n|---|---|---|---|---|---|\n")
		for _, e := range cs.Entries {
			origin := originText(e.Origin)
			why := strings.Join(e.Why, "; ")
			if len(e.Notes) > 0 {
				why = strings.TrimPrefix(why+"; **"+strings.Join(e.Notes, "; ")+"**", "; ")
			}
			fmt.Fprintf(b, "| %s | %s | %s | %s | %s | %s |\n", code(e.LogicalID)+" "+code(e.Type), e.Action, orDash(e.Replacement), origin, cell(why), codes(e.Risks))
		}
		b.WriteString("\n")
	}
	var details []AnnotatedChange
	for _, e := range cs.Entries {
		if len(e.Targets) > 0 {
			details = append(details, e)
		}
	}
	if len(details) > 0 {
		fmt.Fprintf(b, "<details><summary>Changed fields of %d resources</summary>\n\n", len(details))
		b.WriteString("| Resource | Target | Requires recreation | Source | From Private Endpoints |\n|---|---|---|---|---|\n")
		for _, e := range details {
			for _, t := range e.Targets {
				target := t.Attribute
				switch {
				case t.Path != "":
					target = t.Path
				case t.Name != "":
					target += "." + t.Name
				}
				src := t.ChangeSource
				if t.CausingEntity != "" {
					src += " " + code(t.CausingEntity)
				}
				from := "no"
				if t.FromMacro {
					from = "yes"
				}
				fmt.Fprintf(b, "| %s | %s | %s | %s | %s |\n", code(e.LogicalID), cell(target), orDash(t.RequiresRecreation), orDash(src), from)
			}
		}
		b.WriteString("\n</details>\n\n")
	}
	if len(cs.Missing) > 0 {
		fmt.Fprintf(b, "Expected from Private Endpoints but not in the changeset (already applied, a Condition that is false in this stack, or a changeset made from another template): %s.\n\n", codes(cs.Missing))
	}
}

func originText(o string) string {
	switch o {
	case OriginMacro:
		return "Private Endpoints"
	case OriginKnockOn:
		return "Private Endpoints (follows a change)"
	case OriginPartly:
		return "**partly not from Private Endpoints**"
	}
	return "**not from Private Endpoints**"
}

// code wraps s in backticks for inline code (double when s holds one).
func code(s string) string {
	if s == "" {
		return ""
	}
	if strings.Contains(s, "`") {
		return "`` " + s + " ``"
	}
	return "`" + s + "`"
}

func codes(l []string) string {
	out := make([]string, len(l))
	for i, s := range l {
		out[i] = code(s)
	}
	return strings.Join(out, ", ")
}

// cellCode is a value in a table cell: inline code, pipes escaped.
func cellCode(s string) string {
	if s == "" {
		return "—"
	}
	return strings.ReplaceAll(code(clip(oneLine(s))), "|", `\|`)
}

// cell is plain text in a table cell.
func cell(s string) string {
	if s == "" {
		return "—"
	}
	return strings.ReplaceAll(escapeText(clip(oneLine(s))), "|", `\|`)
}

func oneLine(s string) string {
	s = strings.ReplaceAll(s, "\r\n", "\n")
	return strings.ReplaceAll(s, "\n", `\n`)
}

func clip(s string) string {
	if len(s) <= maxCell {
		return s
	}
	cut := maxCell
	for cut > 0 && !utf8Start(s[cut]) {
		cut--
	}
	return fmt.Sprintf("%s… (%d characters; see --format json)", s[:cut], len(s))
}

func utf8Start(c byte) bool { return c&0xC0 != 0x80 }

// escapeText keeps free text from turning into HTML.
func escapeText(s string) string {
	return strings.ReplaceAll(s, "<", "&lt;")
}

func orDash(s string) string {
	if s == "" {
		return "—"
	}
	return s
}

func sortedKeysString(m map[string]string) []string {
	set := map[string]bool{}
	for k := range m {
		set[k] = true
	}
	return sortedSet(set)
}

// sameChange groups resources whose changes, reasons, risks and type are
// identical (the functions that all gain the same VpcConfig), in report
// order, so the Markdown shows each change once.
func sameChange(resources []Resource) [][]Resource {
	var groups [][]Resource
	index := map[string]int{}
	for _, res := range resources {
		if res.Action == ActionAdd || res.Action == ActionRename || res.Action == ActionRemove {
			groups = append(groups, []Resource{res})
			continue
		}
		key, err := json.Marshal(struct {
			Type, Action string
			Why          []string
			Changes      []Change
			Risks        []string
		}{res.Type, res.Action, res.Why, res.Changes, res.Risks})
		if err != nil {
			groups = append(groups, []Resource{res})
			continue
		}
		if i, ok := index[string(key)]; ok {
			groups[i] = append(groups[i], res)
			continue
		}
		index[string(key)] = len(groups)
		groups = append(groups, []Resource{res})
	}
	return groups
}
