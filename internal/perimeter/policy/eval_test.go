package policy

import (
	"strings"
	"testing"
)

func mustParse(t *testing.T, doc string) *Policy {
	t.Helper()
	p, err := Parse([]byte(doc))
	if err != nil {
		t.Fatalf("Parse: %v", err)
	}
	return p
}

func TestActionAndResourceElements(t *testing.T) {
	p := mustParse(t, `{
	  "Version": "2012-10-17",
	  "Statement": [
	    {"Sid": "NotActionAll", "Effect": "Deny", "NotAction": ["es:ES*", "dax:GetItem", "rds-db:connect"], "Resource": "*",
	     "Condition": {"StringEquals": {"test:case": "notaction"}}},
	    {"Sid": "S3Prefix", "Effect": "Deny", "Action": ["s3:Get*", "s3:List?ucket"], "Resource": ["arn:aws:s3:::quilt*", "arn:aws:s3:::quilt*/*"],
	     "Condition": {"StringEquals": {"test:case": "s3"}}},
	    {"Sid": "NotResource", "Effect": "Deny", "Action": "s3:*", "NotResource": "arn:aws:s3:::keep-*",
	     "Condition": {"StringEquals": {"test:case": "notresource"}}}
	  ]}`)
	cases := []struct {
		name, testCase, action, resource string
		want                             Decision
		statement                        string
	}{
		{"NotAction denies other actions", "notaction", "s3:GetObject", "arn:aws:s3:::x/y", Denied, "NotActionAll"},
		{"NotAction exempts listed action", "notaction", "dax:GetItem", "*", NotDenied, ""},
		{"NotAction exempts wildcard", "notaction", "es:ESHttpGet", "*", NotDenied, ""},
		{"NotAction case-insensitive", "notaction", "ES:eshttpget", "*", NotDenied, ""},
		{"NotAction ? is one char", "notaction", "rds-db:connects", "*", Denied, "NotActionAll"},
		{"Action wildcard", "s3", "s3:GetObjectVersion", "arn:aws:s3:::quilt-data/k", Denied, "S3Prefix"},
		{"Action case-insensitive", "s3", "S3:GETOBJECT", "arn:aws:s3:::quilt-data/k", Denied, "S3Prefix"},
		{"Action question mark", "s3", "s3:ListBucket", "arn:aws:s3:::quilt-data", Denied, "S3Prefix"},
		{"Action not covered", "s3", "s3:PutObject", "arn:aws:s3:::quilt-data/k", NotDenied, ""},
		{"Resource other bucket", "s3", "s3:GetObject", "arn:aws:s3:::data-quilt/k", NotDenied, ""},
		{"Resource case-sensitive", "s3", "s3:GetObject", "arn:aws:s3:::Quilt-data/k", NotDenied, ""},
		{"Resource other partition", "s3", "s3:GetObject", "arn:aws-cn:s3:::quilt-data/k", NotDenied, ""},
		{"NotResource denies others", "notresource", "s3:GetObject", "arn:aws:s3:::other/k", Denied, "NotResource"},
		{"NotResource exempts listed", "notresource", "s3:GetObject", "arn:aws:s3:::keep-me/k", NotDenied, ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			res, err := Evaluate(p, Request{Action: tc.action, Resource: tc.resource, Context: map[string][]string{"test:case": {tc.testCase}}})
			if err != nil {
				t.Fatal(err)
			}
			if res.Decision != tc.want {
				t.Fatalf("decision = %s, want %s: %s", res.Decision, tc.want, res.Reason)
			}
			if tc.want == Denied && res.Statement != tc.statement {
				t.Errorf("statement = %q, want %q", res.Statement, tc.statement)
			}
		})
	}
}

func TestDecidingStatementAndCondition(t *testing.T) {
	p := mustParse(t, `{"Version":"2012-10-17","Statement":[
	  {"Effect":"Deny","Action":"s3:*","Resource":"arn:aws:s3:::quilt*","Condition":{
	    "BoolIfExists":{"aws:ViaAWSService":"false"},
	    "StringNotEqualsIfExists":{"aws:SourceVpc":["vpc-1","vpc-2"]}}}]}`)

	res, err := Evaluate(p, Request{Action: "s3:GetObject", Resource: "arn:aws:s3:::quilt-b/k", Context: map[string][]string{"aws:SourceVpc": {"vpc-2"}}})
	if err != nil {
		t.Fatal(err)
	}
	if res.Decision != NotDenied || res.Statement != "Statement[0]" {
		t.Fatalf("got %s by %q", res.Decision, res.Statement)
	}
	want := `StringNotEqualsIfExists {"aws:SourceVpc": ["vpc-1","vpc-2"]} is false: aws:SourceVpc "vpc-2" matches "vpc-2"`
	if res.Condition != want {
		t.Errorf("condition =\n%s\nwant\n%s", res.Condition, want)
	}

	res, err = Evaluate(p, Request{Action: "s3:GetObject", Resource: "arn:aws:s3:::quilt-b/k", Context: map[string][]string{"aws:SourceIp": {"198.51.100.1"}}})
	if err != nil {
		t.Fatal(err)
	}
	if res.Decision != Denied {
		t.Fatalf("got %s", res.Decision)
	}
	for _, part := range []string{"BoolIfExists", "aws:ViaAWSService is missing", "StringNotEqualsIfExists", "aws:SourceVpc is missing"} {
		if !strings.Contains(res.Condition, part) {
			t.Errorf("condition %q lacks %q", res.Condition, part)
		}
	}

	res, err = Evaluate(p, Request{Action: "ec2:RunInstances", Resource: "*"})
	if err != nil {
		t.Fatal(err)
	}
	if res.Decision != NotDenied || res.Statement != "" || res.Condition != "" {
		t.Errorf("uncovered action: %+v", res)
	}
	if !strings.Contains(res.Reason, "no Deny statement covers ec2:RunInstances") {
		t.Errorf("reason = %q", res.Reason)
	}
}

func TestUnconditionalDenyAndAllow(t *testing.T) {
	p := mustParse(t, `{"Statement":[
	  {"Sid":"AllowRead","Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111122223333:role/reader"},"Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*"},
	  {"Sid":"DenyDelete","Effect":"Deny","Principal":"*","Action":"s3:DeleteObject","Resource":"arn:aws:s3:::b/*"}]}`)
	if !p.IsResourcePolicy() {
		t.Fatal("a policy with Principal is a resource policy")
	}
	res, err := Evaluate(p, Request{Action: "s3:GetObject", Resource: "arn:aws:s3:::b/k", Principal: "arn:aws:sts::111122223333:assumed-role/reader/session-1"})
	if err != nil {
		t.Fatal(err)
	}
	if res.Decision != NotDenied || !res.AllowMatched || res.AllowStatement != "AllowRead" {
		t.Errorf("read by the session of the role: %+v", res)
	}
	res, err = Evaluate(p, Request{Action: "s3:DeleteObject", Resource: "arn:aws:s3:::b/k", Principal: "arn:aws:iam::444455556666:user/x"})
	if err != nil {
		t.Fatal(err)
	}
	if res.Decision != Denied || res.Statement != "DenyDelete" || !strings.Contains(res.Condition, "unconditionally") {
		t.Errorf("delete: %+v", res)
	}
}

func TestPrincipalMatching(t *testing.T) {
	cases := []struct {
		name, principal, who string
		want                 bool
	}{
		{"star", `"*"`, "", true},
		{"AWS star", `{"AWS":"*"}`, "arn:aws:iam::111122223333:role/r", true},
		{"AWS star not a service", `{"AWS":"*"}`, "s3.amazonaws.com", false},
		{"exact role", `{"AWS":"arn:aws:iam::111122223333:role/r"}`, "arn:aws:iam::111122223333:role/r", true},
		{"other role", `{"AWS":"arn:aws:iam::111122223333:role/r"}`, "arn:aws:iam::111122223333:role/q", false},
		{"session of role", `{"AWS":"arn:aws:iam::111122223333:role/r"}`, "arn:aws:sts::111122223333:assumed-role/r/s", true},
		{"account id", `{"AWS":"111122223333"}`, "arn:aws:iam::111122223333:user/u", true},
		{"account root", `{"AWS":["arn:aws:iam::111122223333:root"]}`, "arn:aws:iam::111122223333:user/u", true},
		{"other account", `{"AWS":"111122223333"}`, "arn:aws:iam::444455556666:user/u", false},
		{"service", `{"Service":"cloudtrail.amazonaws.com"}`, "cloudtrail.amazonaws.com", true},
		{"service other", `{"Service":"cloudtrail.amazonaws.com"}`, "logging.s3.amazonaws.com", false},
		{"unknown caller", `{"AWS":"111122223333"}`, "", false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			p := mustParse(t, `{"Statement":{"Effect":"Deny","Principal":`+tc.principal+`,"Action":"s3:*","Resource":"*"}}`)
			res, err := Evaluate(p, Request{Action: "s3:GetObject", Resource: "arn:aws:s3:::b/k", Principal: tc.who})
			if err != nil {
				t.Fatal(err)
			}
			if got := res.Decision == Denied; got != tc.want {
				t.Errorf("matched = %v, want %v", got, tc.want)
			}
			// NotPrincipal inverts.
			np := mustParse(t, `{"Statement":{"Effect":"Deny","NotPrincipal":`+tc.principal+`,"Action":"s3:*","Resource":"*"}}`)
			res, err = Evaluate(np, Request{Action: "s3:GetObject", Resource: "arn:aws:s3:::b/k", Principal: tc.who})
			if err != nil {
				t.Fatal(err)
			}
			if got := res.Decision == Denied; got == tc.want {
				t.Errorf("NotPrincipal matched = %v, want %v", got, !tc.want)
			}
		})
	}
}

func TestPrincipalFromContext(t *testing.T) {
	p := mustParse(t, `{"Statement":{"Effect":"Deny","Principal":{"AWS":"111122223333"},"Action":"s3:*","Resource":"*"}}`)
	res, err := Evaluate(p, Request{Action: "s3:GetObject", Resource: "*", Context: map[string][]string{"AWS:PrincipalArn": {"arn:aws:iam::111122223333:role/x"}}})
	if err != nil {
		t.Fatal(err)
	}
	if res.Decision != Denied {
		t.Errorf("aws:PrincipalArn from the context should name the principal: %+v", res)
	}
}

func TestParseErrors(t *testing.T) {
	cases := []struct{ name, doc, want string }{
		{"not JSON", `{"Statement": [`, "policy:"},
		{"trailing", `{"Statement":{"Effect":"Deny","Action":"*","Resource":"*"}} {}`, "trailing data"},
		{"array", `[]`, "must be a JSON object"},
		{"no statement", `{"Version":"2012-10-17"}`, "no Statement"},
		{"empty statements", `{"Statement":[]}`, "no Statement"},
		{"bad version", `{"Version":"2012-10-18","Statement":{"Effect":"Deny","Action":"*","Resource":"*"}}`, "Version must be"},
		{"unknown top", `{"Statements":[]}`, "unknown top-level element \"Statements\""},
		{"bad effect", `{"Statement":{"Effect":"deny","Action":"*","Resource":"*"}}`, "Effect must be"},
		{"no effect", `{"Statement":{"Action":"*","Resource":"*"}}`, "missing Effect"},
		{"no action", `{"Statement":{"Effect":"Deny","Resource":"*"}}`, "missing Action or NotAction"},
		{"both actions", `{"Statement":{"Effect":"Deny","Action":"*","NotAction":"s3:*","Resource":"*"}}`, "both Action and NotAction"},
		{"no resource", `{"Statement":{"Effect":"Deny","Action":"*"}}`, "missing Resource or NotResource"},
		{"bad action", `{"Statement":{"Effect":"Deny","Action":"GetObject","Resource":"*"}}`, "not of the form service:Action"},
		{"bad resource", `{"Statement":{"Effect":"Deny","Action":"*","Resource":"quilt*"}}`, "neither \"*\" nor an ARN"},
		{"typo element", `{"Statement":{"Sid":"S","Effect":"Deny","Action":"*","Resource":"*","Condtion":{}}}`, "Statement[0] (Sid \"S\"): unknown element \"Condtion\""},
		{"duplicate key", `{"Statement":{"Effect":"Deny","Effect":"Allow","Action":"*","Resource":"*"}}`, "duplicate key \"Effect\""},
		{"duplicate sid", `{"Statement":[{"Sid":"A","Effect":"Deny","Action":"*","Resource":"*"},{"Sid":"A","Effect":"Deny","Action":"*","Resource":"*"}]}`, "share the Sid"},
		{"bad principal", `{"Statement":{"Effect":"Deny","Principal":"arn:aws:iam::1:root","Action":"*","Resource":"*"}}`, "string principal must be"},
		{"principal type", `{"Statement":{"Effect":"Deny","Principal":{"User":"x"},"Action":"*","Resource":"*"}}`, "unknown principal type"},
		{"condition shape", `{"Statement":{"Effect":"Deny","Action":"*","Resource":"*","Condition":{"StringEquals":"x"}}}`, "non-empty object"},
		{"action list of numbers", `{"Statement":{"Effect":"Deny","Action":[1],"Resource":"*"}}`, "expected strings"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Parse([]byte(tc.doc))
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("Parse error = %v, want %q", err, tc.want)
			}
		})
	}
}

func TestRequestErrors(t *testing.T) {
	p := mustParse(t, `{"Statement":{"Effect":"Deny","Action":"*","Resource":"*"}}`)
	cases := []struct {
		name string
		r    Request
		want string
	}{
		{"no action", Request{Resource: "*"}, "no action"},
		{"wildcard action", Request{Action: "s3:*", Resource: "*"}, "without wildcards"},
		{"action without service", Request{Action: "GetObject", Resource: "*"}, "service:Action"},
		{"no resource", Request{Action: "s3:GetObject"}, "no resource"},
		{"bad resource", Request{Action: "s3:GetObject", Resource: "quilt-bucket"}, "not an ARN"},
		{"empty key", Request{Action: "s3:GetObject", Resource: "*", Context: map[string][]string{" ": {"x"}}}, "context key is empty"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if _, err := Evaluate(p, tc.r); err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("error = %v, want %q", err, tc.want)
			}
		})
	}
}

func TestGlobMatch(t *testing.T) {
	cases := []struct {
		pattern, s string
		want       bool
	}{
		{"", "", true},
		{"*", "", true},
		{"a*", "abc", true},
		{"a*c", "abbbc", true},
		{"a*c", "abbbd", false},
		{"*a*b*c*", "xaxbxcx", true},
		{"a?c", "abc", true},
		{"a?c", "ac", false},
		{"a?c", "aéc", true},
		{"**", "x", true},
		{"abc", "abcd", false},
	}
	for _, tc := range cases {
		if got := globMatch(tc.pattern, tc.s); got != tc.want {
			t.Errorf("globMatch(%q, %q) = %v, want %v", tc.pattern, tc.s, got, tc.want)
		}
	}
}

func TestPrincipalArnFromPrincipal(t *testing.T) {
	p := mustParse(t, `{"Statement":{"Effect":"Deny","Action":"*","Resource":"*","Condition":{"ArnNotLike":{"aws:PrincipalArn":"arn:aws:iam::*:role/admin"}}}}`)
	for who, want := range map[string]Decision{
		"arn:aws:sts::111122223333:assumed-role/admin/s": NotDenied,
		"arn:aws:iam::111122223333:role/admin":           NotDenied,
		"arn:aws:sts::111122223333:assumed-role/dev/s":   Denied,
		"arn:aws:iam::111122223333:user/admin":           Denied,
	} {
		res, err := Evaluate(p, Request{Action: "s3:GetObject", Resource: "*", Principal: who})
		if err != nil {
			t.Fatal(err)
		}
		if res.Decision != want {
			t.Errorf("%s: %s, want %s", who, res.Decision, want)
		}
	}
}

// TestServicePrincipal: a policy without Principal (an SCP) never applies to
// an AWS service principal, and a service principal carries
// aws:PrincipalIsAWSService=true (an IAM caller false) even when the request
// does not list the key, as IAM sets it in every request.
func TestServicePrincipal(t *testing.T) {
	scp := mustParse(t, `{"Version":"2012-10-17","Statement":{"Sid":"S","Effect":"Deny","Action":"s3:*","Resource":"*",
	  "Condition":{"StringNotEqualsIfExists":{"aws:SourceVpc":"vpc-1"}}}}`)
	bucket := mustParse(t, `{"Version":"2012-10-17","Statement":{"Sid":"B","Effect":"Deny","Principal":"*","Action":"s3:*","Resource":"*",
	  "Condition":{"BoolIfExists":{"aws:PrincipalIsAWSService":"false"},"StringNotEqualsIfExists":{"aws:SourceVpc":"vpc-1"}}}}`)
	cases := []struct {
		name      string
		p         *Policy
		principal string
		ctx       map[string][]string
		want      Decision
		reason    string
	}{
		{"SCP: service principal is not subject", scp, "logging.s3.amazonaws.com", nil, NotDenied, "never apply to the AWS service principal"},
		{"SCP: IAM role is subject", scp, "arn:aws:iam::111122223333:role/r", nil, Denied, "denies"},
		{"SCP: unknown caller is subject", scp, "", nil, Denied, "denies"},
		{"bucket: service principal exempt without context", bucket, "logging.s3.amazonaws.com", nil, NotDenied, "aws:PrincipalIsAWSService is false"},
		{"bucket: IAM role gets PrincipalIsAWSService false", bucket, "arn:aws:iam::111122223333:role/r", nil, Denied, "denies"},
		{"bucket: explicit context wins", bucket, "logging.s3.amazonaws.com", map[string][]string{"aws:principalisawsservice": {"false"}}, Denied, "denies"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			res, err := Evaluate(tc.p, Request{Action: "s3:PutObject", Resource: "arn:aws:s3:::b/k", Principal: tc.principal, Context: tc.ctx})
			if err != nil {
				t.Fatal(err)
			}
			if res.Decision != tc.want || !strings.Contains(res.Reason, tc.reason) {
				t.Fatalf("%s (%s), want %s with %q", res.Decision, res.Reason, tc.want, tc.reason)
			}
		})
	}
}
