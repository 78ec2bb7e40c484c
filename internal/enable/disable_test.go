package enable

import (
	"context"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudformation"

	"github.com/quiltdata/quilt-private-endpoints/internal/dnsfake"
	"github.com/quiltdata/quilt-private-endpoints/internal/macroevent"
	"github.com/quiltdata/quilt-private-endpoints/internal/stackfake"
	"github.com/quiltdata/quilt-private-endpoints/internal/template"
	"github.com/quiltdata/quilt-private-endpoints/internal/transform"
	"github.com/quiltdata/quilt-private-endpoints/internal/updatepath"
)

// disable runs qpe disable on the world's stack, output in w.out.
func (w *world) disable(t *testing.T, in Input) *Result {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	in = w.input(in)
	if in.ChangeSetName == "qpe-enable-test" {
		in.ChangeSetName = "qpe-disable-test"
	}
	in.Observer = &Writer{W: &w.out, Command: "disable"}
	r, err := Disable(ctx, w.clients, in)
	if err != nil {
		t.Fatalf("Disable: %v\n%s", err, w.out.String())
	}
	return r
}

// templates are the stack's original and processed templates now.
func (w *world) templates(t *testing.T) (original, processed map[string]any) {
	t.Helper()
	st, err := readStack(context.Background(), w.clients.CloudFormation, "quilt")
	if err != nil {
		t.Fatal(err)
	}
	return st.Original, st.Processed
}

// A stack without a load balancer (the scheme does not matter): enable,
// then disable in one update back to the original template, checked public.
func TestDisableOneUpdate(t *testing.T) {
	t.Parallel()
	w := startWorld(t, "public", nil)
	if r := w.run(t, Input{Yes: true}); r.Exit != 0 {
		t.Fatalf("enable: %s: %s\n%s", r.Outcome, r.Message, w.out.String())
	}
	before, _ := w.templates(t)
	w.out.Reset()
	r := w.disable(t, Input{Yes: true})
	out := w.out.String()
	if r.Exit != 0 || r.Outcome != OutcomeDisabled {
		t.Fatalf("exit %d outcome %s: %s\n%s", r.Exit, r.Outcome, r.Message, out)
	}
	if got := stages(r); !slices.Equal(got, []string{"leave:updated"}) {
		t.Fatalf("stages %v", got)
	}
	sg := r.Stages[0]
	if p := sg.Plan; p == nil || !p.Rollout.RollbackSafe || p.Rollout.Availability.PrivateNetworkDowntime ||
		slices.ContainsFunc(p.Rollout.Blockers, func(b updatepath.Blocker) bool { return b.ID == "QPE-UP-011" }) {
		t.Errorf("plan %+v", sg.Plan)
	}
	original, processed := w.templates(t)
	want, _ := macroevent.WithoutEntry(before)
	if macroevent.HasEntry(original) || !template.Equal(original, want) || !template.Equal(processed, want) {
		t.Errorf("deployed template:\n%v\nwant\n%v", original, want)
	}
	if _, still := template.Section(processed, "Metadata")[transform.MetadataKey]; still {
		t.Error("the render's Metadata is still deployed")
	}
	if r.Public == nil || !r.Public.OK || r.Public.Checks[0].Check != CheckRenderMetadata ||
		!slices.ContainsFunc(r.Public.Checks, func(c PublicCheck) bool {
			return c.Check == CheckRestAPI && c.OK && strings.Contains(c.Detail, "is REGIONAL")
		}) {
		t.Errorf("public %+v", r.Public)
	}
	cs := sg.ChangeSet
	if cs == nil || cs.Review == nil || !strings.Contains(cs.Name, "-leave") {
		t.Fatalf("change set %+v", cs)
	}
	mustContain(t, out, "qpe disable: the final update: the stack's original template without the QuiltPrivateEndpoints Transform",
		"made by QuiltPrivateEndpoints: removed with the Transform", "Public check: public again", "ok   rest-api")
	// The change set keeps every parameter the original declares, as
	// deployed; the template is the original without the entry.
	out2, err := w.clients.CloudFormation.DescribeStacks(context.Background(), &cloudformation.DescribeStacksInput{StackName: aws.String("quilt")})
	if err != nil || len(out2.Stacks[0].Parameters) != len(template.Section(want, "Parameters")) {
		t.Errorf("parameters %v %v", err, out2.Stacks[0].Parameters)
	}
	// Run again: nothing to disable.
	w.out.Reset()
	r = w.disable(t, Input{Yes: true})
	if r.Exit != 1 || r.Outcome != OutcomeNotEnabled || !strings.Contains(r.Message, "is not enabled") {
		t.Errorf("re-run: exit %d outcome %s: %s", r.Exit, r.Outcome, r.Message)
	}
}

// The whole way back from retire: the public side comes back (adds only),
// the records move back to the public load balancer in Route 53 (shown,
// UPSERTed, INSYNC, resolved through the DNS double), then the original
// template, checked public.
func TestDisableFromRetire(t *testing.T) {
	t.Parallel()
	w := startWorld(t, "alb", nil)
	w.withDNS(t)
	if r := w.run(t, Input{Yes: true, Settings: internal, HostedZoneID: zoneID}); r.Exit != 0 {
		t.Fatalf("enable: %s: %s\n%s", r.Outcome, r.Message, w.out.String())
	}
	before, _ := w.templates(t)
	w.out.Reset()
	r := w.disable(t, Input{Yes: true, HostedZoneID: zoneID})
	out := w.out.String()
	if r.Exit != 0 || r.Outcome != OutcomeDisabled {
		t.Fatalf("exit %d outcome %s: %s\n%s", r.Exit, r.Outcome, r.Message, out)
	}
	want := []string{"public-side-by-side:updated", "dns:dns-moved", "leave:updated"}
	if got := stages(r); !slices.Equal(got, want) {
		t.Fatalf("stages %v, want %v\n%s", got, want, out)
	}
	// The public side comes back beside the internal one: adds only.
	keep := r.Stages[0]
	if keep.Settings[transform.SetPublicLoadBalancer] != transform.PublicKeep || keep.Plan == nil {
		t.Fatalf("keep stage %+v", keep)
	}
	if n := keep.Plan.Summary.Counts; n.Removed != 0 || n.Replaced != 0 {
		t.Errorf("the public side-by-side update removes or replaces: %+v", n)
	}
	for _, sg := range []*Stage{keep, r.Stages[2]} {
		if p := sg.Plan; !p.Rollout.RollbackSafe || p.Rollout.Availability.PrivateNetworkDowntime || len(p.Rollout.Blockers) > 0 {
			t.Errorf("%s plan: rollback-safe %v, downtime %v, blockers %v", sg.Name, p.Rollout.RollbackSafe, p.Rollout.Availability.PrivateNetworkDowntime, p.Rollout.Blockers)
		}
	}
	d := r.Stages[1].DNS
	if d == nil || d.Toward != "public" || d.LoadBalancer.LogicalID != "LoadBalancer" || strings.HasPrefix(d.LoadBalancer.DNSName, "internal-") || !d.Moved ||
		d.Change == nil || len(d.Change.Changes) != 2 || d.Change.Status != "INSYNC" {
		t.Fatalf("dns %+v change %+v", d, d.Change)
	}
	for _, h := range hosts {
		if got := w.resolvesTo(h); !strings.EqualFold(got, d.LoadBalancer.DNSName) {
			t.Errorf("%s -> %s, want the public %s", h, got, d.LoadBalancer.DNSName)
		}
	}
	original, processed := w.templates(t)
	wantTpl, _ := macroevent.WithoutEntry(before)
	if !template.Equal(original, wantTpl) || !template.Equal(processed, wantTpl) {
		t.Error("the deployed template is not the original without the Transform")
	}
	checks := map[string]bool{}
	for _, c := range r.Public.Checks {
		checks[c.Check+" "+c.Resource] = c.OK
	}
	if !r.Public.OK || !checks["load-balancer LoadBalancer"] || !checks["internal-load-balancer "] || !checks["rest-api Api"] {
		t.Errorf("public %+v", r.Public)
	}
	mustContain(t, out, "leaving Private Endpoints in 3 step(s): public-side-by-side, dns, leave",
		"DNS: point these records at the public load balancer LoadBalancer",
		"UPSERT quilt.example.com CNAME 300 "+d.LoadBalancer.DNSName+"  (was CNAME "+strings.ToLower(internalDNS)+")",
		"ok   load-balancer          LoadBalancer: internet-facing")
}

// Side by side deployed (keep), the records on the internal load balancer
// at the user's DNS provider: disable starts at the DNS step, stops until
// the records move back (no zone to change, nobody to ask), and a re-run
// goes on with the final update.
func TestDisableFromKeepAwaitsDNSThenResumes(t *testing.T) {
	t.Parallel()
	w := startWorld(t, "alb", nil)
	zone := w.withDNS(t)
	keep := map[string]string{transform.SetLoadBalancerScheme: transform.SchemeInternal, transform.SetPublicLoadBalancer: transform.PublicKeep}
	if r := w.run(t, Input{Yes: true, Settings: keep}); r.Outcome != OutcomeAwaitingDNS {
		t.Fatalf("enable: %s: %s\n%s", r.Outcome, r.Message, w.out.String())
	}
	for _, h := range hosts {
		zone.Set(h, dnsfake.Record{CNAME: internalDNS})
	}
	w.out.Reset()
	r := w.disable(t, Input{Yes: true})
	if r.Exit != 1 || r.Outcome != OutcomeAwaitingDNS || !slices.Equal(stages(r), []string{"dns:awaiting-dns"}) {
		t.Fatalf("first run: exit %d outcome %s stages %v: %s\n%s", r.Exit, r.Outcome, stages(r), r.Message, w.out.String())
	}
	mustContain(t, r.Message, "do not resolve to the public load balancer", "run `qpe disable --stack quilt --region us-east-1`")
	if n := w.stack.Calls()["cloudformation:CreateChangeSet"]; n != 1 { // enable's only
		t.Errorf("%d change sets created before DNS moved back", n)
	}
	public := r.Stages[0].DNS.LoadBalancer.DNSName
	// The user moves the records back.
	for _, h := range hosts {
		zone.Set(h, dnsfake.Record{CNAME: public})
	}
	w.out.Reset()
	r = w.disable(t, Input{Yes: true, ChangeSetName: "again"})
	if r.Exit != 0 || r.Outcome != OutcomeDisabled || !slices.Equal(stages(r), []string{"dns:dns-moved", "leave:updated"}) {
		t.Fatalf("resume: exit %d outcome %s stages %v: %s\n%s", r.Exit, r.Outcome, stages(r), r.Message, w.out.String())
	}
	if p := r.Stages[1].Plan; p.Rollout.Availability.PrivateNetworkDowntime || !p.Rollout.RollbackSafe {
		t.Errorf("leave plan: downtime %v rollback-safe %v", p.Rollout.Availability.PrivateNetworkDowntime, p.Rollout.RollbackSafe)
	}
	if r.Stages[0].DNS.Change != nil {
		t.Error("a Route 53 change without --hosted-zone-id")
	}
}

// What disable refuses, changing nothing: a stack never enabled, one in
// an unstable state, a render deployed as a plain template, a template
// with other transforms, a final update that cannot roll back.
func TestDisableRefuses(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		name, scenario string
		enable         bool
		edit           func(*testing.T, *world)
		in             Input
		outcome, want  string
		exit           int
	}{
		{name: "not enabled", scenario: "public", outcome: OutcomeNotEnabled, exit: 1, want: "stack quilt is not enabled: its template has no QuiltPrivateEndpoints Transform"},
		{name: "unstable", scenario: "public", enable: true, outcome: OutcomeNotStable, exit: 1, want: "UPDATE_ROLLBACK_FAILED",
			edit: func(t *testing.T, w *world) {
				w.stack.EditStack(func(s *stackfake.Stack) { s.Status = "UPDATE_ROLLBACK_FAILED" })
			}},
		{name: "render deployed plainly", scenario: "public", enable: true, outcome: OutcomeNotEnabled, exit: 1, want: "deployed as a plain template",
			edit: func(t *testing.T, w *world) {
				w.stack.EditStack(func(s *stackfake.Stack) { s.OriginalTemplate = s.Template })
			}},
		{name: "other transforms", scenario: "public", enable: true, outcome: OutcomeRenderFailed, exit: 1, want: "also uses the transform(s) [AWS::LanguageExtensions]",
			edit: func(t *testing.T, w *world) {
				w.stack.EditStack(func(s *stackfake.Stack) {
					doc, _ := template.Clone(s.OriginalTemplate).(map[string]any)
					doc["Transform"] = append(doc["Transform"].([]any), "AWS::LanguageExtensions")
					s.OriginalTemplate = doc
				})
			}},
		{name: "cannot roll back", scenario: "public", enable: true, outcome: OutcomeRefused, exit: 1, want: "QPE-UP-006",
			in: Input{Now: func() time.Time { return time.Date(2028, 1, 1, 0, 0, 0, 0, time.UTC) }}},
	} {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			w := startWorld(t, c.scenario, nil)
			if c.enable {
				if r := w.run(t, Input{Yes: true}); r.Exit != 0 {
					t.Fatalf("enable: %s", r.Message)
				}
			}
			if c.edit != nil {
				c.edit(t, w)
			}
			before := w.stack.Calls()
			in := c.in
			in.Yes = true
			r := w.disable(t, in)
			if r.Exit != c.exit || r.Outcome != c.outcome || !strings.Contains(r.Message, c.want) {
				t.Fatalf("exit %d outcome %s: %s\n%s", r.Exit, r.Outcome, r.Message, w.out.String())
			}
			after := w.stack.Calls()
			for _, op := range []string{"cloudformation:ExecuteChangeSet", "cloudformation:UpdateStack", "cloudformation:SetStackPolicy"} {
				if after[op] != before[op] {
					t.Errorf("%s called", op)
				}
			}
		})
	}
}

// The stack policy qpe enable set is lifted for the final update only
// (enable's stackpolicy_lift.go: the reviewed change set deleted, UpdateStack
// with exactly its template and parameters and the customer's own policy
// during it); afterwards the stack's policy is the customer's statements
// without qpe's (allow-all when the customer had none).
func TestDisableLiftsTheStackPolicy(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		name, existing string
		kept           int // the customer's statements kept
	}{
		{"no policy of the customer's", "", 0},
		{"the customer's policy", customerPolicy, 2},
	} {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			w := startWorld(t, "public", nil)
			if c.existing != "" {
				w.setPolicy(t, c.existing)
			}
			if r := w.run(t, Input{Yes: true}); r.Exit != 0 {
				t.Fatalf("enable: %s", r.Message)
			}
			enabled := w.policyStatements(t)
			if len(enabled) != max(c.kept, 1)+1 {
				t.Fatalf("after enable: %v", enabled)
			}
			calls := w.stack.Calls()
			w.out.Reset()
			r := w.disable(t, Input{Yes: true})
			if r.Exit != 0 || r.Outcome != OutcomeDisabled {
				t.Fatalf("exit %d outcome %s: %s\n%s", r.Exit, r.Outcome, r.Message, w.out.String())
			}
			after := w.stack.Calls()
			for op, want := range map[string]int{"cloudformation:UpdateStack": 1, "cloudformation:ExecuteChangeSet": 0, "cloudformation:DeleteChangeSet": 1, "cloudformation:SetStackPolicy": 1} {
				if got := after[op] - calls[op]; got != want {
					t.Errorf("%s called %d times, want %d", op, got, want)
				}
			}
			sp := r.Stages[0].StackPolicy
			if sp == nil || len(sp.LiftedFor) == 0 || !slices.Contains(sp.LiftedFor, "ApiPrivate") || len(sp.Protected) != 0 || sp.Error != "" {
				t.Fatalf("stack policy step %+v", sp)
			}
			got := w.policyStatements(t)
			if slices.ContainsFunc(got, func(s string) bool { return strings.Contains(s, "Deny") && strings.Contains(s, "ApiPrivate") }) {
				t.Errorf("qpe's statements are still in the policy: %v", got)
			}
			if c.kept > 0 && (len(got) != c.kept || !slices.ContainsFunc(got, func(s string) bool { return strings.Contains(s, "LogicalResourceId/Database") })) {
				t.Errorf("the customer's statements are not kept: %v", got)
			}
			if c.kept == 0 && (len(got) != 1 || !strings.Contains(got[0], `"Allow"`)) {
				t.Errorf("want allow-all, got %v", got)
			}
			mustContain(t, w.out.String(), "runs with qpe's statements lifted for this update only")
		})
	}
}
