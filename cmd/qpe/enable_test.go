package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/creack/pty"

	"github.com/quiltdata/quilt-private-endpoints/internal/awsfake"
	"github.com/quiltdata/quilt-private-endpoints/internal/fakeworld"
	"github.com/quiltdata/quilt-private-endpoints/internal/macro"
	"github.com/quiltdata/quilt-private-endpoints/internal/stackfake"
	"github.com/quiltdata/quilt-private-endpoints/internal/testenv"
)

// enableServe starts the doubles for a scenario of internal/enable/testdata
// (CloudFormation running the macro's real handler) with test credentials.
func enableServe(t *testing.T, name string, edit func(*stackfake.Scenario)) *stackfake.Server {
	t.Helper()
	testenv.IsolateAWS(t)
	t.Setenv("AWS_ACCESS_KEY_ID", "AKIDENABLETEST")
	t.Setenv("AWS_SECRET_ACCESS_KEY", "enable-test-secret")
	srv := serveDoubles(t, filepath.Join(testenv.Root(t), "internal", "enable", "testdata", name+".yaml"), edit)
	srv.SetMacro(macro.NewHandler(nil).Invoke)
	return srv
}

// serveDoubles serves a scenario file: the stack with stackfake (with ELBv2
// and ECS), its "network" world with awsfake (EC2, S3, STS), edit applied to the
// scenario first; the SDK's per-service endpoint variables point at them.
func serveDoubles(t *testing.T, path string, edit func(*stackfake.Scenario)) *stackfake.Server {
	t.Helper()
	scn, err := stackfake.Load(path)
	if err != nil {
		t.Fatal(err)
	}
	if edit != nil {
		edit(scn)
	}
	srv := stackfake.Start(scn)
	t.Cleanup(srv.Close)
	for _, svc := range []string{"CLOUDFORMATION", "LAMBDA", "API_GATEWAY", "SYNTHETICS", "ELASTIC_LOAD_BALANCING_V2", "ECS"} {
		t.Setenv("AWS_ENDPOINT_URL_"+svc, srv.URL())
	}
	var doc struct {
		Network awsfake.World `yaml:"network"`
	}
	if err := fakeworld.Load(path, &doc); err != nil {
		t.Fatal(err)
	}
	ec2 := awsfake.Start(t, &doc.Network)
	t.Setenv("AWS_ENDPOINT_URL_EC2", ec2.URL)
	t.Setenv("AWS_ENDPOINT_URL_S3", ec2.URL)
	t.Setenv("AWS_ENDPOINT_URL_STS", ec2.URL)
	return srv
}

func TestEnableJSON(t *testing.T) {
	enableServe(t, "public", func(s *stackfake.Scenario) { s.Execution.Step = time.Millisecond })
	code, out, errs := qpeRun(t, "", "enable", "--stack", "quilt", "--region", "us-east-1", "--yes", "--format", "json", "--poll", "2ms", "--change-set-name", "cs1")
	if code != 0 {
		t.Fatalf("exit %d\nstdout:\n%s\nstderr:\n%s", code, out, errs)
	}
	var r struct {
		Stack       string `json:"stack"`
		ChangeSetID string `json:"changeSetId"`
		Stages      []struct {
			Outcome string `json:"outcome"`
			Update  struct {
				Status string `json:"status"`
			} `json:"update"`
		} `json:"stages"`
		Verify struct {
			OK       bool  `json:"ok"`
			Findings []any `json:"findings"`
		} `json:"verify"`
		Outcome string `json:"outcome"`
		Exit    int    `json:"exit"`
	}
	if err := json.Unmarshal([]byte(out), &r); err != nil {
		t.Fatalf("stdout is not one JSON object: %v\n%s", err, out)
	}
	if r.Stack != "quilt" || !strings.Contains(r.ChangeSetID, "changeSet/cs1/") || len(r.Stages) != 1 || r.Stages[0].Outcome != "updated" ||
		r.Stages[0].Update.Status != "UPDATE_COMPLETE" || !r.Verify.OK || r.Outcome != "enabled" || r.Exit != 0 {
		t.Errorf("result %+v", r)
	}
	// Progress goes to stderr, one line per event (no terminal).
	if !strings.Contains(errs, "qpe enable: account 123456789012") || !strings.Contains(errs, "UPDATE_COMPLETE_CLEANUP_IN_PROGRESS") {
		t.Errorf("stderr:\n%s", errs)
	}
}

func TestEnableUsage(t *testing.T) {
	testenv.IsolateAWS(t)
	for _, args := range [][]string{
		{"enable"},
		{"enable", "--stack", "quilt", "--format", "xml"},
		{"enable", "--stack", "quilt", "--set", "PreflightMode"},
	} {
		if code, _, errs := qpeRun(t, "", args...); code != 2 || !strings.Contains(errs, "qpe: enable:") {
			t.Errorf("%v: exit %d, stderr %q", args, code, errs)
		}
	}
}

func TestEnableMissingStackIsExit2(t *testing.T) {
	enableServe(t, "public", nil)
	code, _, errs := qpeRun(t, "", "enable", "--stack", "nope", "--region", "us-east-1", "--yes")
	if code != 2 || !strings.Contains(errs, "stack nope does not exist") {
		t.Errorf("exit %d stderr %q", code, errs)
	}
}

func TestEnableNoTerminalStopsWithTheChangeSet(t *testing.T) {
	srv := enableServe(t, "public", nil)
	code, out, errs := qpeRun(t, "", "enable", "--stack", "quilt", "--region", "us-east-1", "--poll", "2ms", "--change-set-name", "review-me")
	if code != 1 || !strings.Contains(out, "awaiting-execution") || !strings.Contains(out, "--change-set-name review-me") {
		t.Fatalf("exit %d\nstdout:\n%s\nstderr:\n%s", code, out, errs)
	}
	if srv.Calls()["cloudformation:ExecuteChangeSet"] != 0 {
		t.Error("executed without --yes and without a terminal")
	}
}

// TestEnableOnATerminal runs qpe enable on a pseudo-terminal: it asks for
// confirmation (answered "y") and draws the live progress line.
func TestEnableOnATerminal(t *testing.T) {
	enableServe(t, "public", func(s *stackfake.Scenario) { s.Execution.Step = 15 * time.Millisecond })
	ptm, tty, err := pty.Open()
	if err != nil {
		t.Fatal(err)
	}
	defer ptm.Close()
	defer tty.Close()
	if err := pty.Setsize(ptm, &pty.Winsize{Rows: 40, Cols: 120}); err != nil {
		t.Fatal(err)
	}
	var screen bytes.Buffer
	read := make(chan struct{})
	asked := make(chan struct{})
	go func() {
		defer close(read)
		r := bufio.NewReader(ptm)
		once := false
		var line []byte
		for {
			b, err := r.ReadByte()
			if err != nil {
				return
			}
			screen.WriteByte(b)
			line = append(line, b)
			if !once && bytes.HasSuffix(line, []byte("[y/N] ")) {
				once = true
				close(asked)
				_, _ = io.WriteString(ptm, "y\n")
			}
			if b == '\n' {
				line = line[:0]
			}
		}
	}()
	code := run([]string{"enable", "--stack", "quilt", "--region", "us-east-1", "--poll", "5ms", "--change-set-name", "tty"}, tty, tty, os.Stderr)
	select {
	case <-asked:
	default:
		t.Error("no confirmation was asked on the terminal")
	}
	tty.Close()
	<-read
	s := screen.String()
	if os.Getenv("QPE_SHOW_TTY") != "" {
		t.Logf("%q", s)
	}
	if code != 0 {
		t.Fatalf("exit %d\n%s", code, s)
	}
	for _, want := range []string{"Execute change set tty on stack quilt", "\r\x1b[K", "resources done", "in progress: ", "enabled: Private Endpoints enabled on quilt and verified"} {
		if !strings.Contains(s, want) {
			t.Errorf("terminal lacks %q:\n%q", want, s)
		}
	}
	// A terminal shows the progress line, not one line per event.
	if strings.Contains(s, "CREATE_IN_PROGRESS                           QuiltPrivateEndpointsPreflight") {
		t.Errorf("events printed one per line on a terminal:\n%s", s)
	}
}
