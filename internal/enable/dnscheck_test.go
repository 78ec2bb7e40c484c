package enable

import (
	"context"
	"strings"
	"testing"

	"github.com/quiltdata/quilt-private-endpoints/internal/dnsfake"
)

func TestResolveFollowsCNAMEsToTheLoadBalancer(t *testing.T) {
	t.Parallel()
	const lb = "internal-quilt-lb-1.us-east-1.elb.amazonaws.com"
	zone := dnsfake.NewZone(map[string]dnsfake.Record{
		lb:                    {A: []string{"10.0.1.5", "10.0.2.5"}},
		"public-lb.elb.test":  {A: []string{"203.0.113.5"}},
		"direct.example.com":  {CNAME: lb + "."},
		"chained.example.com": {CNAME: "edge.example.com"},
		"edge.example.com":    {CNAME: "EDGE2.example.com"},
		"edge2.example.com":   {CNAME: lb},
		"alias.example.com":   {A: []string{"10.0.2.5", "10.0.1.5"}},
		"old.example.com":     {CNAME: "public-lb.elb.test"},
		"loop.example.com":    {CNAME: "loop2.example.com"},
		"loop2.example.com":   {CNAME: "loop.example.com"},
		"partial.example.com": {A: []string{"10.0.1.5"}},
	})
	srv, err := dnsfake.Start(zone.Lookup)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(srv.Close)
	tests := []struct {
		host    string
		moved   bool
		chain   string
		problem string
	}{
		{host: "direct.example.com", moved: true, chain: "direct.example.com " + lb},
		// A resolver answers a CNAME lookup with the first or the last
		// target of the chain: either way it reaches the load balancer.
		{host: "Chained.Example.com.", moved: true},
		{host: "alias.example.com", moved: true, chain: "alias.example.com (alias: the addresses of " + lb + ")"},
		{host: "old.example.com", chain: "old.example.com public-lb.elb.test"},
		{host: "loop.example.com", problem: "does not resolve from here"},
		{host: "partial.example.com", chain: "partial.example.com"},
		{host: "missing.example.com", problem: "does not resolve from here"},
	}
	for _, tt := range tests {
		t.Run(tt.host, func(t *testing.T) {
			t.Parallel()
			got := resolve(context.Background(), srv.Resolver(), tt.host, lb)
			if got.Moved != tt.moved || !strings.Contains(got.Problem, tt.problem) || (tt.problem == "") != (got.Problem == "") {
				t.Fatalf("%+v, want moved %v problem %q", got, tt.moved, tt.problem)
			}
			if c := got.Chain; c[0] != dnsName(tt.host) || tt.moved && !strings.HasPrefix(c[len(c)-1], lb) && !strings.Contains(c[len(c)-1], lb) {
				t.Errorf("chain %q", c)
			}
			if tt.chain != "" && strings.Join(got.Chain, " ") != tt.chain {
				t.Errorf("chain %q, want %q", strings.Join(got.Chain, " "), tt.chain)
			}
		})
	}
}
