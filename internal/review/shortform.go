package review

import (
	"encoding/json"
	"strings"

	"github.com/quiltdata/quilt-private-endpoints/internal/template"
)

// Short prints a template value on one line in the YAML short form a
// reviewer knows: `!Ref X`, `!GetAtt A.B`, `!Sub '...'`, `!If [c, a, b]`,
// lists as `[a, b]` and objects as `{K: v}` with sorted keys. The output is
// deterministic.
func Short(v any) string {
	var b strings.Builder
	writeShort(&b, v)
	return b.String()
}

func writeShort(b *strings.Builder, v any) {
	if name, arg, ok := template.Intrinsic(v); ok {
		writeIntrinsic(b, name, arg)
		return
	}
	switch t := v.(type) {
	case nil:
		b.WriteString("null")
	case string:
		b.WriteString(quote(t))
	case bool:
		if t {
			b.WriteString("true")
		} else {
			b.WriteString("false")
		}
	case json.Number:
		b.WriteString(t.String())
	case float64, int, int64:
		n, _ := json.Marshal(t)
		b.Write(n)
	case []any:
		b.WriteByte('[')
		for i, e := range t {
			if i > 0 {
				b.WriteString(", ")
			}
			writeShort(b, e)
		}
		b.WriteByte(']')
	case map[string]any:
		b.WriteByte('{')
		for i, k := range template.SortedKeys(t) {
			if i > 0 {
				b.WriteString(", ")
			}
			b.WriteString(quote(k))
			b.WriteString(": ")
			writeShort(b, t[k])
		}
		b.WriteByte('}')
	default:
		n, err := json.Marshal(t)
		if err != nil {
			b.WriteString("?")
			return
		}
		b.Write(n)
	}
}

func writeIntrinsic(b *strings.Builder, name string, arg any) {
	tag := "!" + strings.TrimPrefix(name, "Fn::")
	switch name {
	case "Ref", "Condition":
		if s, ok := arg.(string); ok {
			b.WriteString(tag + " " + s)
			return
		}
	case "Fn::GetAtt":
		switch a := arg.(type) {
		case string:
			b.WriteString(tag + " " + a)
			return
		case []any:
			if len(a) == 2 {
				r, ok1 := a[0].(string)
				at, ok2 := a[1].(string)
				if ok1 && ok2 {
					b.WriteString(tag + " " + r + "." + at)
					return
				}
			}
		}
	case "Fn::Sub":
		if s, ok := arg.(string); ok {
			b.WriteString(tag + " " + singleQuote(s))
			return
		}
	}
	b.WriteString(tag + " ")
	writeShort(b, arg)
}

// quote leaves simple strings bare and single-quotes the rest.
func quote(s string) string {
	if bare(s) && !reserved(s) {
		return s
	}
	return singleQuote(s)
}

func singleQuote(s string) string {
	return "'" + strings.ReplaceAll(s, "'", "''") + "'"
}

// reserved reports strings that YAML would read as another type.
func reserved(s string) bool {
	switch strings.ToLower(s) {
	case "true", "false", "yes", "no", "on", "off", "null", "y", "n", "~":
		return true
	}
	return false
}

// bare reports strings that print without quotes: a letter, '_' or '/'
// first, then letters, digits and _ . / : @ + -.
func bare(s string) bool {
	if s == "" {
		return false
	}
	for i, r := range s {
		switch {
		case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z', r == '_', r == '/':
		case i > 0 && (r >= '0' && r <= '9' || strings.ContainsRune(".:@+-", r)):
		default:
			return false
		}
	}
	return true
}
