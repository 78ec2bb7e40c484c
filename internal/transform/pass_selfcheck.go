package transform

import (
	"fmt"
	"slices"
	"sort"
	"strings"

	"github.com/quiltdata/quilt-private-endpoints/internal/apideny"
	"github.com/quiltdata/quilt-private-endpoints/internal/awsid"
	"github.com/quiltdata/quilt-private-endpoints/internal/template"
)

// Values the self-check gives what a render does not know.
const (
	selfCheckRegion  = "us-east-1"
	selfCheckAccount = "111122223333"
	selfCheckAPIID   = "a1b2c3d4e5"
	// selfCheckMaxConditions bounds the condition combinations tried: up to
	// this many conditions every combination, beyond it all true and all
	// false.
	selfCheckMaxConditions = 4
)

// apiTarget is the API a Deny in the resource policy of id must protect:
// its Region and account are the stack's when the macro knows them.
func (st *state) apiTarget(ids ...string) apideny.API {
	api := apideny.API{Region: st.req.Region, Account: st.req.AccountID, LogicalIDs: ids}
	if api.Region != "" {
		api.Partition = awsid.Partition(api.Region)
	}
	return api
}

// passSelfCheck simulates every private API of the render with the IAM
// evaluator: a call through the stack's endpoint is let in; one through
// another endpoint, without an endpoint or from another account is
// refused. A render that fails it is not returned.
func passSelfCheck(st *state) error {
	for _, old := range resPrivateAPIs.of(st).Sorted() {
		id := old
		if n, ok := resRenamed.of(st).Get(old); ok {
			id = n
		}
		r := st.resource(id)
		if r == nil {
			continue
		}
		if err := selfCheckAPI(st, old, id, r); err != nil {
			return &Error{Resource: id,
				Message: "the private API's resource policy fails the macro's self-check: " + err.Error(),
				Remedy: "give the API a Deny {Effect: Deny, Principal: \"*\", Action: execute-api:Invoke, Resource: execute-api:/*, " +
					"Condition: {StringNotEquals: {aws:SourceVpce: [the endpoint]}}} without other conditions (or remove the statement that " +
					"lets the call in or blocks the endpoint), or list the API in the Exclude setting"}
		}
	}
	return nil
}

func selfCheckAPI(st *state, old, id string, r map[string]any) error {
	region := st.req.Region
	if region == "" {
		region = selfCheckRegion
	}
	account := st.req.AccountID
	if !awsid.Account(account) {
		account = selfCheckAccount
	}
	api := apideny.API{Partition: awsid.Partition(region), Region: region, Account: account, ID: selfCheckAPIID,
		LogicalIDs: []string{old, id}}
	props, _ := r["Properties"].(map[string]any)
	ep := st.endpointExpr()
	conds := conditionNames([]any{props, ep})
	for _, assign := range conditionAssignments(conds) {
		w := simWorld{api: api, conds: assign}
		p, _ := w.value(props).(map[string]any)
		own, _ := w.value(ep).(string)
		doc, err := simPolicy(r["Type"], p, own)
		if err != nil {
			return err
		}
		if err := apideny.Simulate(doc, api, own); err != nil {
			if len(conds) > 0 {
				return fmt.Errorf("%w (conditions %s)", err, describeAssignment(conds, assign))
			}
			return err
		}
	}
	return nil
}

// simPolicy returns the policy document the API gets: the RestApi's Policy,
// or for a SAM API its Policy and the statements SAM makes of
// Auth.ResourcePolicy (CustomStatements, and for a VPC endpoint allow list
// an Allow and a Deny on aws:SourceVpce). A SourceVpceWhitelist of literal
// ids is taken to list the stack's endpoint own: the macro cannot add it
// there and warns instead (QPE-TF-016).
func simPolicy(typ any, p map[string]any, own string) (map[string]any, error) {
	doc, err := policyDoc(p["Policy"])
	if err != nil {
		return nil, err
	}
	if typ != "AWS::Serverless::Api" {
		return doc, nil
	}
	auth, _ := p["Auth"].(map[string]any)
	rp, _ := auth["ResourcePolicy"].(map[string]any)
	if rp == nil {
		return doc, nil
	}
	stmts := asList(doc["Statement"])
	stmts = append(stmts, asList(rp["CustomStatements"])...)
	var vpces []any
	for _, k := range []string{"IntrinsicVpceWhitelist", "SourceVpceWhitelist"} {
		vpces = append(vpces, asList(rp[k])...)
	}
	if rp["SourceVpceWhitelist"] != nil {
		vpces = append(vpces, own)
	}
	if len(vpces) > 0 {
		stmts = append(stmts,
			map[string]any{"Effect": "Allow", "Principal": "*", "Action": invokeAction, "Resource": "execute-api:/*"},
			map[string]any{"Effect": "Deny", "Principal": "*", "Action": invokeAction, "Resource": "execute-api:/*",
				"Condition": map[string]any{"StringNotEquals": map[string]any{sourceVpce: vpces}}})
	}
	doc["Statement"] = stmts
	return doc, nil
}

// policyDoc reads a resolved Policy value: absent, an object or a JSON
// string.
func policyDoc(v any) (map[string]any, error) {
	switch t := v.(type) {
	case nil:
		return map[string]any{}, nil
	case map[string]any:
		return t, nil
	case string:
		doc, err := template.DecodeJSON([]byte(t))
		if err != nil {
			return nil, fmt.Errorf("its Policy string is not a JSON object: %w", err)
		}
		return doc, nil
	}
	return nil, fmt.Errorf("its Policy is a %s, not a policy object", template.KindOf(v))
}

// conditionNames lists the conditions of the Fn::If in v, sorted.
func conditionNames(v any) []string {
	seen := map[string]bool{}
	var walk func(any)
	walk = func(v any) {
		switch t := v.(type) {
		case map[string]any:
			if cond, _, _, ok := ifBranches(t); ok {
				seen[cond] = true
			}
			for _, x := range t {
				walk(x)
			}
		case []any:
			for _, x := range t {
				walk(x)
			}
		}
	}
	walk(v)
	out := make([]string, 0, len(seen))
	for k := range seen {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// conditionAssignments returns the truth values tried for the conditions.
func conditionAssignments(conds []string) []map[string]bool {
	all := func(b bool) map[string]bool {
		m := map[string]bool{}
		for _, c := range conds {
			m[c] = b
		}
		return m
	}
	if len(conds) == 0 {
		return []map[string]bool{{}}
	}
	if len(conds) > selfCheckMaxConditions {
		return []map[string]bool{all(true), all(false)}
	}
	var out []map[string]bool
	for mask := 0; mask < 1<<len(conds); mask++ {
		m := map[string]bool{}
		for i, c := range conds {
			m[c] = mask&(1<<i) != 0
		}
		out = append(out, m)
	}
	return out
}

func describeAssignment(conds []string, m map[string]bool) string {
	parts := make([]string, len(conds))
	for i, c := range conds {
		parts[i] = fmt.Sprintf("%s=%t", c, m[c])
	}
	return strings.Join(parts, ", ")
}

// simWorld resolves intrinsic functions to the concrete values of one
// simulation: pseudo parameters to the API's Region and account, the API's
// own Ref to its id, Fn::If by the assignment, and anything else to an
// opaque string that names it (equal for equal expressions, so the stack's
// endpoint reference compares equal to itself).
type simWorld struct {
	api   apideny.API
	conds map[string]bool
}

func (w simWorld) value(v any) any {
	switch t := v.(type) {
	case []any:
		out := make([]any, 0, len(t))
		for _, x := range t {
			if template.IsNoValue(x) {
				continue
			}
			out = append(out, w.value(x))
		}
		return out
	case map[string]any:
		if cond, yes, no, ok := ifBranches(t); ok {
			if w.conds[cond] {
				return w.value(yes)
			}
			return w.value(no)
		}
		if name, arg, ok := template.Intrinsic(t); ok && name != "Condition" {
			return w.intrinsic(name, arg, t)
		}
		out := make(map[string]any, len(t))
		for k, x := range t {
			if template.IsNoValue(x) {
				continue
			}
			out[k] = w.value(x)
		}
		return out
	}
	return v
}

func (w simWorld) name(n string) string {
	switch n {
	case "AWS::Partition":
		return w.api.Partition
	case "AWS::Region":
		return w.api.Region
	case "AWS::AccountId":
		return w.api.Account
	case "AWS::URLSuffix":
		return "amazonaws.com"
	}
	if slices.Contains(w.api.LogicalIDs, n) {
		return w.api.ID
	}
	if res, att, ok := strings.Cut(n, "."); ok {
		return "getatt:" + res + "." + att
	}
	return "ref:" + n
}

func (w simWorld) intrinsic(name string, arg any, whole map[string]any) any {
	switch name {
	case "Ref":
		if s, ok := arg.(string); ok {
			return w.name(s)
		}
	case "Fn::GetAtt":
		if res, att, ok := template.GetAtt(whole); ok {
			return w.name(res + "." + att)
		}
	case "Fn::Sub":
		if s, vars, ok := template.SubArgs(arg); ok {
			out, _ := template.ScanSub(s, func(n string) (string, bool) {
				if x, ok := vars[n]; ok {
					return fmt.Sprint(w.value(x)), true
				}
				return w.name(n), true
			})
			// CloudFormation writes ${!Literal} as ${Literal}.
			return strings.ReplaceAll(out, "${!", "${")
		}
	case "Fn::Join":
		if a, ok := arg.([]any); ok && len(a) == 2 {
			sep, _ := a[0].(string)
			items, _ := w.value(a[1]).([]any)
			parts := make([]string, len(items))
			for i, it := range items {
				parts[i] = fmt.Sprint(it)
			}
			return strings.Join(parts, sep)
		}
	}
	b, _ := template.EncodeJSON(whole, false)
	return "unresolved:" + string(b)
}
