// Package apideny is the one answer to "does this resource policy statement
// protect this private REST API": the Deny that refuses every call that does
// not come through the listed VPC endpoints. The macro (internal/transform)
// uses it to decide whether a template already has that Deny, and `qpe
// verify` (QPE-VF-022) to check a live API's policy; both read the same
// statement shapes (map[string]any, []any, string), the template's possibly
// holding CloudFormation intrinsic functions.
//
// A statement protects an API when it is
//
//   - Effect "Deny", with Principal "*" or {"AWS": "*"} (every principal),
//     and no NotPrincipal, NotAction or NotResource;
//   - an Action that covers execute-api:Invoke (IAM wildcards);
//   - a Resource that covers every method and path of this API: "*",
//     "execute-api:/*", or an ARN whose partition, Region, account and API
//     id are wildcards or this API's, followed by wildcard-only path segments;
//   - one condition only: StringNotEquals or StringNotEqualsIfExists on
//     aws:SourceVpce, whose values are not policy variables.
//
// Anything narrower (one principal, an extra condition, a condition that
// never holds, another API's ARN, part of the paths) does not protect the
// API: some caller through another endpoint gets in.
package apideny

import (
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/quiltdata/quilt-private-endpoints/internal/perimeter/policy"
	"github.com/quiltdata/quilt-private-endpoints/internal/template"
)

// InvokeAction is the action a private API's Deny must cover.
const InvokeAction = "execute-api:Invoke"

// SourceVpceKey is the condition key naming the VPC endpoint of a call.
const SourceVpceKey = "aws:SourceVpce"

// API is the API a Deny must protect. Each of Partition, Region, Account and
// ID is the literal value when known, or "" when not (a template rendered
// without a Region, an API whose id CloudFormation assigns): an ARN
// component must then be a wildcard, or the matching pseudo parameter
// (${AWS::Region}, ...) in a template.
type API struct {
	Partition, Region, Account, ID string
	// LogicalIDs are the API's logical ids in the template (before and
	// after a rename): ${Id} or {"Ref": Id} in a Resource is this API's id.
	LogicalIDs []string
}

// Verdict is what Check says about one statement.
type Verdict struct {
	// VpceDeny is true for any Deny statement with a StringNotEquals or
	// StringNotEqualsIfExists condition on aws:SourceVpce, whether or not
	// it protects the API (the macro adds its endpoint to each).
	VpceDeny bool
	// Operator and Key locate the aws:SourceVpce condition (as written)
	// when VpceDeny.
	Operator, Key string
	// Endpoints are the condition's values as written (strings, or
	// intrinsic functions in a template) when VpceDeny.
	Endpoints []any
	// Protects is true when the statement protects the API.
	Protects bool
	// Why says what makes the statement narrower than the API when
	// VpceDeny and not Protects.
	Why string
}

// Check judges one policy statement against the API.
func Check(stmt map[string]any, api API) Verdict {
	var v Verdict
	if e, _ := stmt["Effect"].(string); e != "Deny" {
		return v
	}
	v.Operator, v.Key, v.Endpoints, v.VpceDeny = vpceCondition(stmt["Condition"])
	if !v.VpceDeny {
		return v
	}
	v.Why = narrower(stmt, api)
	v.Protects = v.Why == ""
	return v
}

// Protects reports whether any statement of a policy document's Statement
// (an object or a list) protects the API, and returns the endpoints the
// first such statement lets through.
func Protects(doc map[string]any, api API) (endpoints []any, ok bool) {
	for _, s := range Statements(doc["Statement"]) {
		if v := Check(s, api); v.Protects {
			return v.Endpoints, true
		}
	}
	return nil, false
}

// Statements returns the object statements of a Statement value (one object
// or a list; other items are skipped).
func Statements(v any) []map[string]any {
	switch x := v.(type) {
	case map[string]any:
		return []map[string]any{x}
	case []any:
		out := make([]map[string]any, 0, len(x))
		for _, e := range x {
			if m, ok := e.(map[string]any); ok {
				out = append(out, m)
			}
		}
		return out
	}
	return nil
}

// vpceCondition finds a StringNotEquals[IfExists] on aws:SourceVpce (keys
// compare case-insensitively, operators case-sensitively, as IAM does).
func vpceCondition(c any) (op, key string, vals []any, ok bool) {
	cond, _ := c.(map[string]any)
	for _, o := range []string{"StringNotEquals", "StringNotEqualsIfExists"} {
		keys, _ := cond[o].(map[string]any)
		for _, k := range slices.Sorted(maps.Keys(keys)) {
			if strings.EqualFold(k, SourceVpceKey) {
				return o, k, list(keys[k]), true
			}
		}
	}
	return "", "", nil, false
}

// narrower returns why a Deny with an aws:SourceVpce condition does not
// protect the whole API for every caller, or "" when it does.
func narrower(stmt map[string]any, api API) string {
	for _, k := range []string{"NotPrincipal", "NotAction", "NotResource"} {
		if _, ok := stmt[k]; ok {
			return "it has " + k
		}
	}
	if !everyone(stmt["Principal"]) {
		return "its Principal is not every principal (\"*\")"
	}
	if !coversInvoke(stmt["Action"]) {
		return "its Action does not cover " + InvokeAction
	}
	cond, _ := stmt["Condition"].(map[string]any)
	if len(cond) != 1 {
		return "it has conditions besides " + SourceVpceKey
	}
	for _, kv := range cond {
		if keys, _ := kv.(map[string]any); len(keys) != 1 {
			return "it has conditions besides " + SourceVpceKey
		}
	}
	_, _, vals, _ := vpceCondition(stmt["Condition"])
	if len(vals) == 0 {
		return "its " + SourceVpceKey + " condition lists no endpoint"
	}
	for _, v := range vals {
		if why := variableValue(v); why != "" {
			return why
		}
	}
	for _, r := range list(stmt["Resource"]) {
		if coversAPI(r, api) {
			return ""
		}
	}
	return "its Resource does not cover every method and path of this API"
}

// variableValue refuses a condition value that IAM would substitute (a
// policy variable such as ${aws:SourceVpce} makes the condition never hold),
// including one a Fn::Sub produces from ${!...}.
func variableValue(v any) string {
	switch t := v.(type) {
	case string:
		if strings.Contains(t, "${") {
			return fmt.Sprintf("its %s value %q is a policy variable", SourceVpceKey, t)
		}
		return ""
	case map[string]any:
		if len(t) != 1 {
			return fmt.Sprintf("its %s value is not a string", SourceVpceKey)
		}
		for k, a := range t {
			switch k {
			case "Fn::If":
				args, _ := a.([]any)
				if len(args) != 3 {
					return fmt.Sprintf("its %s value is a malformed Fn::If", SourceVpceKey)
				}
				for _, b := range args[1:] {
					if why := variableValue(b); why != "" {
						return why
					}
				}
			case "Fn::Sub":
				if s, _, _ := template.SubArgs(a); template.SubHasLiteral(s) {
					return fmt.Sprintf("its %s value makes a policy variable (${!...})", SourceVpceKey)
				}
			case "Ref", "Fn::GetAtt", "Fn::ImportValue", "Fn::FindInMap", "Fn::Select", "Fn::Join":
			default:
				return fmt.Sprintf("its %s value is %s, which the check does not read", SourceVpceKey, k)
			}
		}
		return ""
	}
	return fmt.Sprintf("its %s value is not a string", SourceVpceKey)
}

// everyone: "*", {"AWS": "*"} or {"AWS": [..., "*", ...]}.
func everyone(p any) bool {
	switch t := p.(type) {
	case string:
		return t == "*"
	case map[string]any:
		for _, a := range list(t["AWS"]) {
			if a == "*" {
				return true
			}
		}
	}
	return false
}

func coversInvoke(a any) bool {
	for _, x := range list(a) {
		if s, ok := x.(string); ok && policy.MatchAction(s, InvokeAction) {
			return true
		}
	}
	return false
}

// coversAPI reports whether one Resource value covers every invocation ARN
// of the API.
func coversAPI(r any, api API) bool {
	s, ok := resolve(r, api)
	if !ok {
		return false
	}
	if allStars(s) {
		return true
	}
	if rest, ok := strings.CutPrefix(s, "execute-api:/"); ok {
		return wildPath(rest)
	}
	parts := strings.SplitN(s, ":", 6)
	if len(parts) != 6 || parts[0] != "arn" {
		return false
	}
	if !component(parts[1], known(api.Partition, unknownPartition)) || !component(parts[2], "execute-api") ||
		!component(parts[3], known(api.Region, unknownRegion)) || !component(parts[4], known(api.Account, unknownAccount)) {
		return false
	}
	res := parts[5]
	if allStars(res) {
		return true
	}
	id, path, ok := strings.Cut(res, "/")
	return ok && component(id, known(api.ID, unknownID)) && wildPath(path)
}

// component: a wildcard-only ARN component, or the value itself (a
// sentinel when unknown, which only the pseudo parameter resolves to).
func component(pattern, value string) bool {
	return allStars(pattern) || pattern == value
}

// known is the value, or its sentinel when unknown.
func known(val, sentinel string) string {
	if val == "" {
		return sentinel
	}
	return val
}

func allStars(s string) bool {
	return s != "" && strings.Trim(s, "*") == ""
}

// wildPath: what follows "<api-id>/" covers stage/METHOD/path for every
// path (the root "stage/GET/" included): one to three wildcard segments.
func wildPath(p string) bool {
	segs := strings.Split(p, "/")
	if len(segs) > 3 {
		return false
	}
	for _, s := range segs {
		if !allStars(s) {
			return false
		}
	}
	return true
}

// Sentinels stand for a pseudo parameter or this API's id whose value is not
// known: no literal in a policy can equal them.
const (
	unknownPartition = "\x00partition"
	unknownRegion    = "\x00region"
	unknownAccount   = "\x00account"
	unknownID        = "\x00api"
)

// resolve turns a Resource value into the string IAM would match: a
// literal, or a Fn::Sub / Fn::Join / Ref of pseudo parameters and of this
// API's logical id. Anything else cannot be read (false).
func resolve(v any, api API) (string, bool) {
	name := func(n string) (string, bool) {
		switch n {
		case "AWS::Partition":
			return known(api.Partition, unknownPartition), true
		case "AWS::Region":
			return known(api.Region, unknownRegion), true
		case "AWS::AccountId":
			return known(api.Account, unknownAccount), true
		}
		for _, id := range api.LogicalIDs {
			if n == id {
				return known(api.ID, unknownID), true
			}
		}
		return "", false
	}
	switch t := v.(type) {
	case string:
		return t, true
	case map[string]any:
		if len(t) != 1 {
			return "", false
		}
		if r, ok := t["Ref"].(string); ok {
			return name(r)
		}
		if a, ok := t["Fn::Sub"]; ok {
			s, vars, ok := template.SubArgs(a)
			if !ok {
				return "", false
			}
			all := true
			out, _ := template.ScanSub(s, func(n string) (string, bool) {
				v, ok := "", false
				if x, isVar := vars[n]; isVar {
					v, ok = resolve(x, api)
				} else {
					v, ok = name(n)
				}
				all = all && ok
				return v, ok
			})
			// A ${!Literal} stays as written: no ARN component equals it.
			return out, all
		}
		if a, ok := t["Fn::Join"].([]any); ok && len(a) == 2 {
			sep, ok1 := a[0].(string)
			items, ok2 := a[1].([]any)
			if !ok1 || !ok2 {
				return "", false
			}
			parts := make([]string, len(items))
			for i, it := range items {
				if parts[i], ok = resolve(it, api); !ok {
					return "", false
				}
			}
			return strings.Join(parts, sep), true
		}
	}
	return "", false
}

func list(v any) []any {
	if l, ok := v.([]any); ok {
		return l
	}
	if v == nil {
		return nil
	}
	return []any{v}
}
