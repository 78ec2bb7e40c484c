package updatepath_test

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/quiltdata/quilt-private-endpoints/internal/quiltfixture"
	"github.com/quiltdata/quilt-private-endpoints/internal/transform"
	"github.com/quiltdata/quilt-private-endpoints/internal/updatepath"
)

var updateGolden = flag.Bool("update-golden", false, "rewrite testdata/*/expected.*")

// goldenInput is testdata/<case>/input.json: the deployed fixture, the new
// side (a fixture, or "render": the transform of the deployed one with
// Settings) and what the model is told about the stack.
type goldenInput struct {
	Deployed string `json:"deployed"`
	// DeployedSettings, when set, make the deployed side the transform of
	// the deployed fixture with them (a stack an earlier render deployed);
	// the new side ("render") is then the transform of the fixture too.
	DeployedSettings map[string]string `json:"deployedSettings"`
	// DNSMoved: the host names already resolve to the internal load
	// balancer (Input.DNSMoved).
	DNSMoved bool `json:"dnsMoved"`
	// New is a fixture, "render" (the transform of the deployed fixture
	// with Settings) or "next" (the transform with Settings of the stable
	// fixture's next release, quiltfixture.Next with NextChanges: an
	// upgrade of a stack an earlier render deployed).
	New string `json:"new"`
	// NextChanges are the quiltfixture.Change values of "next"; none means
	// every one.
	NextChanges     []quiltfixture.Change `json:"nextChanges"`
	Settings        map[string]string     `json:"settings"`
	Params          map[string]string     `json:"params"`
	StackName       string                `json:"stackName"`
	ImportedExports map[string][]string   `json:"importedExports"`
}

func fixture(t *testing.T, name string) map[string]any {
	t.Helper()
	switch name {
	case "stable":
		return quiltfixture.Decode(quiltfixture.Stable())
	case "private":
		return quiltfixture.Decode(quiltfixture.Private())
	}
	t.Fatalf("unknown fixture %q", name)
	return nil
}

func goldenPlan(t testing.TB, dir string) *updatepath.Plan {
	raw, err := os.ReadFile(filepath.Join(dir, "input.json"))
	if err != nil {
		t.Fatal(err)
	}
	var in goldenInput
	if err := json.Unmarshal(raw, &in); err != nil {
		t.Fatal(err)
	}
	tt, _ := t.(*testing.T)
	source := fixture(tt, in.Deployed)
	renderOf := func(source map[string]any, settings map[string]string) map[string]any {
		params := map[string]any{}
		for k, v := range settings {
			params[k] = v
		}
		res, err := transform.Transform(context.Background(), transform.Request{Fragment: source, Params: params})
		if err != nil {
			t.Fatal(err)
		}
		return res.Fragment
	}
	render := func(settings map[string]string) map[string]any { return renderOf(source, settings) }
	deployed := source
	if in.DeployedSettings != nil {
		deployed = render(in.DeployedSettings)
	}
	var next map[string]any
	var baseline *updatepath.Baseline
	switch in.New {
	case "render":
		next = render(in.Settings)
	case "next":
		given := quiltfixture.Next(in.NextChanges...)
		next = renderOf(given, in.Settings)
		// An upgrade: the same upgrade without the macro marks Quilt's
		// own findings.
		baseline = &updatepath.Baseline{Deployed: source, New: given}
	default:
		next = fixture(tt, in.New)
	}
	p, err := updatepath.Compute(context.Background(), updatepath.Input{Deployed: deployed, New: next, Today: today, DeployedParams: in.Params,
		StackName: in.StackName, ImportedExports: in.ImportedExports, DNSMoved: in.DNSMoved, Baseline: baseline})
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// TestGoldenPlans compares the Markdown and JSON plans of each case with
// expected.md and expected.json (-update-golden rewrites them).
func TestGoldenPlans(t *testing.T) {
	dirs, _ := filepath.Glob(filepath.Join("testdata", "*", "input.json"))
	if len(dirs) < 7 {
		t.Fatalf("want the 7 golden cases, found %d", len(dirs))
	}
	for _, f := range dirs {
		dir := filepath.Dir(f)
		t.Run(filepath.Base(dir), func(t *testing.T) {
			p := goldenPlan(t, dir)
			var md, js bytes.Buffer
			if err := updatepath.WriteMarkdown(&md, p, "Update plan: "+filepath.Base(dir), "#"); err != nil {
				t.Fatal(err)
			}
			if err := updatepath.WriteJSON(&js, p); err != nil {
				t.Fatal(err)
			}
			for name, got := range map[string][]byte{"expected.md": md.Bytes(), "expected.json": js.Bytes()} {
				path := filepath.Join(dir, name)
				if *updateGolden {
					if err := os.WriteFile(path, got, 0o644); err != nil {
						t.Fatal(err)
					}
					continue
				}
				want, err := os.ReadFile(path)
				if err != nil {
					t.Fatal(err)
				}
				if !bytes.Equal(got, want) {
					t.Errorf("%s differs (go test ./internal/updatepath -update-golden rewrites it; read the diff)", path)
				}
			}
			// Deterministic: a second computation gives the same bytes.
			var again bytes.Buffer
			if err := updatepath.WriteJSON(&again, goldenPlan(t, dir)); err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(again.Bytes(), js.Bytes()) {
				t.Error("the plan is not deterministic")
			}
		})
	}
}

// TestStageAvailability: on the stable fixture, the side-by-side step and
// the retire after it (DNS moved) are rollback-safe with no private-network
// downtime; retiring straight from stable (the load balancer replaced in
// place) loses the catalog, registry and s3-proxy hosts on the private
// network from the wave their services switch target groups.
func TestStageAvailability(t *testing.T) {
	for _, dir := range []string{"stable-render-internal-create", "stable-keep-then-retire"} {
		p := goldenPlan(t, filepath.Join("testdata", dir))
		if !p.Rollout.RollbackSafe || p.Rollout.Availability.PrivateNetworkDowntime || p.RefuseDowntime(false) != nil {
			t.Errorf("%s: rollbackSafe %v, privateNetworkDowntime %v: %+v", dir, p.Rollout.RollbackSafe,
				p.Rollout.Availability.PrivateNetworkDowntime, p.Rollout.Availability.Entries)
		}
	}
	p := goldenPlan(t, filepath.Join("testdata", "stable-render-internal-retire"))
	if !p.Rollout.Availability.PrivateNetworkDowntime || p.RefuseDowntime(false) == nil {
		t.Fatal("retiring straight from stable must report private-network downtime")
	}
	waveOf := map[string]int{}
	for _, r := range p.Resources {
		waveOf[r.LogicalID] = r.Wave
	}
	for host, service := range map[string]string{
		"quilt.example.com":          "NginxCatalogService",
		"quilt-registry.example.com": "RegistryService",
		"quilt-s3-proxy.example.com": "S3ProxyService",
	} {
		want := fmt.Sprintf("wave %d", waveOf[service])
		found := false
		for _, e := range p.Rollout.Availability.Entries {
			if e.Host == host && e.Network == updatepath.NetworkPrivate {
				found = len(e.Lost) > 0 && e.Lost[0].From == want && !e.Lost[0].Inherent && e.Lost[len(e.Lost)-1].Until == "after"
				if !found {
					t.Errorf("%s on the private network: lost %+v, want from %s (%s switches) until after", host, e.Lost, want, service)
				}
			}
		}
		if !found && !t.Failed() {
			t.Errorf("no private entry for %s", host)
		}
	}
}

// TestGoldenReplacesOwned: QPE-UP-012 is in the golden plans whose case is
// named refuse-* (an update that replaces or removes what the macro made:
// a next release that renames the source API, the internal load balancer
// side dropped by LoadBalancerScheme=unchanged) and in no other: keep ->
// retire removes only public ids, an upgrade to the next release keeps
// every one.
func TestGoldenReplacesOwned(t *testing.T) {
	dirs, _ := filepath.Glob(filepath.Join("testdata", "*", "input.json"))
	refused := 0
	for _, f := range dirs {
		dir := filepath.Dir(f)
		name := filepath.Base(dir)
		got := goldenPlan(t, dir).ReplacesOwned()
		if want := strings.HasPrefix(name, "refuse-"); (len(got) > 0) != want {
			t.Errorf("%s: QPE-UP-012 %+v, want it %v", name, got, want)
		}
		if len(got) > 0 {
			refused++
			t.Logf("%s: %d owned resources replaced or removed", name, len(got))
		}
	}
	if refused < 2 {
		t.Errorf("%d refuse-* cases, want at least 2: the check would pass vacuously", refused)
	}
}
