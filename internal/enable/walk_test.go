package enable

import (
	"testing"
	"time"

	"github.com/quiltdata/quilt-private-endpoints/internal/dnsfake"
)

// withDNS serves the world's DNS from a resolver double on loopback: the
// records of zone (what the user changed at some DNS provider) over what
// the account's Route 53 zones and load balancers answer.
func (w *world) withDNS(t *testing.T) *dnsfake.Zone {
	t.Helper()
	zone := dnsfake.NewZone(nil)
	srv, err := dnsfake.Start(func(name string) (dnsfake.Record, bool) {
		if r, ok := zone.Lookup(name); ok {
			return r, true
		}
		c, a, ok := w.stack.Resolve(name)
		return dnsfake.Record{CNAME: c, A: a}, ok
	})
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
