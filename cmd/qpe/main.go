// Command qpe runs the Quilt Private Endpoints engines on a laptop: render the
// rewritten template, plan the stack update and its rollback, review a
// changeset, check the network, generate and simulate a data perimeter, verify
// a deployed stack, and enable the feature on a live stack in one command.
package main

import (
	"errors"
	"fmt"
	"io"
	"os"

	"github.com/spf13/cobra"

	"github.com/quiltdata/quilt-private-endpoints/internal/awsclient"
	"github.com/quiltdata/quilt-private-endpoints/internal/transform"
)

// exitError carries a process exit code out of a command.
type exitError struct {
	code int
	err  error
}

func (e *exitError) Error() string {
	if e.err == nil {
		return fmt.Sprintf("exit %d", e.code)
	}
	return e.err.Error()
}

func (e *exitError) Unwrap() error { return e.err }

func newRootCmd() *cobra.Command {
	root := &cobra.Command{
		Use:           "qpe",
		Short:         "Quilt Private Endpoints: render, plan, review, check, perimeter, verify, enable",
		SilenceUsage:  true,
		SilenceErrors: true,
		Version:       buildVersion(),
	}
	root.SetVersionTemplate("qpe {{.Version}}\nengine " + transform.EngineVersion + " (recorded in each render's Metadata.QuiltPrivateEndpoints)\n")
	pf := root.PersistentFlags()
	pf.String("region", "", "AWS Region: the stack's, or the VPCs' for perimeter's NAT lookup and ARN partition (default: AWS_REGION or the profile's)")
	pf.String("profile", "", "AWS profile (default: AWS_PROFILE or default)")
	root.AddCommand(newRenderCmd(), newCheckCmd(), newReviewCmd(), newPerimeterCmd(), newVerifyCmd(), newPlanCmd(), newEnableCmd(), newDisableCmd())
	return root
}

// awsOptions returns the AWS access the command line asks for: the root's
// persistent --region and --profile, as every command that calls AWS reads them.
func awsOptions(cmd *cobra.Command) awsclient.Options {
	region, _ := cmd.Flags().GetString("region")
	profile, _ := cmd.Flags().GetString("profile")
	return awsclient.Options{Region: region, Profile: profile}
}

func main() {
	os.Exit(run(os.Args[1:], os.Stdin, os.Stdout, os.Stderr))
}

// run executes one command line and returns the exit status; errors go to
// stderr as "qpe: <message>".
func run(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	root := newRootCmd()
	root.SetArgs(args)
	root.SetIn(stdin)
	root.SetOut(stdout)
	root.SetErr(stderr)
	err := root.Execute()
	if err == nil {
		return 0
	}
	var ee *exitError
	if errors.As(err, &ee) {
		if ee.err != nil {
			fmt.Fprintln(stderr, "qpe:", ee.err)
		}
		return ee.code
	}
	fmt.Fprintln(stderr, "qpe:", err)
	return 2
}
