package stackfake

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/quiltdata/quilt-private-endpoints/internal/template"
)

// MaxStackPolicyBody is the longest StackPolicyBody (and
// StackPolicyDuringUpdateBody) CloudFormation accepts (bytes).
const MaxStackPolicyBody = 16384

// readPolicyBody reads one policy parameter: key holds the body; keyURL
// (a policy in S3) is not served by the double.
func readPolicyBody(form url.Values, key, keyURL string) (*stackPolicy, string, *queryErr) {
	body := form.Get(key)
	if form.Get(keyURL) != "" {
		return nil, "", validation("stackfake: %s is not served; pass the policy as %s", keyURL, key)
	}
	if body == "" {
		return nil, "", nil
	}
	if len(body) > MaxStackPolicyBody {
		return nil, "", validation("1 validation error detected: Value at '%s' failed to satisfy constraint: Member must have length less than or equal to %d",
			strings.ToLower(key[:1])+key[1:], MaxStackPolicyBody)
	}
	p, err := parseStackPolicy(body)
	if err != nil {
		return nil, "", validation("%s", err.Error())
	}
	return p, body, nil
}

// setStackPolicy answers SetStackPolicy: the policy replaces the stack's
// (a stack has one policy; it cannot be removed, only replaced).
func (s *Server) setStackPolicy(form url.Values) (string, *queryErr) {
	if err := s.checkStack(form.Get("StackName")); err != nil {
		return "", err
	}
	p, body, qerr := readPolicyBody(form, "StackPolicyBody", "StackPolicyURL")
	if qerr != nil {
		return "", qerr
	}
	if p == nil {
		return "", validation("Either StackPolicyBody or StackPolicyURL must be specified.")
	}
	c := s.state()
	c.mu.Lock()
	defer c.mu.Unlock()
	c.policy, c.policyBody = p, body
	return "", nil
}

// getStackPolicy answers GetStackPolicy: the body as set, none when the
// stack has no policy.
func (s *Server) getStackPolicy(form url.Values) (string, *queryErr) {
	if err := s.checkStack(form.Get("StackName")); err != nil {
		return "", err
	}
	c := s.state()
	c.mu.Lock()
	defer c.mu.Unlock()
	return el("StackPolicyBody", c.policyBody), nil
}

// StackPolicy is the stack's policy body as last set ("" when none), for
// tests.
func (s *Server) StackPolicy() string {
	c := s.state()
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.policyBody
}

// updateStack answers UpdateStack over the double's change-set machinery:
// the template (TemplateBody, TemplateURL or UsePreviousTemplate) and
// parameters (UsePreviousValue) are read as CreateChangeSet reads them,
// the changes computed the same way, and the update executed at once, with
// StackPolicyDuringUpdateBody in force instead of the stack's policy for
// this update only. Errors are UpdateStack's: nothing to update, missing
// capabilities, a failing transform.
func (s *Server) updateStack(ctx context.Context, form url.Values) (string, *queryErr) {
	if err := s.checkStack(form.Get("StackName")); err != nil {
		return "", err
	}
	for _, k := range []string{"StackPolicyBody", "StackPolicyURL"} {
		if form.Get(k) != "" {
			return "", validation("stackfake: UpdateStack's %s is not served; call SetStackPolicy", k)
		}
	}
	during, _, qerr := readPolicyBody(form, "StackPolicyDuringUpdateBody", "StackPolicyDuringUpdateURL")
	if qerr != nil {
		return "", qerr
	}
	if status := s.stackStatus(); !stable(status) {
		return "", validation("Stack:%s is in %s state and can not be updated.", s.scn.StackID(), status)
	}
	raw, qerr := s.templateFrom(form)
	if qerr != nil {
		return "", qerr
	}
	doc, derr := template.Decode(raw)
	if derr != nil {
		return "", validation("Template format error: %v", derr)
	}
	params, qerr := s.bindParameters(doc, form)
	if qerr != nil {
		return "", qerr
	}
	c := s.state()
	c.mu.Lock()
	c.seq++
	seq := c.seq
	c.mu.Unlock()
	name := fmt.Sprintf("update-stack-%d", seq)
	cs := &changeSet{Name: name, ID: fmt.Sprintf("arn:aws:cloudformation:%s:%s:changeSet/%s/0a1b2c3d-0000-4000-9000-%012d", s.scn.Region, s.scn.Account, name, seq),
		Created: time.Now().UTC(), Capabilities: members(form, "Capabilities"), Parameters: params, Original: doc, ExecutionStatus: "UNAVAILABLE"}
	s.process(ctx, cs)
	switch {
	case cs.Status != "FAILED":
	case cs.StatusReason == EmptyChangeSetReason:
		return "", validation("No updates are to be performed.")
	case strings.HasPrefix(cs.StatusReason, "Requires capabilities"):
		return "", &queryErr{status: http.StatusBadRequest, code: "InsufficientCapabilitiesException", msg: cs.StatusReason}
	default:
		return "", validation("%s", cs.StatusReason)
	}
	cs.policy = during
	c.mu.Lock()
	defer c.mu.Unlock()
	s.advanceLocked(time.Now())
	if st := s.scn.Stack.Status; !stable(st) { // another update started meanwhile
		return "", validation("Stack:%s is in %s state and can not be updated.", s.scn.StackID(), st)
	}
	// The stack's change sets were made against the stack as it was:
	// CloudFormation keeps them, no longer executable.
	for _, other := range c.changeSets {
		other.ExecutionStatus = "OBSOLETE"
	}
	cs.ExecutionStatus = "EXECUTE_IN_PROGRESS"
	c.update = s.timeline(cs, form.Get("ClientRequestToken"), time.Now())
	s.advanceLocked(time.Now())
	return el("StackId", s.scn.StackID()), nil
}
