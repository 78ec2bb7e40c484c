// Package transform rewrites a Quilt CloudFormation template for Private
// Endpoints. It is the engine behind the macro Lambda and `qpe render`.
package transform

import (
	"context"
	"errors"
)

// Request is one rewrite: the template fragment and the Transform's own
// parameters, as a CloudFormation macro receives them.
type Request struct {
	// Fragment is the template as generic JSON values (see internal/template).
	// Transform does not modify it.
	Fragment map[string]any
	// Params are the Transform's Parameters (the CLI's --set Name=Value).
	Params map[string]any
	// TemplateParameterValues are the resolved values of the original
	// template's parameters, when known (macro only).
	TemplateParameterValues map[string]any
	Region                  string
	AccountID               string
}

// Result is the rewritten template and what the engine did.
type Result struct {
	Fragment map[string]any
	// Changes lists what each pass changed, one line per change, sorted.
	Changes []Change
	// Warnings are things the user must look at (roles from outside the
	// template, Lambda@Edge functions left public, ...).
	Warnings []string
}

// Change is one change that a pass made.
type Change struct {
	Pass     string `json:"pass"`
	Resource string `json:"resource"`
	Detail   string `json:"detail"`
}

// Error is a rewrite refused: it names the resource or setting and the fix.
type Error struct {
	Resource string // logical id, section or setting the problem is in
	Message  string
	Fix      string
}

func (e *Error) Error() string {
	s := e.Message
	if e.Resource != "" {
		s = e.Resource + ": " + s
	}
	if e.Fix != "" {
		s += ". Fix: " + e.Fix
	}
	return s
}

// Transform rewrites req.Fragment. On error no partial output is returned.
func Transform(ctx context.Context, req Request) (*Result, error) {
	return nil, errors.New("transform: not implemented yet")
}
