package stackfake

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/quiltdata/quilt-private-endpoints/internal/macroevent"
	"github.com/quiltdata/quilt-private-endpoints/internal/template"
)

// MaxTemplateBody is the largest TemplateBody CloudFormation accepts inline
// (bytes); larger templates go through TemplateURL.
const MaxTemplateBody = 51200

// EmptyChangeSetReason is CloudFormation's StatusReason for a change set
// that changes nothing.
const EmptyChangeSetReason = "The submitted information didn't contain changes. Submit different information to create a change set."

// MacroFunc is a CloudFormation macro's Lambda: it takes the macro request
// JSON and returns the response JSON (macro.Handler.Invoke has this shape).
type MacroFunc func(ctx context.Context, payload []byte) ([]byte, error)

// cfnState is what the CloudFormation double holds beyond the scenario:
// the macro, uploaded objects, change sets, the stack's events and the update
// in progress. Its own lock guards it.
type cfnState struct {
	mu         sync.Mutex
	macro      MacroFunc
	objects    map[string][]byte // "bucket/key" -> body (PutObject)
	changeSets []*changeSet
	events     []stackEvent // chronological
	update     *update
	seq        int
	// policy is the stack policy (SetStackPolicy, stackpolicy.go) and
	// policyBody its body as set; nil: the stack has none.
	policy     *stackPolicy
	policyBody string
}

// state returns the server's CloudFormation state, creating it once.
func (s *Server) state() *cfnState {
	s.cfnOnce.Do(func() {
		s.cfn = &cfnState{objects: map[string][]byte{}}
		st := &s.scn.Stack
		at := st.Created
		if st.LastUpdated != nil {
			at = *st.LastUpdated
		}
		s.cfn.add(stackEvent{At: at, LogicalID: st.Name, PhysicalID: s.scn.StackID(), Type: stackType, Status: st.Status, Reason: st.StatusReason})
	})
	return s.cfn
}

// SetMacro registers the Lambda CloudFormation calls for a template that
// lists QuiltPrivateEndpoints in its Transform section.
func (s *Server) SetMacro(f MacroFunc) {
	c := s.state()
	c.mu.Lock()
	defer c.mu.Unlock()
	c.macro = f
}

// changeSet is one change set of the stack.
type changeSet struct {
	Name, ID        string
	Description     string
	Status          string
	StatusReason    string
	ExecutionStatus string
	Created         time.Time
	Capabilities    []string
	Parameters      map[string]string // resolved values
	Original        map[string]any
	Processed       map[string]any
	Changes         []resourceChange
	// policy is UpdateStack's StackPolicyDuringUpdateBody, in force for
	// this update instead of the stack's policy; nil: the stack's.
	policy *stackPolicy
}

// resourceChange is one ResourceChange of a change set.
type resourceChange struct {
	Action, LogicalID, PhysicalID, Type, Replacement string
	Scope                                            []string
	Details                                          []changeDetail
}

// changeDetail is one ResourceChangeDetail.
type changeDetail struct {
	Attribute, Name, RequiresRecreation, Evaluation, ChangeSource, CausingEntity string
}

// changeSetAction serves the change-set, execution and event operations;
// it reports whether action was one of them.
func (s *Server) changeSetAction(w http.ResponseWriter, r *http.Request, action string) bool {
	var (
		body string
		err  *queryErr
	)
	switch action {
	case "CreateChangeSet":
		body, err = s.createChangeSet(r.Context(), r.PostForm)
	case "DescribeChangeSet":
		body, err = s.describeChangeSet(r.PostForm)
	case "DeleteChangeSet":
		body, err = s.deleteChangeSet(r.PostForm)
	case "ExecuteChangeSet":
		body, err = s.executeChangeSet(r.PostForm)
	case "DescribeStackEvents":
		body, err = s.describeStackEvents(r.PostForm)
	case "ContinueUpdateRollback":
		body, err = s.continueUpdateRollback(r.PostForm)
	case "SetStackPolicy":
		body, err = s.setStackPolicy(r.PostForm)
	case "GetStackPolicy":
		body, err = s.getStackPolicy(r.PostForm)
	case "UpdateStack":
		body, err = s.updateStack(r.Context(), r.PostForm)
	default:
		return false
	}
	if err != nil {
		writeQueryError(w, err.status, err.code, err.msg)
		return true
	}
	writeQuery(w, action, body)
	return true
}

// queryErr is an error answer of the Query protocol.
type queryErr struct {
	status    int
	code, msg string
}

func validation(format string, args ...any) *queryErr {
	return &queryErr{status: http.StatusBadRequest, code: "ValidationError", msg: fmt.Sprintf(format, args...)}
}

// checkStack answers ValidationError unless name is the scenario's stack.
func (s *Server) checkStack(name string) *queryErr {
	if name != s.scn.Stack.Name && name != s.scn.StackID() {
		return validation("Stack [%s] does not exist", name)
	}
	return nil
}

func (s *Server) createChangeSet(ctx context.Context, form url.Values) (string, *queryErr) {
	if err := s.checkStack(form.Get("StackName")); err != nil {
		return "", err
	}
	name := form.Get("ChangeSetName")
	if name == "" {
		return "", validation("ChangeSetName is required")
	}
	if t := form.Get("ChangeSetType"); t != "" && t != "UPDATE" {
		return "", validation("stackfake: ChangeSetType %s is not served (the stack exists: UPDATE)", t)
	}
	if status := s.stackStatus(); !stable(status) {
		return "", validation("Stack:%s is in %s state and can not be updated.", s.scn.StackID(), status)
	}
	c := s.state()
	c.mu.Lock()
	for _, cs := range c.changeSets {
		if cs.Name == name {
			c.mu.Unlock()
			return "", &queryErr{status: http.StatusBadRequest, code: "AlreadyExistsException", msg: "ChangeSet " + name + " already exists"}
		}
	}
	c.mu.Unlock()
	raw, qerr := s.templateFrom(form)
	if qerr != nil {
		return "", qerr
	}
	doc, derr := template.Decode(raw)
	if derr != nil {
		return "", validation("Template format error: %v", derr)
	}
	caps := members(form, "Capabilities")
	params, qerr := s.bindParameters(doc, form)
	if qerr != nil {
		return "", qerr
	}
	c.mu.Lock()
	c.seq++
	id := fmt.Sprintf("arn:aws:cloudformation:%s:%s:changeSet/%s/0a1b2c3d-0000-4000-9000-%012d", s.scn.Region, s.scn.Account, name, c.seq)
	c.mu.Unlock()
	cs := &changeSet{Name: name, ID: id, Description: form.Get("Description"), Created: time.Now().UTC(),
		Capabilities: caps, Parameters: params, Original: doc, ExecutionStatus: "UNAVAILABLE"}
	s.process(ctx, cs)
	c.mu.Lock()
	c.changeSets = append(c.changeSets, cs)
	c.mu.Unlock()
	return el("Id", id) + el("StackId", s.scn.StackID()), nil
}

// templateFrom reads TemplateBody, TemplateURL (an object PutObject
// stored) or UsePreviousTemplate.
func (s *Server) templateFrom(form url.Values) ([]byte, *queryErr) {
	body, u := form.Get("TemplateBody"), form.Get("TemplateURL")
	switch {
	case body != "" && u != "":
		return nil, validation("Specify exactly one of TemplateBody, TemplateURL or UsePreviousTemplate")
	case body != "":
		if len(body) > MaxTemplateBody {
			return nil, validation("1 validation error detected: Value at 'templateBody' failed to satisfy constraint: Member must have length less than or equal to %d", MaxTemplateBody)
		}
		return []byte(body), nil
	case u != "":
		key, ok := objectKey(u)
		c := s.state()
		c.mu.Lock()
		obj, found := c.objects[key]
		c.mu.Unlock()
		if !ok || !found {
			return nil, validation("S3 error: Access Denied (TemplateURL %s: no such object)", u)
		}
		return obj, nil
	case form.Get("UsePreviousTemplate") == "true":
		prev := s.scn.Stack.OriginalTemplate
		if prev == nil {
			prev = s.scn.Stack.Template
		}
		j, err := json.Marshal(jsonable(prev))
		if err != nil {
			return nil, validation("stackfake: previous template: %v", err)
		}
		return j, nil
	}
	return nil, validation("Either Template URL or Template Body must be specified.")
}

// bindParameters resolves the change set's parameter values as
// CloudFormation does against the new original template: a given value,
// the previous value (UsePreviousValue), else the Default.
func (s *Server) bindParameters(doc map[string]any, form url.Values) (map[string]string, *queryErr) {
	declared := template.Section(doc, "Parameters")
	out := map[string]string{}
	for i := 1; ; i++ {
		p := fmt.Sprintf("Parameters.member.%d.", i)
		key := form.Get(p + "ParameterKey")
		if key == "" {
			break
		}
		if _, ok := declared[key]; !ok {
			return nil, validation("Parameters: [%s] do not exist in the template", key)
		}
		if form.Get(p+"UsePreviousValue") == "true" {
			prev, ok := s.scn.Stack.Parameters[key]
			if !ok {
				return nil, validation("Invalid input for parameter key %s. Cannot specify usePreviousValue as true for a parameter key not in the previous template", key)
			}
			out[key] = prev
			continue
		}
		out[key] = form.Get(p + "ParameterValue")
	}
	var missing []string
	for _, k := range template.SortedKeys(declared) {
		if _, ok := out[k]; ok {
			continue
		}
		decl, _ := declared[k].(map[string]any)
		if def, ok := decl["Default"]; ok {
			out[k] = fmt.Sprint(def)
			continue
		}
		missing = append(missing, k)
	}
	if len(missing) > 0 {
		return nil, validation("Parameters: [%s] must have values", strings.Join(missing, ", "))
	}
	return out, nil
}

// process runs the template's macros, checks the capabilities and computes
// the changes; the change set ends CREATE_COMPLETE or FAILED.
func (s *Server) process(ctx context.Context, cs *changeSet) {
	processed, reason := s.expand(ctx, cs)
	if reason != "" {
		cs.Status, cs.StatusReason = "FAILED", reason
		return
	}
	cs.Processed = processed
	if need := neededCapabilities(cs.Original, processed); len(need) > 0 {
		var lacking []string
		for _, n := range need {
			if !slices.Contains(cs.Capabilities, n) && !(n == "CAPABILITY_IAM" && slices.Contains(cs.Capabilities, "CAPABILITY_NAMED_IAM")) {
				lacking = append(lacking, n)
			}
		}
		if len(lacking) > 0 {
			cs.Status, cs.StatusReason = "FAILED", "Requires capabilities : ["+strings.Join(lacking, ", ")+"]"
			return
		}
	}
	cs.Changes = computeChanges(s.deployedTemplate(), processed, s.physicalIDs())
	if len(cs.Changes) == 0 && sameParameters(s.scn.Stack.Parameters, cs.Parameters) {
		cs.Status, cs.StatusReason = "FAILED", EmptyChangeSetReason
		return
	}
	cs.Status, cs.ExecutionStatus = "CREATE_COMPLETE", "AVAILABLE"
}

func sameParameters(a, b map[string]string) bool {
	for k, v := range b {
		if a[k] != v {
			return false
		}
	}
	return true
}

// expand runs the template's transform as CloudFormation does: what it
// hands the macro is internal/macroevent's (the entry out, its Parameters
// resolved, the change set's values typed), then the macro's Lambda.
func (s *Server) expand(ctx context.Context, cs *changeSet) (map[string]any, string) {
	doc, _ := template.Clone(cs.Original).(map[string]any)
	if _, ok := doc["Transform"]; !ok {
		return doc, ""
	}
	inv, err := macroevent.Build(doc, nil, cs.Parameters)
	if err != nil {
		return nil, "Template error: " + err.Error()
	}
	if inv.OtherTransforms != nil {
		return nil, fmt.Sprintf("stackfake: runs the %s macro only, not %s", macroevent.MacroName, shortJSON(inv.OtherTransforms))
	}
	id := s.scn.Account + "::" + macroevent.MacroName
	c := s.state()
	c.mu.Lock()
	macro := c.macro
	c.mu.Unlock()
	if macro == nil {
		return nil, "No transform named " + id + " found."
	}
	ev := inv.Event
	ev.Region, ev.AccountID, ev.TransformID, ev.RequestID = s.scn.Region, s.scn.Account, id, cs.Name
	payload, err := json.Marshal(ev)
	if err != nil {
		return nil, "stackfake: macro request: " + err.Error()
	}
	out, err := macro(ctx, payload)
	if err != nil {
		return nil, "Received malformed response from transform " + id
	}
	resp, err := template.DecodeJSON(out) // numbers stay json.Number
	if err != nil || resp["requestId"] != ev.RequestID {
		return nil, "Received malformed response from transform " + id
	}
	if resp["status"] != "success" {
		if msg, _ := resp["errorMessage"].(string); msg != "" {
			return nil, fmt.Sprintf("Transform %s failed with: %s", id, msg)
		}
		return nil, fmt.Sprintf("Transform %s failed without an error message.", id)
	}
	frag, ok := resp["fragment"].(map[string]any)
	if !ok {
		return nil, "Received malformed response from transform " + id
	}
	return frag, ""
}

// neededCapabilities are the capabilities a template requires: AUTO_EXPAND
// for macros, IAM (NAMED_IAM when named) for IAM resources.
func neededCapabilities(original, processed map[string]any) []string {
	var need []string
	if _, ok := original["Transform"]; ok {
		need = append(need, "CAPABILITY_AUTO_EXPAND")
	}
	iam, named := false, false
	for _, r := range template.Resources(processed) {
		m, _ := r.(map[string]any)
		typ, _ := m["Type"].(string)
		if !strings.HasPrefix(typ, "AWS::IAM::") {
			continue
		}
		iam = true
		props := template.Section(m, "Properties")
		for _, k := range []string{"RoleName", "UserName", "GroupName", "ManagedPolicyName", "InstanceProfileName"} {
			if _, ok := props[k]; ok {
				named = true
			}
		}
	}
	switch {
	case named:
		need = append(need, "CAPABILITY_NAMED_IAM")
	case iam:
		need = append(need, "CAPABILITY_IAM")
	}
	return need
}

// physicalIDs maps logical ids to the stack's physical ids.
func (s *Server) physicalIDs() map[string]string {
	out := map[string]string{}
	for _, r := range s.scn.Stack.Resources {
		out[r.LogicalID] = r.PhysicalID
	}
	return out
}

func (s *Server) findChangeSet(form url.Values) (*changeSet, *queryErr) {
	name := form.Get("ChangeSetName")
	if stack := form.Get("StackName"); stack != "" {
		if err := s.checkStack(stack); err != nil {
			return nil, err
		}
	} else if !strings.HasPrefix(name, "arn:") {
		return nil, validation("StackName must be specified if ChangeSetName is not specified as an ARN.")
	}
	c := s.state()
	c.mu.Lock()
	defer c.mu.Unlock()
	for _, cs := range c.changeSets {
		if cs.Name == name || cs.ID == name {
			return cs, nil
		}
	}
	return nil, &queryErr{status: http.StatusNotFound, code: "ChangeSetNotFound", msg: "ChangeSet [" + name + "] does not exist"}
}

// changesPage is how many changes DescribeChangeSet returns per page.
const changesPage = 100

func (s *Server) describeChangeSet(form url.Values) (string, *queryErr) {
	cs, err := s.findChangeSet(form)
	if err != nil {
		return "", err
	}
	start := 0
	if tok := form.Get("NextToken"); tok != "" {
		if _, e := fmt.Sscanf(tok, "changes-%d", &start); e != nil || start < 0 || start > len(cs.Changes) {
			return "", validation("Invalid NextToken")
		}
	}
	end := min(start+changesPage, len(cs.Changes))
	var b strings.Builder
	b.WriteString(el("ChangeSetName", cs.Name) + el("ChangeSetId", cs.ID) + el("StackId", s.scn.StackID()) + el("StackName", s.scn.Stack.Name))
	b.WriteString(el("Description", cs.Description) + el("CreationTime", xmlTime(cs.Created)))
	b.WriteString(el("Status", cs.Status) + el("StatusReason", cs.StatusReason) + el("ExecutionStatus", cs.ExecutionStatus))
	b.WriteString("<Parameters>")
	for _, k := range sortedKeys(cs.Parameters) {
		b.WriteString("<member>" + el("ParameterKey", k) + el("ParameterValue", cs.Parameters[k]) + "</member>")
	}
	b.WriteString("</Parameters><Capabilities>")
	for _, c := range cs.Capabilities {
		b.WriteString("<member>" + esc(c) + "</member>")
	}
	b.WriteString("</Capabilities><Changes>")
	for _, ch := range cs.Changes[start:end] {
		b.WriteString("<member><Type>Resource</Type><ResourceChange>")
		b.WriteString(el("Action", ch.Action) + el("LogicalResourceId", ch.LogicalID) + el("PhysicalResourceId", ch.PhysicalID))
		b.WriteString(el("ResourceType", ch.Type) + el("Replacement", ch.Replacement))
		b.WriteString("<Scope>")
		for _, sc := range ch.Scope {
			b.WriteString("<member>" + esc(sc) + "</member>")
		}
		b.WriteString("</Scope><Details>")
		for _, d := range ch.Details {
			b.WriteString("<member><Target>" + el("Attribute", d.Attribute) + el("Name", d.Name) + el("RequiresRecreation", d.RequiresRecreation) + "</Target>")
			b.WriteString(el("Evaluation", d.Evaluation) + el("ChangeSource", d.ChangeSource) + el("CausingEntity", d.CausingEntity) + "</member>")
		}
		b.WriteString("</Details></ResourceChange></member>")
	}
	b.WriteString("</Changes>")
	if end < len(cs.Changes) {
		b.WriteString(el("NextToken", fmt.Sprintf("changes-%d", end)))
	}
	return b.String(), nil
}

func (s *Server) deleteChangeSet(form url.Values) (string, *queryErr) {
	cs, err := s.findChangeSet(form)
	if err != nil {
		return "", err
	}
	c := s.state()
	c.mu.Lock()
	defer c.mu.Unlock()
	if cs.ExecutionStatus == "EXECUTE_IN_PROGRESS" {
		return "", &queryErr{status: http.StatusBadRequest, code: "InvalidChangeSetStatus", msg: "Cannot delete ChangeSet in status EXECUTE_IN_PROGRESS"}
	}
	c.changeSets = slices.DeleteFunc(c.changeSets, func(x *changeSet) bool { return x == cs })
	return "", nil
}

// ChangeSetNames lists the change sets the stack holds, in creation order
// (for tests: "no change set was created").
func (s *Server) ChangeSetNames() []string {
	c := s.state()
	c.mu.Lock()
	defer c.mu.Unlock()
	var out []string
	for _, cs := range c.changeSets {
		out = append(out, cs.Name)
	}
	return out
}

// members reads a Query list parameter (Name.member.1, Name.member.2, ...).
func members(form url.Values, name string) []string {
	var out []string
	for i := 1; ; i++ {
		v := form.Get(fmt.Sprintf("%s.member.%d", name, i))
		if v == "" {
			return out
		}
		out = append(out, v)
	}
}

// newPhysicalID makes a CloudFormation-style physical id for a new copy of
// a resource: stack name, logical id and a suffix.
func newPhysicalID(stack, logicalID, salt string) string {
	h := sha256.Sum256([]byte(stack + "/" + logicalID + "/" + salt))
	return fmt.Sprintf("%s-%s-%s", stack, logicalID, strings.ToUpper(hex.EncodeToString(h[:])[:12]))
}

// deployedTemplate is the stack's processed template as GetTemplate sends
// it (JSON, numbers as json.Number), so that both sides of a diff decode
// alike.
func (s *Server) deployedTemplate() map[string]any {
	j, err := json.Marshal(jsonable(s.scn.Stack.Template))
	if err != nil {
		return map[string]any{}
	}
	doc, err := template.DecodeJSON(j)
	if err != nil {
		return map[string]any{}
	}
	return doc
}

// shortJSON shows a template value in a message.
func shortJSON(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		return fmt.Sprint(v)
	}
	return string(b)
}
