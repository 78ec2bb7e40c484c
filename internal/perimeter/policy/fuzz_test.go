package policy

import (
	"strings"
	"testing"
)

// FuzzEvaluate feeds arbitrary policies and requests to Parse and Evaluate:
// they may return errors but must never panic, and a successful evaluation
// always carries one of the two decisions.
func FuzzEvaluate(f *testing.F) {
	f.Add(`{"Version":"2012-10-17","Statement":{"Effect":"Deny","Action":"s3:*","Resource":["arn:aws:s3:::quilt*","arn:aws:s3:::quilt*/*"],"Condition":{"BoolIfExists":{"aws:ViaAWSService":"false"},"NotIpAddressIfExists":{"aws:SourceIp":["192.0.2.0/24"]},"StringNotEqualsIfExists":{"aws:SourceVpc":["vpc-1"],"aws:PrincipalTag/NetworkRestrictedExempt":"true"}}}}`,
		"s3:GetObject", "arn:aws:s3:::quilt-b/k", "aws:SourceIp=198.51.100.1")
	f.Add(`{"Statement":[{"Effect":"Allow","Principal":{"AWS":"111122223333"},"NotAction":"es:ES*","NotResource":"arn:*:s3:::x?","Condition":{"ForAllValues:StringLike":{"aws:TagKeys":["a*"]},"Null":{"k":"true"}}}]}`,
		"ES:x", "*", "aws:TagKeys=ab;aws:TagKeys=ac;aws:PrincipalArn=arn:aws:iam::111122223333:root")
	f.Add(`{"Version":"2012-10-17","Statement":{"Effect":"Deny","Action":"*","Resource":"arn:aws:s3:::${aws:username}/*","Condition":{"DateLessThan":{"aws:CurrentTime":"2020-01-01"},"NumericEquals":{"n":1},"IpAddress":{"ip":"2001:db8::/32"}}}}`,
		"s3:PutObject", "arn:aws:s3:::alice/k", "aws:username=alice;aws:CurrentTime=1600000000;n=1.0;ip=2001:db8::1")
	f.Fuzz(func(t *testing.T, doc, action, resource, ctx string) {
		p, err := Parse([]byte(doc))
		if err != nil {
			return
		}
		context := map[string][]string{}
		for _, kv := range strings.Split(ctx, ";") {
			if k, v, ok := strings.Cut(kv, "="); ok {
				context[k] = append(context[k], v)
			}
		}
		res, err := Evaluate(p, Request{Action: action, Resource: resource, Context: context})
		if err != nil {
			return
		}
		if res.Decision != Denied && res.Decision != NotDenied {
			t.Fatalf("decision %q", res.Decision)
		}
		if res.Decision == Denied && res.Statement == "" {
			t.Fatal("a denial without a statement")
		}
	})
}
