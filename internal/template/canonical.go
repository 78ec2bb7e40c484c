package template

import (
	"bufio"
	"bytes"
	"encoding/json"
	"io"
	"slices"
	"strings"
)

// writeCompact writes v to w byte for byte as a json.Encoder without
// indent encodes it (map keys sorted; HTML characters escaped when
// escapeHTML, as json.Marshal does), less the final newline, without
// reflection or a whole copy in memory. Plain ASCII strings, integers,
// booleans, null, objects and lists are written directly; any other value
// (a string with a character the encoder escapes or any non-ASCII byte, a
// number in another form, a type other than the generic ones) is encoded
// by encoding/json itself, so the bytes cannot differ.
func writeCompact(w *bufio.Writer, v any, escapeHTML bool) error {
	e := compactEncoder{w: w, escapeHTML: escapeHTML}
	return e.value(v)
}

// compactEncoder is writeCompact's state: members is one stack of the
// objects' members being written (each object sorts its own tail), so an
// object costs no allocation of its own.
type compactEncoder struct {
	w          *bufio.Writer
	escapeHTML bool
	members    []member
}

// member is one key and value of an object.
type member struct {
	key   string
	value any
}

func (e *compactEncoder) value(v any) error {
	w := e.w
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
		return e.str(t)
	case json.Number:
		if plainInteger(string(t)) {
			_, err := w.WriteString(string(t))
			return err
		}
	case map[string]any:
		if t == nil {
			break
		}
		base := len(e.members)
		for k, x := range t {
			e.members = append(e.members, member{k, x})
		}
		own := e.members[base:]
		slices.SortFunc(own, func(a, b member) int { return strings.Compare(a.key, b.key) })
		w.WriteByte('{')
		for i := base; i < len(e.members); i++ {
			if i > base {
				w.WriteByte(',')
			}
			m := e.members[i]
			if err := e.str(m.key); err != nil {
				return err
			}
			w.WriteByte(':')
			if err := e.value(m.value); err != nil {
				return err
			}
		}
		clear(e.members[base:])
		e.members = e.members[:base]
		return w.WriteByte('}')
	case []any:
		if t == nil {
			break
		}
		w.WriteByte('[')
		for i, x := range t {
			if i > 0 {
				w.WriteByte(',')
			}
			if err := e.value(x); err != nil {
				return err
			}
		}
		return w.WriteByte(']')
	}
	return e.fallback(v)
}

// str writes a string as encoding/json does.
func (e *compactEncoder) str(s string) error {
	if !plainString(s, e.escapeHTML) {
		return e.fallback(s)
	}
	e.w.WriteByte('"')
	e.w.WriteString(s)
	return e.w.WriteByte('"')
}

// fallback writes v by encoding/json itself.
func (e *compactEncoder) fallback(v any) error {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(e.escapeHTML)
	if err := enc.Encode(v); err != nil {
		return err
	}
	_, err := e.w.Write(bytes.TrimSuffix(buf.Bytes(), []byte("\n")))
	return err
}

// WriteMarshal writes to w (a hash, say) the bytes json.Marshal returns
// for v, streamed: map keys sorted, so deterministic.
func WriteMarshal(w io.Writer, v any) error {
	bw := bufio.NewWriterSize(w, 32<<10)
	if err := writeCompact(bw, v, true); err != nil {
		return err
	}
	return bw.Flush()
}

// plainString reports whether encoding/json writes s quoted as it is: only
// printable ASCII, neither " nor \ (nor < > & when escapeHTML).
func plainString(s string, escapeHTML bool) bool {
	for i := 0; i < len(s); i++ {
		switch b := s[i]; {
		case b < 0x20 || b >= 0x80, b == '"', b == '\\':
			return false
		case escapeHTML && (b == '<' || b == '>' || b == '&'):
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
