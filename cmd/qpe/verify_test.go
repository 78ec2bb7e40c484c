package main

import (
	"encoding/json"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/quiltdata/quilt-private-endpoints/internal/finding"
	"github.com/quiltdata/quilt-private-endpoints/internal/testenv"
)

// verifyEnv isolates the AWS configuration, with test credentials when
// withCreds.
func verifyEnv(t *testing.T, withCreds bool) {
	t.Helper()
	testenv.IsolateAWS(t)
	if withCreds {
		t.Setenv("AWS_ACCESS_KEY_ID", "AKIDVERIFYTEST")
		t.Setenv("AWS_SECRET_ACCESS_KEY", "verify-test-secret")
	}
}

// verifyServe starts the doubles for a scenario of internal/verify/testdata
// and points the SDK's per-service endpoint variables at them.
func verifyServe(t *testing.T, name string) {
	t.Helper()
	serveDoubles(t, filepath.Join(testenv.Root(t), "internal", "verify", "testdata", name+".yaml"), nil)
}

func TestVerifyHealthyText(t *testing.T) {
	verifyEnv(t, true)
	verifyServe(t, "healthy")
	code, out, errs := qpeRun(t, "", "verify", "--stack", "quilt", "--region", "us-east-1")
	if code != 0 {
		t.Fatalf("exit %d\nstdout:\n%s\nstderr:\n%s", code, out, errs)
	}
	// The CLI runs on the real clock: the fixture's canary runs may look
	// stale (QPE-VF-031, a warning); the canaries' last runs are info
	// (QPE-VF-030); nothing else may show.
	rest := strings.NewReplacer("QPE-VF-031", "", "QPE-VF-030", "").Replace(out)
	if !strings.Contains(out, "0 error(s)") || !strings.Contains(out, "INFO    QPE-VF-030") || strings.Contains(rest, "QPE-") {
		t.Errorf("stdout:\n%s", out)
	}
	if !strings.Contains(errs, "qpe verify: account 123456789012") || !strings.Contains(errs, "qpe verify: stack quilt read") {
		t.Errorf("no progress on stderr:\n%s", errs)
	}
}

func TestVerifyFindingsJSON(t *testing.T) {
	verifyEnv(t, true)
	verifyServe(t, "policy-not-redeployed")
	code, out, errs := qpeRun(t, "", "verify", "--stack", "quilt", "--region", "us-east-1", "--format", "json", "--quiet")
	if code != 1 {
		t.Fatalf("exit %d, want 1\nstdout:\n%s\nstderr:\n%s", code, out, errs)
	}
	var rep finding.Report
	if err := json.Unmarshal([]byte(out), &rep); err != nil {
		t.Fatalf("stdout is not the JSON report: %v\n%s", err, out)
	}
	if rep.OK || !slices.ContainsFunc(rep.Findings, func(f finding.Finding) bool { return f.ID == "QPE-VF-023" }) {
		t.Errorf("report: %+v", rep)
	}
	if errs != "" {
		t.Errorf("--quiet printed on stderr: %s", errs)
	}
}

func TestVerifyUsageAndAccess(t *testing.T) {
	verifyEnv(t, true)
	verifyServe(t, "healthy")
	for _, tc := range []struct {
		name string
		args []string
		want string
	}{
		{"no stack", []string{"verify", "--region", "us-east-1"}, "--stack is required"},
		{"bad format", []string{"verify", "--stack", "quilt", "--region", "us-east-1", "--format", "xml"}, "--format must be text or json"},
		{"stray argument", []string{"verify", "--stack", "quilt", "extra"}, "unknown command"},
		{"missing stack", []string{"verify", "--stack", "nope", "--region", "us-east-1"}, `no stack named "nope" in us-east-1`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			code, out, errs := qpeRun(t, "", tc.args...)
			if code != 2 || !strings.Contains(errs, tc.want) || out != "" {
				t.Errorf("exit %d, stdout %q, stderr %q; want 2 and %q", code, out, errs, tc.want)
			}
		})
	}
	t.Run("no credentials", func(t *testing.T) {
		verifyEnv(t, false)
		code, _, errs := qpeRun(t, "", "verify", "--stack", "quilt", "--region", "us-east-1")
		if code != 2 || !strings.Contains(errs, "no usable AWS credentials") {
			t.Errorf("exit %d, stderr %q", code, errs)
		}
	})
	t.Run("no region", func(t *testing.T) {
		code, _, errs := qpeRun(t, "", "verify", "--stack", "quilt")
		if code != 2 || !strings.Contains(errs, "no AWS Region") {
			t.Errorf("exit %d, stderr %q", code, errs)
		}
	})
}

func TestVerifyFailingText(t *testing.T) {
	verifyEnv(t, true)
	verifyServe(t, "eni-failed")
	code, out, _ := qpeRun(t, "", "verify", "--stack", "quilt", "--region", "us-east-1", "--quiet")
	if code != 1 {
		t.Fatalf("exit %d, want 1\n%s", code, out)
	}
	for _, want := range []string{"ERROR", "QPE-VF-014", "ThumbnailLambda (quilt-ThumbnailLambda-4D5E6F)", "InsufficientRolePermissions", "fix: attach", "1 error(s)"} {
		if !strings.Contains(out, want) {
			t.Errorf("text report lacks %q:\n%s", want, out)
		}
	}
	if strings.Contains(out, "\x1b[") {
		t.Error("colour in a report that is not on a terminal")
	}
	t.Log("\n" + out)
}

func TestVerifyNoNetwork(t *testing.T) {
	verifyEnv(t, true)
	verifyServe(t, "no-s3-gateway")
	code, out, _ := qpeRun(t, "", "verify", "--stack", "quilt", "--region", "us-east-1", "--quiet", "--format", "json")
	if code != 1 || !strings.Contains(out, "QPE-S3-001") {
		t.Fatalf("with the network: exit %d\n%s", code, out)
	}
	code, out, errs := qpeRun(t, "", "verify", "--stack", "quilt", "--region", "us-east-1", "--no-network", "--format", "json")
	if code != 0 || strings.Contains(out, "QPE-S3-") || !strings.Contains(errs, "network preflight skipped") {
		t.Fatalf("--no-network: exit %d\n%s\n%s", code, out, errs)
	}
}
