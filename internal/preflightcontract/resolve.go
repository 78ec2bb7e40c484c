package preflightcontract

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/quiltdata/quilt-private-endpoints/internal/template"
)

// Stack is what CloudFormation knows when it resolves the preflight
// resource's properties: the stack's parameter values (resolved: for a
// Systems Manager parameter type, its value, not its name) and its pseudo
// parameters.
type Stack struct {
	Params                                           map[string]string
	Partition, Region, AccountID, StackName, StackID string
}

// ResolveProperties finds the preflight resource (type Type) in a processed
// template and resolves its properties as CloudFormation does before it
// sends them to the custom resource: Ref to parameters and pseudo
// parameters, Fn::Sub, Fn::Join, Fn::Select, Fn::Split, Fn::If on the
// template's conditions, AWS::NoValue. found is false when the template has
// no preflight resource (PreflightMode none), or its Condition is false.
// Any other intrinsic there is an error naming the property: the laptop
// cannot know its value, so it cannot run the deploy-time check.
func ResolveProperties(doc map[string]any, st Stack) (props map[string]any, found bool, err error) {
	var id string
	var res map[string]any
	resources := template.Resources(doc)
	for _, k := range template.SortedKeys(resources) {
		if m, ok := resources[k].(map[string]any); ok && m["Type"] == Type {
			id, res = k, m
			break
		}
	}
	if res == nil {
		return nil, false, nil
	}
	r := &resolver{st: st, doc: doc}
	r.conds = template.NewConditions(template.Section(doc, "Conditions"), func(v any) (any, bool) {
		out, err := r.value(v)
		return out, err == nil
	})
	if c, ok := res["Condition"].(string); ok {
		t, err := r.conds.Eval(c)
		if err != nil {
			return nil, true, fmt.Errorf("%s: %w", id, err)
		}
		if t == template.False {
			return nil, false, nil
		}
	}
	raw := template.Section(res, "Properties")
	out := map[string]any{}
	for _, k := range template.SortedKeys(raw) {
		v, err := r.value(raw[k])
		if err != nil {
			return nil, true, fmt.Errorf("%s property %s: %w", id, k, err)
		}
		if v != noValue {
			out[k] = v
		}
	}
	return out, true, nil
}

// noValue stands for AWS::NoValue: the key is left out.
var noValue = &struct{ noValue bool }{true}

type resolver struct {
	st    Stack
	doc   map[string]any
	conds *template.Conditions
}

func (r *resolver) value(v any) (any, error) {
	if name, arg, ok := template.Intrinsic(v); ok {
		return r.intrinsic(name, arg)
	}
	switch x := v.(type) {
	case []any:
		out := make([]any, 0, len(x))
		for _, e := range x {
			ev, err := r.value(e)
			if err != nil {
				return nil, err
			}
			if ev != noValue {
				out = append(out, ev)
			}
		}
		return out, nil
	case map[string]any:
		out := map[string]any{}
		for _, k := range template.SortedKeys(x) {
			ev, err := r.value(x[k])
			if err != nil {
				return nil, err
			}
			if ev != noValue {
				out[k] = ev
			}
		}
		return out, nil
	}
	return v, nil
}

// ref resolves a Ref: a pseudo parameter, else a parameter's value (a list
// for List and CommaDelimitedList types), else its Default.
func (r *resolver) ref(name string) (any, error) {
	switch name {
	case "AWS::NoValue":
		return noValue, nil
	case "AWS::Partition":
		return r.st.Partition, nil
	case "AWS::Region":
		return r.st.Region, nil
	case "AWS::AccountId":
		return r.st.AccountID, nil
	case "AWS::StackName":
		return r.st.StackName, nil
	case "AWS::StackId":
		return r.st.StackID, nil
	case "AWS::URLSuffix":
		if strings.HasPrefix(r.st.Partition, "aws-cn") {
			return "amazonaws.com.cn", nil
		}
		return "amazonaws.com", nil
	}
	decl, ok := template.Section(r.doc, "Parameters")[name].(map[string]any)
	if !ok {
		//lint:ignore ST1005 "Ref" is the intrinsic function the message names
		return nil, fmt.Errorf("Ref %s: not a parameter of the template (a resource's value is known only once deployed)", name)
	}
	v, given := r.st.Params[name]
	if !given {
		d, has := decl["Default"]
		if !has {
			//lint:ignore ST1005 "Ref" is the intrinsic function the message names
			return nil, fmt.Errorf("Ref %s: the stack gives no value and the parameter has no Default", name)
		}
		v = scalarString(d)
	}
	typ, _ := decl["Type"].(string)
	if isListType(typ) {
		out := []any{}
		for _, s := range template.SplitList(v) {
			out = append(out, s)
		}
		return out, nil
	}
	return v, nil
}

// isListType says whether a parameter type's Ref is a list.
func isListType(t string) bool {
	t = strings.TrimPrefix(t, "AWS::SSM::Parameter::Value<")
	return strings.HasPrefix(t, "List<") || strings.HasPrefix(t, "CommaDelimitedList")
}

func scalarString(v any) string {
	switch x := v.(type) {
	case string:
		return x
	case []any:
		parts := make([]string, len(x))
		for i, e := range x {
			parts[i] = scalarString(e)
		}
		return strings.Join(parts, ",")
	case nil:
		return ""
	}
	return fmt.Sprint(v)
}

func (r *resolver) intrinsic(name string, arg any) (any, error) {
	switch name {
	case "Ref":
		s, _ := arg.(string)
		return r.ref(s)
	case "Fn::Sub":
		s, vars, ok := template.SubArgs(arg)
		if !ok {
			return nil, fmt.Errorf("malformed Fn::Sub")
		}
		var ferr error
		out, _ := template.ScanSub(s, func(v string) (string, bool) {
			var val any
			var err error
			if def, ok := vars[v]; ok {
				val, err = r.value(def)
			} else if strings.Contains(v, ".") {
				err = fmt.Errorf("Fn::Sub ${%s}: a resource attribute is known only once deployed", v)
			} else {
				val, err = r.ref(v)
			}
			if err != nil {
				if ferr == nil {
					ferr = err
				}
				return "", true
			}
			return scalarString(val), true
		})
		if ferr != nil {
			return nil, ferr
		}
		return strings.ReplaceAll(out, "${!", "${"), nil
	case "Fn::Join":
		a, ok := arg.([]any)
		if !ok || len(a) != 2 {
			return nil, fmt.Errorf("malformed Fn::Join")
		}
		items, err := r.value(a[1])
		if err != nil {
			return nil, err
		}
		list, ok := items.([]any)
		if !ok {
			return nil, fmt.Errorf("Fn::Join of %s, not a list", template.KindOf(items))
		}
		parts := make([]string, len(list))
		for i, e := range list {
			parts[i] = scalarString(e)
		}
		return strings.Join(parts, scalarString(a[0])), nil
	case "Fn::Split":
		a, ok := arg.([]any)
		if !ok || len(a) != 2 {
			return nil, fmt.Errorf("malformed Fn::Split")
		}
		s, err := r.value(a[1])
		if err != nil {
			return nil, err
		}
		out := []any{}
		for _, p := range strings.Split(scalarString(s), scalarString(a[0])) {
			out = append(out, p)
		}
		return out, nil
	case "Fn::Select":
		a, ok := arg.([]any)
		if !ok || len(a) != 2 {
			return nil, fmt.Errorf("malformed Fn::Select")
		}
		iv, err := r.value(a[0])
		if err != nil {
			return nil, err
		}
		lv, err := r.value(a[1])
		if err != nil {
			return nil, err
		}
		i, err := strconv.Atoi(scalarString(iv))
		list, ok := lv.([]any)
		if err != nil || !ok || i < 0 || i >= len(list) {
			return nil, fmt.Errorf("Fn::Select index %v out of its list", iv)
		}
		return list[i], nil
	case "Fn::If":
		a, ok := arg.([]any)
		if !ok || len(a) != 3 {
			return nil, fmt.Errorf("malformed Fn::If")
		}
		c, _ := a[0].(string)
		t, err := r.conds.Eval(c)
		if err != nil {
			return nil, err
		}
		switch t {
		case template.True:
			return r.value(a[1])
		case template.False:
			return r.value(a[2])
		}
		return nil, fmt.Errorf("condition %s cannot be evaluated before the deploy", c)
	}
	return nil, fmt.Errorf("%s: its value is known only once deployed", name)
}
