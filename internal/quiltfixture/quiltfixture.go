// Package quiltfixture holds hand-made templates in the shape of the real
// Quilt templates, for tests across the project: Stable has the structures
// of Quilt's stable template (1.64.x) where the update path depends on them,
// Private those of Quilt's own private build (1.62.x). They are much
// smaller than the real ones and not copies (tests never read the real
// templates). Next (next.go) is the stable fixture's next release, built the
// way Quilt's releases differ, for upgrade tests.
package quiltfixture

import (
	_ "embed"
	"fmt"

	"github.com/quiltdata/quilt-private-endpoints/internal/template"
)

//go:embed stable.yaml
var stable []byte

//go:embed private.yaml
var private []byte

// Stable is the stable-shaped template (YAML, short-form tags): an
// internet-facing ALB (Scheme from PartitionConfig) with Listener,
// InsecureListener and four ListenerRules to four target groups, a WAF web
// ACL whose GeofenceRule exists only when WAFGeofenceCountries is not "*",
// ECS services with explicit ServiceName and LoadBalancers that DependsOn
// their rules, an EDGE REST API (type from PartitionConfig) with methods,
// permissions, a timestamped deployment and a stage, Lambdas in the VPC on
// python3.11, canaries with VPCConfig !Ref AWS::NoValue, exported
// LoadBalancerDNSName / CanonicalHostedZoneID, data buckets and the
// MigrationCallout custom resource.
func Stable() []byte { return append([]byte(nil), stable...) }

// Private is the private-build-shaped template: an internal ALB on
// UserSubnets, the same target group ids plus a private registry listener
// and target group, a PRIVATE REST API on the ApiGatewayVPCEndpoint
// parameter, no WAF and no canaries.
func Private() []byte { return append([]byte(nil), private...) }

// Decode decodes a fixture; it panics only on a broken fixture, which the
// package's test rules out.
func Decode(b []byte) map[string]any {
	doc, err := template.Decode(b)
	if err != nil {
		panic(fmt.Sprintf("quiltfixture: %v", err))
	}
	return doc
}
