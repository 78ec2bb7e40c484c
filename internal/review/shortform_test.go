package review

import (
	"encoding/json"
	"testing"
)

func TestShort(t *testing.T) {
	cases := []struct {
		name string
		in   string // JSON
		want string
	}{
		{"ref", `{"Ref":"Subnets"}`, `!Ref Subnets`},
		{"getatt list", `{"Fn::GetAtt":["ApiRole","Arn"]}`, `!GetAtt ApiRole.Arn`},
		{"getatt string", `{"Fn::GetAtt":"ApiRole.Arn"}`, `!GetAtt ApiRole.Arn`},
		{"sub", `{"Fn::Sub":"https://${Api}.execute-api.${AWS::Region}.amazonaws.com/prod"}`,
			`!Sub 'https://${Api}.execute-api.${AWS::Region}.amazonaws.com/prod'`},
		{"sub quote", `{"Fn::Sub":"it's"}`, `!Sub 'it''s'`},
		{"sub list", `{"Fn::Sub":["${A}-x",{"A":{"Ref":"B"}}]}`, `!Sub ['${A}-x', {A: !Ref B}]`},
		{"if", `{"Fn::If":["HasX",{"Ref":"X"},{"Ref":"AWS::NoValue"}]}`, `!If [HasX, !Ref X, !Ref AWS::NoValue]`},
		{"findinmap", `{"Fn::FindInMap":["PartitionConfig",{"Ref":"AWS::Partition"},"ApiGatewayType"]}`,
			`!FindInMap [PartitionConfig, !Ref AWS::Partition, ApiGatewayType]`},
		{"join", `{"Fn::Join":["",["s3://",{"Ref":"B"}]]}`, `!Join ['', [s3://, !Ref B]]`},
		{"condition", `{"Condition":"C"}`, `!Condition C`},
		{"list", `["PRIVATE"]`, `[PRIVATE]`},
		{"object sorted", `{"b":1,"a":"*"}`, `{a: '*', b: 1}`},
		{"number", `1024`, `1024`},
		{"bool", `true`, `true`},
		{"null", `null`, `null`},
		{"string true", `"true"`, `'true'`},
		{"empty", `""`, `''`},
		{"spaces", `"a b"`, `'a b'`},
		{"arn bare", `"arn:aws:iam::aws:policy/x"`, `arn:aws:iam::aws:policy/x`},
		{"two keys not intrinsic", `{"Ref":"A","Other":1}`, `{Other: 1, Ref: A}`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			dec := json.NewDecoder(stringsReader(c.in))
			dec.UseNumber()
			var v any
			if err := dec.Decode(&v); err != nil {
				t.Fatal(err)
			}
			if got := Short(v); got != c.want {
				t.Errorf("Short(%s) = %s, want %s", c.in, got, c.want)
			}
		})
	}
}
