package verify

import (
	"github.com/quiltdata/quilt-private-endpoints/internal/finding"
)

// Catalogue lists every check, in id order; each runs on what gather read.
// A few checks report a milder severity than their rule's for a transient
// state, said in the rule's Meaning; findings carry a precise remedy, the
// rule's is the fallback.
func Catalogue() finding.Catalogue[*state] {
	return finding.NewCatalogue(
		checkStackStatus(),
		checkExpectations(),
		checkRenderSettings(),
		checkFunctionInVPC(),
		checkFunctionSubnets(),
		checkFunctionSecurityGroups(),
		checkFunctionVPC(),
		checkFunctionState(),
		checkFunctionLastUpdate(),
		checkAPIPrivate(),
		checkAPIEndpoint(),
		checkAPIPolicy(),
		checkAPIDeployed(),
		checkAPIReachable(),
		checkCanaryLastRun(),
		checkCanaryFresh(),
		checkCanaryState(),
		checkCanaryVPC(),
		checkLBInternal(),
		checkLBInternalExists(),
		checkServicePublicIP(),
		checkCouldNotCheck(),
	)
}
