package transform

import (
	"fmt"
	"strings"

	"github.com/quiltdata/quilt-private-endpoints/internal/apideny"
	"github.com/quiltdata/quilt-private-endpoints/internal/template"
)

const (
	invokeAction = "execute-api:Invoke"
	sourceVpce   = "aws:SourceVpce"
)

// passRestAPI makes every REST API private: endpoint type PRIVATE, the
// endpoint in VpcEndpointIds, and a resource policy that denies calls from
// anywhere but the endpoint.
func passRestAPI(st *state) error {
	for _, id := range st.of("AWS::ApiGateway::RestApi") {
		p := st.props(id)
		for _, k := range []string{"Body", "BodyS3Location"} {
			if _, ok := p[k]; ok {
				return &Error{Resource: id,
					Message: fmt.Sprintf("the REST API is defined by an OpenAPI %s, whose endpoint configuration and policy the macro does not rewrite", k),
					Remedy: "list it in the Exclude setting and make it private in the OpenAPI definition " +
						"(x-amazon-apigateway-endpoint-configuration with vpcEndpointIds, and x-amazon-apigateway-policy with the aws:SourceVpce Deny), " +
						"or define the API with AWS::ApiGateway::Resource and Method resources"}
			}
		}
		if err := restAPI(st, id); err != nil {
			return err
		}
		executeAPIDisabled(st, id)
	}
	for _, id := range st.of("AWS::Serverless::Api") {
		if err := serverlessAPI(st, id); err != nil {
			return err
		}
		executeAPIDisabled(st, id)
	}
	implicitAPIs(st)
	domainMappings(st)
	return nil
}

// executeAPIDisabled warns about a private API whose default execute-api
// endpoint is disabled: callers through the VPC endpoint (its private DNS
// name or the endpoint alias) can no longer reach it.
func executeAPIDisabled(st *state, id string) {
	if v := st.props(id)["DisableExecuteApiEndpoint"]; v == true || v == "true" {
		st.warn(tfExecuteAPIDisabled, id, "DisableExecuteApiEndpoint is true, so the private API answers only on a private custom domain name; remove it, or give the API an AWS::ApiGateway::DomainNameV2 with an access association for the endpoint")
	}
}

// implicitAPIs warns about SAM functions whose Api events create SAM's
// implicit ServerlessRestApi, which the macro cannot see.
func implicitAPIs(st *state) {
	for _, id := range st.ofType("AWS::Serverless::Function") {
		events, _ := st.props(id)["Events"].(map[string]any)
		for _, name := range template.SortedKeys(events) {
			ev, _ := events[name].(map[string]any)
			p, _ := ev["Properties"].(map[string]any)
			if t, _ := ev["Type"].(string); t == "Api" && p["RestApiId"] == nil {
				st.warn(tfImplicitAPI, id, "event %s creates SAM's implicit REST API, which the macro cannot make private; declare an AWS::Serverless::Api and set the event's RestApiId", name)
			}
		}
	}
}

// domainMappings warns about custom domain mappings of APIs that are now
// private: a public (edge or regional) custom domain cannot serve them.
func domainMappings(st *state) {
	for _, id := range st.ofType("AWS::ApiGateway::BasePathMapping") {
		for _, api := range template.ReferencedIDs(st.props(id)["RestApiId"]) {
			if resPrivateAPIs.of(st).Has(api) {
				st.warn(tfPublicDomain, id, "maps a public custom domain to %s, which is now private; a public custom domain cannot serve a private API: use a private custom domain (AWS::ApiGateway::DomainNameV2) or the endpoint alias hostname", api)
			}
		}
	}
}

func restAPI(st *state, id string) error {
	ep := st.endpoint()
	p := st.props(id)
	changed := false
	var details []string

	cfg, ok, err := editObject(p["EndpointConfiguration"], func(m map[string]any) (bool, error) {
		ch := false
		if !template.Equal(m["Types"], []any{"PRIVATE"}) {
			details = append(details, fmt.Sprintf("endpoint type %s -> PRIVATE", describe(m["Types"], "EDGE")))
			m["Types"] = []any{"PRIVATE"}
			resNewAPIs.of(st).Add(id)
			ch = true
		}
		ids, added, err := mergeEndpointIDs(m["VpcEndpointIds"], ep)
		if err != nil {
			return false, err
		}
		if added {
			m["VpcEndpointIds"] = ids
			details = append(details, fmt.Sprintf("VpcEndpointIds += %s", st.set.EndpointParameter))
			ch = true
		}
		return ch, nil
	})
	if err != nil {
		return &Error{Resource: id, Message: "EndpointConfiguration: " + err.Error(),
			Remedy: "give VpcEndpointIds as a list, or list the API in the Exclude setting"}
	}
	if ok {
		changed = true
	}

	pol, polChanged, polDetails, err := rewritePolicy(p["Policy"], ep, st.apiTarget(id))
	if err != nil {
		return &Error{Resource: id, Message: "Policy: " + err.Error(),
			Remedy: "give the resource policy as an object or a JSON string, or list the API in the Exclude setting"}
	}
	if polChanged {
		details = append(details, polDetails...)
		changed = true
	}
	resPrivateAPIs.of(st).Add(id)
	if !changed {
		return nil
	}
	props := st.editProps(id)
	if ok {
		props["EndpointConfiguration"] = cfg
	}
	if polChanged {
		props["Policy"] = pol
	}
	for _, d := range details {
		st.change("restapi", id, "%s", d)
	}
	resChangedAPIs.of(st).Add(id)
	resRewritten.of(st).Add(id)
	return nil
}

// serverlessAPI is restAPI for AWS::Serverless::Api (SAM spelling).
func serverlessAPI(st *state, id string) error {
	ep := st.endpoint()
	p := st.props(id)
	var details []string
	cfgIn := p["EndpointConfiguration"]
	if s, ok := cfgIn.(string); ok {
		cfgIn = map[string]any{"Type": s}
	}
	cfg, cfgChanged, err := editObject(cfgIn, func(m map[string]any) (bool, error) {
		ch := false
		if m["Type"] != "PRIVATE" {
			details = append(details, fmt.Sprintf("endpoint type %s -> PRIVATE", describe(m["Type"], "EDGE")))
			m["Type"] = "PRIVATE"
			resNewAPIs.of(st).Add(id)
			ch = true
		}
		ids, added, err := mergeEndpointIDs(m["VPCEndpointIds"], ep)
		if err != nil {
			return false, err
		}
		if added {
			m["VPCEndpointIds"] = ids
			details = append(details, fmt.Sprintf("VPCEndpointIds += %s", st.set.EndpointParameter))
			ch = true
		}
		return ch, nil
	})
	if err != nil {
		return &Error{Resource: id, Message: "EndpointConfiguration: " + err.Error(),
			Remedy: "give VPCEndpointIds as a list, or list the API in the Exclude setting"}
	}
	if _, isStr := p["EndpointConfiguration"].(string); isStr {
		cfgChanged = true
	}
	// Resource policy: the Policy property (passed to the RestApi as is)
	// when the API has one, and Auth.ResourcePolicy.CustomStatements unless
	// the Policy property alone is the API's policy (a second policy in
	// Auth.ResourcePolicy would compete with it).
	hasRP := hasResourcePolicy(p["Auth"])
	var pol any
	polPropChanged, polProp := false, false
	if cur, ok := p["Policy"]; ok && cur != nil && !template.IsNoValue(cur) {
		var d []string
		pol, polPropChanged, d, err = rewritePolicy(cur, ep, st.apiTarget(id))
		if err != nil {
			return &Error{Resource: id, Message: "Policy: " + err.Error(),
				Remedy: "give the resource policy as an object or a JSON string, or list the API in the Exclude setting"}
		}
		details = append(details, d...)
		polProp = true
		if polPropChanged && !hasRP && p["AlwaysDeploy"] != true {
			st.warn(tfSAMPolicyRedeploy, id, "its Policy property changed, but SAM deploys the API again only when its OpenAPI definition changes; set AlwaysDeploy: true or deploy the stage again after the update, or the old policy stays in effect")
		}
	}
	var auth any
	authChanged := false
	if !polProp || hasRP {
		// Auth and Auth.ResourcePolicy may each be an object, absent,
		// AWS::NoValue, or an Fn::If of those: every branch is edited.
		auth, authChanged, err = editObject(p["Auth"], func(a map[string]any) (bool, error) {
			rp, ch, err := editObject(a["ResourcePolicy"], func(r map[string]any) (bool, error) {
				return samResourcePolicy(st, id, r, ep, &details), nil
			})
			if err != nil || !ch {
				return false, err
			}
			a["ResourcePolicy"] = rp
			return true, nil
		})
		if err != nil {
			return &Error{Resource: id, Message: "Auth: " + err.Error(),
				Remedy: "give Auth and Auth.ResourcePolicy as objects (or Fn::If of objects), or list the API in the Exclude setting"}
		}
		if authChanged {
			hoisted, err := samAuthIf(id, auth)
			if err != nil {
				return err
			}
			if !template.Equal(hoisted, auth) {
				details = append(details, "policy: Fn::If moved into Auth.ResourcePolicy.CustomStatements (SAM does not evaluate it around Auth or ResourcePolicy)")
				auth = hoisted
			}
		}
	}
	resPrivateAPIs.of(st).Add(id)
	if !cfgChanged && !authChanged && !polPropChanged {
		return nil
	}
	props := st.editProps(id)
	if cfgChanged {
		props["EndpointConfiguration"] = cfg
	}
	if polPropChanged {
		props["Policy"] = pol
	}
	if authChanged {
		props["Auth"] = auth
	}
	for _, d := range details {
		st.change("restapi", id, "%s", d)
	}
	resChangedAPIs.of(st).Add(id)
	resRewritten.of(st).Add(id)
	return nil
}

// hasResourcePolicy reports whether a SAM Auth value (or a branch of its
// Fn::If) sets ResourcePolicy.
func hasResourcePolicy(auth any) bool {
	if _, yes, no, ok := ifBranches(auth); ok {
		return hasResourcePolicy(yes) || hasResourcePolicy(no)
	}
	m, _ := auth.(map[string]any)
	rp, ok := m["ResourcePolicy"]
	return ok && rp != nil && !template.IsNoValue(rp)
}

// samResourcePolicy adds the endpoint to a SAM Auth.ResourcePolicy (a copy
// it may edit): to IntrinsicVpceWhitelist when it has one, and the Allow
// and Deny to CustomStatements where missing.
func samResourcePolicy(st *state, id string, r map[string]any, ep any, details *[]string) bool {
	changed := false
	// SAM's VPC endpoint allow lists already generate the Deny for other
	// endpoints: add ours to them instead of a second Deny.
	hasDeny := r["IntrinsicVpceWhitelist"] != nil || r["SourceVpceWhitelist"] != nil
	if l, ok := r["IntrinsicVpceWhitelist"].([]any); ok && !containsValue(l, ep) {
		r["IntrinsicVpceWhitelist"], _ = addEndpoint(l, ep)
		changed = true
		*details = append(*details, "policy: IntrinsicVpceWhitelist += "+st.set.EndpointParameter)
	} else if r["SourceVpceWhitelist"] != nil && r["IntrinsicVpceWhitelist"] == nil {
		st.warn(tfSourceVpceWhitelist, id, "Auth.ResourcePolicy.SourceVpceWhitelist lists literal endpoint ids; make sure the endpoint in %s is one of them", st.set.EndpointParameter)
	}
	stmts, d, ch := customStatements(r["CustomStatements"], ep, hasDeny, st.apiTarget(id))
	if ch {
		r["CustomStatements"] = stmts
		*details = append(*details, d...)
		changed = true
	}
	return changed
}

// customStatements adds the Allow and Deny to SAM CustomStatements: a
// list, one statement, or an Fn::If of those (each branch; samAuthIf puts
// a condition there, where SAM passes it through).
func customStatements(v any, ep any, hasDeny bool, api apideny.API) (any, []string, bool) {
	if cond, yes, no, ok := ifBranches(v); ok {
		y, dy, cy := customStatements(yes, ep, hasDeny, api)
		n, dn, cn := customStatements(no, ep, hasDeny, api)
		if !cy && !cn {
			return v, nil, false
		}
		return map[string]any{"Fn::If": []any{cond, y, n}}, append(dy, dn...), true
	}
	var l []any
	if !template.IsNoValue(v) {
		l = asList(v)
	}
	return addStatements(l, ep, hasDeny, api)
}

// editObject applies fn to a copy of an object-valued property. A missing,
// null or AWS::NoValue value starts as an empty object; each object branch
// of a Fn::If is edited (a AWS::NoValue branch too).
func editObject(v any, fn func(map[string]any) (bool, error)) (any, bool, error) {
	if cond, yes, no, ok := ifBranches(v); ok {
		ny, cy, err := editObject(yes, fn)
		if err != nil {
			return nil, false, err
		}
		nn, cn, err := editObject(no, fn)
		if err != nil {
			return nil, false, err
		}
		if !cy && !cn {
			return v, false, nil
		}
		return map[string]any{"Fn::If": []any{cond, ny, nn}}, true, nil
	}
	var m map[string]any
	switch t := v.(type) {
	case nil:
		m = map[string]any{}
	case map[string]any:
		if template.IsNoValue(t) {
			m = map[string]any{}
		} else if _, _, ok := template.Intrinsic(t); ok {
			return nil, false, fmt.Errorf("is an intrinsic function (%s) the macro cannot edit", firstKey(t))
		} else {
			m = template.Clone(t).(map[string]any)
		}
	default:
		return nil, false, fmt.Errorf("is a %s, not an object", template.KindOf(v))
	}
	ch, err := fn(m)
	if err != nil || !ch {
		return v, false, err
	}
	return m, true, nil
}

func firstKey(m map[string]any) string {
	for k := range m {
		return k
	}
	return ""
}

// mergeEndpointIDs adds ep to a VpcEndpointIds value.
func mergeEndpointIDs(v any, ep any) (any, bool, error) {
	if yes, no, rebuild, ok := ifRebuild(v); ok {
		ny, cy, err := mergeEndpointIDs(yes, ep)
		if err != nil {
			return nil, false, err
		}
		nn, cn, err := mergeEndpointIDs(no, ep)
		if err != nil {
			return nil, false, err
		}
		if !cy && !cn {
			return v, false, nil
		}
		return rebuild(ny, nn), true, nil
	}
	switch t := v.(type) {
	case nil:
		return []any{ep}, true, nil
	case []any:
		out, added := addEndpoint(t, ep)
		return out, added, nil
	default:
		if template.Equal(v, ep) || template.IsNoValue(v) {
			if template.IsNoValue(v) {
				return []any{ep}, true, nil
			}
			return v, false, nil
		}
		return nil, false, fmt.Errorf("VpcEndpointIds is %s, which the macro cannot merge the endpoint into", describe(v, ""))
	}
}

// addEndpoint adds ep to a list of endpoint ids. In create mode ep is
// Fn::If [cond, created endpoint, Ref parameter]: it takes the place of a
// plain Ref of the parameter already in the list, which would otherwise
// name the same endpoint twice.
func addEndpoint(l []any, ep any) ([]any, bool) {
	if containsValue(l, ep) {
		return l, false
	}
	out := append([]any(nil), l...)
	if _, _, no, ok := ifBranches(ep); ok {
		for i, v := range out {
			if template.Equal(v, no) {
				out[i] = ep
				return out, true
			}
		}
	}
	return append(out, ep), true
}

// describe renders a small value for a change line.
func describe(v any, absent string) string {
	if v == nil {
		return absent
	}
	if l, ok := v.([]any); ok && len(l) == 1 {
		v = l[0]
	}
	if s, ok := v.(string); ok {
		return s
	}
	b, _ := template.EncodeJSON(v, false)
	return string(b)
}

// rewritePolicy adds the Allow (when missing) and the aws:SourceVpce Deny
// to a resource policy given as an object, a JSON string, absent, or under
// Fn::If. A JSON string that needs a change comes back as an object, because
// the endpoint reference cannot resolve inside a string.
func rewritePolicy(v any, ep any, api apideny.API) (any, bool, []string, error) {
	if cond, yes, no, ok := ifBranches(v); ok {
		ny, cy, dy, err := rewritePolicy(yes, ep, api)
		if err != nil {
			return nil, false, nil, err
		}
		nn, cn, dn, err := rewritePolicy(no, ep, api)
		if err != nil {
			return nil, false, nil, err
		}
		if !cy && !cn {
			return v, false, nil, nil
		}
		return map[string]any{"Fn::If": []any{cond, ny, nn}}, true, append(dy, dn...), nil
	}
	var doc map[string]any
	asString := false
	switch t := v.(type) {
	case nil:
		doc = map[string]any{"Version": "2012-10-17"}
	case string:
		parsed, err := template.DecodeJSON([]byte(t))
		if err != nil {
			return nil, false, nil, fmt.Errorf("the JSON string does not parse as a policy object: %w", err)
		}
		doc, asString = parsed, true
	case map[string]any:
		if template.IsNoValue(t) {
			doc = map[string]any{"Version": "2012-10-17"}
		} else if name, _, ok := template.Intrinsic(t); ok {
			return nil, false, nil, fmt.Errorf("is built by %s, which the macro cannot edit", name)
		} else {
			doc = template.Clone(t).(map[string]any)
		}
	default:
		return nil, false, nil, fmt.Errorf("is a %s, not a policy object", template.KindOf(v))
	}
	stmts := asList(doc["Statement"])
	for _, s := range stmts {
		if _, ok := s.(map[string]any); !ok {
			if _, _, isIntr := template.Intrinsic(s); !isIntr {
				return nil, false, nil, fmt.Errorf("a statement is a %s, not an object", template.KindOf(s))
			}
		}
	}
	newStmts, details, changed := addStatements(stmts, ep, false, api)
	if !changed {
		return v, false, nil, nil
	}
	doc["Statement"] = newStmts
	if _, ok := doc["Version"]; !ok {
		doc["Version"] = "2012-10-17"
	}
	if asString {
		// The endpoint is a Ref (or Fn::If): inside a JSON string it would
		// stay literal text, so the rewritten policy is an object.
		details = append(details, "policy: JSON string became an object so the endpoint reference resolves")
	}
	return doc, true, details, nil
}

// addStatements returns statements with the Allow for execute-api:Invoke
// (only when none allows it) and the aws:SourceVpce Deny (unless one
// protects the API, as apideny judges it; a narrower one still gains the
// endpoint, so that it does not refuse the stack's own endpoint).
func addStatements(stmts []any, ep any, hasDeny bool, api apideny.API) ([]any, []string, bool) {
	out := append([]any(nil), stmts...)
	var details []string
	hasAllow := false
	for i, s := range out {
		m, ok := s.(map[string]any)
		if !ok {
			continue
		}
		effect, _ := m["Effect"].(string)
		switch {
		case strings.EqualFold(effect, "Allow") && allowsInvoke(m["Action"]):
			hasAllow = true
		case strings.EqualFold(effect, "Deny"):
			if apideny.Check(m, api).Protects {
				hasDeny = true
			}
			if op, key, ok := vpceCondition(m); ok {
				cond := m["Condition"].(map[string]any)
				keys := cond[op].(map[string]any)
				vals := asList(keys[key])
				if !containsValue(vals, ep) {
					nm := template.Clone(m).(map[string]any)
					nk := nm["Condition"].(map[string]any)[op].(map[string]any)
					nk[key], _ = addEndpoint(vals, ep)
					out[i] = nm
					details = append(details, fmt.Sprintf("policy: existing %s Deny now also accepts the endpoint", key))
				}
			}
		}
	}
	if !hasAllow {
		out = append(out, map[string]any{
			"Effect": "Allow", "Principal": "*", "Action": invokeAction, "Resource": "execute-api:/*",
		})
		details = append(details, "policy: added Allow execute-api:Invoke")
	}
	if !hasDeny {
		out = append(out, map[string]any{
			"Effect": "Deny", "Principal": "*", "Action": invokeAction, "Resource": "execute-api:/*",
			"Condition": map[string]any{"StringNotEquals": map[string]any{sourceVpce: ep}},
		})
		details = append(details, "policy: added Deny unless aws:SourceVpce is the endpoint")
	}
	return out, details, len(details) > 0
}

// allowsInvoke reports whether an Action value covers execute-api:Invoke.
func allowsInvoke(v any) bool {
	for _, a := range asList(v) {
		s, _ := a.(string)
		if strings.EqualFold(s, invokeAction) || strings.EqualFold(s, "execute-api:*") || s == "*" {
			return true
		}
	}
	return false
}

// vpceCondition finds a StringNotEquals-like operator on aws:SourceVpce
// (condition keys match case-insensitively).
func vpceCondition(stmt map[string]any) (op, key string, ok bool) {
	cond, _ := stmt["Condition"].(map[string]any)
	for _, o := range template.SortedKeys(cond) {
		if !strings.Contains(strings.ToLower(o), "notequals") {
			continue
		}
		keys, _ := cond[o].(map[string]any)
		for _, k := range template.SortedKeys(keys) {
			if strings.EqualFold(k, sourceVpce) {
				return o, k, true
			}
		}
	}
	return "", "", false
}
