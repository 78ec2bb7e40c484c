package enable

import (
	"context"
	"fmt"
	"slices"
	"strings"
)

// Resolver is the part of *net.Resolver the DNS check uses: it asks the
// laptop's resolvers, as the catalog's users would. Tests give a
// *net.Resolver that dials a DNS double on loopback.
type Resolver interface {
	LookupCNAME(ctx context.Context, host string) (string, error)
	LookupHost(ctx context.Context, host string) ([]string, error)
}

// maxCNAMEs bounds the chain followed from a host name.
const maxCNAMEs = 8

// resolution is what a host resolves to from here.
type resolution struct {
	// Chain is the host and the CNAME targets followed from it.
	Chain []string
	// Moved: the chain reaches the target, or (an alias record) the host
	// has the same addresses as the target.
	Moved bool
	// Problem says why the host could not be resolved.
	Problem string
}

// resolve follows host's CNAMEs one name at a time (a resolver answers a
// CNAME lookup with one target of the chain, not always the last) and
// says whether it reaches target.
func resolve(ctx context.Context, res Resolver, host, target string) resolution {
	out := resolution{Chain: []string{dnsName(host)}}
	want := dnsName(target)
	name := out.Chain[0]
	for range maxCNAMEs {
		if name == want {
			out.Moved = true
			return out
		}
		c, err := res.LookupCNAME(ctx, name)
		if err != nil {
			if len(out.Chain) == 1 {
				out.Problem = fmt.Sprintf("%s does not resolve from here: %v", host, err)
				return out
			}
			break
		}
		c = dnsName(c)
		if c == "" || c == name || slices.Contains(out.Chain, c) {
			break
		}
		out.Chain = append(out.Chain, c)
		name = c
	}
	if name == want {
		out.Moved = true
		return out
	}
	// An alias record (Route 53 A alias) answers with the load
	// balancer's addresses, not its name.
	got, err1 := res.LookupHost(ctx, host)
	exp, err2 := res.LookupHost(ctx, target)
	switch {
	case err1 == nil && err2 == nil && len(got) > 0 && sameSet(got, exp):
		out.Moved = true
		out.Chain = append(out.Chain, "(alias: the addresses of "+want+")")
	case err1 != nil: // e.g. a CNAME loop, or a chain to a missing name
		out.Problem = fmt.Sprintf("%s does not resolve from here: %v", host, err1)
	}
	return out
}

// dnsName lowers a name and drops its trailing dot.
func dnsName(s string) string { return strings.TrimSuffix(strings.ToLower(strings.TrimSpace(s)), ".") }

func sameSet(a, b []string) bool {
	a, b = slices.Clone(a), slices.Clone(b)
	slices.Sort(a)
	slices.Sort(b)
	return slices.Equal(slices.Compact(a), slices.Compact(b))
}
