package transform

import "github.com/quiltdata/quilt-private-endpoints/internal/finding"

// Rules lists the rules of the engine's warnings (QPE-TF-nnn), in id order;
// each is in a file rule_tf<nnn>_<name>.go.
func Rules() []finding.Rule {
	return []finding.Rule{
		tfEdgeFunction,
		tfExcludedFunction,
		tfConditionalVPC,
		tfExternalRole,
		tfRoleUnchecked,
		tfRolePolicyIntrinsic,
		tfExcludedRole,
		tfExcludedDeployment,
		tfImplicitAPI,
		tfExecuteAPIDisabled,
		tfPublicDomain,
		tfSubnetMappings,
		tfNestedStack,
		tfPublicInstance,
		tfSAMPolicyRedeploy,
		tfSourceVpceWhitelist,
		tfPreflightCycle,
		tfGeofenceRemoved,
		tfExternalWebACL,
		tfExportChanges,
		tfSecurityGroupLimit,
		tfHalfPrivate,
		tfPerIPRule,
		tfGeoCompound,
		tfPublicFunctionURL,
	}
}
