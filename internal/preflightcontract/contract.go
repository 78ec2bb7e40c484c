// Package preflightcontract is the contract between the macro, which writes
// the preflight custom resource into a template (internal/transform), and
// the custom resource, which reads it at deploy time
// (internal/preflightresource): the resource type, its property names, the
// attribute (Data) names it answers with, and its mode strings. Both sides
// use these names and no literals of their own.
package preflightcontract

// Type is the resource type of the preflight custom resource.
const Type = "Custom::QuiltPrivateEndpoints"

// LogicalID is the logical id the macro gives the preflight resource.
const LogicalID = "QuiltPrivateEndpointsPreflight"

// Property names of the preflight resource.
const (
	// PropServiceToken is the preflight function's ARN (CloudFormation's own).
	PropServiceToken = "ServiceToken"
	// PropServiceTimeout is CloudFormation's custom resource timeout (s).
	PropServiceTimeout = "ServiceTimeout"
	// PropMode is ModeValidate or ModeCreate.
	PropMode = "Mode"
	// PropVpcID is the VPC the stack's Lambdas run in.
	PropVpcID = "VpcId"
	// PropSubnetIDs are the private subnets of the stack's Lambdas.
	PropSubnetIDs = "SubnetIds"
	// PropAPIEndpointID is the execute-api interface endpoint (empty in
	// create mode: the custom resource creates it).
	PropAPIEndpointID = "ApiGatewayVPCEndpointId"
	// PropBucketNames are the buckets whose Region is checked.
	PropBucketNames = "BucketNames"
	// PropVPNClients adds the checks for users reaching S3 over a VPN.
	PropVPNClients = "VpnClients"
	// PropFingerprint changes whenever the rendered template or its
	// parameter values change, so that every stack update runs the check.
	PropFingerprint = "Fingerprint"
	// PropEgressServices are the AWS services the stack's VPC resources
	// call (awsservices names): without a NAT route each needs an endpoint.
	PropEgressServices = "EgressServices"
	// PropUserSubnets are the subnets of the internal load balancer.
	PropUserSubnets = "UserSubnets"
	// PropServiceSubnets are the subnets of the ECS services the internal
	// load balancer forwards to: its subnets must cover their zones.
	PropServiceSubnets = "ServiceSubnets"
	// PropClientCidrs are the networks of the catalog's users, who must
	// reach the execute-api endpoint on TCP 443.
	PropClientCidrs = "ClientCidrs"
	// PropEndpointPrivateDNS turns private DNS on for the execute-api
	// endpoint create mode creates (default false).
	PropEndpointPrivateDNS = "EndpointPrivateDns"
	// PropWarnings are the macro's warnings, reported by the custom
	// resource in its Data summary and its Reason (a list of strings, never
	// split at commas).
	PropWarnings = "MacroWarnings"
)

// Properties lists every property the custom resource accepts, in the
// order of its error messages.
func Properties() []string {
	return []string{
		PropServiceToken, PropServiceTimeout, PropMode, PropVpcID, PropSubnetIDs,
		PropAPIEndpointID, PropBucketNames, PropVPNClients, PropFingerprint, PropEgressServices,
		PropUserSubnets, PropServiceSubnets, PropClientCidrs, PropEndpointPrivateDNS, PropWarnings,
	}
}

// MacroOwned lists the properties the macro always writes and overwrites in
// a preflight resource already in the template; any other property there
// is the user's and is kept.
func MacroOwned() []string {
	return []string{PropServiceTimeout, PropMode, PropVpcID, PropSubnetIDs, PropAPIEndpointID,
		PropFingerprint, PropEgressServices, PropWarnings}
}

// Attribute (Data) names of a SUCCESS response, read with Fn::GetAtt.
const (
	// AttrAPIEndpointID is the execute-api endpoint checked or created.
	AttrAPIEndpointID = "ApiGatewayVPCEndpointId"
	// AttrS3GatewayID is the S3 gateway endpoint routing the subnets.
	AttrS3GatewayID = "S3GatewayEndpointId"
	// AttrSummary is a one-line summary of the check.
	AttrSummary = "Summary"
	// AttrRollback is "true" when the answer is a rollback's, whose checks
	// are not allowed to fail.
	AttrRollback = "Rollback"
)

// Attributes lists every attribute of a SUCCESS response.
func Attributes() []string {
	return []string{AttrAPIEndpointID, AttrS3GatewayID, AttrSummary, AttrRollback}
}

// Modes of the preflight (the PreflightMode setting and the Mode property).
const (
	// ModeValidate checks the network and changes nothing.
	ModeValidate = "validate"
	// ModeCreate creates the missing endpoints, then checks.
	ModeCreate = "create"
	// ModeNone is a setting only: the macro adds no preflight resource.
	ModeNone = "none"
)
