// Package apidenytest holds the hostile and the good Deny statements every
// user of the "this Deny protects this API" predicate is tested with: the
// macro (JSON, YAML, SAM) and `qpe verify` run the same list. It holds data
// only: it imports nothing of the code it tests.
package apidenytest

import "strings"

// The world of the cases: the API's Region, account and id, and the endpoint
// the narrow or good Deny lists.
const (
	Region   = "us-east-1"
	Account  = "111122223333"
	APIID    = "a1b2c3d4e5"
	Endpoint = "vpce-0123456789abcdef0"
)

// Case is one Deny statement, as JSON with ENDPOINT standing for Endpoint.
type Case struct {
	Name string
	// Statement is the statement's JSON.
	Statement string
	// Protects is true when the statement protects the whole API from
	// every caller that does not come through Endpoint.
	Protects bool
	// ShapeOnly cases are refused by rule (the predicate accepts no
	// NotAction) although IAM would still deny execute-api:Invoke.
	ShapeOnly bool
	// NeedsID cases protect the API only where its id is known (a live
	// API), not in a template, where CloudFormation assigns it.
	NeedsID bool
	// TemplateOnly cases hold intrinsic functions (a template's policy).
	TemplateOnly bool
}

// JSON returns the statement with the endpoint filled in.
func (c Case) JSON() string { return strings.ReplaceAll(c.Statement, "ENDPOINT", Endpoint) }

const cond = `"Condition":{"StringNotEquals":{"aws:SourceVpce":"ENDPOINT"}}`

func deny(principal, action, resource, condition string) string {
	return `{"Effect":"Deny",` + principal + `,` + action + `,` + resource + `,` + condition + `}`
}

const (
	all    = `"Principal":"*"`
	invoke = `"Action":"execute-api:Invoke"`
	whole  = `"Resource":"execute-api:/*"`
)

// Cases returns every case: the narrow ones (hostile: a Deny that looks like
// the perimeter but lets callers through other endpoints in) and the good
// ones.
func Cases() []Case {
	return []Case{
		// Good: each of these protects the API.
		{Name: "standard", Statement: deny(all, invoke, whole, cond), Protects: true},
		{Name: "AWS star principal", Statement: deny(`"Principal":{"AWS":"*"}`, invoke, whole, cond), Protects: true},
		{Name: "AWS star in a list", Statement: deny(`"Principal":{"AWS":["*"]}`, invoke, whole, cond), Protects: true},
		{Name: "Resource star", Statement: deny(all, invoke, `"Resource":"*"`, cond), Protects: true},
		{Name: "Action star", Statement: deny(all, `"Action":"*"`, whole, cond), Protects: true},
		{Name: "Action execute-api star", Statement: deny(all, `"Action":"execute-api:*"`, whole, cond), Protects: true},
		{Name: "Action wildcard pattern", Statement: deny(all, `"Action":"execute-api:Inv*"`, whole, cond), Protects: true},
		{Name: "Action list", Statement: deny(all, `"Action":["execute-api:ManageConnections","execute-api:Invoke"]`, whole, cond), Protects: true},
		{Name: "IfExists", Statement: deny(all, invoke, whole, `"Condition":{"StringNotEqualsIfExists":{"aws:SourceVpce":"ENDPOINT"}}`), Protects: true},
		{Name: "key lower case and a list of endpoints", Statement: deny(all, invoke, whole, `"Condition":{"StringNotEquals":{"aws:sourcevpce":["ENDPOINT","vpce-11111111"]}}`), Protects: true},
		{Name: "ARN with wildcards", Statement: deny(all, invoke, `"Resource":"arn:*:execute-api:*:*:*/*"`, cond), Protects: true},
		{Name: "ARN of this API", NeedsID: true, Statement: deny(all, invoke, `"Resource":"arn:aws:execute-api:us-east-1:111122223333:a1b2c3d4e5/*"`, cond), Protects: true},
		{Name: "ARN with stage, method and path wildcards", Statement: deny(all, invoke, `"Resource":"arn:aws:execute-api:us-east-1:111122223333:*/*/*/*"`, cond), Protects: true},
		{Name: "ARN by Fn::Sub of pseudo parameters", TemplateOnly: true, Protects: true,
			Statement: deny(all, invoke, `"Resource":{"Fn::Sub":"arn:${AWS::Partition}:execute-api:${AWS::Region}:${AWS::AccountId}:*/*"}`, cond)},
		{Name: "ARN by Fn::Join of pseudo parameters", TemplateOnly: true, Protects: true,
			Statement: deny(all, invoke, `"Resource":{"Fn::Join":["",["arn:",{"Ref":"AWS::Partition"},":execute-api:",{"Ref":"AWS::Region"},":",{"Ref":"AWS::AccountId"},":*/*"]]}`, cond)},

		// Narrow: each of these lets some caller through another endpoint in.
		{Name: "scoped to one principal", Statement: deny(`"Principal":{"AWS":"arn:aws:iam::111122223333:role/app"}`, invoke, whole, cond)},
		{Name: "scoped to one account", Statement: deny(`"Principal":{"AWS":"111122223333"}`, invoke, whole, cond)},
		{Name: "scoped to a service", Statement: deny(`"Principal":{"Service":"lambda.amazonaws.com"}`, invoke, whole, cond)},
		{Name: "NotPrincipal", Statement: `{"Effect":"Deny","NotPrincipal":{"AWS":"arn:aws:iam::111122223333:role/admin"},` + invoke + `,` + whole + `,` + cond + `}`},
		{Name: "NotAction", ShapeOnly: true, Statement: `{"Effect":"Deny",` + all + `,"NotAction":"execute-api:ManageConnections",` + whole + `,` + cond + `}`},
		{Name: "NotResource", Statement: `{"Effect":"Deny",` + all + `,` + invoke + `,"NotResource":"execute-api:/prod/GET/health",` + cond + `}`},
		{Name: "Action that is not Invoke", Statement: deny(all, `"Action":"execute-api:ManageConnections"`, whole, cond)},
		{Name: "extra key in the same operator", Statement: deny(all, invoke, whole, `"Condition":{"StringNotEquals":{"aws:SourceVpce":"ENDPOINT","aws:PrincipalAccount":"111122223333"}}`)},
		{Name: "extra condition", Statement: deny(all, invoke, whole, `"Condition":{"StringNotEquals":{"aws:SourceVpce":"ENDPOINT"},"Bool":{"aws:SecureTransport":"false"}}`)},
		{Name: "extra condition on a principal tag", Statement: deny(all, invoke, whole, `"Condition":{"StringNotEquals":{"aws:SourceVpce":"ENDPOINT"},"StringEquals":{"aws:PrincipalTag/team":"x"}}`)},
		{Name: "condition that never holds (policy variable)", Statement: deny(all, invoke, whole, `"Condition":{"StringNotEquals":{"aws:SourceVpce":["ENDPOINT","${aws:SourceVpce}"]}}`)},
		{Name: "condition that never holds (StringNotLike star)", Statement: deny(all, invoke, whole, `"Condition":{"StringNotLike":{"aws:SourceVpce":"*"}}`)},
		{Name: "ForAnyValue operator", Statement: deny(all, invoke, whole, `"Condition":{"ForAnyValue:StringNotEquals":{"aws:SourceVpce":"ENDPOINT"}}`)},
		{Name: "Resource naming another API", Statement: deny(all, invoke, `"Resource":"arn:aws:execute-api:us-east-1:111122223333:otherapi99/*"`, cond)},
		{Name: "Resource in another Region", Statement: deny(all, invoke, `"Resource":"arn:aws:execute-api:eu-west-1:*:*/*"`, cond)},
		{Name: "Resource in another account", Statement: deny(all, invoke, `"Resource":"arn:aws:execute-api:*:444455556666:*/*"`, cond)},
		{Name: "Resource in another partition", Statement: deny(all, invoke, `"Resource":"arn:aws-cn:execute-api:*:*:*/*"`, cond)},
		{Name: "Resource of another service", Statement: deny(all, invoke, `"Resource":"arn:aws:s3:::*/*"`, cond)},
		{Name: "Resource on one stage", Statement: deny(all, invoke, `"Resource":"execute-api:/prod/*"`, cond)},
		{Name: "Resource on one method", Statement: deny(all, invoke, `"Resource":"execute-api:/*/POST/*"`, cond)},
		{Name: "Resource that misses the root path", Statement: deny(all, invoke, `"Resource":"execute-api:/*/*/*/*"`, cond)},
		{Name: "Resource naming another API by Fn::Sub", TemplateOnly: true,
			Statement: deny(all, invoke, `"Resource":{"Fn::Sub":"arn:${AWS::Partition}:execute-api:${AWS::Region}:${AWS::AccountId}:${OtherApi}/*"}`, cond)},
		{Name: "Resource built by Fn::GetAtt", TemplateOnly: true,
			Statement: deny(all, invoke, `"Resource":{"Fn::GetAtt":["OtherApi","Arn"]}`, cond)},
		{Name: "endpoint value made a policy variable by Fn::Sub", TemplateOnly: true,
			Statement: deny(all, invoke, whole, `"Condition":{"StringNotEquals":{"aws:SourceVpce":{"Fn::Sub":"${!aws:SourceVpce}"}}}`)},
	}
}
