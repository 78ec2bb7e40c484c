package fakeworld_test

import (
	"context"
	"path/filepath"
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
