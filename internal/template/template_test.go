package template

import (
	"encoding/json"
	"reflect"
	"testing"
)

func TestDecodeYAMLShortForm(t *testing.T) {
	src := `
AWSTemplateFormatVersion: 2010-09-09
Parameters:
  N: {Type: Number, Default: 3}
Resources:
  Fn:
    Type: AWS::Lambda::Function
    Properties:
      Role: !GetAtt Role.Arn
      Timeout: 30
      Flag: yes
      Env: !Sub 'https://${Api}.execute-api.${AWS::Region}.amazonaws.com'
      Subnets: !Ref Subnets
      Cfg: !If [C, !Ref AWS::NoValue, {A: 1.50}]
      Types: [!FindInMap [M, !Ref AWS::Partition, T]]
      Cond: !Condition IsProd
      Empty:
`
	got, err := DecodeYAML([]byte(src))
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]any{
		"AWSTemplateFormatVersion": "2010-09-09",
		"Parameters":               map[string]any{"N": map[string]any{"Type": "Number", "Default": json.Number("3")}},
		"Resources": map[string]any{"Fn": map[string]any{
			"Type": "AWS::Lambda::Function",
			"Properties": map[string]any{
				"Role":    map[string]any{"Fn::GetAtt": []any{"Role", "Arn"}},
				"Timeout": json.Number("30"),
				"Flag":    "yes",
				"Env":     map[string]any{"Fn::Sub": "https://${Api}.execute-api.${AWS::Region}.amazonaws.com"},
				"Subnets": map[string]any{"Ref": "Subnets"},
				"Cfg":     map[string]any{"Fn::If": []any{"C", map[string]any{"Ref": "AWS::NoValue"}, map[string]any{"A": json.Number("1.50")}}},
				"Types":   []any{map[string]any{"Fn::FindInMap": []any{"M", map[string]any{"Ref": "AWS::Partition"}, "T"}}},
				"Cond":    map[string]any{"Condition": "IsProd"},
				"Empty":   nil,
			},
		}},
	}
	if !reflect.DeepEqual(got, want) {
		a, _ := EncodeJSON(got, true)
		b, _ := EncodeJSON(want, true)
		t.Fatalf("got\n%s\nwant\n%s", a, b)
	}
}

func TestRoundTrips(t *testing.T) {
	src := []byte(`{"Resources":{"A":{"Properties":{"Big":1763112382,"L":[true,null,"007"],"N":1.50,"S":"<&>"},"Type":"X"}}}`)
	doc, err := DecodeJSON(src)
	if err != nil {
		t.Fatal(err)
	}
	out, err := EncodeJSON(doc, false)
	if err != nil {
		t.Fatal(err)
	}
	if string(out) != string(src) {
		t.Fatalf("JSON round trip changed the text:\n%s\n%s", src, out)
	}
	y, err := EncodeYAML(doc)
	if err != nil {
		t.Fatal(err)
	}
	back, err := DecodeYAML(y)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(back, doc) {
		t.Fatalf("YAML round trip changed the document:\n%s", y)
	}
}

func TestDecodeErrors(t *testing.T) {
	for name, src := range map[string]string{
		"list":          `[1,2]`,
		"trailing":      `{"a":1} {}`,
		"duplicate":     "A: 1\nA: 2\n",
		"two documents": "Resources: {A: {Type: X}}\n---\nResources: {B: {Type: Y}}\n",
		"getatt":        "A: !GetAtt NoDot\n",
		"scalar":        "just a string\n",
	} {
		if _, err := Decode([]byte(src)); err == nil {
			t.Errorf("%s: want an error", name)
		}
	}
}

func TestIntrinsics(t *testing.T) {
	if r, a, ok := GetAtt(map[string]any{"Fn::GetAtt": "A.B.C"}); !ok || r != "A" || a != "B.C" {
		t.Fatalf("GetAtt string form: %q %q %v", r, a, ok)
	}
	if !IsNoValue(map[string]any{"Ref": "AWS::NoValue"}) {
		t.Fatal("IsNoValue")
	}
	if n, _, ok := Intrinsic(map[string]any{"Fn::Sub": "x"}); !ok || n != "Fn::Sub" {
		t.Fatal("Intrinsic")
	}
}
