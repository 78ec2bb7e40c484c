package main

import (
	"bytes"
	"runtime/debug"
	"strings"
	"testing"

	"github.com/quiltdata/quilt-private-endpoints/internal/transform"
)

func TestVersionText(t *testing.T) {
	for _, tc := range []struct {
		version  string
		settings []debug.BuildSetting
		want     string
	}{
		{"v1.2.3", []debug.BuildSetting{{Key: "vcs.revision", Value: "0123456789abcdef0123"}, {Key: "vcs.modified", Value: "false"}}, "v1.2.3 (commit 0123456789ab)"},
		{"(devel)", []debug.BuildSetting{{Key: "vcs.revision", Value: "abc"}, {Key: "vcs.modified", Value: "true"}}, "(devel) (commit abc, modified)"},
		{"", nil, "(devel)"},
	} {
		if got := versionText(tc.version, tc.settings); got != tc.want {
			t.Errorf("versionText(%q, %v) = %q, want %q", tc.version, tc.settings, got, tc.want)
		}
	}
}

// TestVersionFlag: qpe --version prints the version line and exits 0.
func TestVersionFlag(t *testing.T) {
	var out, errs bytes.Buffer
	if code := run([]string{"--version"}, strings.NewReader(""), &out, &errs); code != 0 {
		t.Fatalf("exit %d: %s", code, errs.String())
	}
	if !strings.HasPrefix(out.String(), "qpe ") || !strings.Contains(out.String(), buildVersion()) ||
		!strings.Contains(out.String(), "engine "+transform.EngineVersion) {
		t.Errorf("--version printed %q", out.String())
	}
}
