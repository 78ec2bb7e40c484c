package transform

import (
	"strings"

	"github.com/quiltdata/quilt-private-endpoints/internal/template"
)

// endpointVar is the Fn::Sub variable that carries the endpoint id in create
// mode, where the endpoint is a Fn::If rather than a parameter.
const endpointVar = "QuiltPrivateEndpointsEndpointId"

// passHostnames switches strings that build the default hostname of a
// private REST API (https://${Api}.execute-api.${AWS::Region}...) to the
// endpoint alias ${Api}-${Endpoint}.execute-api..., in Fn::Sub and Fn::Join,
// in resources and outputs.
func passHostnames(st *state) error {
	if resPrivateAPIs.of(st).Len() == 0 {
		return nil
	}
	resWalkers.of(st).Add(&hostnames{st: st})
	return nil
}

type hostnames struct {
	st   *state
	hits []string
}

func (h *hostnames) hit(api string) {
	for _, x := range h.hits {
		if x == api {
			return
		}
	}
	h.hits = append(h.hits, api)
}

func (h *hostnames) node(key string, arg any) (any, bool) {
	switch key {
	case "Fn::Sub":
		return h.sub(arg)
	case "Fn::Join":
		return h.join(arg)
	}
	return nil, false
}

// applies: excluded resources keep their hostnames.
func (h *hostnames) applies(where string, resource bool) bool {
	return !resource || !h.st.excluded[where]
}

func (h *hostnames) flush(where string, resource bool) {
	if len(h.hits) == 0 {
		return
	}
	h.st.change("hostnames", where, "execute-api hostname of %s -> endpoint alias", strings.Join(h.hits, ", "))
	if resource {
		resRewritten.of(h.st).Add(where)
	}
	h.hits = nil
}

func (h *hostnames) sub(arg any) (any, bool) {
	str, vars, _ := template.SubArgs(arg)
	if !strings.Contains(str, ".execute-api.") {
		return nil, false
	}
	if l, ok := arg.([]any); ok && len(l) > 1 {
		if m, isMap := l[1].(map[string]any); !isMap || isIntrinsicObject(m) {
			return nil, false // the variables are not a literal map
		}
	}
	create := h.st.set.PreflightMode == ModeCreate
	epName := h.st.set.EndpointParameter
	if create {
		epName = endpointVar
	}
	ns, changed := template.ScanSubFollowed(str, func(name, after string) (string, bool) {
		if !strings.HasPrefix(after, ".execute-api.") {
			return "", false
		}
		base, attr, _ := strings.Cut(name, ".")
		api := ""
		if resPrivateAPIs.of(h.st).Has(base) && !template.IsSubVariable(vars, base) && (attr == "" || attr == "RestApiId") {
			api = base
		} else if template.IsSubVariable(vars, name) {
			// A variable of the Fn::Sub map that holds the API id.
			api = joinAPI(subVar(arg, name))
		}
		if !resPrivateAPIs.of(h.st).Has(api) {
			return "", false
		}
		h.hit(api)
		return "${" + name + "}-${" + epName + "}", true
	})
	if !changed {
		return nil, false
	}
	if !create {
		h.st.param(epName)
		if l, ok := arg.([]any); ok {
			nl := append([]any(nil), l...)
			nl[0] = ns
			return map[string]any{"Fn::Sub": nl}, true
		}
		return map[string]any{"Fn::Sub": ns}, true
	}
	varMap := map[string]any{}
	if l, ok := arg.([]any); ok && len(l) > 1 {
		if m, ok := l[1].(map[string]any); ok {
			for k, v := range m {
				varMap[k] = v
			}
		}
	}
	varMap[endpointVar] = h.st.endpoint()
	return map[string]any{"Fn::Sub": []any{ns, varMap}}, true
}

func (h *hostnames) join(arg any) (any, bool) {
	l, ok := arg.([]any)
	if !ok || len(l) != 2 {
		return nil, false
	}
	delim, ok := l[0].(string)
	parts, isList := l[1].([]any)
	if !ok || !isList {
		return nil, false
	}
	var out []any
	changed := false
	for i, p := range parts {
		api := joinAPI(p)
		if !resPrivateAPIs.of(h.st).Has(api) || i+1 >= len(parts) {
			out = append(out, p)
			continue
		}
		next, _ := parts[i+1].(string)
		if !strings.HasPrefix(delim+next+delim, ".execute-api.") {
			out = append(out, p)
			continue
		}
		if delim == "" {
			out = append(out, p, "-", h.st.endpoint())
		} else {
			out = append(out, map[string]any{"Fn::Join": []any{"", []any{p, "-", h.st.endpoint()}}})
		}
		changed = true
		h.hit(api)
	}
	if !changed {
		return nil, false
	}
	return map[string]any{"Fn::Join": []any{l[0], out}}, true
}

// joinAPI returns the REST API a Fn::Join part names by its id ({"Ref": Api}
// or Fn::GetAtt Api.RestApiId), or "".
func joinAPI(p any) string {
	if api, ok := template.Ref(p); ok {
		return api
	}
	if api, attr, ok := template.GetAtt(p); ok && attr == "RestApiId" {
		return api
	}
	return ""
}

// subVar returns the value of variable name in a Fn::Sub [string, map].
func subVar(arg any, name string) any {
	if l, ok := arg.([]any); ok && len(l) > 1 {
		if m, ok := l[1].(map[string]any); ok {
			return m[name]
		}
	}
	return nil
}
