package enable

import (
	"strings"
	"testing"
	"time"

	"github.com/quiltdata/quilt-private-endpoints/internal/dnsfake"
)

// withDNS serves the world's DNS from a resolver double on loopback: the
// records of the Route 53 double's zones, laid under zone (what the user
// changed at another DNS provider), and the load balancers' names (an
// internal one resolves to private addresses).
func (w *world) withDNS(t *testing.T) *dnsfake.Zone {
	t.Helper()
	zone := dnsfake.NewZone(nil)
	var src dnsfake.Source
	src = func(name string) (dnsfake.Record, bool) {
		if r, ok := zone.Lookup(name); ok {
			return r, true
		}
		if rs, ok := w.stack.RecordSet(name); ok {
			switch {
			case rs.Alias != nil:
				r, ok := src(rs.Alias.DNSName)
				return dnsfake.Record{A: r.A}, ok
			case rs.Type == "CNAME" && len(rs.Values) > 0:
				return dnsfake.Record{CNAME: rs.Values[0]}, true
			}
			return dnsfake.Record{A: rs.Values}, true
		}
		if strings.HasSuffix(name, ".elb.amazonaws.com") {
			if strings.HasPrefix(name, "internal-") {
				return dnsfake.Record{A: []string{"10.0.1.20", "10.0.2.20"}}, true
			}
			return dnsfake.Record{A: []string{"203.0.113.20", "203.0.113.21"}}, true
		}
		return dnsfake.Record{}, false
	}
	srv, err := dnsfake.Start(src)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(srv.Close)
	w.resolver = srv.Resolver()
	return zone
}

func TestWalkPublicToInternalWithRoute53(t *testing.T) {
	t.Parallel()
	w := startWorld(t, "alb", nil)
	w.withDNS(t)
	r := w.run(t, Input{Yes: true, Settings: map[string]string{"LoadBalancerScheme": "internal"}, HostedZoneID: "Z0123456789EXAMPLE"})
	t.Logf("%s", w.out.String())
	if r.Exit != 0 {
		t.Fatalf("exit %d outcome %s: %s", r.Exit, r.Outcome, r.Message)
	}
	_ = time.Second
}
