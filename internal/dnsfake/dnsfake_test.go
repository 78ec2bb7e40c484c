package dnsfake

import (
	"context"
	"errors"
	"net"
	"slices"
	"strings"
	"testing"
	"time"
)

func TestResolverFollowsTheChain(t *testing.T) {
	t.Parallel()
	z := NewZone(map[string]Record{
		"quilt.example.com":                            {CNAME: "edge.example.com."},
		"edge.example.com":                             {CNAME: "internal-quilt-1.us-east-1.elb.amazonaws.com"},
		"internal-quilt-1.us-east-1.elb.amazonaws.com": {A: []string{"10.0.1.10", "10.0.2.10"}},
		"loop.example.com":                             {CNAME: "loop.example.com"},
		"dangling.example.com":                         {CNAME: "gone.example.com"},
	})
	s, err := Start(z.Lookup)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	r := s.Resolver()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	tests := []struct {
		name     string
		cname    string
		addrs    []string
		notFound bool
		anyError bool
	}{
		// Go's resolver returns a target of the chain (the first or
		// the last, whichever answer comes first); the addresses are
		// those of its end.
		{name: "quilt.example.com", cname: "edge.example.com. internal-quilt-1.us-east-1.elb.amazonaws.com.", addrs: []string{"10.0.1.10", "10.0.2.10"}},
		{name: "internal-quilt-1.us-east-1.elb.amazonaws.com", cname: "internal-quilt-1.us-east-1.elb.amazonaws.com.", addrs: []string{"10.0.1.10", "10.0.2.10"}},
		{name: "nope.example.com", notFound: true},
		{name: "loop.example.com", anyError: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cname, err := r.LookupCNAME(ctx, tt.name)
			addrs, herr := r.LookupHost(ctx, tt.name)
			switch {
			case tt.notFound:
				var de *net.DNSError
				if !errors.As(herr, &de) || !de.IsNotFound {
					t.Fatalf("LookupHost: %v, want not found", herr)
				}
				return
			case tt.anyError:
				if herr == nil {
					t.Fatalf("LookupHost %v, want an error", addrs)
				}
				return
			}
			if err != nil || herr != nil {
				t.Fatalf("errors %v %v", err, herr)
			}
			slices.Sort(addrs)
			if !slices.Contains(strings.Fields(tt.cname), cname) || !slices.Equal(addrs, tt.addrs) {
				t.Errorf("cname %q addrs %v, want %q %v", cname, addrs, tt.cname, tt.addrs)
			}
		})
	}
	// Records move while the server runs.
	z.Set("quilt.example.com", Record{A: []string{"203.0.113.7"}})
	if addrs, err := r.LookupHost(ctx, "quilt.example.com"); err != nil || !slices.Equal(addrs, []string{"203.0.113.7"}) {
		t.Errorf("after Set: %v %v", addrs, err)
	}
	if s.Queries("quilt.example.com") < 2 {
		t.Errorf("queries %d", s.Queries("quilt.example.com"))
	}
}

func TestTCP(t *testing.T) {
	t.Parallel()
	z := NewZone(map[string]Record{"a.example.com": {A: []string{"10.0.0.1"}}})
	s, err := Start(z.Lookup)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	r := s.Resolver()
	dial := r.Dial
	r.Dial = func(ctx context.Context, _, addr string) (net.Conn, error) { return dial(ctx, "tcp", addr) }
	addrs, err := r.LookupHost(context.Background(), "a.example.com")
	if err != nil || !slices.Equal(addrs, []string{"10.0.0.1"}) {
		t.Fatalf("%v %v", addrs, err)
	}
}
