package updatepath_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/quiltdata/quilt-private-endpoints/internal/quiltfixture"
	"github.com/quiltdata/quilt-private-endpoints/internal/template"
	"github.com/quiltdata/quilt-private-endpoints/internal/transform"
	"github.com/quiltdata/quilt-private-endpoints/internal/updatepath"
)

var today = time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC)

// naive is the in-place rewrite a user might write by hand: the stable
// fixture with its API made PRIVATE and its ALB internal, nothing else.
func naive(t *testing.T) map[string]any {
	t.Helper()
	doc, _ := template.Clone(quiltfixture.Decode(quiltfixture.Stable())).(map[string]any)
	rs := template.Resources(doc)
	api := template.Section(rs["Api"].(map[string]any), "Properties")
	api["EndpointConfiguration"] = map[string]any{"Types": []any{"PRIVATE"}, "VpcEndpointIds": []any{"vpce-0a1b2c3d4e5f60718"}}
	lb := template.Section(rs["LoadBalancer"].(map[string]any), "Properties")
	lb["Scheme"] = "internal"
	return doc
}

// injectEverywhere fails each resource of each wave in turn and returns the
// failures whose rollback is stuck.
func injectEverywhere(t *testing.T, p *updatepath.Plan) (stuck []updatepath.FailurePoint, n int) {
	t.Helper()
	for _, w := range p.Rollout.Waves {
		for _, id := range w {
			fp, ok := p.FailAt(id)
			if !ok {
				t.Fatalf("%s is in a wave but FailAt does not find it", id)
			}
			n++
			if !fp.Clean {
				stuck = append(stuck, fp)
			}
		}
	}
	return stuck, n
}

func TestNaiveInPlaceRewriteIsNotRollbackSafe(t *testing.T) {
	stable := quiltfixture.Decode(quiltfixture.Stable())
	p, err := updatepath.Compute(context.Background(), updatepath.Input{Deployed: stable, New: naive(t), Today: today})
	if err != nil {
		t.Fatal(err)
	}
	stuck, n := injectEverywhere(t, p)
	if n < 4 {
		t.Fatalf("only %d failure points: %v", n, p.Rollout.Waves)
	}
	if len(stuck) == 0 || p.Rollout.RollbackSafe {
		t.Fatalf("the in-place EDGE -> PRIVATE beside a replaced ALB must jam a rollback: %+v", p.Rollout.Failures)
	}
	for _, fp := range stuck {
		if len(fp.Stuck) != 1 || fp.Stuck[0] != "Api" {
			t.Errorf("%s: stuck %v, want [Api]", fp.At, fp.Stuck)
		}
	}
	// A failure before the API changed rolls back cleanly.
	if fp, _ := p.FailAt("Api"); !fp.Clean {
		t.Errorf("the API's own failure rolls back what came before it: %+v", fp)
	}
}

// TestDefaultRenderIsRollbackSafe runs the real transform on the stable
// fixture with each combination of the settings and asserts that a failure
// anywhere rolls back cleanly.
func TestDefaultRenderIsRollbackSafe(t *testing.T) {
	for _, scheme := range []string{"unchanged", "internal/keep", "internal/retire"} {
		for _, mode := range []string{"validate", "create"} {
			t.Run(scheme+"/"+mode, func(t *testing.T) {
				stable := quiltfixture.Decode(quiltfixture.Stable())
				res, err := transform.Transform(context.Background(), transform.Request{
					Fragment: stable, Params: renderSettings(scheme, mode),
				})
				if err != nil {
					t.Fatal(err)
				}
				p, err := updatepath.Compute(context.Background(), updatepath.Input{Deployed: stable, New: res.Fragment, Today: today})
				if err != nil {
					t.Fatal(err)
				}
				if stuck, _ := injectEverywhere(t, p); len(stuck) > 0 || !p.Rollout.RollbackSafe {
					var at, ids []string
					for _, fp := range stuck {
						at = append(at, fp.At+": "+strings.Join(fp.Stuck, ","))
					}
					for _, b := range p.Rollout.Blockers {
						ids = append(ids, b.ID+" "+b.Resource)
					}
					t.Errorf("not rollback-safe:\n%s\nblockers: %s", strings.Join(at, "\n"), strings.Join(ids, "; "))
				}
			})
		}
	}
}

// renderSettings are the Transform parameters of a render of the stable
// fixture (scheme "unchanged" or "internal/<PublicLoadBalancer>"): the
// endpoint (validate mode) and the user subnets (internal ALB) the macro
// needs values for.
func renderSettings(scheme, mode string) map[string]any {
	p := map[string]any{"LoadBalancerScheme": scheme, "PreflightMode": mode}
	if mode != "create" {
		p["ApiGatewayVPCEndpointId"] = "vpce-0a1b2c3d4e5f60718"
	}
	if s, public, ok := strings.Cut(scheme, "/"); ok { // internal/keep, internal/retire
		p["LoadBalancerScheme"], p["PublicLoadBalancer"] = s, public
		scheme = s
	}
	if scheme == "internal" {
		p["UserSubnetIds"] = "subnet-0a1b2c3d4e5f60201,subnet-0a1b2c3d4e5f60202"
	}
	return p
}
