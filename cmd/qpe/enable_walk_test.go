package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"io"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/creack/pty"

	"github.com/quiltdata/quilt-private-endpoints/internal/dnsfake"
	"github.com/quiltdata/quilt-private-endpoints/internal/stackfake"
)

// TestEnableWalksPublicToInternal is the whole conversion in one command:
// a stack with an internet-facing load balancer goes internal with the
// side-by-side update, the DNS step in the middle (the Route 53 change
// batch shown, UPSERTed, INSYNC, then resolved from here through a DNS
// server on loopback, --resolver), the retire update, and verify.
func TestEnableWalksPublicToInternal(t *testing.T) {
	srv := enableServe(t, "alb", func(s *stackfake.Scenario) { s.Execution.Step = time.Millisecond })
	t.Setenv("AWS_ENDPOINT_URL_ROUTE_53", srv.URL())
	dns, err := dnsfake.Start(func(name string) (dnsfake.Record, bool) {
		c, a, ok := srv.Resolve(name)
		return dnsfake.Record{CNAME: c, A: a}, ok
	})
	if err != nil {
		t.Fatal(err)
	}
	defer dns.Close()
	code, out, errs := qpeRun(t, "", "enable", "--stack", "quilt", "--region", "us-east-1", "--set", "LoadBalancerScheme=internal",
		"--hosted-zone-id", "Z0123456789EXAMPLE", "--resolver", dns.Addr(), "--yes", "--format", "json", "--poll", "2ms", "--change-set-name", "walk")
	if code != 0 {
		t.Fatalf("exit %d\nstdout:\n%s\nstderr:\n%s", code, out, errs)
	}
	var r struct {
		Stages []struct {
			Name    string `json:"name"`
			Outcome string `json:"outcome"`
			Plan    *struct {
				Rollout struct {
					Waves        []any `json:"waves"`
					Availability struct {
						PrivateNetworkDowntime bool `json:"privateNetworkDowntime"`
					} `json:"availability"`
				} `json:"rollout"`
			} `json:"plan"`
			DNS *struct {
				LoadBalancer struct {
					DNSName string `json:"dnsName"`
				} `json:"loadBalancer"`
				Moved  bool `json:"moved"`
				Change struct {
					Status string `json:"status"`
				} `json:"change"`
			} `json:"dns"`
		} `json:"stages"`
		Verify  struct{ OK bool } `json:"verify"`
		Outcome string            `json:"outcome"`
	}
	if err := json.Unmarshal([]byte(out), &r); err != nil {
		t.Fatalf("stdout is not one JSON object: %v\n%s", err, out)
	}
	var got []string
	for _, sg := range r.Stages {
		got = append(got, sg.Name+":"+sg.Outcome)
	}
	if strings.Join(got, " ") != "side-by-side:updated dns:dns-moved retire:updated" || r.Outcome != "enabled" || !r.Verify.OK {
		t.Fatalf("stages %v outcome %s verify %v\nstderr:\n%s", got, r.Outcome, r.Verify.OK, errs)
	}
	for _, i := range []int{0, 2} {
		p := r.Stages[i].Plan
		if p == nil || p.Rollout.Availability.PrivateNetworkDowntime || len(p.Rollout.Waves) == 0 {
			t.Errorf("%s plan %+v", r.Stages[i].Name, p)
		}
		t.Logf("%s: %d waves, private-network downtime %v", r.Stages[i].Name, len(p.Rollout.Waves), p.Rollout.Availability.PrivateNetworkDowntime)
	}
	d := r.Stages[1].DNS
	if d == nil || !d.Moved || d.Change.Status != "INSYNC" || !strings.HasPrefix(d.LoadBalancer.DNSName, "internal-") {
		t.Errorf("dns %+v", d)
	}
	// The records and the change batch reach the user even with --format
	// json (on stderr, with the progress).
	for _, want := range []string{"DNS: point these records at the internal load balancer", "UPSERT quilt.example.com CNAME", "is INSYNC"} {
		if !strings.Contains(errs, want) {
			t.Errorf("stderr lacks %q:\n%s", want, errs)
		}
	}
	if c, _, _ := srv.Resolve("quilt-registry.example.com"); !strings.HasPrefix(c, "internal-") {
		t.Errorf("quilt-registry.example.com -> %q", c)
	}
}

// TestEnableWalkOnATerminal answers on a pseudo-terminal: the
// LoadBalancerScheme choice (each value with what it means), the
// side-by-side change set, the Route 53 change batch, the retire change
// set.
func TestEnableWalkOnATerminal(t *testing.T) {
	srv := enableServe(t, "alb", func(s *stackfake.Scenario) { s.Execution.Step = time.Millisecond })
	t.Setenv("AWS_ENDPOINT_URL_ROUTE_53", srv.URL())
	dns, err := dnsfake.Start(func(name string) (dnsfake.Record, bool) {
		c, a, ok := srv.Resolve(name)
		return dnsfake.Record{CNAME: c, A: a}, ok
	})
	if err != nil {
		t.Fatal(err)
	}
	defer dns.Close()
	ptm, tty, err := pty.Open()
	if err != nil {
		t.Fatal(err)
	}
	defer ptm.Close()
	defer tty.Close()
	if err := pty.Setsize(ptm, &pty.Winsize{Rows: 40, Cols: 160}); err != nil {
		t.Fatal(err)
	}
	var screen bytes.Buffer
	read := make(chan struct{})
	var prompts []string
	go func() {
		defer close(read)
		r := bufio.NewReader(ptm)
		var line []byte
		for {
			b, err := r.ReadByte()
			if err != nil {
				return
			}
			screen.WriteByte(b)
			line = append(line, b)
			switch {
			case bytes.HasSuffix(line, []byte("nothing to stop): ")):
				prompts = append(prompts, "choose")
				_, _ = io.WriteString(ptm, "1\n")
			case bytes.HasSuffix(line, []byte("[y/N] ")):
				prompts = append(prompts, string(line))
				_, _ = io.WriteString(ptm, "y\n")
			}
			if b == '\n' || bytes.HasSuffix(line, []byte("[y/N] ")) || bytes.HasSuffix(line, []byte("nothing to stop): ")) {
				line = line[:0]
			}
		}
	}()
	code := run([]string{"enable", "--stack", "quilt", "--region", "us-east-1", "--hosted-zone-id", "Z0123456789EXAMPLE", "--resolver", dns.Addr(),
		"--poll", "2ms", "--change-set-name", "tty"}, tty, tty, os.Stderr)
	tty.Close()
	<-read
	s := screen.String()
	if code != 0 {
		t.Fatalf("exit %d\n%s", code, s)
	}
	if len(prompts) != 4 || prompts[0] != "choose" || !strings.Contains(prompts[1], "Execute change set tty-side-by-side") ||
		!strings.Contains(prompts[2], "Apply these 2 change(s) to hosted zone Z0123456789EXAMPLE") || !strings.Contains(prompts[3], "Execute change set tty-retire") {
		t.Fatalf("prompts %q\n%s", prompts, s)
	}
	for _, want := range []string{"1) LoadBalancerScheme=internal: ", "2) LoadBalancerScheme=unchanged: ", "LoadBalancerScheme=internal chosen",
		"UPSERT quilt.example.com CNAME", "enabled: Private Endpoints enabled on quilt and verified; the catalog is served by the internal load balancer LoadBalancerInternal"} {
		if !strings.Contains(s, want) {
			t.Errorf("terminal lacks %q:\n%s", want, s)
		}
	}
}
