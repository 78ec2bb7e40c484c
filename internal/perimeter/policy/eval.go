package policy

import (
	"encoding/json"
	"errors"
	"fmt"
	"github.com/quiltdata/quilt-private-endpoints/internal/awsid"
	"net/netip"
	"strconv"
	"strings"
)

// Request is one request to evaluate.
type Request struct {
	Action   string // service:Action, e.g. s3:GetObject
	Resource string // an ARN, or "*" for actions without a resource
	// Principal is the caller: an IAM ARN (role, assumed-role session, user),
	// an account ID, or a service principal such as s3.amazonaws.com. Empty
	// means unknown; aws:PrincipalArn from Context is used then. An ARN here
	// also sets aws:PrincipalArn (the role's ARN for a role session) when
	// Context lacks it.
	Principal string
	// Context holds the request's condition keys. Key names are compared
	// case-insensitively; a key with several values is multivalued.
	Context map[string][]string
}

// Decision is what one policy says about a request.
type Decision string

// Decisions. A policy that only denies (an SCP) never allows: "not-denied"
// means this policy does not stop the request.
const (
	Denied    Decision = "denied"
	NotDenied Decision = "not-denied"
)

// Result is the outcome of Evaluate.
type Result struct {
	Decision Decision
	// Statement is the label (Sid or Statement[i]) of the deciding
	// statement: the Deny that matched, or when nothing denied, the first
	// Deny that covered the action and resource but whose condition failed.
	// Empty when no Deny statement covers the request at all.
	Statement string
	// Condition describes the deciding condition(s): for a denial every
	// condition that held, otherwise the condition that failed.
	Condition string
	// Reason is a one-line explanation.
	Reason string
	// ResourcePolicy is true when the policy names principals (a bucket
	// policy); AllowMatched and AllowStatement then say whether an Allow
	// statement matched the request.
	ResourcePolicy bool
	AllowMatched   bool
	AllowStatement string
	// Trace has one line per statement, in document order.
	Trace []StatementTrace
}

// StatementTrace is how one statement fared.
type StatementTrace struct {
	Statement string
	Effect    Effect
	Applies   bool
	Detail    string
}

// Evaluate evaluates the policy for one request. It returns an error for an
// invalid request (no action, a malformed ARN, a request value that the
// operator cannot compare such as a non-IP aws:SourceIp), never a guess.
func Evaluate(p *Policy, r Request) (Result, error) {
	if p == nil {
		return Result{}, errors.New("evaluate: no policy")
	}
	if err := r.validate(); err != nil {
		return Result{}, err
	}
	ctx := make(map[string][]string, len(r.Context))
	for k, vs := range r.Context {
		lk := strings.ToLower(strings.TrimSpace(k))
		ctx[lk] = append(ctx[lk], vs...)
	}
	principal := r.Principal
	switch {
	case principal == "" && len(ctx["aws:principalarn"]) == 1:
		principal = ctx["aws:principalarn"][0]
	case strings.HasPrefix(principal, "arn:") && len(ctx["aws:principalarn"]) == 0:
		// IAM sets aws:PrincipalArn for every IAM caller: the role's ARN
		// for a role session.
		if role := roleOfSession(principal); role != "" {
			ctx["aws:principalarn"] = []string{role}
		} else {
			ctx["aws:principalarn"] = []string{principal}
		}
	}
	service := isServicePrincipal(principal)
	if principal != "" && len(ctx["aws:principalisawsservice"]) == 0 {
		// IAM sets aws:PrincipalIsAWSService in every request: true for a
		// service principal, false for everyone else.
		ctx["aws:principalisawsservice"] = []string{strconv.FormatBool(service)}
	}
	if service && len(ctx["aws:principalservicename"]) == 0 {
		ctx["aws:principalservicename"] = []string{principal}
	}
	e := evaluator{vars: p.Version == "2012-10-17", ctx: ctx, principal: principal}

	res := Result{Decision: NotDenied, ResourcePolicy: p.IsResourcePolicy()}
	if service && !res.ResourcePolicy {
		// A policy without Principal is an SCP or an identity policy:
		// neither ever applies to an AWS service principal.
		res.Reason = fmt.Sprintf("this policy names no Principal (an SCP or identity policy), and those never apply to the AWS service principal %s", principal)
		return res, nil
	}
	var deny, near *statementEval
	for i := range p.Statements {
		st := &p.Statements[i]
		ev, err := e.statement(st, r)
		if err != nil {
			return Result{}, fmt.Errorf("%s: %w", st.Label(), err)
		}
		res.Trace = append(res.Trace, StatementTrace{Statement: st.Label(), Effect: st.Effect, Applies: ev.applies(), Detail: ev.detail()})
		switch {
		case st.Effect == Deny && ev.applies() && deny == nil:
			deny = &ev
		case st.Effect == Deny && ev.scopeMatches() && near == nil:
			near = &ev
		case st.Effect == Allow && ev.applies() && !res.AllowMatched:
			res.AllowMatched, res.AllowStatement = true, st.Label()
		}
	}
	switch {
	case deny != nil:
		res.Decision = Denied
		res.Statement = deny.st.Label()
		var held []string
		for _, c := range deny.conds {
			held = append(held, c.String())
		}
		if len(held) == 0 {
			res.Condition = "(no Condition: the statement denies unconditionally)"
		} else {
			res.Condition = strings.Join(held, "; ")
		}
		res.Reason = fmt.Sprintf("%s denies %s on %s: every condition holds", res.Statement, r.Action, r.Resource)
	case near != nil:
		res.Statement = near.st.Label()
		failed := near.failed()
		res.Condition = failed.String()
		res.Reason = fmt.Sprintf("%s covers %s on %s but does not deny it: %s %s is false", res.Statement, r.Action, r.Resource, failed.c.Operator, failed.c.Key)
	default:
		res.Reason = fmt.Sprintf("no Deny statement covers %s on %s", r.Action, r.Resource)
		if res.ResourcePolicy && principal == "" {
			res.Reason += " (no principal given: statements with a Principal other than \"*\" cannot match)"
		}
	}
	return res, nil
}

func (r Request) validate() error {
	a := strings.TrimSpace(r.Action)
	if a == "" {
		return errors.New("request: no action (expected service:Action, e.g. s3:GetObject)")
	}
	svc, name, ok := strings.Cut(a, ":")
	if !ok || svc == "" || name == "" || strings.ContainsAny(a, "*? ") {
		return fmt.Errorf("request: action %q is not of the form service:Action without wildcards", r.Action)
	}
	if r.Resource == "" {
		return errors.New("request: no resource (expected an ARN such as arn:aws:s3:::bucket/key, or *)")
	}
	if r.Resource != "*" && (!strings.HasPrefix(r.Resource, "arn:") || strings.Count(r.Resource, ":") < 5) {
		return fmt.Errorf("request: resource %q is not an ARN (arn:partition:service:region:account:resource)", r.Resource)
	}
	for k := range r.Context {
		if strings.TrimSpace(k) == "" {
			return errors.New("request: a context key is empty")
		}
	}
	return nil
}

// evaluator carries the per-request state.
type evaluator struct {
	vars      bool // policy variables apply (Version 2012-10-17)
	ctx       map[string][]string
	principal string
}

type statementEval struct {
	st           *Statement
	principalOK  bool
	actionOK     bool
	resourceOK   bool
	principalWhy string
	actionWhy    string
	resourceWhy  string
	conds        []conditionEval
}

func (ev statementEval) scopeMatches() bool { return ev.principalOK && ev.actionOK && ev.resourceOK }

func (ev statementEval) applies() bool { return ev.scopeMatches() && ev.failed() == nil }

func (ev statementEval) failed() *conditionEval {
	for i := range ev.conds {
		if !ev.conds[i].holds {
			return &ev.conds[i]
		}
	}
	return nil
}

func (ev statementEval) detail() string {
	var parts []string
	if ev.st.Principal != nil {
		parts = append(parts, ev.principalWhy)
	}
	parts = append(parts, ev.actionWhy, ev.resourceWhy)
	for _, c := range ev.conds {
		parts = append(parts, c.String())
	}
	return strings.Join(parts, "; ")
}

func (e evaluator) statement(st *Statement, r Request) (statementEval, error) {
	ev := statementEval{st: st, principalOK: true}
	if st.Principal != nil {
		m := matchPrincipal(st.Principal, e.principal)
		ev.principalOK = m != st.NotPrincipal
		ev.principalWhy = fmt.Sprintf("principal %s: %s", quoteOr(e.principal, "(none given)"), matchWord(ev.principalOK))
	}
	hit := ""
	for _, a := range st.Actions {
		if MatchAction(a, r.Action) {
			hit = a
			break
		}
	}
	ev.actionOK = (hit != "") != st.NotAction
	ev.actionWhy = elementWhy(st.NotAction, "Action", r.Action, hit)

	hit = ""
	for _, pat := range st.Resources {
		pats := []string{pat}
		if e.vars && strings.Contains(pat, "${") {
			pats = e.substitute([]string{pat})
		}
		for _, p := range pats {
			if matchARN(p, r.Resource) {
				hit = pat
				break
			}
		}
		if hit != "" {
			break
		}
	}
	ev.resourceOK = (hit != "") != st.NotResource
	ev.resourceWhy = elementWhy(st.NotResource, "Resource", r.Resource, hit)

	for _, c := range st.Conditions {
		ce, err := e.condition(c)
		if err != nil {
			return ev, err
		}
		ev.conds = append(ev.conds, ce)
	}
	return ev, nil
}

func elementWhy(not bool, element, value, hit string) string {
	name := element
	if not {
		name = "Not" + element
	}
	if hit != "" {
		return fmt.Sprintf("%s %q matches %s %q", strings.ToLower(element), value, name, hit)
	}
	return fmt.Sprintf("%s %q matches no %s entry", strings.ToLower(element), value, name)
}

func matchWord(ok bool) string {
	if ok {
		return "covered"
	}
	return "not covered"
}

func quoteOr(s, empty string) string {
	if s == "" {
		return empty
	}
	return strconv.Quote(s)
}

// conditionEval is the outcome of one operator/key pair.
type conditionEval struct {
	c     Condition
	holds bool
	why   string
}

// String renders e.g.
// StringNotEqualsIfExists {"aws:SourceVpc": ["vpc-1","vpc-2"]} is false: aws:SourceVpc "vpc-1" matches "vpc-1".
func (ce conditionEval) String() string {
	var vals []byte
	if len(ce.c.Values) == 1 {
		vals, _ = json.Marshal(ce.c.Values[0])
	} else {
		vals, _ = json.Marshal(ce.c.Values)
	}
	key, _ := json.Marshal(ce.c.Key)
	return fmt.Sprintf("%s {%s: %s} is %t: %s", ce.c.Operator, key, vals, ce.holds, ce.why)
}

func (e evaluator) condition(c Condition) (conditionEval, error) {
	ce := conditionEval{c: c}
	reqVals := e.ctx[strings.ToLower(strings.TrimSpace(c.Key))]
	present := len(reqVals) > 0
	shown := requestShown(c.Key, reqVals)

	if c.op.name == "Null" {
		for _, v := range c.Values {
			if strings.EqualFold(v, "true") != present {
				ce.holds = true
			}
		}
		if present {
			ce.why = shown + " is present"
		} else {
			ce.why = c.Key + " is missing"
		}
		return ce, nil
	}
	if !present {
		switch {
		case c.ifExists:
			ce.holds, ce.why = true, c.Key+" is missing, so the IfExists operator holds"
		case c.set == setAllValues:
			ce.holds, ce.why = true, c.Key+" is missing, so ForAllValues holds (no values to check)"
		case c.set == setAnyValue:
			ce.holds, ce.why = false, c.Key+" is missing, so ForAnyValue fails"
		case c.op.negated:
			ce.holds, ce.why = true, c.Key+" is missing, so the negated operator holds"
		default:
			ce.holds, ce.why = false, c.Key+" is missing"
		}
		return ce, nil
	}

	policyVals := c.Values
	if e.vars && c.op.variables {
		policyVals = e.substitute(c.Values)
	}
	// firstMatch returns the policy value that the request value matches.
	firstMatch := func(rv string) (string, bool, error) {
		if c.prefixes != nil {
			addr, err := netip.ParseAddr(strings.TrimSpace(rv))
			if err != nil {
				return "", false, fmt.Errorf("condition %s %q: request value %q is not an IP address", c.Operator, c.Key, rv)
			}
			addr = addr.Unmap()
			for i, p := range c.prefixes {
				if p.Contains(addr) {
					return c.Values[i], true, nil
				}
			}
			return "", false, nil
		}
		for _, pv := range policyVals {
			ok, err := c.op.match(pv, rv)
			if err != nil {
				return "", false, fmt.Errorf("condition %s %q: %w", c.Operator, c.Key, err)
			}
			if ok {
				return pv, true, nil
			}
		}
		return "", false, nil
	}
	type valueEval struct {
		rv, pv  string
		matched bool
	}
	evals := make([]valueEval, 0, len(reqVals))
	for _, rv := range reqVals {
		pv, m, err := firstMatch(rv)
		if err != nil {
			return ce, err
		}
		evals = append(evals, valueEval{rv: rv, pv: pv, matched: m})
	}
	// ok is the operator's verdict for one request value.
	ok := func(v valueEval) bool { return v.matched != c.op.negated }
	matchedWhy := func(v valueEval) string {
		return fmt.Sprintf("%s %q matches %q", c.Key, v.rv, v.pv)
	}
	switch c.set {
	case setNone:
		var hit *valueEval
		for i := range evals {
			if evals[i].matched {
				hit = &evals[i]
				break
			}
		}
		ce.holds = (hit != nil) != c.op.negated
		if hit != nil {
			ce.why = matchedWhy(*hit)
		} else {
			ce.why = shown + " matches none of the values"
		}
	case setAnyValue:
		ce.holds = false
		ce.why = "no value of " + shown + " satisfies " + c.op.name
		for _, v := range evals {
			if ok(v) {
				ce.holds = true
				ce.why = fmt.Sprintf("%s value %q satisfies %s", c.Key, v.rv, c.op.name)
				break
			}
		}
	case setAllValues:
		ce.holds = true
		ce.why = "every value of " + shown + " satisfies " + c.op.name
		for _, v := range evals {
			if !ok(v) {
				ce.holds = false
				ce.why = fmt.Sprintf("%s value %q does not satisfy %s", c.Key, v.rv, c.op.name)
				break
			}
		}
	}
	return ce, nil
}

func requestShown(key string, vals []string) string {
	if len(vals) == 1 {
		return key + " " + strconv.Quote(vals[0])
	}
	b, _ := json.Marshal(vals)
	return key + " " + string(b)
}

// substitute replaces ${key} and ${key, 'default'} policy variables in each
// value with the request's value (${*}, ${?} and ${$} stand for those
// characters). A value whose variable names a missing or multivalued key and
// has no default is dropped: it matches nothing, as in IAM.
func (e evaluator) substitute(values []string) []string {
	out := make([]string, 0, len(values))
	for _, v := range values {
		if s, ok := e.substituteOne(v); ok {
			out = append(out, s)
		}
	}
	return out
}

func (e evaluator) substituteOne(v string) (string, bool) {
	var b strings.Builder
	for {
		start := strings.Index(v, "${")
		if start < 0 {
			b.WriteString(v)
			return b.String(), true
		}
		end := strings.IndexByte(v[start:], '}')
		if end < 0 {
			b.WriteString(v)
			return b.String(), true
		}
		b.WriteString(v[:start])
		inner := strings.TrimSpace(v[start+2 : start+end])
		v = v[start+end+1:]
		switch inner {
		case "*", "?", "$":
			b.WriteString(inner)
			continue
		}
		key, def, hasDef := strings.Cut(inner, ",")
		if vals := e.ctx[strings.ToLower(strings.TrimSpace(key))]; len(vals) == 1 {
			b.WriteString(vals[0])
			continue
		}
		def = strings.TrimSpace(def)
		if hasDef && len(def) >= 2 && def[0] == '\'' && def[len(def)-1] == '\'' {
			b.WriteString(def[1 : len(def)-1])
			continue
		}
		return "", false
	}
}

// matchPrincipal reports whether the caller is among the principals.
func matchPrincipal(p *Principal, who string) bool {
	if p.Any {
		return true
	}
	if who == "" {
		return false
	}
	if isServicePrincipal(who) {
		for _, s := range p.Service {
			if strings.EqualFold(s, who) {
				return true
			}
		}
		return false
	}
	whoAccount := accountOf(who)
	whoRole := roleOfSession(who)
	for _, a := range p.AWS {
		switch {
		case a == "*" || a == who:
			return true
		case awsid.Account(a) && a == whoAccount:
			return true
		case strings.HasPrefix(a, "arn:") && strings.HasSuffix(a, ":root") && accountOf(a) == whoAccount && whoAccount != "":
			return true
		case whoRole != "" && a == whoRole:
			return true
		}
	}
	for _, f := range p.Federated {
		if f == who {
			return true
		}
	}
	for _, c := range p.CanonicalUser {
		if c == who {
			return true
		}
	}
	return false
}

// accountOf returns the account of an ARN, or the string itself when it is
// an account ID.
func accountOf(s string) string {
	if awsid.Account(s) {
		return s
	}
	parts := strings.SplitN(s, ":", 6)
	if len(parts) == 6 && parts[0] == "arn" {
		return parts[4]
	}
	return ""
}

// roleOfSession maps arn:aws:sts::ACCT:assumed-role/ROLE/SESSION to
// arn:aws:iam::ACCT:role/ROLE, the ARN that a Principal element names.
func roleOfSession(s string) string {
	parts := strings.SplitN(s, ":", 6)
	if len(parts) != 6 || parts[2] != "sts" || !strings.HasPrefix(parts[5], "assumed-role/") {
		return ""
	}
	segs := strings.Split(strings.TrimPrefix(parts[5], "assumed-role/"), "/")
	if segs[0] == "" {
		return ""
	}
	return fmt.Sprintf("arn:%s:iam::%s:role/%s", parts[1], parts[4], segs[0])
}

// isServicePrincipal reports whether the caller is an AWS service principal
// such as logging.s3.amazonaws.com (not an ARN, not an account ID).
func isServicePrincipal(who string) bool {
	return who != "" && !strings.HasPrefix(who, "arn:") && strings.Contains(who, ".")
}
