package stackfake

import (
	"cmp"
	"encoding/json"
	"net/http"
	"slices"
	"strings"
)

// apiGateway serves GET /restapis/{id}, GET /restapis/{id}/stages,
// GET /restapis/{id}/stages/{name} and GET /restapis/{id}/deployments/{id}.
func (s *Server) apiGateway(w http.ResponseWriter, r *http.Request) {
	parts := strings.Split(strings.TrimPrefix(r.URL.Path, "/restapis/"), "/")
	if r.Method != http.MethodGet || len(parts) == 0 || len(parts) > 3 {
		writeJSONError(w, http.StatusNotFound, "UnknownOperationException", "stackfake: unsupported API Gateway call "+r.Method+" "+r.URL.Path)
		return
	}
	id := parts[0]
	var op string
	switch {
	case len(parts) == 1:
		op = "GetRestApi"
	case len(parts) == 2 && parts[1] == "stages":
		op = "GetStages"
	case len(parts) == 3 && parts[1] == "stages":
		op = "GetStage"
	case len(parts) == 3 && parts[1] == "deployments":
		op = "GetDeployment"
	default:
		writeJSONError(w, http.StatusNotFound, "UnknownOperationException", "stackfake: unsupported API Gateway call "+r.URL.Path)
		return
	}
	if f := s.begin(r, "apigateway", op, id); f != nil {
		writeJSONError(w, f.Status, faultCode(f), faultMessage(f))
		return
	}
	api, ok := s.scn.RestAPIs[id]
	if !ok {
		writeJSONError(w, http.StatusNotFound, "NotFoundException", "Invalid API identifier specified "+s.scn.Account+":"+id)
		return
	}
	switch op {
	case "GetRestApi":
		writeJSON(w, restAPIJSON(id, api))
	case "GetStages":
		items := make([]any, 0, len(api.Stages))
		for _, st := range api.Stages {
			items = append(items, stageJSON(st))
		}
		writeJSON(w, map[string]any{"item": items})
	case "GetStage":
		for _, st := range api.Stages {
			if st.Name == parts[2] {
				writeJSON(w, stageJSON(st))
				return
			}
		}
		writeJSONError(w, http.StatusNotFound, "NotFoundException", "Invalid stage identifier specified")
	case "GetDeployment":
		d, ok := api.Deployments[parts[2]]
		if !ok {
			writeJSONError(w, http.StatusNotFound, "NotFoundException", "Invalid Deployment identifier specified")
			return
		}
		out := map[string]any{"id": parts[2]}
		if d.Description != "" {
			out["description"] = d.Description
		}
		putTime(out, "createdDate", d.Created)
		writeJSON(w, out)
	}
}

func restAPIJSON(id string, api RestAPI) map[string]any {
	types := api.EndpointTypes
	if len(types) == 0 {
		types = []string{"EDGE"}
	}
	ec := map[string]any{"types": types, "ipAddressType": "ipv4"}
	if len(api.VpcEndpointIDs) > 0 {
		ec["vpcEndpointIds"] = api.VpcEndpointIDs
	}
	out := map[string]any{
		"id":                        id,
		"name":                      api.Name,
		"apiKeySource":              "HEADER",
		"binaryMediaTypes":          []string{"*/*"},
		"disableExecuteApiEndpoint": false,
		"endpointConfiguration":     ec,
		"rootResourceId":            "r00t00",
		"tags":                      map[string]string{},
	}
	putTime(out, "createdDate", api.Created)
	if api.Policy != nil {
		if p, err := escapedPolicy(api.Policy); err == nil {
			out["policy"] = p
		}
	}
	return out
}

// escapedPolicy renders a policy document the way GetRestApi returns it:
// compact JSON whose quotes and slashes are backslash-escaped once more,
// so that after JSON-decoding the response the string still reads
// {\"Version\":\"2012-10-17\",...\"arn:...\/*\"}.
func escapedPolicy(doc any) (string, error) {
	if s, ok := doc.(string); ok {
		return s, nil // a scenario may give the raw string
	}
	var b strings.Builder
	if err := writePolicyJSON(&b, jsonable(doc)); err != nil {
		return "", err
	}
	q, err := json.Marshal(b.String())
	if err != nil {
		return "", err
	}
	inner := string(q[1 : len(q)-1])
	return strings.ReplaceAll(inner, "/", `\/`), nil
}

func stageJSON(st Stage) map[string]any {
	out := map[string]any{
		"stageName":           st.Name,
		"deploymentId":        st.DeploymentID,
		"cacheClusterEnabled": false,
		"cacheClusterStatus":  "NOT_AVAILABLE",
		"tracingEnabled":      false,
		"methodSettings":      map[string]any{},
	}
	putTime(out, "createdDate", st.Created)
	putTime(out, "lastUpdatedDate", st.LastUpdated)
	return out
}

// writePolicyJSON writes compact JSON with policy keys in the order IAM
// prints them; other keys follow alphabetically.
func writePolicyJSON(b *strings.Builder, v any) error {
	switch x := v.(type) {
	case map[string]any:
		policyKeyOrder := []string{"Version", "Id", "Statement", "Sid", "Effect", "Principal", "NotPrincipal", "Action", "NotAction", "Resource", "NotResource", "Condition"}
		keys := make([]string, 0, len(x))
		for k := range x {
			keys = append(keys, k)
		}
		rank := func(k string) int {
			if i := slices.Index(policyKeyOrder, k); i >= 0 {
				return i
			}
			return len(policyKeyOrder)
		}
		slices.SortFunc(keys, func(a, c string) int {
			return cmp.Or(cmp.Compare(rank(a), rank(c)), cmp.Compare(a, c))
		})
		b.WriteByte('{')
		for i, k := range keys {
			if i > 0 {
				b.WriteByte(',')
			}
			kb, _ := json.Marshal(k)
			b.Write(kb)
			b.WriteByte(':')
			if err := writePolicyJSON(b, x[k]); err != nil {
				return err
			}
		}
		b.WriteByte('}')
	case []any:
		b.WriteByte('[')
		for i, e := range x {
			if i > 0 {
				b.WriteByte(',')
			}
			if err := writePolicyJSON(b, e); err != nil {
				return err
			}
		}
		b.WriteByte(']')
	default:
		vb, err := json.Marshal(x)
		if err != nil {
			return err
		}
		b.Write(vb)
	}
	return nil
}
