package stackfake

import (
	"encoding/json"
	"fmt"
	"maps"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/quiltdata/quilt-private-endpoints/internal/fakeworld/wire"
)

const cfnNS = "http://cloudformation.amazonaws.com/doc/2010-05-15/"

// cloudFormation serves the Query protocol: a form-encoded POST with Action
// and Version, an XML <ActionResponse><ActionResult> answer, and XML
// <ErrorResponse> errors.
func (s *Server) cloudFormation(w http.ResponseWriter, r *http.Request) {
	if err := r.ParseForm(); err != nil {
		writeQueryError(w, http.StatusBadRequest, "MalformedQueryString", err.Error())
		return
	}
	action := r.PostForm.Get("Action")
	name := r.PostForm.Get("StackName")
	if f := s.begin(r, "cloudformation", action, name); f != nil {
		writeQueryError(w, f.Status, faultCodeQuery(f), faultMessage(f))
		return
	}
	if r.PostForm.Get("Version") != "2010-05-15" {
		writeQueryError(w, http.StatusBadRequest, "InvalidParameterValue", "Version must be 2010-05-15")
		return
	}
	s.advance() // an update in progress moves on (execute.go)
	if s.changeSetAction(w, r, action) {
		return
	}
	switch action {
	case "DescribeStacks", "ListStackResources", "GetTemplate":
	case "DescribeStackResource":
		s.describeStackResource(w, name, r.PostForm.Get("LogicalResourceId"))
		return
	case "ListImports":
		body, err := s.listImports(r.PostForm.Get("ExportName"))
		if err != nil {
			writeQueryError(w, http.StatusBadRequest, "ValidationError", err.Error())
			return
		}
		writeQuery(w, action, body)
		return
	default:
		writeQueryError(w, http.StatusBadRequest, "InvalidAction", "stackfake: unsupported action "+action)
		return
	}
	st := &s.scn.Stack
	if name != st.Name && name != s.scn.StackID() {
		writeQueryError(w, http.StatusBadRequest, "ValidationError", fmt.Sprintf("Stack with id %s does not exist", name))
		return
	}
	var body string
	switch action {
	case "DescribeStacks":
		c := s.state()
		c.mu.Lock()
		body = s.describeStacks()
		c.mu.Unlock()
	case "ListStackResources":
		var err error
		body, err = s.listStackResources(r.PostForm.Get("NextToken"))
		if err != nil {
			writeQueryError(w, http.StatusBadRequest, "ValidationError", err.Error())
			return
		}
	case "GetTemplate":
		body = s.getTemplate(r.PostForm.Get("TemplateStage"))
	}
	writeQuery(w, action, body)
}

// listImports answers ListImports for one of the stack's exports, with
// CloudFormation's errors: an export nobody imports, or an unknown one.
func (s *Server) listImports(export string) (string, error) {
	known := false
	for _, e := range s.scn.Stack.Exports {
		known = known || e == export
	}
	if !known {
		//lint:ignore ST1005 CloudFormation's own message, word for word
		return "", fmt.Errorf("Export '%s' does not exist", export)
	}
	stacks := s.scn.Stack.Imports[export]
	if len(stacks) == 0 {
		//lint:ignore ST1005 CloudFormation's own message, word for word
		return "", fmt.Errorf("Export '%s' is not imported by any stack.", export)
	}
	var b strings.Builder
	b.WriteString("<Imports>")
	for _, st := range stacks {
		b.WriteString("<member>" + esc(st) + "</member>")
	}
	b.WriteString("</Imports>")
	return b.String(), nil
}

func faultCodeQuery(f *Fault) string {
	if f.Code != "" {
		return f.Code
	}
	switch {
	case f.Status == http.StatusTooManyRequests || f.Status == http.StatusBadRequest:
		return "Throttling"
	case f.Status >= 500:
		return "InternalFailure"
	case f.Status == http.StatusForbidden:
		return "AccessDenied"
	default:
		return "ValidationError"
	}
}

// requestID is the request id every answer of this double carries.
const requestID = "00000000-0000-4000-8000-000000000000"

func writeQuery(w http.ResponseWriter, action, result string) {
	wire.Query(w, cfnNS, action, result, requestID)
}

func writeQueryError(w http.ResponseWriter, status int, code, msg string) {
	wire.QueryError(w, cfnNS, status, code, msg, requestID)
}

func esc(v string) string { return wire.Escape(v) }

func el(name, v string) string {
	if v == "" {
		return ""
	}
	return "<" + name + ">" + esc(v) + "</" + name + ">"
}

func xmlTime(t time.Time) string { return t.UTC().Format("2006-01-02T15:04:05.000Z") }

func (s *Server) describeStacks() string {
	st := &s.scn.Stack
	var b strings.Builder
	b.WriteString("<Stacks><member>")
	b.WriteString(el("StackId", s.scn.StackID()))
	b.WriteString(el("StackName", st.Name))
	b.WriteString("<Parameters>")
	for _, k := range sortedKeys(st.Parameters) {
		b.WriteString("<member>" + el("ParameterKey", k) + el("ParameterValue", st.Parameters[k]))
		if r, ok := st.ResolvedParameters[k]; ok {
			b.WriteString(el("ResolvedValue", r))
		}
		b.WriteString("</member>")
	}
	b.WriteString("</Parameters>")
	b.WriteString(el("CreationTime", xmlTime(st.Created)))
	if st.LastUpdated != nil {
		b.WriteString(el("LastUpdatedTime", xmlTime(*st.LastUpdated)))
	}
	b.WriteString(el("StackStatus", st.Status))
	b.WriteString(el("StackStatusReason", st.StatusReason))
	b.WriteString("<Capabilities><member>CAPABILITY_IAM</member><member>CAPABILITY_AUTO_EXPAND</member></Capabilities>")
	b.WriteString("<Outputs>")
	for _, k := range sortedKeys(st.Outputs) {
		b.WriteString("<member>" + el("OutputKey", k) + el("OutputValue", st.Outputs[k]) + el("ExportName", st.Exports[k]) + "</member>")
	}
	b.WriteString("</Outputs>")
	b.WriteString("<DisableRollback>false</DisableRollback>")
	b.WriteString("</member></Stacks>")
	return b.String()
}

func (s *Server) listStackResources(token string) (string, error) {
	start := 0
	if token != "" {
		n, err := strconv.Atoi(strings.TrimPrefix(token, "page-"))
		if err != nil || !strings.HasPrefix(token, "page-") || n < 0 || n > len(s.scn.Stack.Resources) {
			//lint:ignore ST1005 CloudFormation's own message, word for word
			return "", fmt.Errorf("Invalid NextToken")
		}
		start = n
	}
	end := min(start+s.scn.PageSize, len(s.scn.Stack.Resources))
	var b strings.Builder
	b.WriteString("<StackResourceSummaries>")
	for _, r := range s.scn.Stack.Resources[start:end] {
		b.WriteString("<member>")
		b.WriteString(el("LogicalResourceId", r.LogicalID))
		b.WriteString(el("PhysicalResourceId", r.PhysicalID))
		b.WriteString(el("ResourceType", r.Type))
		b.WriteString(el("LastUpdatedTimestamp", xmlTime(r.LastUpdated)))
		b.WriteString(el("ResourceStatus", r.Status))
		b.WriteString(el("ResourceStatusReason", r.StatusReason))
		b.WriteString("<DriftInformation><StackResourceDriftStatus>NOT_CHECKED</StackResourceDriftStatus></DriftInformation>")
		b.WriteString("</member>")
	}
	b.WriteString("</StackResourceSummaries>")
	if end < len(s.scn.Stack.Resources) {
		b.WriteString(el("NextToken", fmt.Sprintf("page-%d", end)))
	}
	return b.String(), nil
}

// getTemplate answers GetTemplate: the processed template, or for
// TemplateStage Original the original one when the scenario has it.
func (s *Server) getTemplate(stage string) string {
	body := ""
	tmpl := s.scn.Stack.Template
	if stage == "Original" && s.scn.Stack.OriginalTemplate != nil {
		tmpl = s.scn.Stack.OriginalTemplate
	}
	if tmpl != nil {
		j, err := json.Marshal(jsonable(tmpl))
		if err == nil {
			body = string(j)
		}
	}
	return el("TemplateBody", body) + "<StagesAvailable><member>Original</member><member>Processed</member></StagesAvailable>"
}

// jsonable turns what yaml.v3 decoded (map[string]any, possibly with
// non-string keys) into values encoding/json accepts.
func jsonable(v any) any {
	switch x := v.(type) {
	case map[string]any:
		out := make(map[string]any, len(x))
		for k, vv := range x {
			out[k] = jsonable(vv)
		}
		return out
	case map[any]any:
		out := make(map[string]any, len(x))
		for k, vv := range x {
			out[fmt.Sprint(k)] = jsonable(vv)
		}
		return out
	case []any:
		out := make([]any, len(x))
		for i, vv := range x {
			out[i] = jsonable(vv)
		}
		return out
	case time.Time:
		return x.Format("2006-01-02")
	default:
		return v
	}
}

func sortedKeys(m map[string]string) []string { return slices.Sorted(maps.Keys(m)) }
