package testenv

import (
	"strings"
	"testing"
)

// TestEcho proves the emulator harness: a real bootstrap answers an invocation.
func TestEcho(t *testing.T) {
	b := BuildBootstrap(t, "./internal/testenv/testdata/echo")
	l := StartLambda(t, b)
	out := l.Invoke(t, []byte(`{"a":1}`))
	if !strings.Contains(string(out), `"seen":true`) {
		t.Fatalf("%s\n%s", out, l.Logs())
	}
}
