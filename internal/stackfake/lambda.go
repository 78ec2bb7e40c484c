package stackfake

import (
	"fmt"
	"net/http"
	"strings"
)

// lambda serves GET /2015-03-31/functions/{FunctionName}/configuration.
// FunctionName may be a name or an ARN.
func (s *Server) lambda(w http.ResponseWriter, r *http.Request) {
	rest := strings.TrimPrefix(r.URL.Path, "/2015-03-31/functions/")
	name, ok := strings.CutSuffix(rest, "/configuration")
	if !ok || r.Method != http.MethodGet {
		writeJSONError(w, http.StatusNotFound, "UnknownOperationException", "stackfake: unsupported Lambda call "+r.Method+" "+r.URL.Path)
		return
	}
	if i := strings.LastIndex(name, ":function:"); i >= 0 {
		name = name[i+len(":function:"):]
	}
	if f := s.begin(r, "lambda", "GetFunctionConfiguration", name); f != nil {
		writeJSONError(w, f.Status, faultCode(f), faultMessage(f))
		return
	}
	fn, found := s.scn.Functions[name]
	arn := fmt.Sprintf("arn:aws:lambda:%s:%s:function:%s", s.scn.Region, s.scn.Account, name)
	if !found {
		writeJSONError(w, http.StatusNotFound, "ResourceNotFoundException", "Function not found: "+arn)
		return
	}
	state := fn.State
	if state == "" {
		state = "Active"
	}
	lus := fn.LastUpdateStatus
	if lus == "" {
		lus = "Successful"
	}
	runtime := fn.Runtime
	if runtime == "" {
		runtime = "provided.al2023"
	}
	out := map[string]any{
		"FunctionName":     name,
		"FunctionArn":      arn,
		"Runtime":          runtime,
		"Role":             fmt.Sprintf("arn:aws:iam::%s:role/%s-role", s.scn.Account, name),
		"Handler":          "bootstrap",
		"CodeSize":         1024,
		"Timeout":          30,
		"MemorySize":       512,
		"LastModified":     "2026-01-01T00:00:00.000+0000",
		"CodeSha256":       "47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=",
		"Version":          "$LATEST",
		"PackageType":      "Zip",
		"Architectures":    []string{"arm64"},
		"State":            state,
		"LastUpdateStatus": lus,
		"TracingConfig":    map[string]any{"Mode": "PassThrough"},
		"RevisionId":       "00000000-0000-4000-8000-000000000001",
	}
	put := func(k, v string) {
		if v != "" {
			out[k] = v
		}
	}
	put("StateReason", fn.StateReason)
	put("StateReasonCode", fn.StateReasonCode)
	put("LastUpdateStatusReason", fn.LastUpdateStatusReason)
	put("LastUpdateStatusReasonCode", fn.LastUpdateStatusReasonCode)
	if vc := fn.VpcConfig; vc != nil {
		out["VpcConfig"] = map[string]any{
			"SubnetIds":               nonNil(vc.SubnetIDs),
			"SecurityGroupIds":        nonNil(vc.SecurityGroupIDs),
			"VpcId":                   vc.VpcID,
			"Ipv6AllowedForDualStack": false,
		}
	}
	writeJSON(w, out)
}

func nonNil(v []string) []string {
	if v == nil {
		return []string{}
	}
	return v
}
