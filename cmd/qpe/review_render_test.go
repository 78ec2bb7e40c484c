package main

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/quiltdata/quilt-private-endpoints/internal/quiltfixture"
	"github.com/quiltdata/quilt-private-endpoints/internal/stackfake"
	"github.com/quiltdata/quilt-private-endpoints/internal/testenv"
	"github.com/quiltdata/quilt-private-endpoints/internal/transform"
)

// renderStackServe starts the CloudFormation double with stack quilt
// deployed as deployed (its processed template).
func renderStackServe(t *testing.T, deployed map[string]any) {
	t.Helper()
	testenv.IsolateAWS(t)
	t.Setenv("AWS_ACCESS_KEY_ID", "AKIDREVIEWTEST")
	t.Setenv("AWS_SECRET_ACCESS_KEY", "review-test-secret")
	scn, err := stackfake.Parse([]byte(`
stack:
  name: quilt
  status: UPDATE_COMPLETE
  created: 2026-01-02T03:04:05Z
  parameters: {QuiltWebHost: quilt.example.com, WAFGeofenceCountries: '*'}
`))
	if err != nil {
		t.Fatal(err)
	}
	scn.Stack.Template = deployed
	srv := stackfake.Start(scn)
	t.Cleanup(srv.Close)
	t.Setenv("AWS_ENDPOINT_URL_CLOUDFORMATION", srv.URL())
	t.Setenv("AWS_ENDPOINT_URL_STS", srv.URL())
}

// TestReviewStackRenderRecord: review --stack reads the deployed render's
// record back (engine version, settings) and flags each setting the new
// render changes: keep -> retire expected, internal -> unchanged a
// warning; a stack deployed before the record existed gets a note.
func TestReviewStackRenderRecord(t *testing.T) {
	net := []string{"--set", "ApiGatewayVPCEndpointId=vpce-0a1b2c3d4e5f60718", "--set", "UserSubnetIds=subnet-0a1b2c3d4e5f60201,subnet-0a1b2c3d4e5f60202"}
	keepParams := map[string]any{"LoadBalancerScheme": "internal", "PublicLoadBalancer": "keep",
		"ApiGatewayVPCEndpointId": "vpce-0a1b2c3d4e5f60718", "UserSubnetIds": "subnet-0a1b2c3d4e5f60201,subnet-0a1b2c3d4e5f60202"}
	res, err := transform.Transform(context.Background(), transform.Request{Fragment: quiltfixture.Decode(quiltfixture.Stable()), Params: keepParams})
	if err != nil {
		t.Fatal(err)
	}
	src := filepath.Join(t.TempDir(), "stable.yaml")
	if err := os.WriteFile(src, quiltfixture.Stable(), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		name     string
		deployed map[string]any
		sets     []string
		want     string // setting:level, or the deployed side's note
	}{
		{"keep -> retire", res.Fragment, []string{"LoadBalancerScheme=internal", "PublicLoadBalancer=retire"}, "PublicLoadBalancer:expected"},
		{"internal -> unchanged", res.Fragment, []string{"LoadBalancerScheme=unchanged"}, "LoadBalancerScheme:warning"},
		{"deployed before the record", quiltfixture.Decode(quiltfixture.Stable()), []string{"LoadBalancerScheme=internal", "PublicLoadBalancer=keep"}, "records nothing"},
	} {
		t.Run(c.name, func(t *testing.T) {
			renderStackServe(t, c.deployed)
			argsFor := func(format string) []string {
				args := append([]string{"review", "--stack", "quilt", "--region", "us-east-1", "--format", format}, net...)
				for _, s := range c.sets {
					args = append(args, "--set", s)
				}
				return append(args, src)
			}
			code, out, errs := qpeRun(t, "", argsFor("json")...)
			if code != 0 {
				t.Fatalf("exit %d\n%s", code, errs)
			}
			var rep struct {
				Render *struct {
					Deployed struct {
						Recorded      bool
						EngineVersion string
						Note          string
					}
					New     struct{ Recorded bool }
					Changes []struct{ Setting, Level, Why string }
				} `json:"render"`
			}
			if err := json.Unmarshal([]byte(out), &rep); err != nil {
				t.Fatal(err)
			}
			r := rep.Render
			if r == nil || !r.New.Recorded {
				t.Fatalf("no render comparison: %+v", r)
			}
			var got []string
			for _, ch := range r.Changes {
				got = append(got, ch.Setting+":"+ch.Level)
			}
			if !strings.Contains(strings.Join(got, " ")+" "+r.Deployed.Note, c.want) {
				t.Errorf("changes %v, deployed %+v; want %q", got, r.Deployed, c.want)
			}
			if r.Deployed.Recorded && r.Deployed.EngineVersion != transform.EngineVersion {
				t.Errorf("deployed engine version %q", r.Deployed.EngineVersion)
			}
			// The Markdown report shows it too.
			if _, out, _ := qpeRun(t, "", argsFor("markdown")...); !strings.Contains(out, "## Deployed render and new render") {
				t.Errorf("the Markdown report has no render section:\n%.2000s", out)
			}
		})
	}
}
