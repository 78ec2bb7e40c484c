package template

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"
)

// DecodeYAML reads a YAML template. Short-form intrinsic tags (!Ref, !Sub,
// !GetAtt 'A.B', !If, ...) become their long JSON form, as CloudFormation
// hands them to a macro. Numbers become json.Number; dates and other
// YAML-only scalars stay strings. What CloudFormation does not accept
// (anchors, aliases, merge keys, the binary, omap, pairs, set and timestamp
// tags), duplicate keys and a second document are refused with their line.
func DecodeYAML(data []byte) (map[string]any, error) {
	dec := yaml.NewDecoder(bytes.NewReader(data))
	var root yaml.Node
	if err := dec.Decode(&root); err != nil && !errors.Is(err, io.EOF) {
		if line := tabLine(data, err); line > 0 {
			return nil, fmt.Errorf("template: invalid YAML: line %d: a tab character in the indentation: YAML indents with spaces only; replace the tab with spaces (%w)", line, err)
		}
		return nil, fmt.Errorf("template: invalid YAML: %w", err)
	}
	if root.Kind == 0 {
		return nil, fmt.Errorf("template: the document is empty")
	}
	// A second document would be dropped without a word: refuse it.
	var next yaml.Node
	switch err := dec.Decode(&next); {
	case errors.Is(err, io.EOF):
	case err != nil:
		return nil, fmt.Errorf("template: invalid YAML: %w", err)
	case len(next.Content) > 0 && !(next.Content[0].Kind == yaml.ScalarNode && next.Content[0].ShortTag() == "!!null" && next.Content[0].Value == ""):
		return nil, fmt.Errorf("template: line %d: a second YAML document: a template is one document; remove the --- separator or split the file", next.Line)
	}
	if err := refuseUnsupported(&root, 0); err != nil {
		return nil, err
	}
	v, err := fromNode(&root, nil)
	if err != nil {
		return nil, err
	}
	m, ok := v.(map[string]any)
	if !ok {
		return nil, fmt.Errorf("template: the document is a %s, not a mapping", KindOf(v))
	}
	return m, nil
}

// tabLine is the line of a YAML error when that line is indented with a
// tab (yaml.v3 says only "found character that cannot start any token"),
// else 0.
func tabLine(data []byte, err error) int {
	var line int
	if _, scanErr := fmt.Sscanf(strings.TrimPrefix(err.Error(), "yaml: "), "line %d:", &line); scanErr != nil || line < 1 {
		return 0
	}
	lines := bytes.Split(data, []byte("\n"))
	if line > len(lines) {
		return 0
	}
	indent := lines[line-1][:len(lines[line-1])-len(bytes.TrimLeft(lines[line-1], " \t"))]
	if bytes.IndexByte(indent, '\t') < 0 {
		return 0
	}
	return line
}

func fromNode(n *yaml.Node, path []string) (any, error) {
	switch n.Kind {
	case yaml.DocumentNode:
		if len(n.Content) == 0 {
			return nil, nil
		}
		return fromNode(n.Content[0], path)
	case yaml.AliasNode:
		// refuseUnsupported has refused every alias before this runs.
		return nil, fmt.Errorf("template: line %d: YAML alias *%s", n.Line, n.Value)
	}
	if strings.HasPrefix(n.Tag, "!") && !strings.HasPrefix(n.Tag, "!!") {
		return fromTagged(n, path)
	}
	return fromPlain(n, path)
}

// unsupportedTags are the YAML 1.1 tags CloudFormation does not accept
// when written explicitly (AWS CloudFormation User Guide, "Template
// formats": binary, omap, pairs, set and timestamp tags, aliases and hash
// merges are not supported).
var unsupportedTags = map[string]bool{"!!binary": true, "!!omap": true, "!!pairs": true, "!!set": true, "!!timestamp": true}

// refuseUnsupported walks the parsed node tree, without following aliases,
// and refuses what CloudFormation does not accept: anchors, aliases, hash
// merges and the explicit tags above. It runs before any value is built, so
// an alias bomb or a recursive alias costs no more than its own text.
func refuseUnsupported(n *yaml.Node, depth int) error {
	if depth > MaxDepth+1 { // +1: the document node
		return fmt.Errorf("template: invalid YAML: line %d: nested more than %d levels deep: flatten the template (CloudFormation templates nest a few dozen levels at most)", n.Line, MaxDepth)
	}
	const fix = "CloudFormation does not accept YAML anchors, aliases or merge keys: write the value out in full"
	switch {
	case n.Kind == yaml.AliasNode:
		return fmt.Errorf("template: line %d: YAML alias *%s: %s", n.Line, n.Value, fix)
	case n.Anchor != "":
		return fmt.Errorf("template: line %d: YAML anchor &%s: %s", n.Line, n.Anchor, fix)
	case n.Tag == "!!merge" && n.Kind == yaml.ScalarNode:
		return fmt.Errorf("template: line %d: YAML merge key <<: %s (quote the key, \"<<\", if it is meant as a name)", n.Line, fix)
	case n.Style&yaml.TaggedStyle != 0 && unsupportedTags[n.Tag]:
		return fmt.Errorf("template: line %d: the YAML tag %s is not accepted by CloudFormation: write the value as a plain or quoted string", n.Line, n.Tag)
	}
	for _, c := range n.Content {
		if err := refuseUnsupported(c, depth+1); err != nil {
			return err
		}
	}
	return nil
}

// path names the node by its keys from the top, for error messages.
func fromPlain(n *yaml.Node, path []string) (any, error) {
	switch n.Kind {
	case yaml.MappingNode:
		m := make(map[string]any, len(n.Content)/2)
		for i := 0; i+1 < len(n.Content); i += 2 {
			kn := n.Content[i]
			if kn.Kind != yaml.ScalarNode {
				return nil, fmt.Errorf("template: line %d: mapping keys must be scalars", kn.Line)
			}
			if _, dup := m[kn.Value]; dup {
				return nil, fmt.Errorf("template: line %d: duplicate key %q in %s: rename or remove one", kn.Line, kn.Value, pathString(path))
			}
			v, err := fromNode(n.Content[i+1], append(path, kn.Value))
			if err != nil {
				return nil, err
			}
			m[kn.Value] = v
		}
		return m, nil
	case yaml.SequenceNode:
		l := make([]any, 0, len(n.Content))
		for i, c := range n.Content {
			v, err := fromNode(c, append(path, "["+strconv.Itoa(i)+"]"))
			if err != nil {
				return nil, err
			}
			l = append(l, v)
		}
		return l, nil
	case yaml.ScalarNode:
		return scalar(n), nil
	}
	return nil, fmt.Errorf("template: line %d: unsupported YAML node", n.Line)
}

func scalar(n *yaml.Node) any {
	switch n.ShortTag() {
	case "!!null":
		return nil
	case "!!bool":
		switch strings.ToLower(n.Value) {
		case "true":
			return true
		case "false":
			return false
		}
		return n.Value
	case "!!int", "!!float":
		if json.Valid([]byte(n.Value)) && !strings.HasPrefix(n.Value, "\"") {
			if _, err := json.Number(n.Value).Float64(); err == nil {
				return json.Number(n.Value)
			}
		}
		return n.Value
	default:
		return n.Value
	}
}

func fromTagged(n *yaml.Node, path []string) (any, error) {
	name := strings.TrimPrefix(n.Tag, "!")
	long := "Fn::" + name
	if name == "Ref" || name == "Condition" {
		long = name
	}
	var inner any
	var err error
	if n.Kind == yaml.ScalarNode {
		inner = n.Value // tagged scalars are strings
	} else {
		inner, err = fromPlain(n, append(path, long))
		if err != nil {
			return nil, err
		}
	}
	switch name {
	case "Ref":
		return map[string]any{"Ref": inner}, nil
	case "Condition":
		return map[string]any{"Condition": inner}, nil
	case "GetAtt":
		if s, ok := inner.(string); ok {
			res, attr, found := strings.Cut(s, ".")
			if !found {
				return nil, fmt.Errorf("template: line %d: !GetAtt %q needs the form Resource.Attribute", n.Line, s)
			}
			return map[string]any{"Fn::GetAtt": []any{res, attr}}, nil
		}
		return map[string]any{"Fn::GetAtt": inner}, nil
	default:
		return map[string]any{long: inner}, nil
	}
}

// topOrder is the conventional order of a template's sections.
var topOrder = []string{"AWSTemplateFormatVersion", "Description", "Transform", "Metadata", "Parameters", "Rules", "Mappings", "Conditions", "Globals", "Resources", "Outputs"}

// resourceOrder is the conventional order of a resource's attributes.
var resourceOrder = []string{"Type", "Condition", "DependsOn", "Metadata", "Properties", "CreationPolicy", "UpdatePolicy", "DeletionPolicy", "UpdateReplacePolicy"}

// EncodeYAML writes a template as YAML with intrinsics in long form. Sections
// and resource attributes come in their conventional order, other keys sorted,
// so the output is deterministic.
func EncodeYAML(doc map[string]any) ([]byte, error) {
	n, err := toNode(doc, 0)
	if err != nil {
		return nil, err
	}
	out, err := yaml.Marshal(&yaml.Node{Kind: yaml.DocumentNode, Content: []*yaml.Node{n}})
	if err != nil {
		return nil, fmt.Errorf("template: encode YAML: %w", err)
	}
	return out, nil
}

// depth: 0 = document, 2 = a resource (Resources -> name -> resource).
func toNode(v any, depth int) (*yaml.Node, error) {
	switch t := v.(type) {
	case map[string]any:
		n := &yaml.Node{Kind: yaml.MappingNode, Tag: "!!map"}
		for _, k := range orderedKeys(t, depth) {
			childDepth := -1
			if depth == 0 && k == "Resources" {
				childDepth = 1
			} else if depth == 1 {
				childDepth = 2
			}
			c, err := toNode(t[k], childDepth)
			if err != nil {
				return nil, err
			}
			n.Content = append(n.Content, stringNode(k), c)
		}
		return n, nil
	case []any:
		n := &yaml.Node{Kind: yaml.SequenceNode, Tag: "!!seq"}
		for _, e := range t {
			c, err := toNode(e, -1)
			if err != nil {
				return nil, err
			}
			n.Content = append(n.Content, c)
		}
		return n, nil
	case string:
		return stringNode(t), nil
	case json.Number:
		// Untagged: the text of a JSON number is a number to every YAML
		// reader, int or float as it reads it. A tag guessed here would be
		// written out whenever the encoder resolves the text otherwise
		// (!!int 200000000000000000000, beyond int64), and a YAML 1.1
		// reader refuses that.
		return &yaml.Node{Kind: yaml.ScalarNode, Value: string(t)}, nil
	case float64, int, int64:
		return &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!float", Value: fmt.Sprint(t)}, nil
	case bool:
		return &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!bool", Value: fmt.Sprint(t)}, nil
	case nil:
		return &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!null", Value: "null"}, nil
	}
	return nil, fmt.Errorf("template: cannot encode a %T as YAML", v)
}

// stringNode is a string scalar, double-quoted when a YAML 1.1 or 1.2
// reader would read it plain as something else (yes, on, 0123, 0x1F, 1e3,
// 190:20:30, 2001-01-01, ~, ...). The encoder by itself quotes only what a
// YAML 1.2 reader would misread, but CloudFormation reads YAML 1.1. Strings
// the emitter cannot write plain (leading or trailing spaces, ": ", "#")
// it quotes on its own. A multi-line string is written as a literal block
// unless it starts with a space or a line break: such a block needs an
// indentation indicator, which the encoder can get wrong inside a list.
func stringNode(s string) *yaml.Node {
	n := &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: s}
	if !readsAsString(s) || strings.Contains(s, "\n") && (s[0] == ' ' || s[0] == '\n') {
		n.Style = yaml.DoubleQuotedStyle
	}
	return n
}

func orderedKeys(m map[string]any, depth int) []string {
	var order []string
	switch depth {
	case 0:
		order = topOrder
	case 2:
		order = resourceOrder
	default:
		return SortedKeys(m)
	}
	keys := make([]string, 0, len(m))
	seen := make(map[string]bool, len(order))
	for _, k := range order {
		if _, ok := m[k]; ok {
			keys = append(keys, k)
			seen[k] = true
		}
	}
	for _, k := range SortedKeys(m) {
		if !seen[k] {
			keys = append(keys, k)
		}
	}
	return keys
}
