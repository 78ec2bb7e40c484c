package review

import (
	"bytes"
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/quiltdata/quilt-private-endpoints/internal/template"
	"github.com/quiltdata/quilt-private-endpoints/internal/transform"
)

// Levels of a setting change between the deployed render and the new one.
const (
	// LevelExpected: a change qpe's own flows make (the second stage of
	// the blue/green load balancer, a new engine version).
	LevelExpected = "expected"
	// LevelWarning: a change that takes something from the private side
	// or puts something back on the internet.
	LevelWarning = "warning"
	// LevelNote: any other change.
	LevelNote = "note"
)

// RenderComparison is what review --stack reads back from the deployed
// render's Metadata (transform.ReadRenderInfo) and the new render's: how
// each was made, and each setting that changes, flagged.
type RenderComparison struct {
	Deployed RenderSide      `json:"deployed"`
	New      RenderSide      `json:"new"`
	Changes  []SettingChange `json:"changes"`
}

// RenderSide is one side's record.
type RenderSide struct {
	// Recorded is false when the template records nothing (Note says why).
	Recorded      bool              `json:"recorded"`
	EngineVersion string            `json:"engineVersion,omitempty"`
	Settings      map[string]string `json:"settings,omitempty"`
	// Resources counts the resources the macro made (the record's list).
	Resources int    `json:"resources"`
	Note      string `json:"note,omitempty"`
}

// SettingChange is one setting (or the engine version) that differs.
type SettingChange struct {
	Setting  string `json:"setting"`
	Deployed string `json:"deployed"`
	New      string `json:"new"`
	Level    string `json:"level"`
	Why      string `json:"why"`
}

// engineVersionKey names the engine version among the setting changes.
const engineVersionKey = "EngineVersion"

// CompareRenders reads the deployed template's and the new render's
// records and lists what changes, each flagged: PublicLoadBalancer keep ->
// retire is expected (the blue/green's second stage), LoadBalancerScheme
// internal -> unchanged a warning (the internal side is removed).
func CompareRenders(deployed, next map[string]any) *RenderComparison {
	c := &RenderComparison{Deployed: renderSide(deployed, true), New: renderSide(next, false), Changes: []SettingChange{}}
	if !c.Deployed.Recorded || !c.New.Recorded {
		return c
	}
	if d, n := c.Deployed.EngineVersion, c.New.EngineVersion; d != n {
		c.Changes = append(c.Changes, SettingChange{Setting: engineVersionKey, Deployed: d, New: n, Level: LevelExpected,
			Why: "a new engine version: the preflight runs again; docs/transform.md says what changed"})
	}
	names := map[string]bool{}
	for k := range c.Deployed.Settings {
		names[k] = true
	}
	for k := range c.New.Settings {
		names[k] = true
	}
	for _, name := range slices.Sorted(maps.Keys(names)) {
		d, n := c.Deployed.Settings[name], c.New.Settings[name]
		if d == n {
			continue
		}
		level, why := settingChangeLevel(name, d, n)
		c.Changes = append(c.Changes, SettingChange{Setting: name, Deployed: d, New: n, Level: level, Why: why})
	}
	return c
}

// settingChangeLevel flags one setting change.
func settingChangeLevel(name, d, n string) (string, string) {
	switch name {
	case transform.SetPublicLoadBalancer:
		switch {
		case d == transform.PublicKeep && n == transform.PublicRetire:
			return LevelExpected, "the blue/green load balancer's second stage: the public side is retired once DNS points at the internal one"
		case d == transform.PublicRetire:
			return LevelWarning, "the retired public load balancer comes back: the catalog is on the internet again"
		}
	case transform.SetLoadBalancerScheme:
		if d == transform.SchemeInternal {
			return LevelWarning, "the internal load balancer side the macro made is removed: users on the private network lose the catalog (QPE-UP-012 names each resource)"
		}
		if n == transform.SchemeInternal {
			return LevelExpected, "the internal load balancer side is added"
		}
	case transform.SetEndpointParameter, transform.SetEndpointID, transform.SetVpcParameter, transform.SetVpcID,
		transform.SetSubnetsParameter, transform.SetSubnetIDs, transform.SetUserSubnetsParameter, transform.SetUserSubnetIDs,
		transform.SetSecurityGroupIds:
		return LevelWarning, "the private network the stack uses changes: functions, the private API or the internal load balancer move"
	case transform.SetExclude:
		if added := listAdded(d, n); len(added) > 0 {
			return LevelWarning, "newly excluded, so left public: " + strings.Join(added, ", ")
		}
	}
	return LevelNote, "a setting changed"
}

// listAdded lists the items of the comma-separated n that d lacks.
func listAdded(d, n string) []string {
	had := template.SplitList(d)
	var out []string
	for _, e := range template.SplitList(n) {
		if !slices.Contains(had, e) {
			out = append(out, e)
		}
	}
	return out
}

func renderSide(doc map[string]any, deployed bool) RenderSide {
	info, ok, err := transform.ReadRenderInfo(doc)
	switch {
	case err != nil:
		return RenderSide{Note: "the record cannot be read: " + err.Error()}
	case !ok && deployed:
		return RenderSide{Note: "the deployed template records nothing: not a render, or one made before the engine recorded its settings (compare the settings by hand)"}
	case !ok:
		return RenderSide{Note: "the new template records nothing: it is not a render"}
	}
	s := RenderSide{Recorded: true, EngineVersion: info.EngineVersion, Settings: map[string]string{}, Resources: len(info.Resources)}
	for name, v := range info.Settings {
		switch t := v.(type) {
		case string:
			s.Settings[name] = t
		case []any:
			parts := make([]string, len(t))
			for i, e := range t {
				parts[i] = fmt.Sprint(e)
			}
			s.Settings[name] = strings.Join(parts, ",")
		default:
			s.Settings[name] = fmt.Sprint(v)
		}
	}
	return s
}

// writeRender writes the comparison as a Markdown section.
func writeRender(b *bytes.Buffer, c *RenderComparison) {
	b.WriteString("## Deployed render and new render\n\n")
	for _, side := range []struct {
		name string
		s    RenderSide
	}{{"Deployed", c.Deployed}, {"New", c.New}} {
		if side.s.Recorded {
			fmt.Fprintf(b, "- **%s**: engine %s, %d resources the macro made.\n", side.name, code(side.s.EngineVersion), side.s.Resources)
		} else {
			fmt.Fprintf(b, "- **%s**: %s.\n", side.name, escapeText(side.s.Note))
		}
	}
	b.WriteString("\n")
	if !c.Deployed.Recorded || !c.New.Recorded {
		return
	}
	if len(c.Changes) == 0 {
		b.WriteString("Same engine version and settings.\n\n")
		return
	}
	b.WriteString("| Setting | Deployed | New | Level | Why |\n|---|---|---|---|---|\n")
	for _, ch := range c.Changes {
		fmt.Fprintf(b, "| %s | %s | %s | %s | %s |\n", code(ch.Setting), cellCode(ch.Deployed), cellCode(ch.New), ch.Level, cell(ch.Why))
	}
	b.WriteString("\n")
}
