package verify

import (
	"slices"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	apigwtypes "github.com/aws/aws-sdk-go-v2/service/apigateway/types"

	"github.com/quiltdata/quilt-private-endpoints/internal/apideny/apidenytest"
)

func TestParsePolicy(t *testing.T) {
	for _, tc := range []struct {
		name, raw string
		ok        bool
	}{
		{"as API Gateway returns it", `{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Deny\",\"Resource\":\"arn:aws:execute-api:us-east-1:1:a\/*\"}]}`, true},
		{"plain JSON", `{"Version":"2012-10-17","Statement":[]}`, true},
		{"garbage", `{\"Version\":`, false},
		{"not an object", `[1,2]`, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			doc, err := parsePolicy(tc.raw)
			if (err == nil) != tc.ok {
				t.Fatalf("err = %v, want ok=%v", err, tc.ok)
			}
			if tc.ok && doc["Version"] != "2012-10-17" {
				t.Errorf("doc = %v", doc)
			}
		})
	}
	doc, _ := parsePolicy(`{\"Statement\":{\"Resource\":\"arn:aws:execute-api:us-east-1:1:a\/*\"}}`)
	if r := statements(doc)[0]["Resource"]; r != "arn:aws:execute-api:us-east-1:1:a/*" {
		t.Errorf("escaped slash not undone: %v", r)
	}
}

// TestVpceDenies: QPE-VF-022 judges each Deny with the macro's predicate
// (apideny): every narrow variant is reported, every good one accepted.
func TestVpceDenies(t *testing.T) {
	st := &state{in: Input{Region: apidenytest.Region},
		stackID: "arn:aws:cloudformation:us-east-1:" + apidenytest.Account + ":stack/quilt/x"}
	a := &apiState{res: res{logical: "Api", physical: apidenytest.APIID}, api: &apigwtypes.RestApi{Id: aws.String(apidenytest.APIID)},
		wantEndpoint: apidenytest.Endpoint}
	allow := `{"Effect":"Allow","Principal":"*","Action":"execute-api:Invoke","Resource":"*"}`
	for _, c := range apidenytest.Cases() {
		if c.TemplateOnly {
			continue
		}
		t.Run(c.Name, func(t *testing.T) {
			// As API Gateway returns it: escaped once more than JSON needs.
			raw := strings.ReplaceAll(strings.ReplaceAll(`{"Version":"2012-10-17","Statement":[`+allow+`,`+c.JSON()+`]}`, `"`, `\"`), "/", `\/`)
			a.api.Policy = aws.String(raw)
			doc, err := parsePolicy(raw)
			if err != nil {
				t.Fatal(err)
			}
			whole := false
			for _, d := range vpceDenies(doc, st.apiTarget(a)) {
				whole = whole || d.whole
			}
			if whole != c.Protects {
				t.Errorf("whole = %v, want %v", whole, c.Protects)
			}
			st.apis = []*apiState{a}
			got := checkAPIPolicy().Run(st)
			if (len(got) == 0) != c.Protects {
				t.Errorf("QPE-VF-022 findings %v, want none: %v", got, c.Protects)
			}
		})
	}
	// A single statement object, as IAM allows.
	doc, _ := parsePolicy(`{"Statement":{"Effect":"Deny","Principal":"*","Action":"*","Resource":"*","Condition":{"StringNotEquals":{"aws:SourceVpce":"vpce-1"}}}}`)
	if d := vpceDenies(doc, st.apiTarget(a)); len(d) != 1 || !d[0].whole || !slices.Equal(d[0].endpoints, []string{"vpce-1"}) {
		t.Errorf("single statement: %+v", d)
	}
}

func TestStaleAfter(t *testing.T) {
	for expr, want := range map[string]string{
		"rate(5 minutes)": "1h0m0s", "rate(1 hour)": "3h0m0s", "rate(2 days)": "144h0m0s",
		"rate(0 minute)": "24h0m0s", "cron(0 * * * ? *)": "24h0m0s", "": "24h0m0s",
	} {
		if got := staleAfter(expr).String(); got != want {
			t.Errorf("staleAfter(%q) = %s, want %s", expr, got, want)
		}
	}
}

// TestAPIReachable: the resource policy is evaluated for an anonymous call
// through the expected endpoint; policies it cannot stand for are not judged.
func TestAPIReachable(t *testing.T) {
	const vpce = "vpce-0123456789abcdef0"
	allow := `{"Effect":"Allow","Principal":"*","Action":"execute-api:Invoke","Resource":"execute-api:/*"}`
	deny := `{"Effect":"Deny","Principal":"*","Action":"execute-api:Invoke","Resource":"execute-api:/*","Condition":{"StringNotEquals":{"aws:SourceVpce":"` + vpce + `"}}}`
	for _, tc := range []struct {
		name, statements, want string
	}{
		{"allow and deny", allow + "," + deny, ""},
		{"AWS star principal", `{"Effect":"Allow","Principal":{"AWS":"*"},"Action":"execute-api:*","Resource":"arn:aws:execute-api:us-east-1:123456789012:api1/*/GET/*"},` + deny, ""},
		{"allow only from the endpoint", `{"Effect":"Allow","Principal":"*","Action":"execute-api:Invoke","Resource":"execute-api:/*","Condition":{"StringEquals":{"aws:SourceVpce":"` + vpce + `"}}}`, ""},
		{"deny only", deny, "no Allow statement"},
		{"allow from another endpoint only", `{"Effect":"Allow","Principal":"*","Action":"execute-api:Invoke","Resource":"execute-api:/*","Condition":{"StringEquals":{"aws:SourceVpce":"vpce-1"}}},` + deny, "no Allow statement"},
		{"allow of another API", `{"Effect":"Allow","Principal":"*","Action":"execute-api:Invoke","Resource":"arn:aws:execute-api:us-east-1:123456789012:other/*"},` + deny, "no Allow statement"},
		{"unconditional deny", allow + "," + deny + `,{"Sid":"Off","Effect":"Deny","Principal":"*","Action":"*","Resource":"*"}`, "denied by Off"},
		{"deny names another endpoint: QPE-VF-022's", allow + "," + strings.ReplaceAll(deny, vpce, "vpce-1"), ""},
		{"allow for a named role: not judged", `{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::123456789012:role/r"},"Action":"execute-api:Invoke","Resource":"execute-api:/*"},` + deny, ""},
		{"allow on an unknown key: not judged", `{"Effect":"Allow","Principal":"*","Action":"execute-api:Invoke","Resource":"execute-api:/*","Condition":{"IpAddress":{"aws:VpcSourceIp":"10.0.0.0/8"}}},` + deny, ""},
		{"stack ARN unknown: not judged", "", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			st := &state{in: Input{Region: "us-east-1"}, stackID: "arn:aws:cloudformation:us-east-1:123456789012:stack/quilt/x", vpcID: "vpc-1"}
			if tc.statements == "" {
				st.stackID, tc.statements = "", deny
			}
			a := &apiState{res: res{logical: "Api", physical: "api1"}, api: &apigwtypes.RestApi{Id: aws.String("api1")}}
			got := st.apiReachable(a, `{"Version":"2012-10-17","Statement":[`+tc.statements+`]}`, vpce)
			if (tc.want == "") != (got == "") || !strings.Contains(got, tc.want) {
				t.Errorf("got %q, want %q", got, tc.want)
			}
		})
	}
}
