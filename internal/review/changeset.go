package review

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"sort"
	"strings"

	"github.com/quiltdata/quilt-private-endpoints/internal/cfnspec"
)

// ChangeSet is the JSON that `aws cloudformation describe-change-set`
// prints (the DescribeChangeSet response).
type ChangeSet struct {
	ChangeSetName   string           `json:"ChangeSetName"`
	ChangeSetID     string           `json:"ChangeSetId"`
	StackName       string           `json:"StackName"`
	Status          string           `json:"Status"`
	ExecutionStatus string           `json:"ExecutionStatus"`
	Changes         []ChangeSetEntry `json:"Changes"`
	NextToken       string           `json:"NextToken"`
}

// ChangeSetEntry is one item of Changes.
type ChangeSetEntry struct {
	Type           string          `json:"Type"`
	ResourceChange *ResourceChange `json:"ResourceChange"`
}

// ResourceChange is a changeset's description of one resource change.
type ResourceChange struct {
	Action             string         `json:"Action"`
	LogicalResourceID  string         `json:"LogicalResourceId"`
	PhysicalResourceID string         `json:"PhysicalResourceId"`
	ResourceType       string         `json:"ResourceType"`
	Replacement        string         `json:"Replacement"`
	Scope              []string       `json:"Scope"`
	Details            []ChangeDetail `json:"Details"`
}

// ChangeDetail is one item of ResourceChange.Details.
type ChangeDetail struct {
	Target        ChangeTarget `json:"Target"`
	Evaluation    string       `json:"Evaluation"`
	ChangeSource  string       `json:"ChangeSource"`
	CausingEntity string       `json:"CausingEntity"`
}

// ChangeTarget is the field a detail changes. Path, BeforeValue,
// AfterValue and AttributeChangeType are present when the changeset was
// created with --include-property-values.
type ChangeTarget struct {
	Attribute           string `json:"Attribute"`
	Name                string `json:"Name"`
	RequiresRecreation  string `json:"RequiresRecreation"`
	Path                string `json:"Path"`
	BeforeValue         string `json:"BeforeValue"`
	AfterValue          string `json:"AfterValue"`
	AttributeChangeType string `json:"AttributeChangeType"`
}

// name is the top-level property a target changes: Name, or the first
// segment after /Properties/ in Path.
func (t ChangeTarget) name() string {
	if t.Name != "" {
		return t.Name
	}
	if rest, ok := strings.CutPrefix(t.Path, "/Properties/"); ok {
		if i := strings.IndexByte(rest, '/'); i >= 0 {
			rest = rest[:i]
		}
		return rest
	}
	return ""
}

// ParseChangeSet reads describe-change-set JSON.
func ParseChangeSet(data []byte) (*ChangeSet, error) {
	var probe map[string]json.RawMessage
	if err := json.Unmarshal(data, &probe); err != nil {
		return nil, fmt.Errorf("changeset: not the JSON of aws cloudformation describe-change-set: %w", err)
	}
	if _, ok := probe["Changes"]; !ok {
		return nil, errors.New("changeset: no Changes key: pass the JSON that `aws cloudformation describe-change-set --change-set-name ARN` prints")
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	var cs ChangeSet
	if err := dec.Decode(&cs); err != nil {
		return nil, fmt.Errorf("changeset: %w", err)
	}
	for i, c := range cs.Changes {
		if c.Type == "Resource" && (c.ResourceChange == nil || c.ResourceChange.LogicalResourceID == "") {
			return nil, fmt.Errorf("changeset: Changes[%d] is a Resource change without ResourceChange.LogicalResourceId", i)
		}
	}
	return &cs, nil
}

// Origins of a changeset entry.
const (
	OriginMacro    = "private-endpoints"
	OriginKnockOn  = "knock-on"
	OriginPartly   = "partly"
	OriginNotMacro = "not-from-private-endpoints"
)

// ChangeSetReview is the changeset annotated with the review.
type ChangeSetReview struct {
	Name    string            `json:"name"`
	Stack   string            `json:"stack"`
	Status  string            `json:"status"`
	Entries []AnnotatedChange `json:"entries"`
	// Missing are changes the review expects that the changeset lacks.
	Missing []string `json:"missing"`
	// NotFromMacro counts entries the macro did not (fully) make.
	NotFromMacro int      `json:"notFromMacro"`
	Notes        []string `json:"notes,omitempty"`
}

// AnnotatedChange is one resource change with why the macro made it.
type AnnotatedChange struct {
	LogicalID   string           `json:"logicalId"`
	Type        string           `json:"type"`
	Action      string           `json:"action"`
	Replacement string           `json:"replacement,omitempty"`
	PhysicalID  string           `json:"physicalId,omitempty"`
	Origin      string           `json:"origin"`
	Predicted   cfnspec.Behavior `json:"predicted"`
	Why         []string         `json:"why,omitempty"`
	Targets     []TargetNote     `json:"targets,omitempty"`
	Risks       []string         `json:"risks,omitempty"`
	Notes       []string         `json:"notes,omitempty"`

	// sibling is the review's renamed deployment that this Add stands for
	// under another hash suffix.
	sibling string
}

// TargetNote is one changeset detail and whether the macro caused it.
type TargetNote struct {
	Attribute          string `json:"attribute"`
	Name               string `json:"name,omitempty"`
	Path               string `json:"path,omitempty"`
	RequiresRecreation string `json:"requiresRecreation,omitempty"`
	ChangeSource       string `json:"changeSource,omitempty"`
	CausingEntity      string `json:"causingEntity,omitempty"`
	FromMacro          bool   `json:"fromMacro"`
}

// Annotate matches a changeset against the review and stores the result
// in r.ChangeSet.
func Annotate(r *Report, cs *ChangeSet) {
	byID := map[string]*Resource{}
	renamedFrom := map[string]*Resource{}
	entities := map[string]bool{}
	for i := range r.Resources {
		res := &r.Resources[i]
		byID[res.LogicalID] = res
		entities[res.LogicalID] = true
		if res.RenamedFrom != "" {
			renamedFrom[res.RenamedFrom] = res
			entities[res.RenamedFrom] = true
		}
	}
	for _, p := range r.Parameters {
		entities[p.Name] = true
	}
	out := &ChangeSetReview{Name: cs.ChangeSetName, Stack: cs.StackName, Status: cs.Status, Entries: []AnnotatedChange{}, Missing: []string{}}
	if cs.NextToken != "" {
		out.Notes = append(out.Notes, "The changeset JSON has a NextToken: it lists only the first page of changes. Fetch every page and merge the Changes lists.")
	}
	seen := map[string]bool{}
	skipped := 0
	for _, c := range cs.Changes {
		rc := c.ResourceChange
		if c.Type != "Resource" || rc == nil {
			skipped++
			continue
		}
		seen[rc.LogicalResourceID] = true
		a := annotate(rc, byID, renamedFrom, entities)
		if a.sibling != "" {
			seen[a.sibling] = true
		}
		if a.Origin != OriginMacro && a.Origin != OriginKnockOn {
			out.NotFromMacro++
		}
		out.Entries = append(out.Entries, a)
	}
	if skipped > 0 {
		out.Notes = append(out.Notes, fmt.Sprintf("%d change(s) of a type other than Resource were not reviewed.", skipped))
	}
	for _, res := range r.Resources {
		if res.Action == ActionModify && res.Behavior <= cfnspec.None {
			continue // DependsOn and other attributes: no resource update
		}
		if !seen[res.LogicalID] {
			out.Missing = append(out.Missing, res.LogicalID)
		}
		if res.RenamedFrom != "" && !seen[res.RenamedFrom] {
			out.Missing = append(out.Missing, res.RenamedFrom)
		}
	}
	sort.Strings(out.Missing)
	r.ChangeSet = out
}

func annotate(rc *ResourceChange, byID, renamedFrom map[string]*Resource, entities map[string]bool) AnnotatedChange {
	a := AnnotatedChange{
		LogicalID: rc.LogicalResourceID, Type: rc.ResourceType, Action: rc.Action,
		Replacement: rc.Replacement, PhysicalID: rc.PhysicalResourceID, Origin: OriginNotMacro,
	}
	res := byID[rc.LogicalResourceID]
	switch rc.Action {
	case "Add":
		if res != nil && (res.Action == ActionAdd || res.Action == ActionRename) {
			a.Origin = OriginMacro
			a.Predicted = cfnspec.None
			a.Why = whyOf(res)
			if res.Action == ActionRename {
				a.Why = append([]string{"new logical id for " + res.RenamedFrom + " (a new deployment)"}, a.Why...)
			}
			a.Risks = res.Risks
		} else if sib := siblingDeployment(rc, renamedFrom); sib != nil {
			// The macro's renamed deployment under another hash suffix:
			// the hash covers the rewritten API and the endpoint id, so
			// the changeset's template saw other values than the review.
			a.Origin = OriginMacro
			a.Predicted = cfnspec.None
			a.Why = append([]string{"new logical id for " + sib.RenamedFrom + " (a new deployment)"}, whyOf(sib)...)
			a.Risks = sib.Risks
			a.Notes = append(a.Notes, "the review names this deployment "+sib.LogicalID+": its suffix is a hash of the rewritten API and the endpoint id, "+
				"so the changeset was made with other values than the review (give the stack's with --set and --parameter, e.g. the endpoint id) or from another template")
			a.sibling = sib.LogicalID
		}
		return a
	case "Remove":
		if old := renamedFrom[rc.LogicalResourceID]; old != nil {
			a.Origin = OriginMacro
			a.Why = []string{"replaced by " + old.LogicalID + " (renamed: the old deployment is deleted)"}
			a.Risks = old.Risks
		} else if res != nil && res.Action == ActionRemove {
			a.Origin = OriginMacro
			a.Why = whyOf(res)
		}
		return a
	}
	// Modify, Dynamic, Import.
	macroProps := map[string]bool{}
	macroAttrs := map[string]bool{}
	if res != nil {
		a.Predicted = res.Behavior
		a.Why = whyOf(res)
		a.Risks = res.Risks
		for _, c := range res.Changes {
			if c.Attribute == "Properties" {
				macroProps[topProperty(c.Path)] = true
			} else {
				macroAttrs[c.Attribute] = true
			}
		}
	}
	direct, knock, other := 0, 0, 0
	for _, d := range rc.Details {
		name := d.Target.name()
		t := TargetNote{Attribute: d.Target.Attribute, Name: name, Path: d.Target.Path, RequiresRecreation: d.Target.RequiresRecreation,
			ChangeSource: d.ChangeSource, CausingEntity: d.CausingEntity}
		cause := d.CausingEntity
		if i := strings.IndexByte(cause, '.'); i >= 0 {
			cause = cause[:i]
		}
		switch {
		case (d.ChangeSource == "ResourceReference" || d.ChangeSource == "ResourceAttribute" || d.ChangeSource == "ParameterReference") &&
			cause != "" && entities[cause] && (res == nil || !macroProps[name] || d.Target.Attribute != "Properties"):
			t.FromMacro = true
			knock++
		case d.Target.Attribute == "Properties" && macroProps[name]:
			t.FromMacro = true
			direct++
		case d.Target.Attribute != "Properties" && macroAttrs[d.Target.Attribute]:
			t.FromMacro = true
			direct++
		default:
			other++
		}
		a.Targets = append(a.Targets, t)
	}
	switch {
	case len(rc.Details) == 0 && res != nil:
		a.Origin = OriginMacro
	case other == 0 && direct > 0:
		a.Origin = OriginMacro
	case other == 0 && knock > 0:
		a.Origin = OriginKnockOn
		if res == nil {
			var causes []string
			for _, t := range a.Targets {
				causes = append(causes, t.CausingEntity)
			}
			a.Why = append(a.Why, "follows a change the macro made to "+strings.Join(dedupe(causes), ", "))
		}
	case other > 0 && (direct > 0 || knock > 0):
		a.Origin = OriginPartly
		a.Notes = append(a.Notes, "some of these changes are not from Private Endpoints (fromMacro: false): review them")
	}
	switch {
	case rc.Replacement == "True" && res == nil:
		var always []string
		for _, d := range rc.Details {
			if d.Target.RequiresRecreation == "Always" {
				always = append(always, strings.TrimPrefix(d.Target.Attribute+"."+d.Target.name(), "Properties."))
			}
		}
		note := "CloudFormation will replace this resource"
		if len(always) > 0 {
			note += " (" + strings.Join(dedupe(always), ", ") + " requires recreation)"
		}
		a.Notes = append(a.Notes, note)
	case rc.Replacement == "True" && a.Predicted != cfnspec.Replacement:
		a.Notes = append(a.Notes, "CloudFormation will replace this resource; the specification predicted "+a.Predicted.String())
	case rc.Replacement == "Conditional":
		a.Notes = append(a.Notes, "CloudFormation may replace this resource, depending on values it learns during the update")
	case rc.Replacement == "False" && a.Predicted == cfnspec.Replacement:
		a.Notes = append(a.Notes, "CloudFormation does not replace this resource although the specification predicted replacement")
	}
	// Whatever caused it, a replacement the changeset announces is a risk
	// the reviewer must see in the Risks column, knock-on ones included.
	if (rc.Replacement == "True" || rc.Replacement == "Conditional") && !contains(a.Risks, ruleReplacement.ID) {
		a.Risks = append(append([]string{}, a.Risks...), ruleReplacement.ID)
	}
	return a
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}

// siblingDeployment returns the review's renamed deployment whose logical
// id differs from the changeset's added one only in the hexadecimal suffix
// after "Private" (nil when none does).
func siblingDeployment(rc *ResourceChange, renamedFrom map[string]*Resource) *Resource {
	olds := make([]string, 0, len(renamedFrom))
	for old := range renamedFrom {
		olds = append(olds, old)
	}
	sort.Strings(olds)
	for _, old := range olds {
		res := renamedFrom[old]
		if res.Type != rc.ResourceType {
			continue
		}
		i := strings.LastIndex(res.LogicalID, "Private")
		if i < 0 {
			continue
		}
		prefix := res.LogicalID[:i+len("Private")]
		suffix, ok := strings.CutPrefix(rc.LogicalResourceID, prefix)
		if ok && suffix != "" && strings.Trim(suffix, "0123456789abcdef") == "" {
			return res
		}
	}
	return nil
}

func whyOf(res *Resource) []string {
	if len(res.Why) > 0 {
		return res.Why
	}
	var paths []string
	for _, c := range res.Changes {
		if c.Attribute == "Properties" {
			paths = append(paths, c.Path+" "+c.Kind)
		}
	}
	return dedupe(paths)
}

// topProperty is the first segment of a property path.
func topProperty(path string) string {
	if i := strings.IndexAny(path, ".["); i >= 0 {
		return path[:i]
	}
	return path
}
