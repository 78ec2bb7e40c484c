package preflight_test

import (
	"context"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/quiltdata/quilt-private-endpoints/internal/awsfake"
	"github.com/quiltdata/quilt-private-endpoints/internal/fakeworld"
	"github.com/quiltdata/quilt-private-endpoints/internal/finding"
	"github.com/quiltdata/quilt-private-endpoints/internal/preflight"
)

// scenario is a testdata/scenarios/*.yaml file laid over testdata/base.yaml
// by fakeworld's loader: a world (base.yaml's with the scenario's resources
// replacing or adding to it by id, and the ids under remove taken out), the
// input, faults, and what must be found.
type scenario struct {
	Description string          `yaml:"description"`
	Input       scenarioInput   `yaml:"input"`
	World       awsfake.World   `yaml:"world"`
	Faults      []awsfake.Fault `yaml:"faults"`
	PageSize    int             `yaml:"pageSize"`
	Expect      struct {
		// Findings is the exact multiset of finding ids.
		Findings []string `yaml:"findings"`
		// Contains are substrings some finding's message or remedy holds.
		Contains []string `yaml:"contains"`
		// Excludes are substrings no finding holds (what the fix does
		// not need).
		Excludes []string `yaml:"excludes"`
		// MaxSeconds bounds the run's wall time.
		MaxSeconds float64 `yaml:"maxSeconds"`
		// MinCalls proves faults were hit and retried.
		MinCalls int `yaml:"minCalls"`
	} `yaml:"expect"`
}

type scenarioInput struct {
	Region       string   `yaml:"region"`
	VPC          string   `yaml:"vpc"`
	Subnets      []string `yaml:"subnets"`
	APIEndpoint  string   `yaml:"apiEndpoint"`
	Buckets      []string `yaml:"buckets"`
	NoBuckets    bool     `yaml:"noBuckets"`
	VPNClients   bool     `yaml:"vpnClients"`
	CallerGroups []string `yaml:"callerSecurityGroups"`
	Timeout      string   `yaml:"timeout"`
	Services     []string `yaml:"services"`
	UserSubnets  []string `yaml:"userSubnets"`
	ServiceSubs  []string `yaml:"serviceSubnets"`
	ClientCidrs  []string `yaml:"clientCidrs"`
	Lambda       bool     `yaml:"lambda"`
}

// loadScenario reads a scenario through the doubles' one loader.
func loadScenario(t testing.TB, path string) (scenario, preflight.Input, *awsfake.World) {
	t.Helper()
	var sc scenario
	if err := fakeworld.Load(path, &sc, fakeworld.WithBase(filepath.Join("testdata", "base.yaml")), fakeworld.ByID()); err != nil {
		t.Fatal(err)
	}
	in := preflight.Input{
		Region:        sc.Input.Region,
		VpcID:         sc.Input.VPC,
		SubnetIDs:     sc.Input.Subnets,
		APIEndpointID: sc.Input.APIEndpoint,
		Buckets:       sc.Input.Buckets,
		VPNClients:    sc.Input.VPNClients,

		CallerSecurityGroupIDs: sc.Input.CallerGroups,
		EgressServices:         sc.Input.Services,
		UserSubnets:            sc.Input.UserSubnets,
		ServiceSubnets:         sc.Input.ServiceSubs,
		ClientCidrs:            sc.Input.ClientCidrs,
		Lambda:                 sc.Input.Lambda,
		Timeout:                10 * time.Second,
	}
	if sc.Input.NoBuckets {
		in.Buckets = nil
	}
	if sc.Input.Timeout != "" {
		d, err := time.ParseDuration(sc.Input.Timeout)
		if err != nil {
			t.Fatal(err)
		}
		in.Timeout = d
	}
	return sc, in, &sc.World
}

func ids(r finding.Report) []string {
	var out []string
	for _, f := range r.Findings {
		out = append(out, f.ID)
	}
	slices.Sort(out)
	return out
}

// runScenario runs the engine through the real SDK clients against the
// double.
func runScenario(t testing.TB, path string) (scenario, finding.Report, *awsfake.Server, time.Duration) {
	t.Helper()
	sc, in, w := loadScenario(t, path)
	opts := []awsfake.Option{awsfake.WithFaults(sc.Faults...)}
	if sc.PageSize > 0 {
		opts = append(opts, awsfake.WithPageSize(sc.PageSize))
	}
	srv := awsfake.Start(t, w, opts...)
	start := time.Now()
	rep := preflight.Run(context.Background(), preflight.NewClients(srv.Config()), in)
	return sc, rep, srv, time.Since(start)
}

func TestScenarios(t *testing.T) {
	paths, err := filepath.Glob("testdata/scenarios/*.yaml")
	if err != nil || len(paths) == 0 {
		t.Fatalf("no scenarios: %v", err)
	}
	for _, path := range paths {
		name := strings.TrimSuffix(filepath.Base(path), ".yaml")
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			sc, rep, srv, took := runScenario(t, path)
			if n := srv.TotalCalls(); n < sc.Expect.MinCalls {
				t.Errorf("%d calls, want at least %d (faults retried)", n, sc.Expect.MinCalls)
			}
			want := slices.Clone(sc.Expect.Findings)
			slices.Sort(want)
			if got := ids(rep); !slices.Equal(got, want) {
				t.Errorf("%s\nfindings = %v, want %v\n%s", sc.Description, got, want, text(rep))
			}
			for _, s := range sc.Expect.Contains {
				if !slices.ContainsFunc(rep.Findings, func(f finding.Finding) bool {
					return strings.Contains(f.Message, s) || strings.Contains(f.Remedy, s)
				}) {
					t.Errorf("no finding mentions %q\n%s", s, text(rep))
				}
			}
			for _, s := range sc.Expect.Excludes {
				if slices.ContainsFunc(rep.Findings, func(f finding.Finding) bool {
					return strings.Contains(f.Message, s) || strings.Contains(f.Remedy, s)
				}) {
					t.Errorf("a finding mentions %q, which its fix does not need\n%s", s, text(rep))
				}
			}
			if strings.HasPrefix(name, "good-") && !rep.OK {
				t.Errorf("a good world has errors:\n%s", text(rep))
			}
			if m := sc.Expect.MaxSeconds; m > 0 && took.Seconds() > m {
				t.Errorf("took %s, want at most %gs", took, m)
			}
			for _, f := range rep.Findings {
				if f.Resource == "" || f.Message == "" || f.Remedy == "" {
					t.Errorf("incomplete finding %+v", f)
				}
			}
		})
	}
}

func text(r finding.Report) string {
	var b strings.Builder
	_ = finding.WriteText(&b, r, false)
	return b.String()
}
