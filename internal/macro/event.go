// Package macro is the CloudFormation macro protocol around the transform
// engine: the macro event and response (aws-lambda-go has no types for
// them) and the Lambda handler that turns every input, good or bad, into a
// response CloudFormation can show to the user.
package macro

import (
	"fmt"

	"github.com/quiltdata/quilt-private-endpoints/internal/template"
)

// Status values of a macro response. Anything but StatusSuccess fails the
// stack operation.
const (
	StatusSuccess = "success"
	StatusFailure = "failure"
)

// Event is the request CloudFormation sends to a macro function.
type Event struct {
	Region    string `json:"region"`
	AccountID string `json:"accountId"`
	// Fragment is the template (minus Transform) as generic JSON values.
	Fragment any `json:"fragment"`
	// TransformID is "<accountId>::<MacroName>".
	TransformID string `json:"transformId"`
	// Params are the Transform's own Parameters.
	Params    map[string]any `json:"params"`
	RequestID string         `json:"requestId"`
	// TemplateParameterValues are the resolved values of the original
	// template's parameters. They may hold secrets (NoEcho): never log them.
	TemplateParameterValues map[string]any `json:"templateParameterValues"`
}

// Response is what a macro function returns to CloudFormation.
type Response struct {
	RequestID    string         `json:"requestId"`
	Status       string         `json:"status"`
	Fragment     map[string]any `json:"fragment,omitempty"`
	ErrorMessage string         `json:"errorMessage,omitempty"`
}

// FieldError is a macro event field that is missing or has the wrong shape.
type FieldError struct {
	Field   string
	Message string
	Fix     string
}

func (e *FieldError) Error() string {
	s := e.Field + ": " + e.Message
	if e.Fix != "" {
		s += ". Fix: " + e.Fix
	}
	return s
}

// ParseEvent decodes a macro event with numbers as json.Number. It fills in
// as much as it can (the request id first) even when it returns an error, so
// a failure response can still echo the request id.
func ParseEvent(data []byte) (Event, error) {
	var ev Event
	v, err := template.DecodeJSONValue(data)
	if err != nil {
		return ev, &FieldError{Field: "event", Message: fmt.Sprintf("the macro event is not valid JSON (%v)", err),
			Fix: "invoke the function with a CloudFormation macro event: {requestId, fragment, params, ...}"}
	}
	m, ok := v.(map[string]any)
	if !ok {
		return ev, &FieldError{Field: "event", Message: fmt.Sprintf("the macro event is a JSON %s, not an object", template.KindOf(v)),
			Fix: "invoke the function with a CloudFormation macro event: {requestId, fragment, params, ...}"}
	}
	// The request id first: every later failure must echo it.
	if ev.RequestID, err = stringField(m, "requestId"); err != nil {
		return ev, err
	}
	if ev.Region, err = stringField(m, "region"); err != nil {
		return ev, err
	}
	if ev.AccountID, err = stringField(m, "accountId"); err != nil {
		return ev, err
	}
	if ev.TransformID, err = stringField(m, "transformId"); err != nil {
		return ev, err
	}
	if ev.Params, err = objectField(m, "params",
		"give the Transform's Parameters as a map of names to values: Transform: [{Name: QuiltPrivateEndpoints, Parameters: {Name: Value}}]"); err != nil {
		return ev, err
	}
	if ev.TemplateParameterValues, err = objectField(m, "templateParameterValues",
		"CloudFormation sends the template's parameter values as an object"); err != nil {
		return ev, err
	}
	frag, present := m["fragment"]
	if !present || frag == nil {
		return ev, &FieldError{Field: "fragment", Message: "the macro event has no template fragment",
			Fix: "add QuiltPrivateEndpoints to the template's Transform section"}
	}
	ev.Fragment = frag
	return ev, nil
}

func stringField(m map[string]any, name string) (string, error) {
	v, ok := m[name]
	if !ok || v == nil {
		return "", nil
	}
	s, ok := v.(string)
	if !ok {
		return "", &FieldError{Field: name, Message: fmt.Sprintf("is a JSON %s, not a string", template.KindOf(v)),
			Fix: "send a CloudFormation macro event"}
	}
	return s, nil
}

func objectField(m map[string]any, name, fix string) (map[string]any, error) {
	v, ok := m[name]
	if !ok || v == nil {
		return map[string]any{}, nil
	}
	o, ok := v.(map[string]any)
	if !ok {
		return nil, &FieldError{Field: name, Message: fmt.Sprintf("is a JSON %s, not an object", template.KindOf(v)), Fix: fix}
	}
	return o, nil
}
