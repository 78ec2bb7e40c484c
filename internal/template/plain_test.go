package template

import (
	"fmt"
	"reflect"
	"sort"
	"strings"
	"testing"

	yaml3 "go.yaml.in/yaml/v3"
	// gopkg.in/yaml.v2 is unmaintained, but it is the one YAML 1.1 reader
	// in Go (yes/on/off booleans, 0123 octal, ~); CloudFormation reads YAML
	// 1.1. Test-only: no binary links it.
	yaml11 "gopkg.in/yaml.v2"
)

// misreadStrings are strings that some YAML reader reads, written plain, as
// something other than that string.
var misreadStrings = []string{
	// null
	"", "~", "null", "Null", "NULL",
	// YAML 1.1 and 1.2 booleans
	"y", "Y", "yes", "Yes", "YES", "n", "N", "no", "No", "NO", "true", "True", "TRUE", "false", "False", "FALSE",
	"on", "On", "ON", "off", "Off", "OFF",
	// integers: yaml.org/type/int examples, octal, hexadecimal, binary, sexagesimal, 1.2's 0o
	"685230", "+685_230", "02472256", "0123", "0x_0A_74_AE", "0x1F", "0b1010_0111_0100_1010_1110", "190:20:30", "12:30",
	"-0", "0", "+1", "1_000", "1_", "0o17", "007",
	// floats: yaml.org/type/float examples, 1.2 and the readers' forms
	"6.8523015e+5", "685.230_15e+03", "685_230.15", "190:20:30.15", "-.inf", ".inf", "+.INF", ".NaN", ".nan",
	"1e3", "1E3", "1.", ".5", "1.5", "-1.5e-3", "1.2.3",
	// timestamps: yaml.org/type/timestamp examples
	"2001-12-14t21:59:43.10-05:00", "2001-12-14 21:59:43.10 -5", "2001-12-15T02:59:43.1Z", "2001-12-15 2:59:43.10", "2002-12-14",
	"2001-01-01", "2010-09-09",
	// merge and value keys
	"<<", "=",
}

// plainStrings are strings every YAML reader reads as themselves.
var plainStrings = []string{
	"hello", "AWS::S3::Bucket", "Fn::GetAtt", "Arn", "1.64.2a", "v1.2.3", "2010-09-09x", "yess", "onn", "0x", "0xZ",
	"ab:cd", "a-b", "subnet-0123", "10.0.0.0/16", "arm64", "provided.al2023", "--", "_", "TRUEish", "nulls",
}

func TestReadsAsString(t *testing.T) {
	for _, s := range misreadStrings {
		if readsAsString(s) {
			t.Errorf("%q: readsAsString says a YAML reader reads it plain as a string", s)
		}
	}
	for _, s := range plainStrings {
		if !readsAsString(s) {
			t.Errorf("%q: readsAsString says it needs quotes", s)
		}
	}
}

// The table holds at least what each real reader misreads: every string
// that yaml.v2 (YAML 1.1) or go.yaml.in/yaml/v3 (YAML 1.2) reads plain as
// something else is quoted.
func TestReadsAsStringCoversTheReaders(t *testing.T) {
	for _, s := range append(append([]string{}, misreadStrings...), plainStrings...) {
		src := "v: " + s + "\n"
		var v11 map[string]any
		if err := yaml11.Unmarshal([]byte(src), &v11); err != nil {
			t.Fatalf("yaml.v2 %q: %v", src, err)
		}
		var v12 map[string]any
		if err := yaml3.Unmarshal([]byte(src), &v12); err != nil {
			t.Fatalf("yaml.v3 %q: %v", src, err)
		}
		if (v11["v"] != s || v12["v"] != s) && readsAsString(s) {
			t.Errorf("%q: yaml.v2 reads %#v, yaml.v3 reads %#v, but readsAsString says it is a string", s, v11["v"], v12["v"])
		}
	}
}

// roundTripDoc holds each string as a value, as a key and in a list, where
// render -o yaml writes them.
func roundTripDoc(strs []string) map[string]any {
	keys := map[string]any{}
	list := make([]any, 0, len(strs))
	for i, s := range strs {
		keys[s] = fmt.Sprint(i)
		list = append(list, s)
	}
	values := map[string]any{}
	for i, s := range strs {
		values[fmt.Sprintf("V%03d", i)] = s
	}
	return map[string]any{"Resources": map[string]any{"R": map[string]any{
		"Type":     "AWS::CloudFormation::WaitConditionHandle",
		"Metadata": map[string]any{"Keys": keys, "List": list, "Values": values},
	}}}
}

func TestEncodeYAMLReadsBackAsStringsInYAML11(t *testing.T) {
	strs := append(append([]string{}, misreadStrings...), plainStrings...)
	strs = append(strs, " leading", "trailing ", " both ", "\ttab", "a: b", "#c", "- x", "'q'", `"d"`, "line\nbreak", "x\n")
	doc := roundTripDoc(strs)
	out, err := EncodeYAML(doc)
	if err != nil {
		t.Fatal(err)
	}
	// YAML 1.1.
	var back any
	if err := yaml11.Unmarshal(out, &back); err != nil {
		t.Fatalf("yaml.v2 cannot read the output: %v\n%s", err, out)
	}
	md := back.(map[any]any)["Resources"].(map[any]any)["R"].(map[any]any)["Metadata"].(map[any]any)
	var bad []string
	for i, s := range strs {
		if got := md["Values"].(map[any]any)[fmt.Sprintf("V%03d", i)]; got != s {
			bad = append(bad, fmt.Sprintf("value %q read back as %#v", s, got))
		}
		if got := md["List"].([]any)[i]; got != s {
			bad = append(bad, fmt.Sprintf("list item %q read back as %#v", s, got))
		}
		if got, ok := md["Keys"].(map[any]any)[s]; !ok || got != fmt.Sprint(i) {
			bad = append(bad, fmt.Sprintf("key %q not read back as a string key", s))
		}
	}
	if len(bad) > 0 {
		sort.Strings(bad)
		t.Fatalf("a YAML 1.1 reader misreads the output:\n%s\n\n%s", strings.Join(bad, "\n"), out)
	}
	// YAML 1.2, and our own reader.
	var back12 map[string]any
	if err := yaml3.Unmarshal(out, &back12); err != nil {
		t.Fatal(err)
	}
	mine, err := DecodeYAML(out)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(mine, doc) || !reflect.DeepEqual(back12, doc) {
		t.Fatalf("a YAML 1.2 reader misreads the output:\n%s", out)
	}
}

// Numbers, booleans and nulls stay unquoted: only strings are quoted.
func TestEncodeYAMLLeavesScalarsPlain(t *testing.T) {
	doc, err := DecodeJSON([]byte(`{"A":1,"B":1.50,"C":true,"D":null,"E":"yes","F":"2010-09-09","G":200000000000000000000,"H":1E3,"I":-0}`))
	if err != nil {
		t.Fatal(err)
	}
	out, err := EncodeYAML(doc)
	if err != nil {
		t.Fatal(err)
	}
	want := "A: 1\nB: 1.50\nC: true\nD: null\nE: \"yes\"\nF: \"2010-09-09\"\nG: 200000000000000000000\nH: 1E3\nI: -0\n"
	if string(out) != want {
		t.Fatalf("got\n%s\nwant\n%s", out, want)
	}
}
