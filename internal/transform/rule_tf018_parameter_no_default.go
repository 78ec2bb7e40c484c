package transform

import "github.com/quiltdata/quilt-private-endpoints/internal/finding"

// tfParameterNoDefault: network parameter added without a value.
var tfParameterNoDefault = finding.Rule{
	ID:       "QPE-TF-018",
	Severity: finding.Warning,
	Title:    "network parameter added without a value",
	Meaning:  "The macro declared a network parameter the rewrite needs, with no Default: the stack cannot pass a value for a parameter only the macro adds.",
	Remedy:   "Give the value as the matching Transform parameter (ApiGatewayVPCEndpointId, VpcId, SubnetIds, UserSubnetIds), or declare the parameter in the original template.",
}
