package main

import (
	"bytes"
	"strings"
	"testing"

	"github.com/spf13/cobra"
)

// qpeRun runs a command line in-process exactly as main does and returns the
// exit status, standard output and standard error.
func qpeRun(t *testing.T, stdin string, args ...string) (int, string, string) {
	t.Helper()
	var out, errb bytes.Buffer
	code := run(args, strings.NewReader(stdin), &out, &errb)
	return code, out.String(), errb.String()
}

// TestFlagsShared holds the command line's shape: --region and --profile are
// the root's alone, and every command that runs accepts --format.
func TestFlagsShared(t *testing.T) {
	var walk func(c *cobra.Command)
	walk = func(c *cobra.Command) {
		for _, name := range []string{"region", "profile"} {
			if c.LocalNonPersistentFlags().Lookup(name) != nil {
				t.Errorf("%s declares its own --%s; read the root's with awsOptions", c.CommandPath(), name)
			}
		}
		if c.HasSubCommands() {
			for _, sub := range c.Commands() {
				walk(sub)
			}
			return
		}
		if c.Runnable() && c.Name() != "help" {
			if f := c.Flags().Lookup("format"); f == nil || f.Shorthand != "o" {
				t.Errorf("%s has no --format with -o for short", c.CommandPath())
			}
		}
	}
	walk(newRootCmd())
}

// TestPersistentRegion: the root's --region reaches a command whether it is
// given before or after the command's name.
func TestPersistentRegion(t *testing.T) {
	for _, args := range [][]string{
		{"--region", "eu-west-3", "perimeter", "scp", "--vpc", "vpc-0123456789abcdef0", "--nat-ips", "none", "--scope", "all"},
		{"perimeter", "scp", "--vpc", "vpc-0123456789abcdef0", "--nat-ips", "none", "--scope", "all", "--region", "eu-west-3"},
	} {
		root := newRootCmd()
		cmd, rest, err := root.Find(args)
		if err != nil {
			t.Fatal(err)
		}
		if err := cmd.ParseFlags(rest); err != nil {
			t.Fatal(err)
		}
		if got := awsOptions(cmd).Region; got != "eu-west-3" {
			t.Errorf("%v: region %q, want eu-west-3", args, got)
		}
	}
}

func TestFormatOnlyJSONForPolicies(t *testing.T) {
	code, _, errs := qpeRun(t, "", "perimeter", "scp", "--vpc", "vpc-0123456789abcdef0", "--nat-ips", "none", "--format", "yaml")
	if code != 2 || !strings.Contains(errs, `--format "yaml"`) {
		t.Errorf("exit %d, stderr %q; want 2 naming --format", code, errs)
	}
	code, out, _ := qpeRun(t, "", "perimeter", "scp", "--vpc", "vpc-0123456789abcdef0", "--nat-ips", "none", "--format", "json")
	if code != 0 || !strings.HasPrefix(out, "{") {
		t.Errorf("exit %d, stdout %q; want the policy", code, out)
	}
}
