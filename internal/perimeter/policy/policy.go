// Package policy parses IAM JSON policies (service control policies and
// resource policies such as bucket policies) and evaluates one request
// against them with the IAM semantics that data-perimeter policies rely on:
// Action/NotAction and Resource/NotResource wildcards, Principal matching,
// the String, Arn, IpAddress, Bool, Null, Numeric, Date and Binary condition
// operators, their IfExists forms, the ForAnyValue/ForAllValues set
// operators, case-insensitive condition key names and missing keys.
package policy

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/netip"
	"sort"
	"strconv"
	"strings"
)

// Effect is a statement's Effect element.
type Effect string

// The two effects IAM knows.
const (
	Allow Effect = "Allow"
	Deny  Effect = "Deny"
)

// Policy is a parsed IAM policy document.
type Policy struct {
	Version    string
	Statements []Statement
}

// IsResourcePolicy reports whether any statement names a Principal or
// NotPrincipal, as resource policies (bucket policies) do and SCPs never do.
func (p *Policy) IsResourcePolicy() bool {
	for _, s := range p.Statements {
		if s.Principal != nil {
			return true
		}
	}
	return false
}

// Statement is one parsed statement.
type Statement struct {
	Index        int // position in the Statement array, from 0
	Sid          string
	Effect       Effect
	Principal    *Principal // nil when the statement has neither Principal nor NotPrincipal
	NotPrincipal bool
	Actions      []string
	NotAction    bool
	Resources    []string
	NotResource  bool
	Conditions   []Condition // in document order
}

// Label names the statement in messages: its Sid, else Statement[i].
func (s Statement) Label() string {
	if s.Sid != "" {
		return s.Sid
	}
	return fmt.Sprintf("Statement[%d]", s.Index)
}

// Principal is a Principal or NotPrincipal element.
type Principal struct {
	Any           bool // "*"
	AWS           []string
	Service       []string
	Federated     []string
	CanonicalUser []string
}

// Condition is one operator/key pair of a Condition block with its values.
// All conditions of a statement must hold (AND); the values of one key are
// alternatives (OR).
type Condition struct {
	Operator string // as written, e.g. "ForAnyValue:StringNotEqualsIfExists"
	Key      string // as written, e.g. "aws:SourceVpc"
	Values   []string

	op       operator
	set      setQualifier
	ifExists bool
	prefixes []netip.Prefix // Values parsed once, for IpAddress/NotIpAddress
}

// setQualifier is the ForAnyValue/ForAllValues prefix of an operator.
type setQualifier int

const (
	setNone setQualifier = iota
	setAnyValue
	setAllValues
)

// Parse parses and validates a policy document. Errors name the statement
// and element at fault.
func Parse(data []byte) (*Policy, error) {
	tree, err := decodeTree(data)
	if err != nil {
		return nil, fmt.Errorf("policy: %w", err)
	}
	top, ok := tree.(object)
	if !ok {
		return nil, errors.New("policy: the document must be a JSON object with a Statement element")
	}
	p := &Policy{}
	var stmts []any
	seenStatement := false
	for _, m := range top {
		switch m.key {
		case "Version":
			s, ok := m.val.(string)
			if !ok || (s != "2012-10-17" && s != "2008-10-17") {
				return nil, fmt.Errorf("policy: Version must be \"2012-10-17\" (got %s)", describe(m.val))
			}
			p.Version = s
		case "Id":
			if _, ok := m.val.(string); !ok {
				return nil, errors.New("policy: Id must be a string")
			}
		case "Statement":
			seenStatement = true
			switch v := m.val.(type) {
			case object:
				stmts = []any{v}
			case []any:
				stmts = v
			default:
				return nil, errors.New("policy: Statement must be an object or an array of objects")
			}
		default:
			return nil, fmt.Errorf("policy: unknown top-level element %q (expected Version, Id, Statement)", m.key)
		}
	}
	if !seenStatement || len(stmts) == 0 {
		return nil, errors.New("policy: no Statement")
	}
	for i, raw := range stmts {
		obj, ok := raw.(object)
		if !ok {
			return nil, fmt.Errorf("policy: Statement[%d] is not a JSON object", i)
		}
		st, err := parseStatement(i, obj)
		if err != nil {
			return nil, fmt.Errorf("policy: %w", err)
		}
		p.Statements = append(p.Statements, st)
	}
	sids := map[string]int{}
	for _, st := range p.Statements {
		if st.Sid == "" {
			continue
		}
		if j, dup := sids[st.Sid]; dup {
			return nil, fmt.Errorf("policy: Statement[%d] and Statement[%d] share the Sid %q (Sids must be unique)", j, st.Index, st.Sid)
		}
		sids[st.Sid] = st.Index
	}
	return p, nil
}

func parseStatement(i int, obj object) (Statement, error) {
	st := Statement{Index: i}
	where := func() string {
		if st.Sid != "" {
			return fmt.Sprintf("Statement[%d] (Sid %q)", i, st.Sid)
		}
		return fmt.Sprintf("Statement[%d]", i)
	}
	// Read the Sid first so that every later message names it.
	for _, m := range obj {
		if m.key == "Sid" {
			s, ok := m.val.(string)
			if !ok {
				return st, fmt.Errorf("%s: Sid must be a string", where())
			}
			st.Sid = s
		}
	}
	var haveAction, haveResource, haveEffect bool
	for _, m := range obj {
		var err error
		switch m.key {
		case "Sid":
		case "Effect":
			s, _ := m.val.(string)
			if s != string(Allow) && s != string(Deny) {
				return st, fmt.Errorf("%s: Effect must be \"Allow\" or \"Deny\" (got %s)", where(), describe(m.val))
			}
			st.Effect, haveEffect = Effect(s), true
		case "Action", "NotAction":
			if haveAction {
				return st, fmt.Errorf("%s: has both Action and NotAction; use one", where())
			}
			haveAction = true
			st.NotAction = m.key == "NotAction"
			st.Actions, err = stringList(m.val)
			if err != nil {
				return st, fmt.Errorf("%s: %s: %w", where(), m.key, err)
			}
			for _, a := range st.Actions {
				if a != "*" && !strings.Contains(a, ":") {
					return st, fmt.Errorf("%s: %s %q is not of the form service:Action", where(), m.key, a)
				}
			}
		case "Resource", "NotResource":
			if haveResource {
				return st, fmt.Errorf("%s: has both Resource and NotResource; use one", where())
			}
			haveResource = true
			st.NotResource = m.key == "NotResource"
			st.Resources, err = stringList(m.val)
			if err != nil {
				return st, fmt.Errorf("%s: %s: %w", where(), m.key, err)
			}
			for _, r := range st.Resources {
				if r != "*" && !strings.HasPrefix(r, "arn:") {
					return st, fmt.Errorf("%s: %s %q is neither \"*\" nor an ARN", where(), m.key, r)
				}
			}
		case "Principal", "NotPrincipal":
			if st.Principal != nil {
				return st, fmt.Errorf("%s: has both Principal and NotPrincipal; use one", where())
			}
			st.NotPrincipal = m.key == "NotPrincipal"
			st.Principal, err = parsePrincipal(m.val)
			if err != nil {
				return st, fmt.Errorf("%s: %s: %w", where(), m.key, err)
			}
		case "Condition":
			st.Conditions, err = parseConditions(m.val)
			if err != nil {
				return st, fmt.Errorf("%s: Condition: %w", where(), err)
			}
		default:
			return st, fmt.Errorf("%s: unknown element %q (expected Sid, Effect, Principal, NotPrincipal, Action, NotAction, Resource, NotResource, Condition)", where(), m.key)
		}
	}
	if !haveEffect {
		return st, fmt.Errorf("%s: missing Effect", where())
	}
	if !haveAction {
		return st, fmt.Errorf("%s: missing Action or NotAction", where())
	}
	if !haveResource {
		return st, fmt.Errorf("%s: missing Resource or NotResource", where())
	}
	return st, nil
}

func parsePrincipal(v any) (*Principal, error) {
	if s, ok := v.(string); ok {
		if s != "*" {
			return nil, fmt.Errorf("a string principal must be \"*\" (got %q); use {\"AWS\": ...} or {\"Service\": ...}", s)
		}
		return &Principal{Any: true}, nil
	}
	obj, ok := v.(object)
	if !ok || len(obj) == 0 {
		return nil, errors.New("must be \"*\" or an object with AWS, Service, Federated or CanonicalUser")
	}
	p := &Principal{}
	for _, m := range obj {
		vals, err := stringList(m.val)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", m.key, err)
		}
		switch m.key {
		case "AWS":
			p.AWS = vals
		case "Service":
			p.Service = vals
		case "Federated":
			p.Federated = vals
		case "CanonicalUser":
			p.CanonicalUser = vals
		default:
			return nil, fmt.Errorf("unknown principal type %q (expected AWS, Service, Federated, CanonicalUser)", m.key)
		}
	}
	return p, nil
}

func parseConditions(v any) ([]Condition, error) {
	obj, ok := v.(object)
	if !ok {
		return nil, errors.New("must be an object of operator -> {key: value(s)}")
	}
	var out []Condition
	for _, m := range obj {
		op, set, ifExists, err := parseOperator(m.key)
		if err != nil {
			return nil, err
		}
		keys, ok := m.val.(object)
		if !ok || len(keys) == 0 {
			return nil, fmt.Errorf("%s: must be a non-empty object of condition key -> value(s)", m.key)
		}
		for _, k := range keys {
			if strings.TrimSpace(k.key) == "" {
				return nil, fmt.Errorf("%s: empty condition key", m.key)
			}
			vals, err := conditionValues(k.val)
			if err != nil {
				return nil, fmt.Errorf("%s: %s: %w", m.key, k.key, err)
			}
			for _, pv := range vals {
				if err := op.checkValue(pv); err != nil {
					return nil, fmt.Errorf("%s: %s: %w", m.key, k.key, err)
				}
			}
			c := Condition{Operator: m.key, Key: k.key, Values: vals, op: op, set: set, ifExists: ifExists}
			if op.name == "IpAddress" || op.name == "NotIpAddress" {
				for _, v := range vals {
					p, _ := ParsePrefix(v) // checked above
					c.prefixes = append(c.prefixes, p)
				}
			}
			out = append(out, c)
		}
	}
	return out, nil
}

// parseOperator splits "ForAnyValue:StringLikeIfExists" into its parts.
// Operator names are case-sensitive in IAM; a wrong case gets a hint.
func parseOperator(name string) (operator, setQualifier, bool, error) {
	rest := name
	set := setNone
	switch {
	case strings.HasPrefix(rest, "ForAnyValue:"):
		set, rest = setAnyValue, strings.TrimPrefix(rest, "ForAnyValue:")
	case strings.HasPrefix(rest, "ForAllValues:"):
		set, rest = setAllValues, strings.TrimPrefix(rest, "ForAllValues:")
	}
	ifExists := false
	if base, ok := strings.CutSuffix(rest, "IfExists"); ok {
		rest, ifExists = base, true
	}
	op, ok := lookupOperator(rest)
	if !ok {
		if hint := suggestOperator(name); hint != "" {
			return operator{}, 0, false, fmt.Errorf("unknown condition operator %q (operator names are case-sensitive: did you mean %q?)", name, hint)
		}
		return operator{}, 0, false, fmt.Errorf("unknown condition operator %q (supported: String*, Arn*, IpAddress, NotIpAddress, Bool, Null, Numeric*, Date*, BinaryEquals, with IfExists and ForAnyValue:/ForAllValues:)", name)
	}
	if op.name == "Null" && (ifExists || set != setNone) {
		return operator{}, 0, false, fmt.Errorf("condition operator %q: Null takes neither IfExists nor a set qualifier", name)
	}
	return op, set, ifExists, nil
}

// suggestOperator returns the correctly spelled operator when name differs
// from a known one only by case.
func suggestOperator(name string) string {
	lower := strings.ToLower(name)
	prefix := ""
	for _, p := range []string{"ForAnyValue:", "ForAllValues:"} {
		if strings.HasPrefix(lower, strings.ToLower(p)) {
			prefix, lower = p, lower[len(p):]
		}
	}
	suffix := ""
	if strings.HasSuffix(lower, "ifexists") {
		suffix, lower = "IfExists", strings.TrimSuffix(lower, "ifexists")
	}
	for _, n := range operatorNames() {
		if strings.ToLower(n) == lower {
			return prefix + n + suffix
		}
	}
	return ""
}

// stringList reads a string or a non-empty array of strings.
func stringList(v any) ([]string, error) {
	switch t := v.(type) {
	case string:
		return []string{t}, nil
	case []any:
		if len(t) == 0 {
			return nil, errors.New("empty list")
		}
		out := make([]string, 0, len(t))
		for _, e := range t {
			s, ok := e.(string)
			if !ok {
				return nil, fmt.Errorf("list holds %s; expected strings", describe(e))
			}
			out = append(out, s)
		}
		return out, nil
	default:
		return nil, fmt.Errorf("expected a string or a list of strings, got %s", describe(v))
	}
}

// conditionValues reads condition values: strings, booleans and numbers
// (IAM accepts all three and compares their text), alone or in a list.
func conditionValues(v any) ([]string, error) {
	scalar := func(e any) (string, error) {
		switch t := e.(type) {
		case string:
			return t, nil
		case bool:
			return strconv.FormatBool(t), nil
		case json.Number:
			return t.String(), nil
		default:
			return "", fmt.Errorf("condition values must be strings, booleans or numbers, got %s", describe(e))
		}
	}
	if arr, ok := v.([]any); ok {
		if len(arr) == 0 {
			return nil, errors.New("empty list of values")
		}
		out := make([]string, 0, len(arr))
		for _, e := range arr {
			s, err := scalar(e)
			if err != nil {
				return nil, err
			}
			out = append(out, s)
		}
		return out, nil
	}
	s, err := scalar(v)
	if err != nil {
		return nil, err
	}
	return []string{s}, nil
}

func describe(v any) string {
	switch t := v.(type) {
	case nil:
		return "null"
	case string:
		return strconv.Quote(t)
	case bool:
		return strconv.FormatBool(t)
	case json.Number:
		return t.String()
	case object:
		keys := make([]string, 0, len(t))
		for _, m := range t {
			keys = append(keys, m.key)
		}
		sort.Strings(keys)
		return "an object {" + strings.Join(keys, ", ") + "}"
	case []any:
		return "a list"
	default:
		return fmt.Sprintf("%T", v)
	}
}
