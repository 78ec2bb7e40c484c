package template

import (
	"encoding/json"
	"slices"
)

// decodeJSONFast parses valid UTF-8 JSON into the values the token reader
// (jsonReader) builds, in one pass over the bytes: json.Decoder.Token
// costs about twice a whole decode. It reports ok=false on anything it
// does not take as it is (a syntax error, a duplicate key, a control
// character, nesting deeper than maxJSONDepth): the caller then runs the
// token reader, which gives the error its message. A string with an escape
// is unquoted by encoding/json itself, so the values cannot differ.
func decodeJSONFast(data []byte) (any, bool) {
	p := fastParser{data: data}
	v, ok := p.value(0)
	if !ok {
		return nil, false
	}
	p.space()
	return v, p.pos == len(p.data)
}

type fastParser struct {
	data []byte
	pos  int
	// items is one stack of the elements of the lists being read: a list
	// is copied out at its exact length, with no growing on the way.
	items []any
}

func (p *fastParser) space() {
	for p.pos < len(p.data) {
		switch p.data[p.pos] {
		case ' ', '\t', '\n', '\r':
			p.pos++
		default:
			return
		}
	}
}

func (p *fastParser) value(depth int) (any, bool) {
	if depth > maxJSONDepth {
		return nil, false
	}
	p.space()
	if p.pos >= len(p.data) {
		return nil, false
	}
	switch c := p.data[p.pos]; {
	case c == '{':
		return p.object(depth)
	case c == '[':
		return p.list(depth)
	case c == '"':
		s, ok := p.str()
		return s, ok
	case c == 't':
		return true, p.literal("true")
	case c == 'f':
		return false, p.literal("false")
	case c == 'n':
		return nil, p.literal("null")
	default:
		return p.number()
	}
}

func (p *fastParser) literal(word string) bool {
	if len(p.data)-p.pos < len(word) || string(p.data[p.pos:p.pos+len(word)]) != word {
		return false
	}
	p.pos += len(word)
	return true
}

func (p *fastParser) object(depth int) (any, bool) {
	p.pos++ // {
	m := map[string]any{}
	p.space()
	if p.pos < len(p.data) && p.data[p.pos] == '}' {
		p.pos++
		return m, true
	}
	for {
		p.space()
		if p.pos >= len(p.data) || p.data[p.pos] != '"' {
			return nil, false
		}
		key, ok := p.str()
		if !ok {
			return nil, false
		}
		if _, dup := m[key]; dup {
			return nil, false
		}
		p.space()
		if p.pos >= len(p.data) || p.data[p.pos] != ':' {
			return nil, false
		}
		p.pos++
		v, ok := p.value(depth + 1)
		if !ok {
			return nil, false
		}
		m[key] = v
		if more, ok := p.next('}'); !ok {
			return nil, false
		} else if !more {
			return m, true
		}
	}
}

func (p *fastParser) list(depth int) (any, bool) {
	p.pos++ // [
	p.space()
	if p.pos < len(p.data) && p.data[p.pos] == ']' {
		p.pos++
		return []any{}, true
	}
	base := len(p.items)
	defer func() {
		clear(p.items[base:])
		p.items = p.items[:base]
	}()
	for {
		v, ok := p.value(depth + 1)
		if !ok {
			return nil, false
		}
		p.items = append(p.items, v)
		if more, ok := p.next(']'); !ok {
			return nil, false
		} else if !more {
			return slices.Clone(p.items[base:]), true
		}
	}
}

// next reads what follows a member of an object or list: a comma (more)
// or its closing byte.
func (p *fastParser) next(closing byte) (more, ok bool) {
	p.space()
	if p.pos >= len(p.data) {
		return false, false
	}
	switch p.data[p.pos] {
	case ',':
		p.pos++
		return true, true
	case closing:
		p.pos++
		return false, true
	}
	return false, false
}

// str reads a string at p.pos (its opening quote).
func (p *fastParser) str() (string, bool) {
	start := p.pos
	escaped := false
	for i := start + 1; i < len(p.data); i++ {
		switch c := p.data[i]; {
		case c == '\\':
			escaped = true
			i++ // the escaped byte is never the closing quote
		case c == '"':
			p.pos = i + 1
			if !escaped {
				return string(p.data[start+1 : i]), true
			}
			var s string
			if err := json.Unmarshal(p.data[start:i+1], &s); err != nil {
				return "", false
			}
			return s, true
		case c < 0x20:
			return "", false
		}
	}
	return "", false
}

// number reads a JSON number (-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?).
func (p *fastParser) number() (any, bool) {
	d, i := p.data, p.pos
	digits := func() bool {
		s := i
		for i < len(d) && d[i] >= '0' && d[i] <= '9' {
			i++
		}
		return i > s
	}
	if i < len(d) && d[i] == '-' {
		i++
	}
	switch {
	case i < len(d) && d[i] == '0':
		i++
	case !digits():
		return nil, false
	}
	if i < len(d) && d[i] == '.' {
		i++
		if !digits() {
			return nil, false
		}
	}
	if i < len(d) && (d[i] == 'e' || d[i] == 'E') {
		i++
		if i < len(d) && (d[i] == '+' || d[i] == '-') {
			i++
		}
		if !digits() {
			return nil, false
		}
	}
	n := json.Number(d[p.pos:i])
	p.pos = i
	return n, true
}
