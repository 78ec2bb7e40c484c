package template

import (
	"strings"
	"testing"
)

// TestLocate: the position of a resource, a property and an output in the
// same template written as YAML and as JSON.
func TestLocate(t *testing.T) {
	yamlSrc := "AWSTemplateFormatVersion: '2010-09-09'\n" +
		"Resources:\n" +
		"  Api:\n" +
		"    Type: AWS::ApiGateway::RestApi\n" +
		"    Properties:\n" +
		"      Name: !Sub '${AWS::StackName}'\n" +
		"      Policy:\n" +
		"        Statement: []\n" +
		"  Fn:\n" +
		"    Type: AWS::Lambda::Function\n" +
		"Outputs:\n" +
		"  Url: {Value: x}\n"
	jsonSrc := "{\n" +
		"  \"Resources\": {\n" +
		"    \"Api\": {\n" +
		"      \"Type\": \"AWS::ApiGateway::RestApi\",\n" +
		"      \"Properties\": {\"Name\": {\"Fn::Sub\": \"${AWS::StackName}\"}, \"Tags\": [{\"Key\": \"a\"}],\n" +
		"        \"Policy\": {\"Statement\": []}}\n" +
		"    },\n" +
		"    \"Fn\": {\"Type\": \"AWS::Lambda::Function\"}\n" +
		"  },\n" +
		"  \"Outputs\": {\"Url\": {\"Value\": \"x\"}}\n" +
		"}\n"
	for _, tc := range []struct {
		name, src string
		want      map[string]Position
	}{
		{"yaml", yamlSrc, map[string]Position{
			"Resources/Api": {3, 3}, "Resources/Api/Properties/Policy": {7, 7}, "Resources/Fn": {9, 3},
			"Outputs/Url": {12, 3}, "Resources/Api/Properties/Policy/Statement": {7, 7}, "Resources/Nope": {2, 1},
		}},
		{"json", jsonSrc, map[string]Position{
			"Resources/Api": {3, 5}, "Resources/Api/Properties/Policy": {6, 9}, "Resources/Fn": {8, 5},
			"Outputs/Url": {10, 15}, "Resources/Api/Properties/Tags": {5, 64}, "Resources/Nope": {2, 3},
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p, err := Locate([]byte(tc.src))
			if err != nil {
				t.Fatal(err)
			}
			for path, want := range tc.want {
				got, ok := p.Of(splitPath(path)...)
				if !ok || got != want {
					t.Errorf("%s: got %+v (%v), want %+v", path, got, ok, want)
				}
			}
		})
	}
	if _, err := Locate([]byte("{\"Resources\": ")); err == nil {
		t.Error("truncated JSON: want an error")
	}
}

func splitPath(p string) []string {
	var out []string
	start := 0
	for i := 0; i <= len(p); i++ {
		if i == len(p) || p[i] == '/' {
			out = append(out, p[start:i])
			start = i + 1
		}
	}
	return out
}

// TestTabInYAML: a tab in the indentation is named as such, with its line
// (yaml.v3 says only "found character that cannot start any token").
func TestTabInYAML(t *testing.T) {
	for _, tc := range []struct {
		src     string
		wantTab bool
	}{
		{"Resources:\n\tA:\n    Type: X\n", true},
		{"Resources:\n  A:\n    Type: X\n    Properties:\n\t  P: 1\n", true},
		{"Resources:\n  A: [\n", false},
	} {
		_, err := Decode([]byte(tc.src))
		if err == nil {
			t.Fatalf("%q: want an error", tc.src)
		}
		if got := strings.Contains(err.Error(), "a tab character in the indentation"); got != tc.wantTab {
			t.Errorf("%q: %v; want tab named %v", tc.src, err, tc.wantTab)
		}
	}
}
