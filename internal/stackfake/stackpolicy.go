package stackfake

import (
	"bytes"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
)

// The stack policy model of the double (CloudFormation user guide,
// protect-stack-resources), its own: it imports nothing of internal/enable
// or internal/perimeter/policy, the code whose policies it enforces.
//
// Once a stack has a policy every update action is denied unless a
// statement allows it; a Deny statement wins over any Allow. A statement
// matches an action and a resource by Action or NotAction (Update:Modify,
// Update:Replace, Update:Delete, Update:*), Resource or NotResource ("*" or
// LogicalResourceId/<id>, * and ? wildcards), and an optional Condition
// on ResourceType (StringEquals, StringLike).

// InvalidStackPolicy is the message of the ValidationError a malformed
// stack policy gets.
const InvalidStackPolicy = "Error validating stack policy: Invalid stack policy"

// Stack policy actions.
const (
	ActionModify  = "Update:Modify"
	ActionReplace = "Update:Replace"
	ActionDelete  = "Update:Delete"
)

var policyActions = []string{ActionModify, ActionReplace, ActionDelete, "Update:*"}

// stackPolicy is a parsed, valid stack policy.
type stackPolicy struct {
	statements []policyStatement
}

type policyStatement struct {
	deny bool
	// actions or notActions, resources or notResources: one of each pair.
	actions, notActions     []string
	resources, notResources []string
	// equals and like are the ResourceType values of the Condition.
	equals, like []string
}

// parseStackPolicy validates a StackPolicyBody the way CloudFormation does
// and returns it parsed; an invalid one is InvalidStackPolicy.
func parseStackPolicy(body string) (*stackPolicy, error) {
	invalid := fmt.Errorf("%s", InvalidStackPolicy)
	dec := json.NewDecoder(bytes.NewReader([]byte(body)))
	var doc map[string]json.RawMessage
	if err := dec.Decode(&doc); err != nil || dec.More() {
		return nil, invalid
	}
	for k := range doc {
		if k != "Statement" {
			return nil, invalid
		}
	}
	var raw []map[string]json.RawMessage
	if err := json.Unmarshal(doc["Statement"], &raw); err != nil || len(raw) == 0 {
		return nil, invalid
	}
	p := &stackPolicy{}
	for _, m := range raw {
		st, ok := parseStatement(m)
		if !ok {
			return nil, invalid
		}
		p.statements = append(p.statements, st)
	}
	return p, nil
}

func parseStatement(m map[string]json.RawMessage) (policyStatement, bool) {
	var st policyStatement
	for k := range m {
		if !slices.Contains([]string{"Effect", "Action", "NotAction", "Principal", "Resource", "NotResource", "Condition"}, k) {
			return st, false
		}
	}
	var effect, principal string
	if json.Unmarshal(m["Effect"], &effect) != nil || (effect != "Allow" && effect != "Deny") {
		return st, false
	}
	st.deny = effect == "Deny"
	if json.Unmarshal(m["Principal"], &principal) != nil || principal != "*" {
		return st, false
	}
	var ok bool
	if st.actions, st.notActions, ok = onePair(m, "Action", "NotAction"); !ok {
		return st, false
	}
	for _, a := range append(slices.Clone(st.actions), st.notActions...) {
		if !slices.Contains(policyActions, a) {
			return st, false
		}
	}
	if st.resources, st.notResources, ok = onePair(m, "Resource", "NotResource"); !ok {
		return st, false
	}
	for _, r := range append(slices.Clone(st.resources), st.notResources...) {
		if r != "*" && (!strings.HasPrefix(r, "LogicalResourceId/") || r == "LogicalResourceId/") {
			return st, false
		}
	}
	if c, has := m["Condition"]; has {
		var cond map[string]map[string]json.RawMessage
		if json.Unmarshal(c, &cond) != nil || len(cond) == 0 {
			return st, false
		}
		for op, keys := range cond {
			if op != "StringEquals" && op != "StringLike" || len(keys) != 1 || keys["ResourceType"] == nil {
				return st, false
			}
			vals, ok := stringOrList(keys["ResourceType"])
			if !ok {
				return st, false
			}
			if op == "StringEquals" {
				st.equals = vals
			} else {
				st.like = vals
			}
		}
	}
	return st, true
}

// onePair reads exactly one of two keys, each a string or a non-empty list
// of strings.
func onePair(m map[string]json.RawMessage, key, notKey string) (vals, notVals []string, ok bool) {
	a, hasA := m[key]
	b, hasB := m[notKey]
	switch {
	case hasA == hasB:
		return nil, nil, false
	case hasA:
		vals, ok = stringOrList(a)
	default:
		notVals, ok = stringOrList(b)
	}
	return vals, notVals, ok
}

func stringOrList(raw json.RawMessage) ([]string, bool) {
	var one string
	if json.Unmarshal(raw, &one) == nil && one != "" {
		return []string{one}, true
	}
	var list []string
	if json.Unmarshal(raw, &list) != nil || len(list) == 0 || slices.Contains(list, "") {
		return nil, false
	}
	return list, true
}

// decision is how a policy answers one action on one resource.
type decision struct {
	allowed bool
	// statement is the 1-based index of the Deny statement that denied
	// it; 0 when no statement allowed it.
	statement int
}

// evaluate answers an update action on a resource: an explicit Deny wins,
// else an explicit Allow allows, else it is denied.
func (p *stackPolicy) evaluate(action, logicalID, typ string) decision {
	allowed := false
	for i, st := range p.statements {
		if !st.matches(action, logicalID, typ) {
			continue
		}
		if st.deny {
			return decision{statement: i + 1}
		}
		allowed = true
	}
	return decision{allowed: allowed}
}

func (st policyStatement) matches(action, logicalID, typ string) bool {
	anyMatch := func(patterns []string, v string) bool {
		return slices.ContainsFunc(patterns, func(p string) bool { return globMatch(p, v) })
	}
	if st.actions != nil && !anyMatch(st.actions, action) || st.notActions != nil && anyMatch(st.notActions, action) {
		return false
	}
	res := "LogicalResourceId/" + logicalID
	inResources := func(patterns []string) bool {
		return slices.Contains(patterns, "*") || anyMatch(patterns, res)
	}
	if st.resources != nil && !inResources(st.resources) || st.notResources != nil && inResources(st.notResources) {
		return false
	}
	if st.equals != nil && !slices.Contains(st.equals, typ) {
		return false
	}
	if st.like != nil && !anyMatch(st.like, typ) {
		return false
	}
	return true
}

// globMatch matches s against a pattern where * is any run of characters
// and ? one character; case-sensitive, as logical ids are.
func globMatch(pattern, s string) bool {
	p, v := []rune(pattern), []rune(s)
	pi, vi, star, mark := 0, 0, -1, 0
	for vi < len(v) {
		switch {
		case pi < len(p) && (p[pi] == '?' || p[pi] == v[vi]):
			pi++
			vi++
		case pi < len(p) && p[pi] == '*':
			star, mark = pi, vi
			pi++
		case star >= 0:
			pi = star + 1
			mark++
			vi = mark
		default:
			return false
		}
	}
	for pi < len(p) && p[pi] == '*' {
		pi++
	}
	return pi == len(p)
}

// denialReason is the ResourceStatusReason of a resource whose update
// action the policy denied. An explicit Deny reads as CloudFormation's
// (checked on AWS by localstack's stack policy tests: "Action denied by
// stack policy: Statement [#N] does not allow [Update:Replace] for
// resource [LogicalResourceId/X]"); a default deny (no Allow) starts with
// "Action not allowed by stack policy", the other prefix those tests
// accept; the rest of that sentence is the double's.
func denialReason(d decision, action, logicalID string) string {
	if d.statement > 0 {
		return fmt.Sprintf("Action denied by stack policy: Statement [#%d] does not allow [%s] for resource [LogicalResourceId/%s]", d.statement, action, logicalID)
	}
	return fmt.Sprintf("Action not allowed by stack policy: no statement allows [%s] for resource [LogicalResourceId/%s]", action, logicalID)
}

// plannedAction is one update action of a change set the policy governs.
type plannedAction struct {
	action, logicalID, typ string
}

// plannedActions lists the actions of a change set a stack policy
// governs, in the order the double runs them: the Modify changes
// (Update:Replace when replaced, else Update:Modify) in forward order,
// then the removals (Update:Delete) in cleanup order. An Add is not an
// update action.
func plannedActions(cs *changeSet) []plannedAction {
	var out []plannedAction
	for _, rc := range forwardOrder(cs) {
		switch {
		case rc.Action != "Modify":
		case rc.Replacement == "True":
			out = append(out, plannedAction{ActionReplace, rc.LogicalID, rc.Type})
		default:
			out = append(out, plannedAction{ActionModify, rc.LogicalID, rc.Type})
		}
	}
	for _, rc := range slices.Backward(cs.Changes) {
		if rc.Action == "Remove" {
			out = append(out, plannedAction{ActionDelete, rc.LogicalID, rc.Type})
		}
	}
	return out
}

// policyDenial is the first planned action of the change set the policy in
// force denies (the change set's during-update policy, else the stack's),
// with its reason; nil when there is no policy or it allows them all. The
// double checks every action before the first resource action (the
// assumption docs/stackpolicy.md states). Called with the state's lock
// held.
func (s *Server) policyDenial(cs *changeSet) *deniedAction {
	p := cs.policy
	if p == nil {
		p = s.cfn.policy
	}
	if p == nil {
		return nil
	}
	for _, a := range plannedActions(cs) {
		if d := p.evaluate(a.action, a.logicalID, a.typ); !d.allowed {
			return &deniedAction{plannedAction: a, reason: denialReason(d, a.action, a.logicalID)}
		}
	}
	return nil
}

type deniedAction struct {
	plannedAction
	reason string
}
