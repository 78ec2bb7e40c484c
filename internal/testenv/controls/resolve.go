// Package controls is test support: it evaluates templates against AWS's
// own proactive controls (AWS Control Tower rules, run by cfn-guard), the
// way a CloudFormation hook sees a stack's resources at deploy time, so
// tests prove a render passes them. It is not a user feature: it resolves
// deploy-time values from samples (Pseudo, the caller's parameter values),
// so its answer is about the samples, not a user's stack; the cfn-guard
// and Control Tower rule files it needs are the pinned test tools of
// `make tools`; and an account that enables these controls has
// CloudFormation's own hook run them on the real values at deploy time.
package controls

import (
	"encoding/json"
	"fmt"
	"strings"

	"github.com/quiltdata/quilt-private-endpoints/internal/template"
)

// Pseudo are the sample values of CloudFormation's pseudo parameters.
func Pseudo() map[string]any {
	return map[string]any{
		"AWS::Region":           "us-east-1",
		"AWS::AccountId":        "123456789012",
		"AWS::Partition":        "aws",
		"AWS::URLSuffix":        "amazonaws.com",
		"AWS::StackName":        "quilt",
		"AWS::StackId":          "arn:aws:cloudformation:us-east-1:123456789012:stack/quilt/0a1b2c3d-4e5f-6789-abcd-ef0123456789",
		"AWS::NotificationARNs": []any{},
	}
}

// Resolve returns a copy of doc with resource properties as a hook sees
// them at deploy time: Refs to parameters take the given values (or the
// parameter's Default), pseudo parameters take sample values, conditions are
// evaluated (Fn::If picks its branch, resources whose Condition is false are
// dropped, AWS::NoValue removes its key), and Fn::FindInMap, Fn::Join,
// Fn::Select and Fn::Split are computed when their arguments are known.
// Other intrinsics (Fn::Sub, Fn::GetAtt, Refs to resources) stay as they
// are. doc is not modified.
func Resolve(doc map[string]any, values map[string]any) (map[string]any, error) {
	r := &resolver{doc: doc, values: values, pseudo: Pseudo()}
	r.conds = template.NewConditions(template.Section(doc, "Conditions"), func(v any) (any, bool) {
		out, _, err := r.value(v)
		return out, err == nil && known(out)
	})
	out := make(map[string]any, len(doc))
	for k, v := range doc {
		if k != "Resources" {
			out[k] = template.Clone(v)
		}
	}
	resources := map[string]any{}
	for _, id := range template.SortedKeys(template.Resources(doc)) {
		res, ok := template.Resources(doc)[id].(map[string]any)
		if !ok {
			return nil, fmt.Errorf("resource %s is a %s, not an object", id, template.KindOf(template.Resources(doc)[id]))
		}
		if c, has := res["Condition"].(string); has {
			on, err := r.condition(c)
			if err != nil {
				return nil, fmt.Errorf("resource %s: %w", id, err)
			}
			if !on {
				continue
			}
		}
		v, keep, err := r.value(res)
		if err != nil {
			return nil, fmt.Errorf("resource %s: %w", id, err)
		}
		if keep {
			resources[id] = v
		}
	}
	out["Resources"] = resources
	return out, nil
}

type resolver struct {
	doc    map[string]any
	values map[string]any
	pseudo map[string]any
	conds  *template.Conditions
}

// value resolves v; keep is false when v is AWS::NoValue.
func (r *resolver) value(v any) (out any, keep bool, err error) {
	switch t := v.(type) {
	case map[string]any:
		if name, arg, ok := template.Intrinsic(t); ok {
			return r.intrinsic(name, arg, t)
		}
		m := make(map[string]any, len(t))
		for _, k := range template.SortedKeys(t) {
			e, keep, err := r.value(t[k])
			if err != nil {
				return nil, false, fmt.Errorf("%s: %w", k, err)
			}
			if keep {
				m[k] = e
			}
		}
		return m, true, nil
	case []any:
		l := make([]any, 0, len(t))
		for i, e := range t {
			e, keep, err := r.value(e)
			if err != nil {
				return nil, false, fmt.Errorf("[%d]: %w", i, err)
			}
			if keep {
				l = append(l, e)
			}
		}
		return l, true, nil
	}
	return v, true, nil
}

func (r *resolver) intrinsic(name string, arg any, orig map[string]any) (any, bool, error) {
	switch name {
	case "Ref":
		target, _ := arg.(string)
		if target == "AWS::NoValue" {
			return nil, false, nil
		}
		if v, ok := r.ref(target); ok {
			return v, true, nil
		}
		return orig, true, nil // a resource: stays a local reference
	case "Fn::If":
		args, ok := arg.([]any)
		if !ok || len(args) != 3 {
			return nil, false, fmt.Errorf("Fn::If needs [condition, then, else]")
		}
		c, _ := args[0].(string)
		on, err := r.condition(c)
		if err != nil {
			return nil, false, err
		}
		if on {
			return r.value(args[1])
		}
		return r.value(args[2])
	case "Fn::FindInMap", "Fn::Join", "Fn::Select", "Fn::Split":
		resolved, _, err := r.value(arg)
		if err != nil {
			return nil, false, err
		}
		if v, ok := compute(name, resolved, template.Section(r.doc, "Mappings")); ok {
			return v, true, nil
		}
		return map[string]any{name: resolved}, true, nil
	}
	resolved, _, err := r.value(arg)
	if err != nil {
		return nil, false, err
	}
	return map[string]any{name: resolved}, true, nil
}

// ref returns the deploy-time value of a parameter or pseudo parameter.
func (r *resolver) ref(name string) (any, bool) {
	if v, ok := r.pseudo[name]; ok {
		return v, true
	}
	decl, ok := template.Section(r.doc, "Parameters")[name].(map[string]any)
	if !ok {
		return nil, false
	}
	v, given := r.values[name]
	if !given {
		v, given = decl["Default"]
	}
	if !given {
		// A hook would never see this: CloudFormation refuses a stack with
		// a parameter that has no value. Keep the Ref, visibly.
		return nil, false
	}
	typ, _ := decl["Type"].(string)
	if s, isString := v.(string); isString && template.IsListType(typ) {
		return template.ListValue(s), true
	}
	if n, isNum := v.(json.Number); isNum {
		return string(n), true // parameters reach resources as strings
	}
	return v, true
}

// condition evaluates a named condition with internal/template's one
// evaluator; a condition that compares a value without a sample is an
// error naming the fix.
func (r *resolver) condition(name string) (bool, error) {
	t, err := r.conds.Eval(name)
	if err != nil {
		return false, err
	}
	if t == template.Unknown {
		return false, fmt.Errorf("condition %s compares a value only known at deploy time: give the parameter a sample value", name)
	}
	return t == template.True, nil
}

// known reports whether v holds no intrinsic function.
func known(v any) bool {
	switch t := v.(type) {
	case map[string]any:
		if _, _, ok := template.Intrinsic(t); ok {
			return false
		}
		for _, e := range t {
			if !known(e) {
				return false
			}
		}
	case []any:
		for _, e := range t {
			if !known(e) {
				return false
			}
		}
	}
	return true
}

// compute evaluates a function whose arguments are fully known.
func compute(name string, arg any, mappings map[string]any) (any, bool) {
	if !known(arg) {
		return nil, false
	}
	args, _ := arg.([]any)
	switch name {
	case "Fn::FindInMap":
		if len(args) < 3 {
			return nil, false
		}
		m, _ := mappings[fmt.Sprint(args[0])].(map[string]any)
		top, _ := m[fmt.Sprint(args[1])].(map[string]any)
		v, ok := top[fmt.Sprint(args[2])]
		return v, ok
	case "Fn::Join":
		if len(args) != 2 {
			return nil, false
		}
		sep, ok1 := args[0].(string)
		parts, ok2 := args[1].([]any)
		if !ok1 || !ok2 {
			return nil, false
		}
		ss := make([]string, len(parts))
		for i, p := range parts {
			s, ok := p.(string)
			if !ok {
				return nil, false
			}
			ss[i] = s
		}
		return strings.Join(ss, sep), true
	case "Fn::Split":
		if len(args) != 2 {
			return nil, false
		}
		sep, ok1 := args[0].(string)
		s, ok2 := args[1].(string)
		if !ok1 || !ok2 {
			return nil, false
		}
		var l []any
		for _, p := range strings.Split(s, sep) {
			l = append(l, p)
		}
		return l, true
	case "Fn::Select":
		if len(args) != 2 {
			return nil, false
		}
		var i int
		if _, err := fmt.Sscan(fmt.Sprint(args[0]), &i); err != nil {
			return nil, false
		}
		l, ok := args[1].([]any)
		if !ok || i < 0 || i >= len(l) {
			return nil, false
		}
		return l[i], true
	}
	return nil, false
}
