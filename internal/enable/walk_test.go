package enable

import (
	"bytes"
	"context"
	"encoding/json"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudformation"

	"github.com/quiltdata/quilt-private-endpoints/internal/dnsfake"
	"github.com/quiltdata/quilt-private-endpoints/internal/stackfake"
	"github.com/quiltdata/quilt-private-endpoints/internal/transform"
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

const (
	zoneID      = "Z0123456789EXAMPLE"
	publicDNS   = "quilt-loadbalancer-1234567890.us-east-1.elb.amazonaws.com"
	internalDNS = "internal-quilt-LoadBalancerInternal-1234567890.us-east-1.elb.amazonaws.com"
)

var (
	internal = map[string]string{transform.SetLoadBalancerScheme: transform.SchemeInternal}
	hosts    = []string{"quilt-registry.example.com", "quilt.example.com"}
)

// stages are the run's stage names and outcomes, "name:outcome".
func stages(r *Result) []string {
	var out []string
	for _, sg := range r.Stages {
		out = append(out, sg.Name+":"+sg.Outcome)
	}
	return out
}

// outputs are the stack's outputs now.
func (w *world) outputs(t *testing.T) map[string]string {
	t.Helper()
	out, err := w.clients.CloudFormation.DescribeStacks(context.Background(), &cloudformation.DescribeStacksInput{StackName: aws.String("quilt")})
	if err != nil {
		t.Fatal(err)
	}
	m := map[string]string{}
	for _, o := range out.Stacks[0].Outputs {
		m[aws.ToString(o.OutputKey)] = aws.ToString(o.OutputValue)
	}
	return m
}

// resolvesTo is where host's record points now.
func (w *world) resolvesTo(host string) string {
	c, a, _ := w.stack.Resolve(host)
	if c != "" {
		return c
	}
	return strings.Join(a, ",")
}

// One command: the side-by-side update, the Route 53 change (batch shown,
// UPSERT, INSYNC, resolved from here through the DNS double), the retire
// update planned with DNS moved, then verify.
func TestWalkPublicToInternalWithRoute53(t *testing.T) {
	t.Parallel()
	w := startWorld(t, "alb", nil)
	w.withDNS(t)
	r := w.run(t, Input{Yes: true, Settings: internal, HostedZoneID: zoneID})
	out := w.out.String()
	if r.Exit != 0 || r.Outcome != OutcomeEnabled {
		t.Fatalf("exit %d outcome %s: %s\n%s", r.Exit, r.Outcome, r.Message, out)
	}
	want := []string{"side-by-side:updated", "dns:dns-moved", "retire:updated"}
	if got := stages(r); !slices.Equal(got, want) {
		t.Fatalf("stages %v, want %v", got, want)
	}
	if r.Stages[0].Settings["PublicLoadBalancer"] != "keep" || r.Stages[2].Settings["PublicLoadBalancer"] != "retire" {
		t.Errorf("settings %v, %v", r.Stages[0].Settings, r.Stages[2].Settings)
	}
	for _, sg := range []*Stage{r.Stages[0], r.Stages[2]} {
		if p := sg.Plan; p == nil || !p.Rollout.RollbackSafe || p.Rollout.Availability.PrivateNetworkDowntime {
			t.Errorf("%s plan: rollback-safe %v, private downtime %v", sg.Name, p != nil && p.Rollout.RollbackSafe, p != nil && p.Rollout.Availability.PrivateNetworkDowntime)
		}
	}
	d := r.Stages[1].DNS
	if d == nil || d.LoadBalancer.DNSName != internalDNS || d.LoadBalancer.From != "stack output LoadBalancerInternalDNSName" || !d.Moved {
		t.Fatalf("dns %+v", d)
	}
	if d.Change == nil || len(d.Change.Changes) != 2 || d.Change.Status != "INSYNC" || d.Change.Changes[0].Was != "CNAME "+publicDNS {
		t.Fatalf("change %+v", d.Change)
	}
	for _, h := range hosts {
		if got := w.resolvesTo(h); !strings.EqualFold(got, internalDNS) {
			t.Errorf("%s -> %s, want %s", h, got, internalDNS)
		}
	}
	calls := w.stack.Calls()
	if calls["route53:ChangeResourceRecordSets"] != 1 || calls["route53:GetChange"] < 2 || calls["cloudformation:ExecuteChangeSet"] != 2 {
		t.Errorf("calls %v", calls)
	}
	// After retire the outputs that named the public load balancer follow
	// the internal one; verify ran on the end state.
	if got := w.outputs(t)["LoadBalancerDNSName"]; got != internalDNS {
		t.Errorf("LoadBalancerDNSName %q", got)
	}
	if r.Verify == nil || !r.Verify.OK {
		t.Errorf("verify %+v", r.Verify)
	}
	mustContain(t, out,
		"the internal load balancer LoadBalancerInternal is "+internalDNS,
		"quilt.example.com                        CNAME "+internalDNS,
		"UPSERT quilt.example.com CNAME 300 "+internalDNS+"  (was CNAME "+publicDNS+")",
		"is INSYNC", "DNS moved", "availability: no downtime for users on the private network",
		"Change set qpe-enable-test-side-by-side", "Change set qpe-enable-test-retire")
	// The change batch is shown before it is applied.
	if strings.Index(out, "UPSERT quilt.example.com") > strings.Index(out, "submitted (PENDING)") {
		t.Error("the change batch was printed after it was submitted")
	}
	var b bytes.Buffer
	if err := WriteJSON(&b, r); err != nil {
		t.Fatal(err)
	}
	var js struct {
		Stages []struct {
			Name    string `json:"name"`
			Outcome string `json:"outcome"`
			DNS     *struct {
				Records []struct{ Host, Type, Value string }
			} `json:"dns"`
		} `json:"stages"`
	}
	if err := json.Unmarshal(b.Bytes(), &js); err != nil || len(js.Stages) != 3 || js.Stages[1].DNS == nil || len(js.Stages[1].DNS.Records) != 2 ||
		js.Stages[1].DNS.Records[1].Host != "quilt.example.com" || js.Stages[1].DNS.Records[1].Type != "CNAME" {
		t.Errorf("JSON %v: %s", err, b.String())
	}
}

// Interrupted between the two updates (no way to move DNS in this run),
// then resumed: by a plain re-run, or by --finish.
func TestWalkResumesBetweenTheUpdates(t *testing.T) {
	t.Parallel()
	for _, resume := range []string{"rerun", "finish"} {
		t.Run(resume, func(t *testing.T) {
			t.Parallel()
			w := startWorld(t, "alb", nil)
			zone := w.withDNS(t)
			r := w.run(t, Input{Yes: true, Settings: internal})
			if r.Exit != 1 || r.Outcome != OutcomeAwaitingDNS {
				t.Fatalf("first run: exit %d outcome %s: %s\n%s", r.Exit, r.Outcome, r.Message, w.out.String())
			}
			if got := stages(r); !slices.Equal(got, []string{"side-by-side:updated", "dns:awaiting-dns"}) {
				t.Fatalf("stages %v", got)
			}
			mustContain(t, r.Message, "qpe enable --stack quilt --region us-east-1 --finish", internalDNS, "quilt.example.com")
			mustContain(t, w.out.String(), "not yet: resolves to quilt.example.com -> "+publicDNS)
			if r.Verify != nil {
				t.Error("verify ran while DNS still names the public load balancer")
			}
			// Both load balancers serve: the public one is still there.
			if o := w.outputs(t); o["LoadBalancerDNSName"] == internalDNS || o["LoadBalancerInternalDNSName"] != internalDNS {
				t.Errorf("outputs %v", o)
			}
			// The user moves the records at their DNS provider.
			for _, h := range hosts {
				zone.Set(h, dnsfake.Record{CNAME: internalDNS})
			}
			w.out.Reset()
			in := Input{Yes: true, Settings: internal, ChangeSetName: "again"}
			if resume == "finish" {
				in = Input{Yes: true, Finish: true, ChangeSetName: "again"}
			}
			r = w.run(t, in)
			if r.Exit != 0 || r.Outcome != OutcomeEnabled {
				t.Fatalf("resume: exit %d outcome %s: %s\n%s", r.Exit, r.Outcome, r.Message, w.out.String())
			}
			if got := stages(r); !slices.Equal(got, []string{"side-by-side:deployed-before", "dns:dns-moved", "retire:updated"}) {
				t.Fatalf("resume stages %v", got)
			}
			mustContain(t, w.out.String(), "side by side: deployed before (the stack's PublicLoadBalancer is keep)", "done: quilt.example.com -> "+strings.ToLower(internalDNS))
			if n := w.stack.Calls()["cloudformation:ExecuteChangeSet"]; n != 2 {
				t.Errorf("%d updates executed, want 2", n)
			}
			// A third run finds nothing left to do.
			w.out.Reset()
			r = w.run(t, Input{Yes: true, ChangeSetName: "third"})
			if r.Exit != 0 || r.Outcome != OutcomeNothingToDo {
				t.Fatalf("third run: exit %d outcome %s %v: %s\n%s", r.Exit, r.Outcome, stages(r), r.Message, w.out.String())
			}
		})
	}
}

// Ctrl-C while the side-by-side update runs stops following, not the
// update; the next run finds the stack side by side and goes on.
func TestWalkCtrlCThenRerun(t *testing.T) {
	t.Parallel()
	w := startWorld(t, "alb", nil)
	w.withDNS(t)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	in := w.input(Input{Yes: true, Settings: internal, HostedZoneID: zoneID})
	in.Observer = cancelAt{Writer: &Writer{W: &w.out}, cancel: cancel}
	r, err := Run(ctx, w.clients, in)
	if err != nil {
		t.Fatal(err)
	}
	if r.Outcome != OutcomeFollowingStopped || !slices.Equal(stages(r), []string{"side-by-side:following-stopped"}) {
		t.Fatalf("outcome %s stages %v", r.Outcome, stages(r))
	}
	// The update goes on; a re-run while it runs is refused, after it
	// completes the walk resumes at the DNS step.
	deadline := time.Now().Add(20 * time.Second)
	for {
		out, err := w.clients.CloudFormation.DescribeStacks(context.Background(), &cloudformation.DescribeStacksInput{StackName: aws.String("quilt")})
		if err != nil {
			t.Fatal(err)
		}
		if s := string(out.Stacks[0].StackStatus); s == "UPDATE_COMPLETE" {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("the update did not complete")
		}
		time.Sleep(5 * time.Millisecond)
	}
	w.out.Reset()
	r = w.run(t, Input{Yes: true, Settings: internal, HostedZoneID: zoneID, ChangeSetName: "again"})
	if r.Exit != 0 || !slices.Equal(stages(r), []string{"side-by-side:deployed-before", "dns:dns-moved", "retire:updated"}) {
		t.Fatalf("re-run: exit %d stages %v: %s\n%s", r.Exit, stages(r), r.Message, w.out.String())
	}
}

func TestWalkSchemeHasNoDefault(t *testing.T) {
	t.Parallel()
	w := startWorld(t, "alb", nil)
	w.withDNS(t)
	r := w.run(t, Input{Yes: true})
	if r.Exit != 2 || r.Outcome != OutcomeSettingRequired {
		t.Fatalf("exit %d outcome %s: %s", r.Exit, r.Outcome, r.Message)
	}
	mustContain(t, r.Message, "--set LoadBalancerScheme=internal: ", "--set LoadBalancerScheme=unchanged: ", "LoadBalancer")
	if n := w.stack.Calls()["cloudformation:CreateChangeSet"]; n != 0 {
		t.Errorf("%d change sets created", n)
	}
	// On a terminal the choice is asked, with what each value means.
	var asked []transform.Choice
	choose := func(_ context.Context, setting, q string, choices []transform.Choice) (string, error) {
		if setting != transform.SetLoadBalancerScheme || !strings.Contains(q, "LoadBalancer") {
			t.Errorf("asked %s: %q", setting, q)
		}
		asked = choices
		return transform.SchemeInternal, nil
	}
	r = w.run(t, Input{Yes: true, Choose: choose, HostedZoneID: zoneID})
	if r.Exit != 0 || len(asked) != 2 || asked[0].Meaning == "" {
		t.Fatalf("exit %d %s asked %v: %s", r.Exit, r.Outcome, asked, r.Message)
	}
	if r.Stages[0].Settings[transform.SetLoadBalancerScheme] != transform.SchemeInternal {
		t.Errorf("settings %v", r.Stages[0].Settings)
	}
}

// Straight to retire on a live stack whose DNS names the public load
// balancer: the plan reports the downtime and enable refuses it.
func TestWalkDirectRetireRefusedForDowntime(t *testing.T) {
	t.Parallel()
	w := startWorld(t, "alb", nil)
	w.withDNS(t)
	direct := map[string]string{transform.SetLoadBalancerScheme: transform.SchemeInternal, transform.SetPublicLoadBalancer: transform.PublicRetire}
	r := w.run(t, Input{Yes: true, Settings: direct})
	if r.Exit != 1 || r.Outcome != OutcomeDowntimeRefused || !slices.Equal(stages(r), []string{"retire:downtime-refused"}) {
		t.Fatalf("exit %d outcome %s %v: %s\n%s", r.Exit, r.Outcome, stages(r), r.Message, w.out.String())
	}
	mustContain(t, r.Message, AcceptDowntimeFlag, "Nothing was changed")
	if n := w.stack.Calls()["cloudformation:CreateChangeSet"]; n != 0 {
		t.Errorf("%d change sets created", n)
	}
}

func TestWalkFinishNeedsASideBySideStack(t *testing.T) {
	t.Parallel()
	w := startWorld(t, "alb", nil)
	_, err := Run(context.Background(), w.clients, w.input(Input{Yes: true, Finish: true}))
	var ue *UsageError
	if err == nil || !strings.Contains(err.Error(), "is not side by side") || !errorsAs(err, &ue) {
		t.Fatalf("err %v", err)
	}
}

// PublicLoadBalancer=keep stops after the DNS step (verify then runs: DNS
// has moved); a host with an A alias record gets an A alias (a CNAME
// cannot replace it), which the DNS check recognises by its addresses.
func TestWalkKeepOnlyWithAnAliasRecord(t *testing.T) {
	t.Parallel()
	w := startWorld(t, "alb", func(s *stackfake.Scenario) {
		z := s.Route53.Zones[zoneID]
		z.Records[0] = stackfake.RecordSet{Name: "quilt.example.com", Type: "A", Alias: &stackfake.AliasTarget{HostedZoneID: "Z35SXDOTRQ7X7K", DNSName: publicDNS}}
	})
	w.withDNS(t)
	keep := map[string]string{transform.SetLoadBalancerScheme: transform.SchemeInternal, transform.SetPublicLoadBalancer: transform.PublicKeep}
	r := w.run(t, Input{Yes: true, Settings: keep, HostedZoneID: zoneID})
	if r.Exit != 0 || r.Outcome != OutcomeEnabled || !slices.Equal(stages(r), []string{"side-by-side:updated", "dns:dns-moved"}) {
		t.Fatalf("exit %d outcome %s %v: %s\n%s", r.Exit, r.Outcome, stages(r), r.Message, w.out.String())
	}
	var alias *BatchChange
	for i, c := range r.Stages[1].DNS.Change.Changes {
		if c.Name == "quilt.example.com" {
			alias = &r.Stages[1].DNS.Change.Changes[i]
		}
	}
	if alias == nil || alias.Type != "A" || alias.AliasZone != "Z35SXDOTRQ7X7K" || alias.Value != internalDNS || alias.Was != "A alias "+publicDNS {
		t.Fatalf("change %+v", alias)
	}
	if rec := r.Stages[1].DNS.Records[1]; !rec.Moved || !strings.Contains(strings.Join(rec.Resolves, " "), "(alias: the addresses of") {
		t.Errorf("record %+v", rec)
	}
	// The public load balancer stays: a later run retires it.
	if o := w.outputs(t); o["LoadBalancerDNSName"] == internalDNS {
		t.Errorf("outputs %v", o)
	}
	if r.Verify == nil || !r.Verify.OK {
		t.Errorf("verify %+v", r.Verify)
	}
}
