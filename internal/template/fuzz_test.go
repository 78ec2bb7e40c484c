package template

import (
	"encoding/json"
	"fmt"
	"reflect"
	"testing"

	yaml11 "gopkg.in/yaml.v2"
)

// maxFuzzInput is the largest input the fuzz target decodes; larger ones
// add time and no new shapes.
const maxFuzzInput = 64 << 10

// FuzzDecode decodes any input within a per-input deadline and memory
// budget (decodeBounded), refuses or returns a document whose number of
// values is bounded by its size (no alias expansion), and, when it
// decodes, writes YAML that reads back as the same document.
func FuzzDecode(f *testing.F) {
	for _, s := range []string{
		aliasBomb,
		"x: &x {y: *x}\n",
		"Resources:\n  Q: {Type: AWS::SQS::Queue, Properties: {QueueName: !Sub '${AWS::StackName}-q', Delay: 0123}}\n",
		"A: !GetAtt R.Arn\nB: !If [C, !Ref AWS::NoValue, [yes, on, 190:20:30, 2001-01-01]]\n",
		`{"Resources": {"A": {"Type": "X", "Properties": {"N": 1.50, "S": "\u2028", "L": [null, true]}}}}`,
		"\ufeff{\"A\": 1}",
		"A: \"\\L\\N\\x85 \\0\"\nB: |\n  lit\n  eral\nC: >\n  fold\n",
		"? [a, b]\n: c\n",
		"A: 1\n---\nB: 2\n",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		if len(data) > maxFuzzInput {
			return
		}
		doc, err := decodeBounded(t, data, defaultBudget)
		if err != nil {
			return
		}
		if n, limit := valueCount(doc), 2*len(data)+2; n > limit {
			t.Fatalf("%d input bytes decoded to %d values (limit %d): something expanded", len(data), n, limit)
		}
		out, err := EncodeYAML(doc)
		if err != nil {
			t.Fatalf("a decoded document does not encode: %v", err)
		}
		back, err := DecodeYAML(out)
		if err != nil {
			t.Fatalf("the YAML output does not decode: %v\n%s", err, out)
		}
		if !reflect.DeepEqual(back, doc) {
			t.Fatalf("the YAML output reads back as another document:\n%s", out)
		}
		var v11 any
		if err := yaml11.Unmarshal(out, &v11); err != nil {
			t.Fatalf("a YAML 1.1 reader cannot read the output: %v\n%s", err, out)
		}
		if err := sameIn11(doc, v11, ""); err != nil {
			t.Fatalf("a YAML 1.1 reader reads the output differently: %v\n%s", err, out)
		}
	})
}

// sameIn11 compares a document with what yaml.v2 (YAML 1.1) read from its
// YAML output: the same strings, booleans, nulls and keys, and a number
// where the document has one (yaml.v2 gives int or float64, not the text).
func sameIn11(ours, theirs any, at string) error {
	switch o := ours.(type) {
	case map[string]any:
		m, ok := theirs.(map[any]any)
		if !ok {
			if len(o) == 0 && theirs == nil {
				return nil
			}
			return fmt.Errorf("%s: an object read as %#v", at, theirs)
		}
		if len(m) != len(o) {
			return fmt.Errorf("%s: %d keys read as %d", at, len(o), len(m))
		}
		for k, v := range o {
			tv, ok := m[k]
			if !ok {
				return fmt.Errorf("%s: key %q not read as that string", at, k)
			}
			if err := sameIn11(v, tv, at+"."+k); err != nil {
				return err
			}
		}
	case []any:
		l, ok := theirs.([]any)
		if !ok || len(l) != len(o) {
			return fmt.Errorf("%s: a list of %d read as %#v", at, len(o), theirs)
		}
		for i := range o {
			if err := sameIn11(o[i], l[i], fmt.Sprintf("%s[%d]", at, i)); err != nil {
				return err
			}
		}
	case json.Number:
		switch theirs.(type) {
		case int, int64, uint64, float64:
		default:
			return fmt.Errorf("%s: the number %s read as %#v", at, o, theirs)
		}
	default: // string, bool, nil
		if ours != theirs {
			return fmt.Errorf("%s: %#v read as %#v", at, ours, theirs)
		}
	}
	return nil
}
