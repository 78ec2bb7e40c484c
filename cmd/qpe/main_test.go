package main

import (
	"bytes"
	"strings"
	"testing"
)

// qpeRun runs a command line in-process exactly as main does and returns the
// exit status, standard output and standard error.
func qpeRun(t *testing.T, stdin string, args ...string) (int, string, string) {
	t.Helper()
	var out, errb bytes.Buffer
	code := run(args, strings.NewReader(stdin), &out, &errb)
	return code, out.String(), errb.String()
}
