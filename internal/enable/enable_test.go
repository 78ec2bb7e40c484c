package enable

import (
	"context"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudformation"

	"github.com/quiltdata/quilt-private-endpoints/internal/finding"
	"github.com/quiltdata/quilt-private-endpoints/internal/stackfake"
)

func TestCleanEnable(t *testing.T) {
	t.Parallel()
	w := startWorld(t, "public", nil)
	r := w.run(t, Input{Yes: true})
	out := w.out.String()
	if r.Exit != 0 || r.Outcome != OutcomeEnabled {
		t.Fatalf("exit %d outcome %s: %s\n%s", r.Exit, r.Outcome, r.Message, out)
	}
	sg := r.Stages[0]
	if sg.Update == nil || sg.Update.Status != "UPDATE_COMPLETE" || sg.Update.Events < 5 {
		t.Fatalf("update %+v", sg.Update)
	}
	if r.Verify == nil || !r.Verify.OK {
		t.Fatalf("verify %+v\n%s", r.Verify, out)
	}
	if r.ChangeSetID == "" || !strings.Contains(r.ChangeSetID, ":changeSet/qpe-enable-test/") {
		t.Errorf("change set id %q", r.ChangeSetID)
	}
	mustContain(t, out, "UPDATE_COMPLETE_CLEANUP_IN_PROGRESS", "CREATE_COMPLETE", "Api", "Change set qpe-enable-test")
	if n := w.stack.Calls()["cloudformation:CreateChangeSet"]; n != 1 || len(w.stack.ChangeSetNames()) != 0 {
		t.Errorf("%d change sets created, %v left (CloudFormation removes them once one is executed)", n, w.stack.ChangeSetNames())
	}
}

func TestNetworkErrorStopsBeforeAnyChangeSet(t *testing.T) {
	t.Parallel()
	w := startWorld(t, "network-broken", nil)
	r := w.run(t, Input{Yes: true})
	if r.Exit != 1 || r.Outcome != OutcomePreflightFailed {
		t.Fatalf("exit %d outcome %s: %s\n%s", r.Exit, r.Outcome, r.Message, w.out.String())
	}
	if r.Stages[0].Preflight == nil || !hasFinding(r.Stages[0].Preflight.Findings, "QPE-S3-001") {
		t.Errorf("preflight %+v", r.Stages[0].Preflight)
	}
	mustContain(t, w.out.String(), "QPE-S3-001")
	if n := w.stack.Calls()["cloudformation:CreateChangeSet"]; n != 0 || len(w.stack.ChangeSetNames()) != 0 {
		t.Errorf("CreateChangeSet called %d times, change sets %v", n, w.stack.ChangeSetNames())
	}
}

func TestUnsafePlanRefused(t *testing.T) {
	t.Parallel()
	w := startWorld(t, "old-runtime", nil)
	r := w.run(t, Input{Yes: true, Now: func() time.Time { return time.Date(2027, 4, 1, 0, 0, 0, 0, time.UTC) }})
	if r.Exit != 1 || r.Outcome != OutcomeRefused {
		t.Fatalf("exit %d outcome %s: %s\n%s", r.Exit, r.Outcome, r.Message, w.out.String())
	}
	mustContain(t, r.Message, AcceptUnsafeFlag, "QPE-UP-006 LegacyHandler", "python3.8", "Nothing was changed")
	if n := w.stack.Calls()["cloudformation:CreateChangeSet"]; n != 0 {
		t.Errorf("%d change sets created after a refused plan", n)
	}
	if p := r.Stages[0].Plan; p == nil || p.Rollout.RollbackSafe && len(p.Rollout.Blockers) == 0 {
		t.Errorf("plan %+v", p)
	}
}

func TestEmptyChangeSetIsNothingToDo(t *testing.T) {
	t.Parallel()
	w := startWorld(t, "public", nil)
	if r := w.run(t, Input{Yes: true}); r.Exit != 0 {
		t.Fatalf("first run: exit %d %s", r.Exit, r.Message)
	}
	w.out.Reset()
	in := Input{Yes: true, ChangeSetName: "again"}
	r := w.run(t, in)
	if r.Exit != 0 || r.Outcome != OutcomeNothingToDo {
		t.Fatalf("second run: exit %d outcome %s: %s\n%s", r.Exit, r.Outcome, r.Message, w.out.String())
	}
	if r.Stages[0].ChangeSet == nil || !strings.Contains(r.Stages[0].ChangeSet.StatusReason, "didn't contain changes") {
		t.Errorf("change set %+v", r.Stages[0].ChangeSet)
	}
	if w.stack.Calls()["cloudformation:ExecuteChangeSet"] != 1 || w.stack.Calls()["cloudformation:DeleteChangeSet"] != 1 || len(w.stack.ChangeSetNames()) != 0 {
		t.Errorf("calls %v, change sets left %v", w.stack.Calls(), w.stack.ChangeSetNames())
	}
	mustContain(t, w.out.String(), "nothing to do")
}

func TestFailureRollsBack(t *testing.T) {
	t.Parallel()
	w := startWorld(t, "public", func(s *stackfake.Scenario) {
		s.Execution.FailAt = &stackfake.Injected{Resource: "ThumbnailHandler", Reason: "Resource handler returned message: \"Lambda was unable to configure access to your environment variables\""}
	})
	r := w.run(t, Input{Yes: true})
	if r.Exit != 1 || r.Outcome != OutcomeUpdateFailed {
		t.Fatalf("exit %d outcome %s: %s", r.Exit, r.Outcome, r.Message)
	}
	u := r.Stages[0].Update
	if u.Status != "UPDATE_ROLLBACK_COMPLETE" || u.FirstFailure == nil || u.FirstFailure.Resource != "ThumbnailHandler" {
		t.Fatalf("update %+v", u)
	}
	if !slices.Contains(u.RolledBack, "ReportHandler") || !slices.Contains(u.Deleted, "QuiltPrivateEndpointsPreflight") || u.Recovery != "" {
		t.Errorf("rollback %+v", u)
	}
	mustContain(t, r.Message, "ThumbnailHandler", "unable to configure access", "UPDATE_ROLLBACK_COMPLETE")
	mustContain(t, w.out.String(), "first failure: ThumbnailHandler", "rolled back to their old configuration: ", "deleted by the rollback: ")
	if r.Verify != nil {
		t.Error("verify ran after a failed update")
	}
}

func TestJammedRollbackPrintsTheRecovery(t *testing.T) {
	t.Parallel()
	w := startWorld(t, "public", func(s *stackfake.Scenario) {
		s.Execution.FailAt = &stackfake.Injected{Resource: "ThumbnailHandler", Reason: "Lambda was unable to configure access to your environment variables"}
		s.Execution.RollbackFailAt = &stackfake.Injected{Resource: "ReportHandler", Reason: "Lambda is unable to delete the network interface eni-0123456789abcdef0: it is in use"}
	})
	r := w.run(t, Input{Yes: true})
	if r.Exit != 1 || r.Outcome != OutcomeRollbackFailed {
		t.Fatalf("exit %d outcome %s: %s", r.Exit, r.Outcome, r.Message)
	}
	u := r.Stages[0].Update
	want := "aws cloudformation continue-update-rollback --stack-name quilt --region us-east-1 --resources-to-skip ReportHandler"
	if u.Recovery != want {
		t.Fatalf("recovery %q, want %q", u.Recovery, want)
	}
	mustContain(t, strings.Join(u.AfterRecovery, "\n"), "ReportHandler (AWS::Lambda::Function) is skipped", "network interface", "qpe enable --stack quilt --region us-east-1 --follow")
	mustContain(t, w.out.String(), want)
	// The printed recovery works: run it, then follow it with --follow.
	_, err := w.clients.CloudFormation.(*cloudformation.Client).ContinueUpdateRollback(context.Background(),
		&cloudformation.ContinueUpdateRollbackInput{StackName: aws.String("quilt"), ResourcesToSkip: []string{"ReportHandler"}})
	if err != nil {
		t.Fatal(err)
	}
	r = w.run(t, Input{FollowOnly: true})
	if u := r.Stages[0].Update; u == nil || u.Status != "UPDATE_ROLLBACK_COMPLETE" {
		t.Fatalf("after the recovery: %+v %s", r.Stages[0].Update, r.Message)
	}
}

func TestNoTerminalWithoutYesStops(t *testing.T) {
	t.Parallel()
	w := startWorld(t, "public", nil)
	r := w.run(t, Input{})
	if r.Exit != 1 || r.Outcome != OutcomeAwaiting {
		t.Fatalf("exit %d outcome %s: %s", r.Exit, r.Outcome, r.Message)
	}
	mustContain(t, r.Message, "qpe-enable-test", "aws cloudformation execute-change-set --stack-name quilt --change-set-name qpe-enable-test --region us-east-1", "--yes")
	if w.stack.Calls()["cloudformation:ExecuteChangeSet"] != 0 || !slices.Equal(w.stack.ChangeSetNames(), []string{"qpe-enable-test"}) {
		t.Errorf("calls %v change sets %v", w.stack.Calls(), w.stack.ChangeSetNames())
	}
}

func TestDeclined(t *testing.T) {
	t.Parallel()
	w := startWorld(t, "public", nil)
	var asked string
	r := w.run(t, Input{Confirm: func(_ context.Context, q string) (bool, error) { asked = q; return false, nil }})
	if r.Exit != 1 || r.Outcome != OutcomeDeclined || !strings.Contains(asked, "qpe-enable-test") {
		t.Fatalf("exit %d outcome %s asked %q: %s", r.Exit, r.Outcome, asked, r.Message)
	}
	if w.stack.Calls()["cloudformation:ExecuteChangeSet"] != 0 {
		t.Error("executed after no")
	}
}

func TestNotStableRefused(t *testing.T) {
	t.Parallel()
	w := startWorld(t, "public", func(s *stackfake.Scenario) { s.Stack.Status = "UPDATE_ROLLBACK_FAILED" })
	r := w.run(t, Input{Yes: true})
	if r.Exit != 1 || r.Outcome != OutcomeNotStable {
		t.Fatalf("exit %d outcome %s", r.Exit, r.Outcome)
	}
	mustContain(t, r.Message, "UPDATE_ROLLBACK_FAILED", "continue-update-rollback --stack-name quilt")
}

func hasFinding(fs []finding.Finding, id string) bool {
	return slices.ContainsFunc(fs, func(f finding.Finding) bool { return f.ID == id })
}

// cancelAt cancels the run at the first stack event it sees (Ctrl-C).
type cancelAt struct {
	*Writer
	cancel context.CancelFunc
}

func (c cancelAt) Event(e Event, p Progress) {
	c.Writer.Event(e, p)
	c.cancel()
}

func TestCtrlCStopsFollowingNotTheUpdate(t *testing.T) {
	t.Parallel()
	w := startWorld(t, "public", func(s *stackfake.Scenario) { s.Execution.Step = 5 * time.Millisecond })
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	in := w.input(Input{Yes: true})
	in.Observer = cancelAt{Writer: &Writer{W: &w.out}, cancel: cancel}
	r, err := Run(ctx, w.clients, in)
	if err != nil {
		t.Fatal(err)
	}
	if r.Exit != 1 || r.Outcome != OutcomeFollowingStopped {
		t.Fatalf("exit %d outcome %s: %s", r.Exit, r.Outcome, r.Message)
	}
	resume := "qpe enable --stack quilt --region us-east-1 --follow"
	if r.Stages[0].Update.Resume != resume {
		t.Errorf("resume %q", r.Stages[0].Update.Resume)
	}
	mustContain(t, r.Message, "the update goes on", resume)
	if w.stack.Calls()["cloudformation:CancelUpdateStack"] != 0 {
		t.Error("Ctrl-C cancelled the update")
	}
	// The update went on: following again sees it complete, then verifies.
	w.out.Reset()
	r = w.run(t, Input{FollowOnly: true})
	if r.Exit != 0 || r.Outcome != OutcomeEnabled || r.Stages[0].Update.Status != "UPDATE_COMPLETE" {
		t.Fatalf("follow: exit %d outcome %s: %s\n%s", r.Exit, r.Outcome, r.Message, w.out.String())
	}
	mustContain(t, w.out.String(), "User Initiated", "UPDATE_COMPLETE_CLEANUP_IN_PROGRESS")
}

func TestLargeTemplateGoesThroughS3(t *testing.T) {
	t.Parallel()
	big := func(s *stackfake.Scenario) {
		tpl := s.Stack.Template.(map[string]any)
		tpl["Metadata"] = map[string]any{"Padding": strings.Repeat("x", MaxTemplateBody)}
	}
	w := startWorld(t, "public", big)
	r := w.run(t, Input{Yes: true})
	if r.Exit != 2 || r.Outcome != OutcomeRenderFailed || w.ec2.TotalCalls() != 0 {
		t.Fatalf("no bucket: exit %d outcome %s (%d EC2 calls): %s", r.Exit, r.Outcome, w.ec2.TotalCalls(), r.Message)
	}
	mustContain(t, r.Message, "--s3-bucket", "51200")
	w = startWorld(t, "public", big)
	r = w.run(t, Input{Yes: true, S3Bucket: "quilt-deploy"})
	if r.Exit != 0 {
		t.Fatalf("with bucket: exit %d outcome %s: %s\n%s", r.Exit, r.Outcome, r.Message, w.out.String())
	}
	if got := r.Stages[0].ChangeSet.TemplateURL; got != "https://quilt-deploy.s3.us-east-1.amazonaws.com/qpe-enable/quilt/qpe-enable-test.json" {
		t.Errorf("template URL %q", got)
	}
	if w.stack.Calls()["s3:PutObject"] != 1 {
		t.Errorf("calls %v", w.stack.Calls())
	}
}

func TestUndeclaredParameterIsUsage(t *testing.T) {
	t.Parallel()
	w := startWorld(t, "public", nil)
	r := w.run(t, Input{Yes: true, Parameters: map[string]string{"Nope": "1"}})
	if r.Exit != 2 || r.Outcome != OutcomeRenderFailed || w.stack.Calls()["cloudformation:CreateChangeSet"] != 0 {
		t.Fatalf("exit %d outcome %s: %s", r.Exit, r.Outcome, r.Message)
	}
	mustContain(t, r.Message, "--parameter Nope", "declares no parameter Nope")
}

func TestFollowASettledStack(t *testing.T) {
	t.Parallel()
	w := startWorld(t, "public", nil)
	r := w.run(t, Input{FollowOnly: true})
	// The stack's last operation completed: nothing new changed, verify
	// runs and finds the public API as it is (not private yet).
	if r.Stages[0].Update == nil || r.Stages[0].Update.Status != "UPDATE_COMPLETE" || r.Verify == nil || r.Exit != 1 || r.Outcome != OutcomeVerifyFailed {
		t.Fatalf("exit %d outcome %s update %+v: %s", r.Exit, r.Outcome, r.Stages[0].Update, r.Message)
	}
	if !hasFinding(r.Verify.Findings, "QPE-VF-020") {
		t.Errorf("verify %+v", r.Verify.Findings)
	}
}

// TestSSMParameterResolvedForChecks: a VPC given as a Systems Manager
// parameter (the stack's value is the SSM name, DescribeStacks'
// ResolvedValue the vpc- id) is checked, planned and rendered with the
// resolved id, as review and verify do; the change set keeps the SSM name
// (UsePreviousValue). Before the one live-stack reader, enable checked
// "/quilt/vpc" and stopped with QPE-IN-002.
func TestSSMParameterResolvedForChecks(t *testing.T) {
	t.Parallel()
	w := startWorld(t, "public", func(s *stackfake.Scenario) {
		s.Stack.ResolvedParameters = map[string]string{"VPC": s.Stack.Parameters["VPC"]}
		s.Stack.Parameters["VPC"] = "/quilt/network/vpc"
	})
	r := w.run(t, Input{Yes: true})
	sg := r.Stages[0]
	if sg.Preflight == nil || !sg.Preflight.OK {
		t.Fatalf("exit %d outcome %s: %s\npreflight %+v\n%s", r.Exit, r.Outcome, r.Message, sg.Preflight, w.out.String())
	}
	mustContain(t, w.out.String(), "checking the network: vpc-0a1b2c3d4e5f60718")
	if strings.Contains(w.out.String(), "/quilt/network/vpc") && strings.Contains(w.out.String(), "checking the network: /quilt") {
		t.Errorf("checked the SSM name:\n%s", w.out.String())
	}
}

// TestNetworkCheckIsTheDeployTimeCheck: enable's network check reads its
// input from the rendered template's preflight resource, as the custom
// resource will: a ClientCidrs setting the endpoint does not let in is
// QPE-EP-010 on the laptop, before any change set. Before the one
// preflight-input reader, enable left client CIDRs (and egress services,
// buckets and user subnets) out, passed, and the deploy failed.
func TestNetworkCheckIsTheDeployTimeCheck(t *testing.T) {
	t.Parallel()
	w := startWorld(t, "public", nil)
	r := w.run(t, Input{Yes: true, Settings: map[string]string{"ClientCidrs": "10.99.0.0/16"}})
	if r.Outcome != OutcomePreflightFailed || r.Stages[0].Preflight == nil || !hasFinding(r.Stages[0].Preflight.Findings, "QPE-EP-010") {
		t.Fatalf("exit %d outcome %s: %s\n%s", r.Exit, r.Outcome, r.Message, w.out.String())
	}
	if n := w.stack.Calls()["cloudformation:CreateChangeSet"]; n != 0 {
		t.Errorf("CreateChangeSet called %d times", n)
	}
}

// TestUploadPinsBucketOwner: the --s3-bucket upload names the stack's
// account as the bucket's expected owner (the double refuses a PutObject
// without it), so a bucket of another account is refused and nothing is
// created from it.
func TestUploadPinsBucketOwner(t *testing.T) {
	t.Parallel()
	w := startWorld(t, "public", func(s *stackfake.Scenario) {
		tpl := s.Stack.Template.(map[string]any)
		tpl["Metadata"] = map[string]any{"Padding": strings.Repeat("x", MaxTemplateBody)}
		s.BucketOwners = map[string]string{"squatted-bucket": "999999999999"}
	})
	r := w.run(t, Input{Yes: true, S3Bucket: "squatted-bucket"})
	if r.Exit != 1 || r.Outcome != OutcomeChangeSetFailed || w.stack.Calls()["cloudformation:CreateChangeSet"] != 0 {
		t.Fatalf("exit %d outcome %s calls %v: %s", r.Exit, r.Outcome, w.stack.Calls(), r.Message)
	}
	mustContain(t, r.Message, "s3://squatted-bucket", "expected owner", "AccessDenied")
}
