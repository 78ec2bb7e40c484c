package verify

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"
)

// parsePolicy decodes a REST API's resource policy. GetRestApi returns it
// escaped once more than JSON needs ({\"Version\":...\/*}); plain JSON is
// accepted too.
func parsePolicy(raw string) (map[string]any, error) {
	var doc map[string]any
	if err := json.Unmarshal([]byte(raw), &doc); err == nil {
		return doc, nil
	}
	var unescaped string
	if err := json.Unmarshal([]byte(`"`+raw+`"`), &unescaped); err != nil {
		return nil, fmt.Errorf("the policy is neither JSON nor escaped JSON: %w", err)
	}
	if err := json.Unmarshal([]byte(unescaped), &doc); err != nil {
		return nil, fmt.Errorf("the policy is not JSON: %w", err)
	}
	return doc, nil
}

// strs reads a string-or-list policy value.
func strs(v any) []string {
	switch x := v.(type) {
	case string:
		return []string{x}
	case []any:
		var out []string
		for _, e := range x {
			if s, ok := e.(string); ok {
				out = append(out, s)
			}
		}
		return out
	}
	return nil
}

func statements(doc map[string]any) []map[string]any {
	var out []map[string]any
	switch x := doc["Statement"].(type) {
	case map[string]any:
		out = append(out, x)
	case []any:
		for _, e := range x {
			if m, ok := e.(map[string]any); ok {
				out = append(out, m)
			}
		}
	}
	return out
}

// vpceDeny describes a Deny statement that blocks execute-api:Invoke from
// everyone unless the call comes through the listed VPC endpoints.
type vpceDeny struct {
	endpoints []string
	// whole is true when it covers the whole API (Resource * or .../*).
	whole bool
}

// vpceDenies finds the Deny-unless-SourceVpce statements: Effect Deny,
// Principal * (or AWS *), Action execute-api:Invoke (or execute-api:*, *),
// and a single condition StringNotEquals[IfExists] on aws:SourceVpce (key
// case-insensitive, as IAM treats condition keys).
func vpceDenies(doc map[string]any) []vpceDeny {
	var out []vpceDeny
	for _, s := range statements(doc) {
		if e, _ := s["Effect"].(string); !strings.EqualFold(e, "Deny") {
			continue
		}
		if !principalAll(s["Principal"]) || s["NotAction"] != nil {
			continue
		}
		if !slices.ContainsFunc(strs(s["Action"]), func(a string) bool {
			a = strings.ToLower(a)
			return a == "execute-api:invoke" || a == "execute-api:*" || a == "*"
		}) {
			continue
		}
		cond, _ := s["Condition"].(map[string]any)
		if len(cond) != 1 {
			continue
		}
		for op, kv := range cond {
			if op != "StringNotEquals" && op != "StringNotEqualsIfExists" {
				continue
			}
			keys, _ := kv.(map[string]any)
			if len(keys) != 1 {
				continue
			}
			for k, v := range keys {
				if strings.EqualFold(k, "aws:SourceVpce") {
					out = append(out, vpceDeny{endpoints: strs(v), whole: coversAPI(strs(s["Resource"]))})
				}
			}
		}
	}
	return out
}

func principalAll(p any) bool {
	if s, ok := p.(string); ok {
		return s == "*"
	}
	if m, ok := p.(map[string]any); ok {
		return slices.Contains(strs(m["AWS"]), "*")
	}
	return false
}

// coversAPI reports whether a resource list covers every stage, method and
// path: "*", "execute-api:/*" or "arn:...:execute-api:<region>:<acct>:<api>/*".
func coversAPI(resources []string) bool {
	for _, r := range resources {
		if r == "*" {
			return true
		}
		if i := strings.Index(r, "/"); i >= 0 && r[i+1:] == "*" {
			return true
		}
	}
	return false
}
