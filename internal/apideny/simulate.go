package apideny

import (
	"encoding/json"
	"fmt"
	"strings"

	"github.com/quiltdata/quilt-private-endpoints/internal/perimeter/policy"
)

// Probe endpoints and callers of Simulate. The other endpoint and account
// are ids no template names.
const (
	OtherEndpoint = "vpce-0ffffffffffffff0e"
	OtherAccount  = "999999999990"
)

// probePaths are the invocations simulated: the root, a nested path and an
// odd stage, with methods a narrow Resource might leave out.
var probePaths = []string{"prod/GET/", "prod/POST/admin/users", "v1/DELETE/a/b/c"}

// Simulate evaluates a resource policy that holds no intrinsic function
// with the project's IAM evaluator (internal/perimeter/policy) against four
// callers of the API (every field of api known): through the stack's
// endpoint own (allowed), through another endpoint of the same account,
// with no endpoint (the internet), and from another account through its own
// endpoint (each refused on every probed path). It returns nil, or an error
// that says which caller gets through or is refused, and by which
// statement. Statements the evaluator cannot parse are left out: a Deny
// left out only makes a refusal harder to show.
func Simulate(doc map[string]any, api API, own string) error {
	p := parseStatements(doc, api)
	paths := probes(p, api)
	arn := func(path string) string {
		return fmt.Sprintf("arn:%s:execute-api:%s:%s:%s/%s", api.Partition, api.Region, api.Account, api.ID, path)
	}
	caller := func(account string) string { return fmt.Sprintf("arn:%s:iam::%s:role/caller", api.Partition, account) }
	ctx := func(account, vpce string) map[string][]string {
		c := map[string][]string{"aws:PrincipalAccount": {account}}
		if vpce != "" {
			c["aws:SourceVpce"] = []string{vpce}
			c["aws:VpceAccount"] = []string{account}
		}
		return c
	}
	type outcome struct {
		res     policy.Result
		allowed bool
	}
	eval := func(account, vpce, path string) (outcome, error) {
		r, err := policy.Evaluate(p, policy.Request{Action: InvokeAction, Resource: arn(path),
			Principal: caller(account), Context: ctx(account, vpce)})
		if err != nil {
			return outcome{}, fmt.Errorf("simulating %s: %w", arn(path), err)
		}
		return outcome{r, r.Decision != policy.Denied && r.AllowMatched}, nil
	}

	// Through the stack's endpoint: no aws:SourceVpce Deny may refuse it,
	// and an Allow must let it in (unless the policy's own Allows are
	// limited to some callers or conditions, the author's choice).
	allowedOnce := false
	for _, path := range paths {
		o, err := eval(api.Account, own, path)
		if err != nil {
			return err
		}
		if o.res.Decision == policy.Denied && mentionsSourceVpce(p, o.res.Statement) {
			return fmt.Errorf("a call through the stack's endpoint (%s) to %s is denied by %s", own, arn(path), o.res.Statement)
		}
		allowedOnce = allowedOnce || o.allowed
	}
	if !allowedOnce && !restrictedAllow(p) {
		return fmt.Errorf("no statement allows a call through the stack's endpoint (%s): the API answers nobody", own)
	}
	type call struct{ who, principal, account, vpce string }
	calls := []call{
		{"through another VPC endpoint (" + OtherEndpoint + ")", caller(api.Account), api.Account, OtherEndpoint},
		{"without a VPC endpoint", caller(api.Account), api.Account, ""},
		{"from account " + OtherAccount + " through its own endpoint", caller(OtherAccount), OtherAccount, OtherEndpoint},
	}
	for _, n := range namedPrincipals(p) {
		calls = append(calls, call{"by " + n + " through another VPC endpoint (" + OtherEndpoint + ")", n, accountOf(n), OtherEndpoint})
	}
	for _, c := range calls {
		for _, path := range paths {
			r, err := policy.Evaluate(p, policy.Request{Action: InvokeAction, Resource: arn(path),
				Principal: c.principal, Context: ctx(c.account, c.vpce)})
			if err != nil {
				return fmt.Errorf("simulating %s: %w", arn(path), err)
			}
			if r.Decision != policy.Denied && r.AllowMatched {
				return fmt.Errorf("a call %s to %s is allowed by %s: no Deny covers it", c.who, arn(path), r.AllowStatement)
			}
		}
	}
	return nil
}

// namedPrincipals lists the IAM ARNs a statement's Principal or
// NotPrincipal names (a Deny scoped around them is probed with them).
func namedPrincipals(p *policy.Policy) []string {
	var out []string
	seen := map[string]bool{}
	for _, s := range p.Statements {
		if s.Principal == nil {
			continue
		}
		for _, a := range s.Principal.AWS {
			if strings.HasPrefix(a, "arn:") && accountOf(a) != "" && !seen[a] && len(out) < maxProbes {
				seen[a] = true
				out = append(out, a)
			}
		}
	}
	return out
}

func accountOf(arn string) string {
	parts := strings.SplitN(arn, ":", 6)
	if len(parts) != 6 {
		return ""
	}
	return parts[4]
}

// maxProbes bounds the paths simulated per caller.
const maxProbes = 64

// probes returns the paths simulated: probePaths, and one path of each
// Allow of this API (its wildcards made concrete), so that a call the
// policy lets in is among those tried.
func probes(p *policy.Policy, api API) []string {
	out := append([]string(nil), probePaths...)
	for _, s := range p.Statements {
		if s.Effect != policy.Allow && !s.NotResource {
			continue
		}
		for _, r := range s.Resources {
			parts := strings.SplitN(r, ":", 6)
			if len(parts) != 6 || len(out) >= maxProbes {
				continue
			}
			id, rest, ok := strings.Cut(parts[5], "/")
			if !ok || !policy.MatchARN(strings.Join(append(parts[:5:5], id), ":"),
				fmt.Sprintf("arn:%s:execute-api:%s:%s:%s", api.Partition, api.Region, api.Account, api.ID)) {
				continue
			}
			path := strings.NewReplacer("*", "x", "?", "x").Replace(rest)
			if strings.Count(path, "/") < 2 {
				path += "/GET/"
			}
			out = append(out, path)
		}
	}
	return out
}

// parseStatements parses each statement on its own (execute-api:/ expanded
// to this API's ARN, as API Gateway does) and keeps those that parse.
func parseStatements(doc map[string]any, api API) *policy.Policy {
	version, _ := doc["Version"].(string)
	if version == "" {
		version = "2012-10-17"
	}
	out := &policy.Policy{Version: version}
	for i, s := range Statements(doc["Statement"]) {
		c := make(map[string]any, len(s))
		for k, v := range s {
			c[k] = v
		}
		for _, k := range []string{"Resource", "NotResource"} {
			if v, ok := c[k]; ok {
				c[k] = expandShorthand(v, api)
			}
		}
		b, err := json.Marshal(map[string]any{"Version": version, "Statement": []any{c}})
		if err != nil {
			continue
		}
		one, err := policy.Parse(b)
		if err != nil || len(one.Statements) != 1 {
			continue
		}
		st := one.Statements[0]
		st.Index = i
		out.Statements = append(out.Statements, st)
	}
	return out
}

func expandShorthand(v any, api API) any {
	prefix := fmt.Sprintf("arn:%s:execute-api:%s:%s:%s/", api.Partition, api.Region, api.Account, api.ID)
	l := list(v)
	out := make([]any, len(l))
	for i, r := range l {
		if s, ok := r.(string); ok {
			if rest, ok := strings.CutPrefix(s, "execute-api:/"); ok {
				r = prefix + rest
			}
		}
		out[i] = r
	}
	return out
}

// mentionsSourceVpce reports whether the labelled statement has a condition
// on aws:SourceVpce.
func mentionsSourceVpce(p *policy.Policy, label string) bool {
	for _, s := range p.Statements {
		if s.Label() != label {
			continue
		}
		for _, c := range s.Conditions {
			if strings.EqualFold(c.Key, SourceVpceKey) {
				return true
			}
		}
	}
	return false
}

// restrictedAllow reports whether an Allow of execute-api:Invoke is limited
// to some principals or conditions (so a probe caller may fail it).
func restrictedAllow(p *policy.Policy) bool {
	for _, s := range p.Statements {
		if s.Effect != policy.Allow {
			continue
		}
		if len(s.Conditions) > 0 || s.NotPrincipal || (s.Principal != nil && !s.Principal.Any && !containsStar(s.Principal.AWS)) {
			return true
		}
	}
	return false
}

func containsStar(l []string) bool {
	for _, s := range l {
		if s == "*" {
			return true
		}
	}
	return false
}
