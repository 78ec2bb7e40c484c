package verify

import (
	"slices"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"

	"github.com/quiltdata/quilt-private-endpoints/internal/finding"
)

func checkAPIPolicy() finding.Check[*state] {
	c := finding.Check[*state]{Rule: finding.Rule{
		ID:       "QPE-VF-022",
		Severity: finding.Error,
		Title:    "each REST API's resource policy denies calls from other VPC endpoints",
		Meaning: "The REST API's resource policy has no statement {Effect: Deny, Principal: *, Action: execute-api:Invoke, " +
			"Resource: execute-api:/*, Condition: {StringNotEquals: {aws:SourceVpce: <endpoint>}}} for the expected " +
			"endpoint: any VPC endpoint in the Region (any account) can call a private API whose policy only allows.",
		Remedy: "Add the Deny-unless-SourceVpce statement to the RestApi's Policy (the Private Endpoints macro does it), " +
			"update the stack, and make sure a new deployment follows (QPE-VF-023).",
	}}
	c.Run = func(st *state) []finding.Finding {
		var out []finding.Finding
		for _, a := range st.apis {
			if a.api == nil {
				continue
			}
			want := []string{a.wantEndpoint}
			if a.wantEndpoint == "" {
				want = a.endpoints()
			}
			raw := aws.ToString(a.api.Policy)
			if raw == "" {
				out = append(out, c.New(a.name(), "",
					"REST API %s has no resource policy", a.name()))
				continue
			}
			doc, err := parsePolicy(raw)
			if err != nil {
				out = append(out, c.New(a.name(), "", "REST API %s: %v", a.name(), err))
				continue
			}
			denies := vpceDenies(doc, st.apiTarget(a))
			ok, partial := false, ""
			var others []string
			for _, d := range denies {
				if len(want) > 0 && slices.ContainsFunc(want, func(w string) bool { return w != "" && slices.Contains(d.endpoints, w) }) {
					if d.whole {
						ok = true
					} else if partial == "" {
						partial = d.why
					}
					continue
				}
				others = append(others, d.endpoints...)
			}
			switch {
			case ok:
			case partial != "":
				out = append(out, c.New(a.name(), "",
					"the resource policy of REST API %s has a Deny-unless-aws:SourceVpce statement for the expected endpoint that does not protect the API: %s, so calls through other VPC endpoints get in", a.name(), partial))
			case len(others) > 0:
				out = append(out, c.New(a.name(), "",
					"the resource policy of REST API %s denies calls unless they come through %s, not through the expected %s",
					a.name(), strings.Join(others, ", "), list(want)))
			default:
				out = append(out, c.New(a.name(), "",
					"the resource policy of REST API %s has no Deny-unless-aws:SourceVpce statement: any VPC endpoint in the Region can call it", a.name()))
			}
		}
		return out
	}
	return c
}
