package main

import (
	"bytes"
	"io"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// TestInputsBounded: every file input (templates, the policy, the change
// set) must be a regular file or - for standard input, and is read up to
// maxInputBytes; anything else fails fast with a clear error, exit 2 (or 1
// where the command reports its input errors so).
func TestInputsBounded(t *testing.T) {
	dir := t.TempDir()
	fifo := filepath.Join(dir, "fifo")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Fatal(err)
	}
	big := filepath.Join(dir, "big.json")
	f, err := os.Create(big)
	if err != nil {
		t.Fatal(err)
	}
	if err := f.Truncate(maxInputBytes + 1); err != nil { // sparse: no disk used
		t.Fatal(err)
	}
	f.Close()
	tmpl := perimWriteFile(t, "t.json", `{"Resources":{"T":{"Type":"AWS::SNS::Topic"}}}`)
	pol := []string{"perimeter", "simulate", "--action", "s3:GetObject", "--resource", "*", "--policy"}
	for _, tc := range []struct {
		name string
		args []string
		want string
	}{
		{"render /dev/zero", []string{"render", "/dev/zero"}, "not a regular file (a device)"},
		{"render /dev/urandom", []string{"render", "/dev/urandom"}, "not a regular file (a device)"},
		{"render a directory", []string{"render", dir}, "not a regular file (a directory)"},
		{"render a named pipe", []string{"render", fifo}, "not a regular file (a named pipe)"},
		{"render a file over the cap", []string{"render", big}, "too large"},
		{"review /dev/zero", []string{"review", "/dev/zero"}, "not a regular file"},
		{"review --changeset /dev/zero", []string{"review", "--changeset", "/dev/zero", tmpl}, "not a regular file"},
		{"review --changeset a named pipe", []string{"review", "--changeset", fifo, tmpl}, "not a regular file (a named pipe)"},
		{"plan /dev/zero", []string{"plan", "/dev/zero", tmpl}, "not a regular file"},
		{"plan a file over the cap", []string{"plan", tmpl, big}, "too large"},
		{"simulate --policy /dev/zero", append(pol, "/dev/zero"), "not a regular file"},
		{"simulate --policy a directory", append(pol, dir), "not a regular file (a directory)"},
		{"simulate --policy a file over the cap", append(pol, big), "too large"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			start := time.Now()
			code, _, errOut := qpeRun(t, "", tc.args...)
			if took := time.Since(start); took > 5*time.Second {
				t.Errorf("took %v", took)
			}
			if code == 0 || !strings.Contains(errOut, tc.want) {
				t.Fatalf("exit %d, stderr %q, want %q", code, errOut, tc.want)
			}
		})
	}
}

// endless is a standard input that never ends.
type endless struct{}

func (endless) Read(p []byte) (int, error) {
	for i := range p {
		p[i] = ' '
	}
	return len(p), nil
}

// TestStdinBounded: standard input is read up to maxInputBytes too.
func TestStdinBounded(t *testing.T) {
	var out, errb bytes.Buffer
	done := make(chan int, 1)
	go func() { done <- run([]string{"render", "-"}, io.Reader(endless{}), &out, &errb) }()
	select {
	case code := <-done:
		if code == 0 || !strings.Contains(errb.String(), "too large") {
			t.Fatalf("exit %d, stderr %q", code, errb.String())
		}
	case <-time.After(20 * time.Second):
		t.Fatal("render - read an endless standard input without a bound")
	}
}
