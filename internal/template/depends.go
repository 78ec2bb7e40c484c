package template

// DependsOnError is a DependsOn CloudFormation refuses: not a logical id
// or a list of them, or holding something other than a logical id.
type DependsOnError struct {
	Problem, Fix string
}

func (e *DependsOnError) Error() string { return e.Problem + ". Fix: " + e.Fix }

// DependsOn is the one reading of a resource's DependsOn: a logical id or
// a list of them. It returns the logical ids it holds, in order (the
// strings of a list that also holds other values), and a *DependsOnError
// when the value is not what CloudFormation accepts.
func DependsOn(res map[string]any) ([]string, error) {
	switch d := res["DependsOn"].(type) {
	case nil:
		return nil, nil
	case string:
		return []string{d}, nil
	case []any:
		out := make([]string, 0, len(d))
		var err error
		for _, e := range d {
			s, ok := e.(string)
			if !ok {
				if err == nil {
					err = &DependsOnError{Problem: "DependsOn holds " + AKindOf(e) + ", not a logical id", Fix: "list logical ids (strings) in DependsOn"}
				}
				continue
			}
			out = append(out, s)
		}
		return out, err
	default:
		return nil, &DependsOnError{Problem: "DependsOn is " + AKindOf(d) + ", not a logical id or a list of them",
			Fix: "give DependsOn a logical id or a list of logical ids"}
	}
}

// AddDependsOn adds ids to a resource's DependsOn without duplicates,
// keeping a single string a string when nothing is added; it reports
// whether it added any.
func AddDependsOn(res map[string]any, ids ...string) bool {
	cur, _ := DependsOn(res)
	var out []any
	if l, ok := res["DependsOn"].([]any); ok {
		out = append(out, l...)
	} else {
		for _, s := range cur {
			out = append(out, s)
		}
	}
	added := false
	for _, id := range ids {
		if !containsString(cur, id) {
			cur = append(cur, id)
			out = append(out, id)
			added = true
		}
	}
	if added {
		res["DependsOn"] = out
	}
	return added
}

func containsString(l []string, s string) bool {
	for _, e := range l {
		if e == s {
			return true
		}
	}
	return false
}
