// Package testenv finds the tools the tests need (installed, pinned, by
// `make tools` under .tools/) and runs Lambda bootstraps under the AWS Lambda
// Runtime Interface Emulator. A missing tool fails the test with the command
// that installs it: tests never skip for a missing install step.
package testenv

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"
)

// Root returns the module's root folder (where go.mod is).
func Root(t testing.TB) string {
	t.Helper()
	dir, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			t.Fatal("testenv: go.mod not found above the working directory")
		}
		dir = parent
	}
}

func tool(t testing.TB, env, rel string) string {
	t.Helper()
	if p := os.Getenv(env); p != "" {
		return p
	}
	p := filepath.Join(Root(t), ".tools", rel)
	if _, err := os.Stat(p); err != nil {
		t.Fatalf("testenv: %s is not installed at %s: run `make tools` (or `make test`, which installs it)", filepath.Base(rel), p)
	}
	return p
}

// RIE returns the path of aws-lambda-rie.
func RIE(t testing.TB) string { return tool(t, "QPE_RIE", "bin/aws-lambda-rie") }

// MermaidDir returns the folder the npm package mermaid is installed in
// (node_modules/mermaid below it), for node to resolve "mermaid" from.
func MermaidDir(t testing.TB) string {
	p := tool(t, "QPE_MERMAID_DIR", "mermaid/node_modules/mermaid")
	return filepath.Dir(filepath.Dir(p))
}

// CfnGuardDir returns the folder of the npm package @cdklabs/cdk-validator-cfnguard.
func CfnGuardDir(t testing.TB) string {
	return tool(t, "QPE_CFNGUARD_DIR", "cfnguard/node_modules/@cdklabs/cdk-validator-cfnguard")
}

// CfnGuard returns the path of the cfn-guard binary for this machine.
func CfnGuard(t testing.TB) string {
	arch := "x86_64"
	if runtime.GOARCH == "arm64" {
		arch = "aarch64"
	}
	p := filepath.Join(CfnGuardDir(t), "bin", "ubuntu", arch, "cfn-guard")
	if _, err := os.Stat(p); err != nil {
		t.Fatalf("testenv: cfn-guard missing at %s: run `make tools`", p)
	}
	return p
}

// ControlTowerRule returns the path of a Control Tower guard rule, e.g.
// ControlTowerRule(t, "lambda", "ct-lambda-pr-3").
func ControlTowerRule(t testing.TB, service, id string) string {
	p := filepath.Join(CfnGuardDir(t), "rules", "control-tower", "cfn-guard", service, id+".guard")
	if _, err := os.Stat(p); err != nil {
		t.Fatalf("testenv: rule %s missing at %s: run `make tools`", id, p)
	}
	return p
}

var buildMu sync.Mutex

// BuildBootstrap compiles a Lambda main package (e.g. "./macro") for this
// machine with the flags of `make build` and returns the binary's path.
func BuildBootstrap(t testing.TB, pkg string) string {
	t.Helper()
	buildMu.Lock()
	defer buildMu.Unlock()
	out := filepath.Join(t.TempDir(), "bootstrap")
	cmd := exec.Command("go", "build", "-tags", "lambda.norpc", "-trimpath", "-o", out, pkg)
	cmd.Dir = Root(t)
	cmd.Env = append(os.Environ(), "CGO_ENABLED=0", "GOOS=linux", "GOARCH="+runtime.GOARCH)
	if b, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("testenv: build %s: %v\n%s", pkg, err, b)
	}
	return out
}

// Lambda is a bootstrap running under the emulator.
type Lambda struct {
	URL  string // the invocation URL
	logs *SyncBuffer
}

// Logs returns what the function and the emulator printed so far.
func (l *Lambda) Logs() string { return l.logs.String() }

// StartLambda runs bootstrap under aws-lambda-rie with extra environment
// variables (e.g. AWS_LAMBDA_FUNCTION_TIMEOUT=5) and waits until it listens.
// The process is stopped when the test ends.
func StartLambda(t testing.TB, bootstrap string, env ...string) *Lambda {
	t.Helper()
	rie := RIE(t)
	addr := fmt.Sprintf("127.0.0.1:%d", freePort(t))
	// The emulator's Runtime API defaults to 127.0.0.1:9001: give each its own
	// port so emulators of packages tested in parallel do not collide.
	api := fmt.Sprintf("127.0.0.1:%d", freePort(t))
	ctx, cancel := context.WithCancel(context.Background())
	cmd := exec.CommandContext(ctx, rie, "--runtime-interface-emulator-address", addr, "--runtime-api-address", api, bootstrap)
	cmd.Dir = filepath.Dir(bootstrap)
	cmd.Env = append(os.Environ(), env...)
	logs := &SyncBuffer{}
	cmd.Stdout = logs
	cmd.Stderr = logs
	if err := cmd.Start(); err != nil {
		cancel()
		t.Fatalf("testenv: start %s: %v", rie, err)
	}
	t.Cleanup(func() {
		cancel()
		_ = cmd.Wait()
		if t.Failed() {
			t.Logf("emulator output:\n%s", logs.String())
		}
	})
	deadline := time.Now().Add(15 * time.Second)
	for {
		c, err := net.DialTimeout("tcp", addr, 200*time.Millisecond)
		if err == nil {
			c.Close()
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("testenv: emulator did not listen on %s:\n%s", addr, logs.String())
		}
		time.Sleep(50 * time.Millisecond)
	}
	return &Lambda{URL: "http://" + addr + "/2015-03-31/functions/function/invocations", logs: logs}
}

// Invoke posts an event and returns the function's response body.
func (l *Lambda) Invoke(t testing.TB, event []byte) []byte {
	t.Helper()
	client := &http.Client{Timeout: 2 * time.Minute}
	resp, err := client.Post(l.URL, "application/json", bytes.NewReader(event))
	if err != nil {
		t.Fatalf("testenv: invoke: %v\n%s", err, l.Logs())
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatalf("testenv: read response: %v", err)
	}
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("testenv: invoke status %d: %s\n%s", resp.StatusCode, body, l.Logs())
	}
	return body
}

func freePort(t testing.TB) int {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}

// SyncBuffer is a buffer that several goroutines (a logger, a process) may
// write while a test reads it.
type SyncBuffer struct {
	mu sync.Mutex
	b  strings.Builder
}

// Write appends p.
func (s *SyncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

// String returns what was written so far.
func (s *SyncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// Generated keeps the block between the markers
// "<!-- generated:NAME:start -->" and "<!-- generated:NAME:end -->" of the file
// at path (relative to the module root) equal to content. With update it
// rewrites the block; otherwise a difference fails the test with the
// command that fixes it (cmd).
func Generated(t testing.TB, path, name, content string, update bool, cmd string) {
	t.Helper()
	full := filepath.Join(Root(t), path)
	raw, err := os.ReadFile(full)
	if err != nil {
		t.Fatal(err)
	}
	doc := string(raw)
	start, end := "<!-- generated:"+name+":start -->\n", "<!-- generated:"+name+":end -->"
	i, j := strings.Index(doc, start), strings.Index(doc, end)
	if i < 0 || j < i {
		t.Fatalf("%s lacks the markers %q and %q", path, strings.TrimSpace(start), end)
	}
	if doc[i+len(start):j] == content {
		return
	}
	if !update {
		t.Errorf("%s: the %s block is out of date: run %s", path, name, cmd)
		return
	}
	doc = doc[:i+len(start)] + content + doc[j:]
	if err := os.WriteFile(full, []byte(doc), 0o644); err != nil {
		t.Fatal(err)
	}
}

// IsolateAWS keeps the AWS SDK away from this machine's AWS settings for the
// test: every AWS_ variable is unset (and restored afterwards), the config
// and credential files are empty, and instance metadata is off.
func IsolateAWS(t testing.TB) {
	t.Helper()
	for _, kv := range os.Environ() {
		k, _, _ := strings.Cut(kv, "=")
		if strings.HasPrefix(k, "AWS_") {
			t.Setenv(k, "") // registers the restore
			os.Unsetenv(k)
		}
	}
	dir := t.TempDir()
	t.Setenv("AWS_CONFIG_FILE", filepath.Join(dir, "config"))
	t.Setenv("AWS_SHARED_CREDENTIALS_FILE", filepath.Join(dir, "credentials"))
	t.Setenv("AWS_EC2_METADATA_DISABLED", "true")
}
