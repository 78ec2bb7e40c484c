package enable

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"

	"github.com/quiltdata/quilt-private-endpoints/internal/template"
	"github.com/quiltdata/quilt-private-endpoints/internal/transform"
)

// Stack policy actions (CloudFormation user guide, protect-stack-resources).
const (
	policyUpdateDelete  = "Update:Delete"
	policyUpdateReplace = "Update:Replace"
	policyUpdateAll     = "Update:*"
	policyResource      = "LogicalResourceId/"
)

// MaxStackPolicyBody is the longest stack policy CloudFormation takes
// (StackPolicyBody, bytes).
const MaxStackPolicyBody = 16384

// AllowAllStackPolicy is the policy of a stack that protects nothing: a
// stack policy cannot be removed, only replaced, and this is what
// "no policy" is once one was set.
const AllowAllStackPolicy = `{
  "Statement": [
    {
      "Effect": "Allow",
      "Action": [
        "Update:*"
      ],
      "Principal": "*",
      "Resource": [
        "*"
      ]
    }
  ]
}`

// StackPolicy is a CloudFormation stack policy document.
type StackPolicy struct {
	Statement []PolicyStatement `json:"Statement"`
}

// PolicyStatement is one statement of a stack policy, the shape qpe
// writes (a customer's statements are kept as they are, never decoded
// into it).
type PolicyStatement struct {
	Effect    string   `json:"Effect"`
	Action    []string `json:"Action"`
	Principal string   `json:"Principal"`
	Resource  []string `json:"Resource"`
}

// ProtectedResources lists the resources of the render that the macro made
// and that no update should replace or remove: the private API and its
// stages, the internal load balancer side, the preflight, the macro's
// security group and ingress rules. The owned ids are the ones the render
// records (transform.ReadRenderInfo: Metadata.QuiltPrivateEndpoints
// Resources); for a render made before it recorded them, the stable
// identity contract (transform.Identities of original and render: added
// or renamed resources; renamed only names where a resource came from, nil
// gives the same ids). API Gateway deployments are left out
// (transform.ReplacedByDesign, the answer QPE-UP-012 gives too). Sorted. The one place the owned ids are read.
func ProtectedResources(original, render map[string]any, renamed map[string]string) []string {
	res := template.Resources(render)
	var out []string
	add := func(id, typ string) {
		if _, ok := res[id]; ok && !transform.ReplacedByDesign(typ) {
			out = append(out, id)
		}
	}
	if info, ok, err := transform.ReadRenderInfo(render); ok && err == nil && info.Resources != nil {
		for _, id := range info.Resources {
			m, _ := res[id].(map[string]any)
			typ, _ := m["Type"].(string)
			add(id, typ)
		}
		slices.Sort(out)
		return slices.Compact(out)
	}
	for _, e := range transform.Identities(original, render, renamed) {
		if e.Section == "Resources" {
			add(e.ID, e.Type)
		}
	}
	return out
}

// DeployedProtectedResources are the protected resources (ProtectedResources)
// of a deployed stack, from its original template (as submitted, with the
// Transform entry) and its processed one: the one place qpe enable, its
// failure report and qpe disable read the owned ids of a stack from. None
// when the stack is not a render (no QuiltPrivateEndpoints entry).
func DeployedProtectedResources(original, processed map[string]any) []string {
	if _, ok := original["Transform"]; !ok {
		return nil
	}
	return ProtectedResources(original, processed, nil)
}

// PrivateStackPolicy is the stack policy qpe enable sets on a private
// stack that had none: every update action allowed, except Update:Delete
// and Update:Replace on the protected resources (ProtectedResources). An
// update that drops the Transform then fails at the first such step and
// rolls back (docs/stackpolicy.md). It is JSON, deterministic.
func PrivateStackPolicy(original, render map[string]any, renamed map[string]string) ([]byte, error) {
	b, _, err := WithPrivateStatements("", ProtectedResources(original, render, renamed))
	if err != nil {
		return nil, err
	}
	if b == nil { // nothing to protect: allow all
		return []byte(AllowAllStackPolicy), nil
	}
	return b, nil
}

// privateStatement is the Deny statement qpe adds for the protected ids.
func privateStatement(ids []string) PolicyStatement {
	res := make([]string, len(ids))
	for i, id := range ids {
		res[i] = policyResource + id
	}
	return PolicyStatement{Effect: "Deny", Action: []string{policyUpdateDelete, policyUpdateReplace}, Principal: "*", Resource: res}
}

// isPrivateStatement says whether a statement is one qpe added (the shared
// contract: a Deny on exactly Update:Delete and Update:Replace, Principal
// "*", whose Resources are all LogicalResourceId/<id> of ids, and nothing
// else). A customer's statement never matches unless it is word for word
// one of ours.
func isPrivateStatement(raw json.RawMessage, ids []string) bool {
	var m map[string]json.RawMessage
	if json.Unmarshal(raw, &m) != nil || len(m) != 4 {
		return false
	}
	var st PolicyStatement
	if json.Unmarshal(raw, &st) != nil || st.Effect != "Deny" || st.Principal != "*" || len(st.Resource) == 0 {
		return false
	}
	acts := slices.Sorted(slices.Values(st.Action))
	if !slices.Equal(acts, []string{policyUpdateDelete, policyUpdateReplace}) {
		return false
	}
	for _, r := range st.Resource {
		id, ok := strings.CutPrefix(r, policyResource)
		if !ok || !slices.Contains(ids, id) {
			return false
		}
	}
	return true
}

// policyDoc is a stack policy kept as written: its statements raw, its
// other keys (none in a valid policy) raw too.
type policyDoc struct {
	statements []json.RawMessage
	other      map[string]json.RawMessage
}

func readPolicy(body string) (policyDoc, error) {
	var d policyDoc
	if err := json.Unmarshal([]byte(body), &d.other); err != nil {
		return d, fmt.Errorf("the stack's policy is not a JSON object: %w", err)
	}
	if raw, ok := d.other["Statement"]; ok {
		if err := json.Unmarshal(raw, &d.statements); err != nil {
			return d, fmt.Errorf("the stack's policy: Statement is not a list: %w", err)
		}
	}
	delete(d.other, "Statement")
	return d, nil
}

func (d policyDoc) encode() ([]byte, error) {
	out := map[string]any{"Statement": d.statements}
	for k, v := range d.other {
		out[k] = v
	}
	b, err := json.MarshalIndent(out, "", "  ")
	if err != nil {
		return nil, fmt.Errorf("stack policy: %w", err)
	}
	return b, nil
}

// WithPrivateStatements is the stack policy qpe enable sets: the stack's
// policy (existing; "" when it has none) with every statement of the
// customer's kept as written, qpe's own statements (isPrivateStatement for
// any of known, the ids an earlier run may have protected, and ids)
// replaced by one Deny of Update:Delete and Update:Replace on ids, and,
// only when the stack had no policy, an Allow of Update:* first (a policy
// denies what it does not allow). changed is false, and the body nil, when
// the stack's policy already is that (a re-run adds nothing) or when there
// is nothing to protect and no policy.
func WithPrivateStatements(existing string, ids []string, known ...string) (body []byte, changed bool, err error) {
	ids = slices.Sorted(slices.Values(ids))
	ids = slices.Compact(ids)
	ours := append(slices.Clone(known), ids...)
	var d policyDoc
	if existing == "" {
		if len(ids) == 0 {
			return nil, false, nil
		}
		allow, _ := json.Marshal(PolicyStatement{Effect: "Allow", Action: []string{policyUpdateAll}, Principal: "*", Resource: []string{"*"}})
		d.statements = []json.RawMessage{allow}
	} else if d, err = readPolicy(existing); err != nil {
		return nil, false, err
	}
	want, _ := json.Marshal(privateStatement(ids))
	var kept []json.RawMessage
	already := false
	for _, st := range d.statements {
		if !isPrivateStatement(st, ours) {
			kept = append(kept, st)
			continue
		}
		var a, b PolicyStatement
		_ = json.Unmarshal(st, &a)
		_ = json.Unmarshal(want, &b)
		if !already && slices.Equal(a.Resource, b.Resource) && len(ids) > 0 {
			already = true
			kept = append(kept, st)
		}
	}
	if existing != "" && len(kept) == len(d.statements) && (already || len(ids) == 0) {
		return nil, false, nil
	}
	if !already && len(ids) > 0 {
		kept = append(kept, want)
	}
	d.statements = kept
	if len(d.statements) == 0 {
		return []byte(AllowAllStackPolicy), true, nil
	}
	body, err = d.encode()
	if err != nil {
		return nil, false, err
	}
	if len(body) > MaxStackPolicyBody {
		return nil, false, fmt.Errorf("the stack policy would be %d bytes, over the %d CloudFormation takes (the stack's own statements and qpe's Deny on %d resources)", len(body), MaxStackPolicyBody, len(ids))
	}
	return body, true, nil
}

// WithoutPrivateStatements is the inverse for qpe disable: the stack's
// policy with the statements qpe enable added for the protected ids
// (isPrivateStatement) removed, every other statement kept as written; the
// allow-all policy (AllowAllStackPolicy) when nothing else remains, since
// a stack policy cannot be removed. A policy qpe added nothing to comes
// back unchanged (changed false).
func WithoutPrivateStatements(policy string, ids []string) (body []byte, changed bool, err error) {
	if policy == "" {
		return []byte(AllowAllStackPolicy), false, nil
	}
	d, err := readPolicy(policy)
	if err != nil {
		return nil, false, err
	}
	kept := slices.DeleteFunc(slices.Clone(d.statements), func(st json.RawMessage) bool { return isPrivateStatement(st, ids) })
	if len(kept) == len(d.statements) {
		return []byte(policy), false, nil
	}
	if len(kept) == 0 || len(kept) == 1 && isAllowAll(kept[0]) {
		return []byte(AllowAllStackPolicy), true, nil
	}
	d.statements = kept
	body, err = d.encode()
	return body, err == nil, err
}

// isAllowAll says whether a statement is the Allow of Update:* on "*" qpe
// adds to a stack without a policy.
func isAllowAll(raw json.RawMessage) bool {
	var m map[string]json.RawMessage
	var st PolicyStatement
	if json.Unmarshal(raw, &m) != nil || len(m) != 4 || json.Unmarshal(raw, &st) != nil {
		return false
	}
	return st.Effect == "Allow" && st.Principal == "*" && slices.Equal(st.Action, []string{policyUpdateAll}) && slices.Equal(st.Resource, []string{"*"})
}
