package template

import "strings"

// IsListType reports whether a parameter of CloudFormation Type typ takes
// a list (List<...> and CommaDelimitedList), given as comma-separated text.
func IsListType(typ string) bool {
	return strings.HasPrefix(typ, "List<") || typ == "CommaDelimitedList"
}

// ListValue is the list CloudFormation makes of a list parameter's value:
// the comma-separated items, trimmed (empty ones kept), and nil for "".
func ListValue(v string) []any {
	if v == "" {
		return nil
	}
	var items []any
	for _, s := range strings.Split(v, ",") {
		items = append(items, strings.TrimSpace(s))
	}
	return items
}

// SplitList splits a list parameter's value ("a,b" or "a, b") into its
// items, trimmed, dropping empty ones.
func SplitList(v string) []string {
	var out []string
	for _, p := range strings.Split(v, ",") {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}

// NoEcho reports whether a parameter declaration (the object under
// Parameters) is NoEcho: its value is a secret that must appear in no
// output, property, event or log. CloudFormation accepts true and "true" in
// any case.
func NoEcho(param any) bool {
	p, _ := param.(map[string]any)
	switch v := p["NoEcho"].(type) {
	case bool:
		return v
	case string:
		return strings.EqualFold(v, "true")
	}
	return false
}
