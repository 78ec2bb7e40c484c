package template

import (
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
func writeCompact(w io.Writer, v any, escapeHTML bool) error {
	e := compactEncoder{w: w, escapeHTML: escapeHTML, buf: make([]byte, 0, flushSize+512)}
	if err := e.value(v); err != nil {
		return err
	}
	_, err := w.Write(e.buf)
	return err
}

// flushSize is how much compactEncoder gathers before it writes to w.
const flushSize = 32 << 10

// compactEncoder is writeCompact's state: the bytes not yet written to w,
// and members, one stack of the objects' members being written (each
// object sorts its own tail), so an object costs no allocation of its own.
type compactEncoder struct {
	w          io.Writer
	escapeHTML bool
	buf        []byte
	members    []member
}

// member is one key and value of an object.
type member struct {
	key   string
	value any
}

// flush writes the gathered bytes to w once there are flushSize of them.
func (e *compactEncoder) flush() error {
	if len(e.buf) < flushSize {
		return nil
	}
	_, err := e.w.Write(e.buf)
	e.buf = e.buf[:0]
	return err
}

func (e *compactEncoder) value(v any) error {
	switch t := v.(type) {
	case nil:
		e.buf = append(e.buf, "null"...)
		return nil
	case bool:
		if t {
			e.buf = append(e.buf, "true"...)
		} else {
			e.buf = append(e.buf, "false"...)
		}
		return nil
	case string:
		return e.str(t)
	case json.Number:
		if plainInteger(string(t)) {
			e.buf = append(e.buf, t...)
			return e.flush()
		}
	case map[string]any:
		if t == nil {
			break
		}
		base := len(e.members)
		for k, x := range t {
			e.members = append(e.members, member{k, x})
		}
		if len(t) > 1 {
			slices.SortFunc(e.members[base:], func(a, b member) int { return strings.Compare(a.key, b.key) })
		}
		e.buf = append(e.buf, '{')
		for i := base; i < len(e.members); i++ {
			if i > base {
				e.buf = append(e.buf, ',')
			}
			m := e.members[i]
			if err := e.str(m.key); err != nil {
				return err
			}
			e.buf = append(e.buf, ':')
			if err := e.value(m.value); err != nil {
				return err
			}
		}
		clear(e.members[base:])
		e.members = e.members[:base]
		e.buf = append(e.buf, '}')
		return nil
	case []any:
		if t == nil {
			break
		}
		e.buf = append(e.buf, '[')
		for i, x := range t {
			if i > 0 {
				e.buf = append(e.buf, ',')
			}
			if err := e.value(x); err != nil {
				return err
			}
		}
		e.buf = append(e.buf, ']')
		return nil
	}
	return e.fallback(v)
}

// str writes a string as encoding/json does.
func (e *compactEncoder) str(s string) error {
	if !plainString(s, e.escapeHTML) {
		return e.fallback(s)
	}
	e.buf = append(e.buf, '"')
	e.buf = append(e.buf, s...)
	e.buf = append(e.buf, '"')
	return e.flush()
}

// fallback writes v by encoding/json itself.
func (e *compactEncoder) fallback(v any) error {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(e.escapeHTML)
	if err := enc.Encode(v); err != nil {
		return err
	}
	e.buf = append(e.buf, bytes.TrimSuffix(buf.Bytes(), []byte("\n"))...)
	return e.flush()
}

// WriteMarshal writes to w (a hash, say) the bytes json.Marshal returns
// for v, streamed: map keys sorted, so deterministic.
func WriteMarshal(w io.Writer, v any) error {
	return writeCompact(w, v, true)
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
