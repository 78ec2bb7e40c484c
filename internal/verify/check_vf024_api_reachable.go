package verify

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/arn"

	"github.com/quiltdata/quilt-private-endpoints/internal/apideny"
	"github.com/quiltdata/quilt-private-endpoints/internal/finding"
	"github.com/quiltdata/quilt-private-endpoints/internal/perimeter/policy"
)

func checkAPIReachable() finding.Check[*state] {
	c := finding.Check[*state]{Rule: finding.Rule{
		ID:       "QPE-VF-024",
		Severity: finding.Error,
		Title:    "each private REST API's resource policy lets calls through the expected endpoint in",
		Meaning: "Evaluated with IAM's rules, the private REST API's resource policy does not allow an anonymous " +
			"execute-api:Invoke that comes through the expected execute-api endpoint (no Allow statement covers it, " +
			"or a Deny matches it): API Gateway denies every call to a private API that its policy does not allow, " +
			"so the catalog gets 403 Forbidden.",
		Remedy: "Keep an {Effect: Allow, Principal: *, Action: execute-api:Invoke, Resource: execute-api:/*} statement " +
			"next to the Deny-unless-aws:SourceVpce one, and make sure the Deny lists the expected endpoint; update the " +
			"stack and redeploy (QPE-VF-023).",
	}}
	c.Run = func(st *state) []finding.Finding {
		var out []finding.Finding
		for _, a := range st.apis {
			if a.api == nil || !a.private() {
				continue
			}
			want := a.wantEndpoint
			if want == "" && len(a.endpoints()) == 1 {
				want = a.endpoints()[0]
			}
			raw := aws.ToString(a.api.Policy)
			if want == "" || raw == "" {
				continue // QPE-VF-021 and QPE-VF-022 report these
			}
			if msg := st.apiReachable(a, raw, want); msg != "" {
				out = append(out, c.New(a.name(), "", "%s", msg))
			}
		}
		return out
	}
	return c
}

// apiReachable evaluates the API's resource policy for calls through the
// endpoint, one per resource an Allow statement names, and returns why
// none gets through ("" when one does, or when the policy cannot be judged:
// another check reports a policy that does not parse).
func (st *state) apiReachable(a *apiState, raw, endpoint string) string {
	doc, err := parsePolicy(raw)
	if err != nil {
		return ""
	}
	partition, region, account := "aws", st.in.Region, ""
	if a, err := arn.Parse(st.stackID); err == nil {
		partition, region, account = a.Partition, a.Region, a.AccountID
	}
	if account == "" {
		return "" // without the stack's ARN the API's ARN is unknown
	}
	apiARN := fmt.Sprintf("arn:%s:execute-api:%s:%s:%s/", partition, region, account, aws.ToString(a.api.Id))
	// API Gateway expands execute-api:/ to the API's ARN.
	for _, s := range statements(doc) {
		for _, k := range []string{"Resource", "NotResource"} {
			rs := strs(s[k])
			if rs == nil {
				continue
			}
			expanded := make([]any, len(rs))
			for i, r := range rs {
				if rest, ok := strings.CutPrefix(r, "execute-api:/"); ok {
					r = apiARN + rest
				}
				expanded[i] = r
			}
			s[k] = expanded
		}
	}
	text, err := json.Marshal(doc)
	if err != nil {
		return ""
	}
	pol, err := policy.Parse(text)
	if err != nil {
		return ""
	}
	stage := "prod"
	if len(a.stages) > 0 && a.stages[0].stage.StageName != nil {
		stage = *a.stages[0].stage.StageName
	}
	// Sample requests: each Resource of each Allow that may cover an
	// anonymous execute-api:Invoke, wildcards made concrete.
	var samples []string
	for _, s := range pol.Statements {
		if s.Effect != policy.Allow || s.NotResource {
			continue
		}
		if s.Principal == nil || s.NotPrincipal || !(s.Principal.Any || slices.Contains(s.Principal.AWS, "*")) {
			return "" // an Allow for named principals: callers this check cannot stand for
		}
		for _, c := range s.Conditions {
			if k := strings.ToLower(c.Key); k != "aws:sourcevpce" && k != "aws:sourcevpc" {
				return "" // an Allow on keys the check does not know (aws:VpcSourceIp...)
			}
		}
		for _, r := range s.Resources {
			// This API's ARN with the pattern's stage/method/path, made
			// concrete; evaluation then tells whether the pattern (its
			// Region, account and API id included) covers it.
			rest := "*"
			if parts := strings.SplitN(r, ":", 6); len(parts) == 6 {
				_, rest, _ = strings.Cut(parts[5], "/")
			}
			sample := apiARN + stage + "/GET/"
			if rest != "" && rest != "*" {
				sample = apiARN + strings.NewReplacer("*", stage, "?", "x").Replace(rest)
			}
			samples = append(samples, sample)
		}
	}
	ctx := map[string][]string{"aws:SourceVpce": {endpoint}}
	if st.vpcID != "" {
		ctx["aws:SourceVpc"] = []string{st.vpcID}
	}
	var denied []string
	for _, r := range samples {
		res, err := policy.Evaluate(pol, policy.Request{Action: "execute-api:Invoke", Resource: r, Principal: anonymous, Context: ctx})
		if err != nil {
			continue
		}
		if res.Decision == policy.NotDenied && res.AllowMatched {
			return ""
		}
		if res.Decision == policy.Denied {
			denied = append(denied, fmt.Sprintf("%s is denied by %s (%s)", r, res.Statement, res.Condition))
		}
	}
	if len(denied) > 0 {
		if !denyAdmits(raw, endpoint, st.apiTarget(a)) {
			return "" // QPE-VF-022: the Deny-unless-aws:SourceVpce names other endpoints
		}
		return fmt.Sprintf("the resource policy of REST API %s denies calls through the expected endpoint %s: %s",
			a.name(), endpoint, strings.Join(dedupeStrings(denied), "; "))
	}
	return fmt.Sprintf("the resource policy of REST API %s has no Allow statement for execute-api:Invoke through %s: "+
		"API Gateway denies every call to a private API that its policy does not allow", a.name(), endpoint)
}

// anonymous stands for the catalog's unauthenticated caller: it matches
// Principal "*" and {"AWS": "*"}, no named principal.
const anonymous = "anonymous"

// denyAdmits reports whether the policy's Deny-unless-aws:SourceVpce
// statement covers the whole API and lists the endpoint, as QPE-VF-022
// wants it.
func denyAdmits(raw, endpoint string, api apideny.API) bool {
	doc, err := parsePolicy(raw)
	if err != nil {
		return false
	}
	for _, d := range vpceDenies(doc, api) {
		if d.whole && slices.Contains(d.endpoints, endpoint) {
			return true
		}
	}
	return false
}

func dedupeStrings(v []string) []string {
	var out []string
	seen := map[string]bool{}
	for _, s := range v {
		if !seen[s] {
			seen[s] = true
			out = append(out, s)
		}
	}
	return out
}
