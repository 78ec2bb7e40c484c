package template

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"

	"go.yaml.in/yaml/v3"
)

// Position is a place in a template's source text: 1-based line and column
// (columns count bytes, as SARIF's default column kind does not; see
// Positions).
type Position struct {
	Line   int `json:"line"`
	Column int `json:"column"`
}

// Positions are the source positions of a template's keys down to the
// properties of its resources ("Resources/Api", "Resources/Api/Properties/
// Policy", "Outputs/X", "Parameters/Y"), so that a finding about a resource
// or a property opens the right line of the user's file. Columns count
// Unicode characters (SARIF's default columnKind, utf16CodeUnits, is the
// same for the ASCII a template's keys are written in).
type Positions struct {
	at map[string]Position
}

// locateDepth is how deep keys are recorded: section, entry, attribute,
// property.
const locateDepth = 4

// Locate reads the positions of a template's keys from its source text
// (JSON or YAML, as Decode reads it).
func Locate(data []byte) (*Positions, error) {
	p := &Positions{at: map[string]Position{}}
	trimmed := bytes.TrimLeft(data, " \t\r\n\ufeff")
	if len(trimmed) > 0 && trimmed[0] == '{' {
		if err := p.locateJSON(data); err != nil {
			return nil, err
		}
		return p, nil
	}
	var root yaml.Node
	if err := yaml.NewDecoder(bytes.NewReader(data)).Decode(&root); err != nil && !errors.Is(err, io.EOF) {
		return nil, fmt.Errorf("template: invalid YAML: %w", err)
	}
	if root.Kind == yaml.DocumentNode && len(root.Content) > 0 {
		p.walkYAML(root.Content[0], nil)
	}
	return p, nil
}

func (p *Positions) walkYAML(n *yaml.Node, path []string) {
	if n.Kind != yaml.MappingNode || len(path) >= locateDepth {
		return
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k := n.Content[i]
		q := append(append([]string{}, path...), k.Value)
		p.at[strings.Join(q, "/")] = Position{Line: k.Line, Column: k.Column}
		p.walkYAML(n.Content[i+1], q)
	}
}

// locateJSON tokenizes JSON text, recording each object key's position.
func (p *Positions) locateJSON(data []byte) error {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	type frame struct {
		object bool
		key    bool // the next string token of an object is a key
	}
	var stack []frame
	var path []string
	for {
		start := dec.InputOffset()
		tok, err := dec.Token()
		if errors.Is(err, io.EOF) {
			if len(stack) > 0 {
				return errors.New("template: invalid JSON: unexpected end of the text")
			}
			return nil
		}
		if err != nil {
			return fmt.Errorf("template: invalid JSON: %w", err)
		}
		top := len(stack) - 1
		switch t := tok.(type) {
		case json.Delim:
			switch t {
			case '{', '[':
				stack = append(stack, frame{object: t == '{', key: t == '{'})
			default:
				stack = stack[:top]
				if top > 0 && stack[top-1].object {
					stack[top-1].key = true
					if len(path) > 0 && len(path) == top {
						path = path[:len(path)-1]
					}
				}
			}
			continue
		case string:
			if top >= 0 && stack[top].object && stack[top].key {
				stack[top].key = false
				for len(path) > top {
					path = path[:len(path)-1]
				}
				path = append(path, t)
				if len(path) <= locateDepth {
					off := keyStart(data, int(start))
					line, col := lineCol(data, off)
					p.at[strings.Join(path, "/")] = Position{Line: line, Column: col}
				}
				continue
			}
		}
		// A scalar value ends its key's entry.
		if top >= 0 && stack[top].object {
			stack[top].key = true
			if len(path) > top {
				path = path[:top]
			}
		}
	}
}

// keyStart skips the separators before a token (commas, spaces) to its
// opening quote.
func keyStart(data []byte, off int) int {
	for off < len(data) && data[off] != '"' {
		off++
	}
	return off
}

func lineCol(data []byte, off int) (int, int) {
	if off > len(data) {
		off = len(data)
	}
	line := 1 + bytes.Count(data[:off], []byte("\n"))
	col := off - bytes.LastIndexByte(data[:off], '\n')
	return line, col
}

// Of returns the position of the deepest recorded key of path ("Resources",
// "Api", "Properties", "Policy"), falling back to its parents; false when
// not even the first key is recorded.
func (p *Positions) Of(path ...string) (Position, bool) {
	if p == nil {
		return Position{}, false
	}
	for n := len(path); n > 0; n-- {
		if pos, ok := p.at[strings.Join(path[:n], "/")]; ok {
			return pos, true
		}
	}
	return Position{}, false
}

// Has reports whether exactly this path's key is recorded.
func (p *Positions) Has(path ...string) bool {
	if p == nil {
		return false
	}
	_, ok := p.at[strings.Join(path, "/")]
	return ok
}
