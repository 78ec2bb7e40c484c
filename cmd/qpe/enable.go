package main

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"

	"github.com/spf13/cobra"

	"github.com/quiltdata/quilt-private-endpoints/internal/enable"
	"github.com/quiltdata/quilt-private-endpoints/internal/macroevent"
)

func newEnableCmd() *cobra.Command {
	var (
		stack, bucket, format, changeSet string
		sets, parameters                 []string
		yes, acceptUnsafe, follow        bool
		poll                             time.Duration
	)
	cmd := &cobra.Command{
		Use:   "enable --stack NAME [--region R] [--profile P] [--set Name=Value ...] [--parameter Name=Value ...] [--s3-bucket B] [--yes] [--format text|json]",
		Short: "Take a live Quilt stack private: check, plan, change set, confirm, execute, follow, verify",
		Long: `enable turns Private Endpoints on for a deployed Quilt stack, in one command:
  1. reads the stack (its template, parameter values and status; a stack that is not in a stable
     *_COMPLETE state is refused) and adds the ` + macroevent.MacroName + ` transform entry, settings from
     --set; every parameter keeps its deployed value (UsePreviousValue) unless --parameter gives one;
  2. checks the stack's VPC, subnets and execute-api endpoint from here (qpe check's engine);
     errors stop here, before anything is created;
  3. plans the update (what changes, what is replaced, the risks, whether a failure at any point
     rolls back cleanly); a plan that cannot roll back is refused unless ` + enable.AcceptUnsafeFlag + `;
  4. creates the change set (CAPABILITY_IAM, CAPABILITY_NAMED_IAM, CAPABILITY_AUTO_EXPAND; a
     template over 51,200 bytes goes through --s3-bucket) and shows it annotated; an empty change
     set is "nothing to do";
  5. asks for confirmation on a terminal (--yes for CI; with no terminal and no --yes it stops and
     names the change set to execute later);
  6. executes it and follows the stack events: a live progress line on a terminal, one line per
     event otherwise. Ctrl-C stops following, never the update: ` + "`qpe enable --stack NAME --follow`" + `
     follows it again;
  7. on failure: the first failure, what the rollback did, and for UPDATE_ROLLBACK_FAILED the exact
     continue-update-rollback command and what to fix after it;
  8. on success: qpe verify.
AWS access: the standard credential chain and the SDK's endpoint variables (AWS_ENDPOINT_URL,
AWS_ENDPOINT_URL_CLOUDFORMATION, _S3, _EC2, _LAMBDA, _API_GATEWAY, _SYNTHETICS, _STS).
Exit status: 0 enabled and verified (or nothing to do), 1 stopped by a check, a refused plan, a
failed update or a failed verify (or not executed), 2 usage, credentials or a missing stack.`,
		Example: `  qpe enable --stack quilt --region us-east-1
  qpe enable --stack quilt --set LoadBalancerScheme=internal --yes --format json > enable.json
  qpe enable --stack quilt --follow`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if stack == "" {
				return &exitError{code: 2, err: errors.New("enable: --stack is required (the name of the deployed Quilt stack)")}
			}
			if format != "text" && format != "json" {
				return &exitError{code: 2, err: fmt.Errorf("enable: --format must be text or json, not %q", format)}
			}
			if poll <= 0 {
				return &exitError{code: 2, err: fmt.Errorf("enable: --poll must be positive, not %s", poll)}
			}
			settings, err := stringValues("--set", sets)
			if err != nil {
				return &exitError{code: 2, err: fmt.Errorf("enable: %w", err)}
			}
			values, err := stringValues("--parameter", parameters)
			if err != nil {
				return &exitError{code: 2, err: fmt.Errorf("enable: %w", err)}
			}
			ctx := cmd.Context()
			if ctx == nil {
				ctx = context.Background()
			}
			// Ctrl-C ends the context: enable stops following, the update
			// goes on in CloudFormation.
			ctx, stopSignals := signal.NotifyContext(ctx, os.Interrupt, syscall.SIGTERM)
			defer stopSignals()
			out := cmd.OutOrStdout()
			progressTo := out
			if format == "json" {
				progressTo = cmd.ErrOrStderr()
			}
			cfg, err := connect(ctx, "enable", awsOptions(cmd), 2*time.Minute, progressPrinter(progressTo, "enable", false))
			if err != nil {
				return err
			}
			in := enable.Input{
				Stack: stack, Region: cfg.Region, Settings: settings, Parameters: values, S3Bucket: bucket,
				Yes: yes, AcceptUnsafe: acceptUnsafe, FollowOnly: follow, ChangeSetName: changeSet, Poll: poll,
				Observer: &enable.Writer{W: progressTo, Live: isTerminal(progressTo), Brief: format == "json"},
			}
			if isTerminal(cmd.InOrStdin()) {
				in.Confirm = askOn(cmd.InOrStdin(), progressTo)
			}
			r, err := enable.Run(ctx, enable.NewClients(cfg), in)
			if err != nil {
				return &exitError{code: 2, err: fmt.Errorf("enable: %w", err)}
			}
			if format == "json" {
				if err := enable.WriteJSON(out, r); err != nil {
					return &exitError{code: 2, err: fmt.Errorf("enable: writing the result: %w", err)}
				}
			} else {
				fmt.Fprintf(out, "qpe enable: %s: %s\n", r.Outcome, r.Message)
			}
			if r.Exit != 0 {
				return &exitError{code: r.Exit}
			}
			return nil
		},
	}
	f := cmd.Flags()
	f.StringVar(&stack, "stack", "", "name or id of the deployed Quilt stack (required)")
	f.StringArrayVar(&sets, "set", nil, "Transform setting `Name=Value` (repeatable; lists comma separated)")
	f.StringArrayVar(&parameters, "parameter", nil, "new value for one of the stack's parameters `Name=Value` (repeatable; the others keep theirs)")
	f.StringVar(&bucket, "s3-bucket", "", "bucket to upload a template over 51,200 bytes to")
	f.BoolVar(&yes, "yes", false, "execute the change set without asking (CI)")
	f.BoolVar(&acceptUnsafe, strings.TrimPrefix(enable.AcceptUnsafeFlag, "--"), false, "go on with a plan whose rollback can fail (its recovery is printed)")
	f.BoolVar(&follow, "follow", false, "only follow the stack's current or last update, then verify")
	f.StringVar(&changeSet, "change-set-name", "", "name of the change set (default qpe-enable-<UTC time>)")
	f.StringVarP(&format, "format", "o", "text", "output format: text or json (-o for short)")
	f.DurationVar(&poll, "poll", enable.DefaultPoll, "interval between two reads of the stack events")
	return cmd
}

// isTerminal reports whether v is a terminal (a character device).
func isTerminal(v any) bool {
	f, ok := v.(*os.File)
	if !ok {
		return false
	}
	st, err := f.Stat()
	return err == nil && st.Mode()&os.ModeCharDevice != 0
}

// askOn asks a yes/no question on a terminal: only "y" or "yes" is yes.
func askOn(in io.Reader, out io.Writer) func(ctx context.Context, q string) (bool, error) {
	lines := bufio.NewReader(in)
	return func(ctx context.Context, q string) (bool, error) {
		fmt.Fprintf(out, "%s [y/N] ", q)
		answer := make(chan string, 1)
		fail := make(chan error, 1)
		go func() {
			s, err := lines.ReadString('\n')
			if err != nil && s == "" {
				fail <- err
				return
			}
			answer <- s
		}()
		select {
		case <-ctx.Done():
			fmt.Fprintln(out)
			return false, ctx.Err()
		case err := <-fail:
			return false, err
		case s := <-answer:
			s = strings.ToLower(strings.TrimSpace(s))
			return s == "y" || s == "yes", nil
		}
	}
}
