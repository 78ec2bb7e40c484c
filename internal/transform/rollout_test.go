package transform_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/quiltdata/quilt-private-endpoints/internal/quiltfixture"
	"github.com/quiltdata/quilt-private-endpoints/internal/transform"
	"github.com/quiltdata/quilt-private-endpoints/internal/updatepath"
)

// TestRenderIsRollbackSafe: for both Quilt-shaped fixtures and every
// combination of the settings that shape the update (LoadBalancerScheme
// with PublicLoadBalancer keep or retire, PreflightMode), and with the geofence on or off, the update from the
// template to its render rolls back cleanly from a failure anywhere and
// meets no blocker.
func TestRenderIsRollbackSafe(t *testing.T) {
	today := time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC)
	fixtures := map[string][]byte{"stable": quiltfixture.Stable(), "private": quiltfixture.Private()}
	for _, name := range []string{"stable", "private"} {
		for _, scheme := range []string{"unchanged", "internal/keep", "internal/retire"} {
			for _, mode := range []string{"validate", "create", "none"} {
				for _, geo := range []string{"*", "US,CA"} {
					t.Run(fmt.Sprintf("%s/%s/%s/geofence=%s", name, scheme, mode, geo), func(t *testing.T) {
						in := quiltfixture.Decode(fixtures[name])
						params := map[string]any{
							"LoadBalancerScheme": scheme, "PreflightMode": mode,
							"ApiGatewayVPCEndpointId": "vpce-0123456789abcdef0",
							"UserSubnetIds":           "subnet-0123456789abcdef0,subnet-1123456789abcdef0",
						}
						if s, public, ok := strings.Cut(scheme, "/"); ok {
							params["LoadBalancerScheme"], params["PublicLoadBalancer"] = s, public
						}
						res, err := transform.Transform(context.Background(), transform.Request{Fragment: in, Params: params})
						if err != nil {
							t.Fatal(err)
						}
						p, err := updatepath.Compute(context.Background(), updatepath.Input{
							Deployed: in, New: res.Fragment, Today: today, StackName: "quilt",
							DeployedParams: map[string]string{"WAFGeofenceCountries": geo},
						})
						if err != nil {
							t.Fatal(err)
						}
						for _, b := range p.Rollout.Blockers {
							t.Errorf("blocker %s %s: %s", b.ID, b.Resource, b.Detail)
						}
						if !p.Rollout.RollbackSafe {
							t.Errorf("not rollback-safe: %+v", p.Rollout.Failures)
						}
						for _, w := range p.Rollout.Waves {
							for _, id := range w {
								if fp, ok := p.FailAt(id); !ok || !fp.Clean {
									t.Errorf("a failure at %s does not roll back cleanly: %+v", id, fp)
								}
							}
						}
					})
				}
			}
		}
	}
}
