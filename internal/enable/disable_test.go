package enable

import (
	"context"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudformation"

	"github.com/quiltdata/quilt-private-endpoints/internal/macroevent"
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
