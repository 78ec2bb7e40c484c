package main

import (
	"runtime/debug"
	"strings"
)

// commit is set by the Makefile (-ldflags "-X main.commit=..."), for
// builds where the toolchain records no VCS revision (a git worktree, a
// source tarball).
var commit string

// buildVersion is this binary's module version and VCS commit, as the Go
// toolchain records them (debug.ReadBuildInfo): "v1.2.3 (commit 0123abcd)"
// for a released module, "(devel) (commit 0123abcd, modified)" for a
// build of a checkout, "(devel)" without VCS information (go run, tests).
func buildVersion() string {
	bi, ok := debug.ReadBuildInfo()
	if !ok {
		return "unknown (no build information)"
	}
	return versionText(bi.Main.Version, bi.Settings)
}

func versionText(version string, settings []debug.BuildSetting) string {
	if version == "" {
		version = "(devel)"
	}
	var rev string
	modified := false
	for _, s := range settings {
		switch s.Key {
		case "vcs.revision":
			rev = s.Value
		case "vcs.modified":
			modified = s.Value == "true"
		}
	}
	if rev == "" {
		rev = commit
	}
	if rev == "" {
		return version
	}
	if len(rev) > 12 {
		rev = rev[:12]
	}
	var extra []string
	extra = append(extra, "commit "+rev)
	if modified {
		extra = append(extra, "modified")
	}
	return version + " (" + strings.Join(extra, ", ") + ")"
}
