package template

import (
	"reflect"
	"testing"
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
	})
}
