// Package sarif writes findings as a SARIF 2.1.0 log (the format GitHub
// code scanning, cfn-lint and checkov use), each result located at the
// line and column of the resource, output or parameter it is about in the
// user's source template.
package sarif

import (
	"fmt"
	"io"
	"sort"
	"strings"

	"github.com/quiltdata/quilt-private-endpoints/internal/finding"
	"github.com/quiltdata/quilt-private-endpoints/internal/template"
)

// Schema and Version are the SARIF 2.1.0 schema's URI and the version.
const (
	Schema  = "https://json.schemastore.org/sarif-2.1.0.json"
	Version = "2.1.0"
)

// Log is a SARIF log with one run.
type Log struct {
	Schema  string `json:"$schema"`
	Version string `json:"version"`
	Runs    []Run  `json:"runs"`
}

// Run is one tool's run.
type Run struct {
	Tool    Tool     `json:"tool"`
	Results []Result `json:"results"`
}

// Tool names the tool.
type Tool struct {
	Driver Driver `json:"driver"`
}

// Driver is the tool and its rules.
type Driver struct {
	Name           string `json:"name"`
	Version        string `json:"version,omitempty"`
	InformationURI string `json:"informationUri,omitempty"`
	Rules          []Rule `json:"rules"`
}

// Rule is a reporting descriptor: a rule's id, title, meaning and help
// (the remedy).
type Rule struct {
	ID                   string        `json:"id"`
	ShortDescription     Message       `json:"shortDescription"`
	FullDescription      Message       `json:"fullDescription"`
	Help                 Message       `json:"help"`
	DefaultConfiguration Configuration `json:"defaultConfiguration"`
}

// Configuration is a rule's default level.
type Configuration struct {
	Level string `json:"level"`
}

// Message is plain text, with a Markdown form when it has one.
type Message struct {
	Text     string `json:"text"`
	Markdown string `json:"markdown,omitempty"`
}

// Result is one finding.
type Result struct {
	RuleID    string     `json:"ruleId"`
	RuleIndex int        `json:"ruleIndex"`
	Level     string     `json:"level"`
	Message   Message    `json:"message"`
	Locations []Location `json:"locations,omitempty"`
}

// Location is where a result is: the source template's line and column,
// and the logical resource.
type Location struct {
	PhysicalLocation *PhysicalLocation `json:"physicalLocation,omitempty"`
	LogicalLocations []LogicalLocation `json:"logicalLocations,omitempty"`
}

// PhysicalLocation is a file and a region of it.
type PhysicalLocation struct {
	ArtifactLocation ArtifactLocation `json:"artifactLocation"`
	Region           *Region          `json:"region,omitempty"`
}

// ArtifactLocation is a file, relative to the repository root.
type ArtifactLocation struct {
	URI string `json:"uri"`
}

// Region is a 1-based start line and column.
type Region struct {
	StartLine   int `json:"startLine"`
	StartColumn int `json:"startColumn,omitempty"`
}

// LogicalLocation names the template entry ("Resources.Api").
type LogicalLocation struct {
	FullyQualifiedName string `json:"fullyQualifiedName"`
	Kind               string `json:"kind"`
}

// Source is the user's template the results are located in.
type Source struct {
	// URI is the template's path as given (relative to the repository
	// root for GitHub code scanning); "" for standard input.
	URI string
	// Positions are the template's key positions (template.Locate).
	Positions *template.Positions
	// Renamed maps a logical id of the rendered template to the id it has
	// in the source (the engine's renames, new -> old).
	Renamed map[string]string
}

// Item is one finding to report: the finding (its ID names a rule given
// to Build) and the template entries it is about ("Api",
// "Outputs.LoadBalancerDNSName", "Fn.Properties.Role"); none for a
// template-wide finding.
type Item struct {
	Finding finding.Finding
	Where   []string
}

// Build makes the log: the rules the items use (in id order), each item
// a result located in the source.
func Build(toolVersion string, rules []finding.Rule, items []Item, src Source) (*Log, error) {
	byID := map[string]finding.Rule{}
	for _, r := range rules {
		byID[r.ID] = r
	}
	used := map[string]bool{}
	for _, it := range items {
		if _, ok := byID[it.Finding.ID]; !ok {
			return nil, fmt.Errorf("sarif: finding %s has no rule in the catalogue", it.Finding.ID)
		}
		used[it.Finding.ID] = true
	}
	ids := make([]string, 0, len(used))
	for id := range used {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	index := map[string]int{}
	d := Driver{Name: "qpe", Version: toolVersion, InformationURI: "https://github.com/quiltdata/quilt-private-endpoints", Rules: []Rule{}}
	for i, id := range ids {
		r := byID[id]
		index[id] = i
		d.Rules = append(d.Rules, Rule{
			ID:                   r.ID,
			ShortDescription:     Message{Text: r.Title},
			FullDescription:      Message{Text: orText(r.Meaning, r.Title)},
			Help:                 Message{Text: orText(r.Remedy, r.Title), Markdown: "**What it means:** " + orText(r.Meaning, r.Title) + "\n\n**What to do:** " + orText(r.Remedy, "see the README's catalogue")},
			DefaultConfiguration: Configuration{Level: level(r.Severity)},
		})
	}
	run := Run{Tool: Tool{Driver: d}, Results: []Result{}}
	for _, it := range items {
		f := it.Finding
		msg := f.Message
		if msg == "" {
			msg = byID[f.ID].Title
		}
		if f.Remedy != "" && !strings.Contains(msg, f.Remedy) {
			msg += " Fix: " + f.Remedy
		}
		res := Result{RuleID: f.ID, RuleIndex: index[f.ID], Level: level(f.Severity), Message: Message{Text: msg}}
		where := it.Where
		if len(where) == 0 {
			where = []string{""}
		}
		for _, w := range where {
			res.Locations = append(res.Locations, src.locate(w))
		}
		run.Results = append(run.Results, res)
	}
	return &Log{Schema: Schema, Version: Version, Runs: []Run{run}}, nil
}

// sections are the template's top-level keys an entry name can start with.
var sections = map[string]bool{"Resources": true, "Parameters": true, "Outputs": true, "Conditions": true,
	"Mappings": true, "Transform": true, "Metadata": true, "Rules": true, "Globals": true}

// locate places an entry ("Api", "Outputs.X", "Fn.Properties.Role").
func (s Source) locate(entry string) Location {
	var loc Location
	var path []string
	if entry != "" {
		path = strings.Split(entry, ".")
		if !sections[path[0]] {
			path = append([]string{"Resources"}, path...)
		}
		if path[0] == "Resources" && len(path) > 1 {
			if old, ok := s.Renamed[path[1]]; ok && !s.Positions.Has("Resources", path[1]) {
				path[1] = old // the source has the resource under its old id
			}
		}
		loc.LogicalLocations = []LogicalLocation{{FullyQualifiedName: strings.Join(path, "."), Kind: kind(path[0])}}
	}
	if s.URI == "" {
		return loc
	}
	pl := &PhysicalLocation{ArtifactLocation: ArtifactLocation{URI: s.URI}}
	pos, ok := s.Positions.Of(path...)
	if !ok {
		pos, ok = template.Position{Line: 1, Column: 1}, true
	}
	pl.Region = &Region{StartLine: pos.Line, StartColumn: pos.Column}
	loc.PhysicalLocation = pl
	return loc
}

func kind(section string) string {
	switch section {
	case "Resources":
		return "resource"
	case "Parameters":
		return "parameter"
	case "Outputs":
		return "output"
	}
	return "member"
}

func level(s finding.Severity) string {
	switch s {
	case finding.Error:
		return "error"
	case finding.Warning:
		return "warning"
	}
	return "note"
}

func orText(s, fallback string) string {
	if s == "" {
		return fallback
	}
	return s
}

// Write writes the log as indented JSON.
func Write(w io.Writer, l *Log) error {
	b, err := template.EncodeJSON(l, true)
	if err != nil {
		return fmt.Errorf("sarif: %w", err)
	}
	_, err = w.Write(b)
	return err
}
