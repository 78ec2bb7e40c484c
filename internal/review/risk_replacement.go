package review

import (
	"sort"
	"strings"

	"github.com/quiltdata/quilt-private-endpoints/internal/cfnspec"
	"github.com/quiltdata/quilt-private-endpoints/internal/finding"
	"github.com/quiltdata/quilt-private-endpoints/internal/template"
)

// RiskReplacement: resources replaced (knock-on ones included).
const RiskReplacement = "replacement"

var ruleReplacement = finding.Rule{
	ID:       "QPE-RV-008",
	Severity: finding.Warning,
	Title:    "Resources replaced",
	Meaning: "CloudFormation creates a new resource and then deletes the old one: a new physical id, ARN or DNS name. " +
		"Anything outside the stack that points at the old one (DNS records, bookmarks, allow-lists) must follow.",
	Remedy: "Check each replaced resource below for references from outside the stack.",
}

func checkReplacement(c *riskInput) []finding.Finding {
	var fs []finding.Finding
	for _, res := range c.r.Resources {
		switch {
		case (res.Action == ActionModify || res.Action == ActionKnockOn) && res.Behavior == cfnspec.Replacement:
			var props []string
			for _, ch := range res.Changes {
				if ch.Behavior == cfnspec.Replacement {
					props = append(props, ch.Path)
				}
			}
			for _, why := range res.ReplacedBecause {
				if strings.HasPrefix(why, "cascade: ") {
					props = append(props, why)
				}
			}
			text := res.LogicalID + " (" + res.Type + "): " + strings.Join(dedupe(props), ", ")
			if extra := replacementNote(res.Type, res.LogicalID, c.after); extra != "" {
				text += ". " + extra
			}
			if name := customName(res, template.Resources(c.in.Before), c.after, c.spec); name != "" {
				text += ". It has a custom name (" + name + "): CloudFormation cannot replace a custom-named resource " +
					"and the update fails (\"CloudFormation cannot update a stack when a custom-named resource requires replacing\"); remove the name or rename it in the same update"
			}
			fs = append(fs, note(ruleReplacement, res.LogicalID, text))
		case res.Action == ActionRename:
			fs = append(fs, note(ruleReplacement, res.LogicalID, res.LogicalID+" ("+res.Type+"): new logical id, replaces "+res.RenamedFrom))
		}
	}
	sort.Slice(fs, func(i, j int) bool { return fs[i].Message < fs[j].Message })
	return fs
}
