package template

import "strings"

// ScanSub is the one reading of a Fn::Sub string. It calls fn for each
// ${Name} and ${Name.Attr} variable, in order, with the name's surrounding
// spaces trimmed as CloudFormation reads it (the ${!Literal} escapes are not
// variables), and replaces the whole ${...} with what fn returns when it
// says so. A ${ left unclosed ends the variables. It returns s itself when
// nothing is replaced.
func ScanSub(s string, fn func(name string) (string, bool)) (string, bool) {
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
	scanSub(s, func(name string) (string, bool) {
		out = append(out, name)
		return "", false
	})
	return out
}

// SubArgs returns the string of a Fn::Sub argument and its variable map
// (nil in the string form); ok is false when the argument is neither
// "string" nor ["string", {Name: value}].
func SubArgs(arg any) (s string, vars map[string]any, ok bool) {
	switch t := arg.(type) {
	case string:
		return t, nil, true
	case []any:
		if len(t) != 2 {
			return "", nil, false
		}
		s, ok1 := t[0].(string)
		vars, ok2 := t[1].(map[string]any)
		return s, vars, ok1 && ok2
	}
	return "", nil, false
}

// scanSub is ScanSub, which also reports whether a literal escape was seen.
func scanSub(s string, fn func(name string) (string, bool)) (string, bool, bool) {
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
			if repl, ok := fn(strings.TrimSpace(name)); ok {
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
