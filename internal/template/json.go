package template

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"unicode/utf8"
)

// MaxDepth bounds the nesting of a template (JSON and YAML): objects and
// lists inside one another. The real Quilt templates nest 22 levels; 100
// leaves room for any hand-written one, and keeps the work and the output
// of every walk linear in the input (a 20 KB document nested 10,000 deep
// would render to hundreds of megabytes of indentation).
const MaxDepth = 100

// maxJSONDepth is MaxDepth for the JSON readers.
const maxJSONDepth = MaxDepth

// utf8BOM is the UTF-8 byte order mark some editors write at the start of
// a file.
var utf8BOM = []byte("\ufeff")

// DecodeJSONValue reads any JSON value with numbers as json.Number. A
// leading UTF-8 byte order mark is skipped; invalid UTF-8 and an object
// with the same key twice are refused (encoding/json would replace the
// bytes with U+FFFD and keep the last key, so a whole resource could
// vanish).
func DecodeJSONValue(data []byte) (any, error) {
	data = bytes.TrimPrefix(data, utf8BOM)
	if !utf8.Valid(data) {
		off := invalidUTF8At(data)
		return nil, fmt.Errorf("template: invalid JSON: line %d: invalid UTF-8 at byte %d: save the file as UTF-8", lineAt(data, off), off)
	}
	if v, ok := decodeJSONFast(data); ok {
		return v, nil
	}
	return decodeJSONTokens(data)
}

// decodeJSONTokens is the token reader's decode of valid UTF-8: slower than
// decodeJSONFast, it names the line of any error.
func decodeJSONTokens(data []byte) (any, error) {
	r := jsonReader{data: data, dec: json.NewDecoder(bytes.NewReader(data))}
	r.dec.UseNumber()
	v, err := r.value(nil, 0)
	if err != nil {
		return nil, err
	}
	if _, err := r.dec.Token(); !errors.Is(err, io.EOF) {
		return nil, errors.New("template: invalid JSON: data after the top-level value")
	}
	return v, nil
}

// jsonReader builds generic values from the decoder's tokens, which lets it
// see every key of an object as it comes.
type jsonReader struct {
	data []byte
	dec  *json.Decoder
}

func (r *jsonReader) value(path []string, depth int) (any, error) {
	if depth > maxJSONDepth {
		return nil, fmt.Errorf("template: invalid JSON: line %d: nested more than %d levels deep: flatten the template (CloudFormation templates nest a few dozen levels at most)", r.line(), maxJSONDepth)
	}
	tok, err := r.dec.Token()
	if err != nil {
		return nil, r.syntax(err)
	}
	switch t := tok.(type) {
	case json.Delim:
		switch t {
		case '{':
			return r.object(path, depth)
		case '[':
			return r.list(path, depth)
		}
		return nil, fmt.Errorf("template: invalid JSON: line %d: unexpected %q", r.line(), t)
	default: // string, json.Number, bool, nil
		return t, nil
	}
}

func (r *jsonReader) object(path []string, depth int) (any, error) {
	m := map[string]any{}
	for r.dec.More() {
		tok, err := r.dec.Token()
		if err != nil {
			return nil, r.syntax(err)
		}
		key, ok := tok.(string)
		if !ok {
			return nil, fmt.Errorf("template: invalid JSON: line %d: an object key must be a string", r.line())
		}
		if _, dup := m[key]; dup {
			return nil, fmt.Errorf("template: invalid JSON: line %d: duplicate key %q in %s: JSON readers keep only one of them (encoding/json the last), so the other is lost; rename or remove one",
				r.line(), key, pathString(path))
		}
		v, err := r.value(append(path, key), depth+1)
		if err != nil {
			return nil, err
		}
		m[key] = v
	}
	if _, err := r.dec.Token(); err != nil { // '}'
		return nil, r.syntax(err)
	}
	return m, nil
}

func (r *jsonReader) list(path []string, depth int) (any, error) {
	l := []any{}
	for i := 0; r.dec.More(); i++ {
		v, err := r.value(append(path, "["+strconv.Itoa(i)+"]"), depth+1)
		if err != nil {
			return nil, err
		}
		l = append(l, v)
	}
	if _, err := r.dec.Token(); err != nil { // ']'
		return nil, r.syntax(err)
	}
	return l, nil
}

// line is the line of the decoder's position.
func (r *jsonReader) line() int { return lineAt(r.data, int(r.dec.InputOffset())) }

// syntax wraps a decoder error, naming its line when the decoder gave an
// offset.
func (r *jsonReader) syntax(err error) error {
	if errors.Is(err, io.EOF) {
		err = io.ErrUnexpectedEOF
	}
	var se *json.SyntaxError
	if errors.As(err, &se) {
		return fmt.Errorf("template: invalid JSON: line %d: %w", lineAt(r.data, int(se.Offset)), err)
	}
	return fmt.Errorf("template: invalid JSON: %w", err)
}

// pathString names an object by its keys from the top, e.g.
// Resources.Bucket.Properties or Outputs.Arn.Value.Fn::Join[1].
func pathString(path []string) string {
	if len(path) == 0 {
		return "the top-level object"
	}
	var b strings.Builder
	for i, p := range path {
		if i > 0 && !strings.HasPrefix(p, "[") {
			b.WriteByte('.')
		}
		b.WriteString(p)
	}
	return b.String()
}

// lineAt is the 1-based line of byte offset off in data.
func lineAt(data []byte, off int) int {
	off = min(max(off, 0), len(data))
	return bytes.Count(data[:off], []byte("\n")) + 1
}

// invalidUTF8At is the offset of the first byte that is not valid UTF-8.
func invalidUTF8At(data []byte) int {
	for i := 0; i < len(data); {
		r, size := utf8.DecodeRune(data[i:])
		if r == utf8.RuneError && size == 1 {
			return i
		}
		i += size
	}
	return len(data)
}
