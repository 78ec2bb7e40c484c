package preflight_test

import (
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"testing"
	"time"

	"go.yaml.in/yaml/v3"

	"github.com/quiltdata/quilt-private-endpoints/internal/awsfake"
	"github.com/quiltdata/quilt-private-endpoints/internal/preflight"
)

// scenario is a testdata/scenarios/*.yaml file: a world (testdata/base.yaml
// with the scenario's resources replacing or adding to it by id, and the
// ids under remove taken out), the input, faults, and what must be found.
type scenarioOld struct {
	Description string           `yaml:"description"`
	Input       scenarioInputOld `yaml:"input"`
	World       awsfake.World    `yaml:"world"`
	Remove      []string         `yaml:"remove"`
	Faults      []awsfake.Fault  `yaml:"faults"`
	PageSize    int              `yaml:"pageSize"`
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

type scenarioInputOld struct {
	Region       *string  `yaml:"region"`
	VPC          *string  `yaml:"vpc"`
	Subnets      []string `yaml:"subnets"`
	APIEndpoint  *string  `yaml:"apiEndpoint"`
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

func loadScenarioOld(t testing.TB, path string) (scenarioOld, preflight.Input, *awsfake.World) {
	t.Helper()
	var base, sc scenarioOld
	for p, dst := range map[string]*scenarioOld{"testdata/base.yaml": &base, path: &sc} {
		data, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		if err := yaml.Unmarshal(data, dst); err != nil {
			t.Fatalf("%s: %v", p, err)
		}
	}
	in := preflight.Input{
		Region:        pick(sc.Input.Region, base.Input.Region),
		VpcID:         pick(sc.Input.VPC, base.Input.VPC),
		SubnetIDs:     cmpOr(sc.Input.Subnets, base.Input.Subnets),
		APIEndpointID: pick(sc.Input.APIEndpoint, base.Input.APIEndpoint),
		Buckets:       cmpOr(sc.Input.Buckets, base.Input.Buckets),
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
	w := merge(base.World, sc.World, sc.Remove)
	return sc, in, &w
}

func pick(p, d *string) string {
	if p != nil {
		return *p
	}
	return *d
}

func cmpOr(a, b []string) []string {
	if a != nil {
		return a
	}
	return b
}

// merge overlays o on b: same id replaces, new id appends; remove drops.
func merge(b, o awsfake.World, remove []string) awsfake.World {
	b.Vpcs = mergeList(b.Vpcs, o.Vpcs, remove, func(v awsfake.Vpc) string { return v.ID })
	b.Subnets = mergeList(b.Subnets, o.Subnets, remove, func(v awsfake.Subnet) string { return v.ID })
	b.RouteTables = mergeList(b.RouteTables, o.RouteTables, remove, func(v awsfake.RouteTable) string { return v.ID })
	b.VpcEndpoints = mergeList(b.VpcEndpoints, o.VpcEndpoints, remove, func(v awsfake.VpcEndpoint) string { return v.ID })
	b.SecurityGroups = mergeList(b.SecurityGroups, o.SecurityGroups, remove, func(v awsfake.SecurityGroup) string { return v.ID })
	b.NatGateways = mergeList(b.NatGateways, o.NatGateways, remove, func(v awsfake.NatGateway) string { return v.ID })
	b.Buckets = mergeList(b.Buckets, o.Buckets, remove, func(v awsfake.Bucket) string { return v.Name })
	return b
}

func mergeList[T any](base, over []T, remove []string, id func(T) string) []T {
	out := slices.Clone(base)
	for _, o := range over {
		if i := slices.IndexFunc(out, func(b T) bool { return id(b) == id(o) }); i >= 0 {
			out[i] = o
		} else {
			out = append(out, o)
		}
	}
	return slices.DeleteFunc(out, func(t T) bool { return slices.Contains(remove, id(t)) })
}

// TestLoaderEquivalence: the old loader and fakeworld's give every scenario
// the same input, world, faults and expectations.
func TestLoaderEquivalence(t *testing.T) {
	paths, _ := filepath.Glob("testdata/scenarios/*.yaml")
	for _, p := range paths {
		osc, oin, ow := loadScenarioOld(t, p)
		nsc, nin, nw := loadScenario(t, p)
		norm := func(v any) string { return fmt.Sprintf("%+v", v) }
		if norm(oin) != norm(nin) || !reflect.DeepEqual(oin.Timeout, nin.Timeout) {
			t.Errorf("%s input:\n%s\n%s", p, norm(oin), norm(nin))
		}
		ym := func(v any) string { b, _ := yaml.Marshal(v); return string(b) }
		if ym(ow) != ym(nw) {
			t.Errorf("%s world:\n%s\n%s", p, ym(ow), ym(nw))
		}
		if norm(osc.Faults) != norm(nsc.Faults) || norm(osc.Expect) != norm(nsc.Expect) || osc.Description != nsc.Description || osc.PageSize != nsc.PageSize {
			t.Errorf("%s rest differs", p)
		}
		if !reflect.DeepEqual(oin, nin) || !reflect.DeepEqual(ow, nw) {
			t.Logf("%s: deep-equal differs (nil vs empty?)", p)
		}
	}
}
