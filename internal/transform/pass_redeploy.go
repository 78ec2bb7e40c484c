package transform

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"regexp"
	"sort"
	"strings"

	"github.com/quiltdata/quilt-private-endpoints/internal/template"
)

// redeploySuffix marks a Deployment logical id the macro renamed.
var redeploySuffixRe = regexp.MustCompile(`Private[0-9a-f]{8,64}$`)

// changedAPIOf returns the REST API this run changed that a deployment
// deploys, or "".
func changedAPIOf(st *state, id string) string {
	api := ""
	for _, r := range template.ReferencedIDs(st.props(id)["RestApiId"]) {
		if resChangedAPIs.of(st).Has(r) {
			api = r
		}
	}
	return api
}

// passRedeploy gives each AWS::ApiGateway::Deployment of a REST API that
// this run changed a new logical id (old id + a hash of the API), so that
// CloudFormation creates a new deployment and the policy and endpoint take
// effect. Every reference to the old id follows.
func passRedeploy(st *state) error {
	if resChangedAPIs.of(st).Len() == 0 {
		return nil
	}
	renames := map[string]string{}
	for _, id := range st.excludedOf("AWS::ApiGateway::Deployment") {
		if api := changedAPIOf(st, id); api != "" {
			st.warn(tfExcludedDeployment, id, "excluded by the Exclude setting, so it keeps its logical id; the private endpoint and policy of %s take effect only after a new deployment", api)
		}
	}
	for _, id := range st.of("AWS::ApiGateway::Deployment") {
		api := changedAPIOf(st, id)
		if api == "" {
			continue
		}
		// The hash covers the rewritten API and, when known, the endpoint id
		// the stack passes: a new endpoint id gives a new deployment too.
		b, err := template.EncodeJSON([]any{st.res[api], st.endpointValue()}, false)
		if err != nil {
			return &Error{Resource: api, Message: fmt.Sprintf("the rewritten API cannot be encoded: %v", err),
				Remedy: "give its properties JSON values only"}
		}
		sum := sha256.Sum256(b)
		h := hex.EncodeToString(sum[:])
		base := redeploySuffixRe.ReplaceAllString(id, "")
		var nid string
		for n := 8; n <= len(h); n += 4 {
			nid = base + "Private" + h[:n]
			if len(nid) > 255 {
				nid = base[:255-len("Private")-n] + "Private" + h[:n]
			}
			if _, taken := st.res[nid]; !taken && !taken2(renames, nid) && nid != id {
				break
			}
		}
		renames[id] = nid
	}
	if len(renames) == 0 {
		return nil
	}
	st.renameResources("redeploy", renames, "renamed from %s so that CloudFormation deploys the private API again")
	return nil
}

func taken2(m map[string]string, v string) bool {
	for _, x := range m {
		if x == v {
			return true
		}
	}
	return false
}

func toAnyMapS(m map[string]string) map[string]any {
	out := make(map[string]any, len(m))
	for k, v := range m {
		out[k] = v
	}
	return out
}

func shallow(m map[string]any) map[string]any {
	out := make(map[string]any, len(m))
	for k, v := range m {
		out[k] = v
	}
	return out
}

type renamer struct{ renames map[string]string }

func (rn renamer) flush(string, bool) {}

// applies: every reference follows a rename, excluded resources too.
func (rn renamer) applies(string, bool) bool { return true }

func (rn renamer) node(key string, arg any) (any, bool) {
	switch key {
	case "Ref":
		if r, ok := arg.(string); ok {
			if n, ok := rn.renames[r]; ok {
				return map[string]any{"Ref": n}, true
			}
		}
		return nil, false
	case "Fn::GetAtt":
		switch t := arg.(type) {
		case []any:
			if len(t) >= 1 {
				if r, ok := t[0].(string); ok {
					if n, ok := rn.renames[r]; ok {
						nl := append([]any(nil), t...)
						nl[0] = n
						return map[string]any{"Fn::GetAtt": nl}, true
					}
				}
			}
		case string:
			r, attr, _ := strings.Cut(t, ".")
			if n, ok := rn.renames[r]; ok {
				return map[string]any{"Fn::GetAtt": n + "." + attr}, true
			}
		}
		return nil, false
	case "Fn::Sub":
		return rn.sub(arg)
	}
	return nil, false
}

func (rn renamer) sub(sub any) (any, bool) {
	str, vars, _ := template.SubArgs(sub)
	if !rn.mentioned(str) {
		return nil, false
	}
	ns, changed := template.ScanSub(str, func(name string) (string, bool) {
		base, attr, hasAttr := strings.Cut(name, ".")
		n, ok := rn.renames[base]
		if !ok || template.IsSubVariable(vars, base) {
			return "", false
		}
		if hasAttr {
			return "${" + n + "." + attr + "}", true
		}
		return "${" + n + "}", true
	})
	if !changed {
		return nil, false
	}
	if l, ok := sub.([]any); ok {
		nl := append([]any(nil), l...)
		nl[0] = ns
		return map[string]any{"Fn::Sub": nl}, true
	}
	return map[string]any{"Fn::Sub": ns}, true
}

// mentioned is a quick filter: does a Fn::Sub string name an old id?
func (rn renamer) mentioned(s string) bool {
	for old := range rn.renames {
		if strings.Contains(s, old) {
			return true
		}
	}
	return false
}

// dependsOn is a resource's DependsOn with the renames applied, in the
// same form (one id stays one id), and whether any applied.
func (rn renamer) dependsOn(r map[string]any) (any, bool) {
	ids, _ := template.DependsOn(r) // validate refused any other shape
	changed := false
	out := make([]any, len(ids))
	for i, id := range ids {
		if n, ok := rn.renames[id]; ok {
			id, changed = n, true
		}
		out[i] = id
	}
	if !changed {
		return nil, false
	}
	if _, one := r["DependsOn"].(string); one {
		return out[0], true
	}
	return out, true
}

func removeSorted(l []string, s string) []string {
	i := sort.SearchStrings(l, s)
	if i < len(l) && l[i] == s {
		return append(l[:i:i], l[i+1:]...)
	}
	return l
}
