package transform

import (
	"bufio"
	"encoding/json"
	"io"
	"slices"
)

// writeCanonical writes v to w byte for byte as json.Marshal encodes it
// (map keys sorted, HTML characters escaped), without building the whole
// encoding in memory: the fingerprint hashes it as it streams. Plain ASCII
// strings, integers, booleans, null, objects and lists are written
// directly; any other value (a string with a character json.Marshal
// escapes or any non-ASCII byte, a number in another form, a type other
// than the generic ones) is encoded by json.Marshal itself, so the bytes
// cannot differ.
func writeCanonical(w *bufio.Writer, v any) error {
	switch t := v.(type) {
	case nil:
		_, err := w.WriteString("null")
		return err
	case bool:
		if t {
			_, err := w.WriteString("true")
			return err
		}
		_, err := w.WriteString("false")
		return err
	case string:
		if plainString(t) {
			w.WriteByte('"')
			w.WriteString(t)
			return w.WriteByte('"')
		}
	case json.Number:
		if plainInteger(string(t)) {
			_, err := w.WriteString(string(t))
			return err
		}
	case map[string]any:
		if t == nil {
			break
		}
		keys := make([]string, 0, len(t))
		for k := range t {
			keys = append(keys, k)
		}
		slices.Sort(keys)
		w.WriteByte('{')
		for i, k := range keys {
			if i > 0 {
				w.WriteByte(',')
			}
			if err := writeCanonical(w, k); err != nil {
				return err
			}
			w.WriteByte(':')
			if err := writeCanonical(w, t[k]); err != nil {
				return err
			}
		}
		return w.WriteByte('}')
	case []any:
		if t == nil {
			break
		}
		w.WriteByte('[')
		for i, e := range t {
			if i > 0 {
				w.WriteByte(',')
			}
			if err := writeCanonical(w, e); err != nil {
				return err
			}
		}
		return w.WriteByte(']')
	}
	b, err := json.Marshal(v)
	if err != nil {
		return err
	}
	_, err = w.Write(b)
	return err
}

// hashCanonical writes the json.Marshal encoding of v to h (a hash).
func hashCanonical(h io.Writer, v any) error {
	w := bufio.NewWriterSize(h, 32<<10)
	if err := writeCanonical(w, v); err != nil {
		return err
	}
	return w.Flush()
}

// plainString reports whether json.Marshal writes s quoted as it is: only
// printable ASCII, none of " \ < > &.
func plainString(s string) bool {
	for i := 0; i < len(s); i++ {
		switch b := s[i]; {
		case b < 0x20 || b >= 0x80, b == '"', b == '\\', b == '<', b == '>', b == '&':
			return false
		}
	}
	return true
}

// plainInteger reports whether s is a JSON integer (-?(0|[1-9][0-9]*)),
// which json.Marshal writes as it is.
func plainInteger(s string) bool {
	if s != "" && s[0] == '-' {
		s = s[1:]
	}
	if s == "" || (s[0] == '0' && len(s) > 1) {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}
