package transform

import (
	"fmt"
	"strings"

	"github.com/quiltdata/quilt-private-endpoints/internal/template"
)

// samAuthIf moves an Fn::If around a SAM API's Auth or Auth.ResourcePolicy
// down to Auth.ResourcePolicy.CustomStatements. SAM reads the keys of Auth
// and of ResourcePolicy when it transforms the template, before
// CloudFormation evaluates conditions: under an Fn::If it finds none and
// builds no resource policy, so the PRIVATE API would deploy with none
// (API Gateway refuses that). CustomStatements it passes through as the
// policy's Statement, so an Fn::If there is resolved by CloudFormation.
// Branches it cannot merge that way are refused, with the fix.
func samAuthIf(id string, auth any) (any, error) {
	if cond, yes, no, ok := ifBranches(auth); ok {
		restY, rpY := splitResourcePolicy(yes)
		restN, rpN := splitResourcePolicy(no)
		if !template.Equal(restY, restN) {
			return nil, &Error{Resource: id,
				Message: fmt.Sprintf("Auth is chosen by Fn::If on condition %s and its branches differ beyond ResourcePolicy (%s): SAM reads Auth before CloudFormation evaluates conditions, "+
					"so it ignores all of it and would deploy the now PRIVATE API with no resource policy, which API Gateway refuses", cond, strings.Join(diffKeys(restY, restN), ", ")),
				Remedy: "make Auth an object (SAM does not evaluate an Fn::If there) and put the condition inside Auth.ResourcePolicy.CustomStatements " +
					"(CustomStatements: !If [" + cond + ", [...], [...]]), or list the API in the Exclude setting"}
		}
		restY["ResourcePolicy"] = map[string]any{"Fn::If": []any{cond, rpY, rpN}}
		auth = restY
	}
	m, ok := auth.(map[string]any)
	if !ok {
		return auth, nil
	}
	if _, _, _, isIf := ifBranches(m["ResourcePolicy"]); !isIf {
		return auth, nil
	}
	stmts, err := customStatementsIf(id, m["ResourcePolicy"])
	if err != nil {
		return nil, err
	}
	out := shallow(m)
	out["ResourcePolicy"] = map[string]any{"CustomStatements": stmts}
	return out, nil
}

// splitResourcePolicy returns a branch of Auth without its ResourcePolicy
// (a copy; AWS::NoValue is an empty Auth) and the ResourcePolicy.
func splitResourcePolicy(v any) (map[string]any, any) {
	m, _ := v.(map[string]any)
	if template.IsNoValue(v) {
		m = nil
	}
	rest := map[string]any{}
	for k, e := range m {
		if k != "ResourcePolicy" {
			rest[k] = e
		}
	}
	rp := m["ResourcePolicy"]
	if rp == nil {
		rp = map[string]any{"Ref": "AWS::NoValue"}
	}
	return rest, rp
}

// customStatementsIf turns an Fn::If of ResourcePolicy objects into an
// Fn::If of their CustomStatements lists. A branch with any other key
// (whitelists, blacklists: statements SAM writes itself) is refused.
func customStatementsIf(id string, rp any) (any, error) {
	if cond, yes, no, ok := ifBranches(rp); ok {
		y, err := customStatementsIf(id, yes)
		if err != nil {
			return nil, err
		}
		n, err := customStatementsIf(id, no)
		if err != nil {
			return nil, err
		}
		return map[string]any{"Fn::If": []any{cond, y, n}}, nil
	}
	if isAbsent(rp) {
		return []any{}, nil
	}
	m, ok := rp.(map[string]any)
	if !ok {
		return nil, &Error{Resource: id, Message: fmt.Sprintf("a branch of Auth.ResourcePolicy is a %s, not an object", template.KindOf(rp)),
			Remedy: "give Auth.ResourcePolicy as an object with CustomStatements"}
	}
	for _, k := range template.SortedKeys(m) {
		if k != "CustomStatements" {
			return nil, &Error{Resource: id,
				Message: fmt.Sprintf("Auth.ResourcePolicy is chosen by Fn::If and a branch sets %s: SAM reads ResourcePolicy's keys before CloudFormation evaluates conditions, "+
					"so it would ignore them and deploy the now PRIVATE API with no resource policy, which API Gateway refuses", k),
				Remedy: "put the condition inside CustomStatements (ResourcePolicy: {CustomStatements: !If [Condition, [...], [...]]}) and write the statements " + k +
					" stands for there, or list the API in the Exclude setting"}
		}
	}
	if l, ok := m["CustomStatements"].([]any); ok {
		return l, nil
	}
	if _, _, _, isIf := ifBranches(m["CustomStatements"]); isIf {
		return m["CustomStatements"], nil
	}
	return []any{m["CustomStatements"]}, nil
}

// diffKeys names the keys whose values differ between two objects.
func diffKeys(a, b map[string]any) []string {
	seen := map[string]bool{}
	for k := range a {
		seen[k] = true
	}
	for k := range b {
		seen[k] = true
	}
	var out []string
	for _, k := range sortedSet(seen) {
		if !template.Equal(a[k], b[k]) {
			out = append(out, k)
		}
	}
	return out
}
