package template

import "strings"

// ScanSub is the one reading of a Fn::Sub string. It calls fn for each
// ${Name} and ${Name.Attr} variable, in order, with the name's surrounding
// spaces trimmed as CloudFormation reads it (the ${!Literal} escapes are not
// variables), and replaces the whole ${...} with what fn returns when it
// says so. A ${ left unclosed ends the variables. It returns s itself when
// nothing is replaced.
func ScanSub(s string, fn func(name string) (string, bool)) (string, bool) {
	out, changed, _ := scanSub(s, func(name, _ string) (string, bool) { return fn(name) })
	return out, changed
}

// ScanSubFollowed is ScanSub with the text that follows each variable's
// closing brace given to fn ("${Api}.execute-api..." gives Api and
// ".execute-api...").
func ScanSubFollowed(s string, fn func(name, after string) (string, bool)) (string, bool) {
	out, changed, _ := scanSub(s, fn)
	return out, changed
}

// SubHasLiteral reports whether a Fn::Sub string holds a ${!Literal}
// escape, which CloudFormation writes as ${Literal}.
func SubHasLiteral(s string) bool {
	_, _, lit := scanSub(s, nil)
	return lit
}

// SubVariables lists the variables of a Fn::Sub string as ScanSub reads
// them, in order.
func SubVariables(s string) []string {
	var out []string
	scanSub(s, func(name, _ string) (string, bool) {
		out = append(out, name)
		return "", false
	})
	return out
}

// SubArgs returns the string of a Fn::Sub argument and its variable map
// (nil in the string form); ok is false when the argument is neither
// "string" nor ["string", {Name: value}] (what can be read of it is still
// returned).
func SubArgs(arg any) (s string, vars map[string]any, ok bool) {
	switch t := arg.(type) {
	case string:
		return t, nil, true
	case []any:
		var isString bool
		if len(t) > 0 {
			s, isString = t[0].(string)
		}
		if len(t) > 1 {
			vars, _ = t[1].(map[string]any)
		}
		return s, vars, isString && len(t) == 2 && vars != nil
	}
	return "", nil, false
}

// IsSubVariable reports whether name (or, for Name.Attr, its Name) is one
// of a Fn::Sub's own variables, which name no parameter or resource.
func IsSubVariable(vars map[string]any, name string) bool {
	if _, ok := vars[name]; ok {
		return true
	}
	base, _, found := strings.Cut(name, ".")
	_, ok := vars[base]
	return found && ok
}

// scanSub is ScanSub, which also reports whether a literal escape was seen.
func scanSub(s string, fn func(name, after string) (string, bool)) (string, bool, bool) {
	if !strings.Contains(s, "${") {
		return s, false, false
	}
	var b strings.Builder
	changed, literal := false, false
	done := 0 // s[:done] is in b (once changed)
	for pos := 0; ; {
		i := strings.Index(s[pos:], "${")
		if i < 0 {
			break
		}
		i += pos
		j := strings.IndexByte(s[i:], '}')
		if j < 0 {
			break
		}
		name, end := s[i+2:i+j], i+j+1
		if strings.HasPrefix(name, "!") {
			literal = true
		} else if fn != nil {
			if repl, ok := fn(strings.TrimSpace(name), s[end:]); ok {
				b.WriteString(s[done:i])
				b.WriteString(repl)
				changed, done = true, end
			}
		}
		pos = end
	}
	if !changed {
		return s, false, literal
	}
	b.WriteString(s[done:])
	return b.String(), true, literal
}
