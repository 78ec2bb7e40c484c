package fakeworld_test

import (
	"context"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/quiltdata/quilt-private-endpoints/internal/fakeworld"
)

func TestInjectorPick(t *testing.T) {
	in := fakeworld.NewInjector([]fakeworld.Fault{
		{Service: "lambda", Latency: 5 * time.Millisecond},                                 // latency only
		{Service: "ec2", Operation: "DescribeSubnets", Kind: fakeworld.Throttle, Times: 2}, // first two calls
		{Target: "fn-1", Status: 403, Code: "AccessDenied"},                                // always
	})
	for _, tc := range []struct {
		service, op, target string
		want                string // Kind or Code of the answering fault, "" none
		latency             time.Duration
	}{
		{"ec2", "DescribeSubnets", "", "throttle", 0},
		{"ec2", "DescribeVpcs", "", "", 0},
		{"ec2", "DescribeSubnets", "", "throttle", 0},
		{"ec2", "DescribeSubnets", "", "", 0}, // Times spent
		{"lambda", "GetFunctionConfiguration", "fn-2", "", 5 * time.Millisecond},
		{"lambda", "GetFunctionConfiguration", "fn-1", "AccessDenied", 5 * time.Millisecond},
		{"lambda", "GetFunctionConfiguration", "fn-1", "AccessDenied", 5 * time.Millisecond},
	} {
		f, lat := in.Pick(tc.service, tc.op, tc.target)
		got := ""
		if f != nil {
			got = string(f.Kind) + f.Code
		}
		if got != tc.want || lat != tc.latency {
			t.Errorf("Pick(%s, %s, %s) = %q, %v; want %q, %v", tc.service, tc.op, tc.target, got, lat, tc.want, tc.latency)
		}
	}
}

func TestLoadBaseChain(t *testing.T) {
	var doc struct {
		Stack   struct{ Name string } `yaml:"stack"`
		Network fakeworld.Network     `yaml:"network"`
	}
	if err := fakeworld.Load(filepath.Join("testdata", "over.yaml"), &doc); err != nil {
		t.Fatal(err)
	}
	if doc.Stack.Name != "quilt" {
		t.Errorf("stack.name = %q, want the base's quilt", doc.Stack.Name)
	}
	if z, _ := doc.Network.Zone("subnet-a"); z != "us-east-1d" {
		t.Errorf("subnet-a zone = %q, want the overlay's us-east-1d", z)
	}
	if _, ok := doc.Network.Zone("subnet-x"); ok {
		t.Error("unknown subnet has a zone")
	}
}

func TestSleepEndsWithContext(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if fakeworld.Sleep(ctx, time.Hour) {
		t.Error("Sleep reported the full wait after the context ended")
	}
	if !fakeworld.Sleep(context.Background(), 0) {
		t.Error("Sleep(0) reported an interrupted wait")
	}
}

// TestLoadByID lays a scenario over an implicit base with lists merged by
// id: replaced in place, appended, removed; lists of plain values replace.
func TestLoadByID(t *testing.T) {
	dir := filepath.Join("testdata", "byid")
	var doc struct {
		Input struct {
			VPC     string   `yaml:"vpc"`
			Subnets []string `yaml:"subnets"`
		} `yaml:"input"`
		World struct {
			fakeworld.Network `yaml:",inline"`
			NatGateways       []map[string]any        `yaml:"natGateways"`
			Buckets           []struct{ Name string } `yaml:"buckets"`
		} `yaml:"world"`
		Remove []string `yaml:"remove"`
	}
	if err := fakeworld.Load(filepath.Join(dir, "scenario.yaml"), &doc, fakeworld.WithBase(filepath.Join(dir, "base.yaml")), fakeworld.ByID()); err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, s := range doc.World.Subnets {
		got = append(got, s.ID+"/"+s.AvailabilityZone)
	}
	if want := "subnet-a/us-east-1a subnet-b/us-east-1f subnet-c/us-east-1c"; strings.Join(got, " ") != want {
		t.Errorf("subnets %v, want %s", got, want)
	}
	if len(doc.World.NatGateways) != 0 || doc.Remove != nil {
		t.Errorf("nat gateways %v, remove %v: want both gone", doc.World.NatGateways, doc.Remove)
	}
	if len(doc.World.Buckets) != 2 || doc.World.Region != "us-east-1" || doc.Input.VPC != "vpc-1" {
		t.Errorf("world %+v, input %+v: want the base's region, vpc and bucket kept", doc.World, doc.Input)
	}
	if strings.Join(doc.Input.Subnets, " ") != "subnet-c" {
		t.Errorf("input subnets %v, want the scenario's list", doc.Input.Subnets)
	}

	// Without ByID the same file's lists replace the base's, and the base
	// file is never laid over itself.
	var plain struct {
		World fakeworld.Network `yaml:"world"`
	}
	if err := fakeworld.Load(filepath.Join(dir, "scenario.yaml"), &plain, fakeworld.WithBase(filepath.Join(dir, "base.yaml"))); err != nil {
		t.Fatal(err)
	}
	if len(plain.World.Subnets) != 2 || plain.World.Subnets[0].ID != "subnet-b" {
		t.Errorf("without ByID: subnets %+v, want the scenario's two", plain.World.Subnets)
	}
	if err := fakeworld.Load(filepath.Join(dir, "base.yaml"), &plain, fakeworld.WithBase(filepath.Join(dir, "base.yaml")), fakeworld.ByID()); err != nil || len(plain.World.Subnets) != 2 {
		t.Errorf("base over itself: %v, %+v", err, plain.World.Subnets)
	}
}
