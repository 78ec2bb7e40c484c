package main

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"

	"github.com/spf13/cobra"

	"github.com/quiltdata/quilt-private-endpoints/internal/enable"
	"github.com/quiltdata/quilt-private-endpoints/internal/macroevent"
)

func newDisableCmd() *cobra.Command {
	var (
		stack, bucket, format, changeSet, zone string
		resolverAddr                           string
		yes, acceptUnsafe, acceptDowntime      bool
		follow                                 bool
		poll, dnsTimeout                       time.Duration
	)
	cmd := &cobra.Command{
		Use:   "disable --stack NAME [--region R] [--profile P] [--s3-bucket B] [--hosted-zone-id Z] [--resolver HOST:PORT] [--yes] [--format text|json]",
		Short: "Take Private Endpoints off a live stack: the reverse walk back to its original template, checked public",
		Long: `disable returns a stack enabled with Private Endpoints to its original template, without downtime
for users on the private network, in the reverse order of enable:
  1. reads the stack; one that is not enabled (no ` + macroevent.MacroName + ` Transform in its template, no render
     Metadata) or not in a stable *_COMPLETE state is refused with the reason;
  2. public side by side: a stack whose public load balancer was retired (PublicLoadBalancer=retire)
     first gets it back beside the internal one, an update of the same template with
     PublicLoadBalancer=keep (adds only: both load balancers serve);
  3. DNS back: the records to change, each host name a CNAME to the PUBLIC load balancer's DNS name,
     checked from here (--resolver); with --hosted-zone-id disable shows the Route 53 change batch,
     UPSERTs it once confirmed and waits for INSYNC. Without it, on a terminal it asks to check again,
     otherwise it stops (exit 1) until the records are moved and qpe disable runs again;
  4. the final update: the stack's original template without the ` + macroevent.MacroName + ` Transform entry,
     every parameter as deployed, the parameters the macro added dropped. The stack policy qpe enable
     set (it denies deleting or replacing the private resources) is lifted for this update only
     (UpdateStack with a during-update policy), then set back to your own statements;
  5. checks that the stack is public again: no render Metadata, each REST API not PRIVATE (EDGE or
     REGIONAL as its template says), no internal load balancer of Private Endpoints left, the public
     load balancer internet-facing.
With LoadBalancerScheme=unchanged (or no load balancer) only step 4 runs; with PublicLoadBalancer=keep
deployed, steps 3 and 4. Each update is planned first (qpe plan's model: refused when it cannot roll
back unless ` + enable.AcceptUnsafeFlag + `, or when users on the private network lose an entry point unless
` + enable.AcceptDowntimeFlag + `), shown as a change set with annotations, confirmed (--yes for CI; with no terminal
and no --yes it stops and names the change set), executed and followed. Ctrl-C stops following, never
the update (` + "`qpe disable --stack NAME --follow`" + ` follows it again); running qpe disable again continues
where the stack stands.
Exit status: 0 disabled and checked public, 1 stopped (not enabled, unstable, a refused plan, DNS not
moved back yet, not executed, a failed update, or the stack not public after it), 2 usage,
credentials or a missing stack.`,
		Example: `  qpe disable --stack quilt --region us-east-1
  qpe disable --stack quilt --hosted-zone-id Z0123456789EXAMPLE --yes --format json > disable.json
  qpe disable --stack quilt --follow`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if stack == "" {
				return &exitError{code: 2, err: errors.New("disable: --stack is required (the name of the deployed Quilt stack)")}
			}
			if format != "text" && format != "json" {
				return &exitError{code: 2, err: fmt.Errorf("disable: --format must be text or json, not %q", format)}
			}
			if poll <= 0 || dnsTimeout <= 0 {
				return &exitError{code: 2, err: fmt.Errorf("disable: --poll and --dns-timeout must be positive, not %s and %s", poll, dnsTimeout)}
			}
			if resolverAddr != "" {
				if _, _, err := net.SplitHostPort(resolverAddr); err != nil {
					return &exitError{code: 2, err: fmt.Errorf("disable: --resolver must be HOST:PORT (e.g. 10.0.0.2:53): %w", err)}
				}
			}
			ctx := cmd.Context()
			if ctx == nil {
				ctx = context.Background()
			}
			ctx, stopSignals := signal.NotifyContext(ctx, os.Interrupt, syscall.SIGTERM)
			defer stopSignals()
			out := cmd.OutOrStdout()
			progressTo := out
			if format == "json" {
				progressTo = cmd.ErrOrStderr()
			}
			cfg, err := connect(ctx, "disable", awsOptions(cmd), 2*time.Minute, progressPrinter(progressTo, "disable", false))
			if err != nil {
				return err
			}
			in := enable.Input{
				Stack: stack, Region: cfg.Region, S3Bucket: bucket,
				Yes: yes, AcceptUnsafe: acceptUnsafe, AcceptDowntime: acceptDowntime, FollowOnly: follow,
				HostedZoneID: zone, DNSTimeout: dnsTimeout, ChangeSetName: changeSet, Poll: poll,
				Observer: &enable.Writer{W: progressTo, Live: isTerminal(progressTo), Brief: format == "json", Command: "disable"},
			}
			if resolverAddr != "" {
				in.Resolver = resolverAt(resolverAddr)
			}
			if isTerminal(cmd.InOrStdin()) {
				in.Confirm = askOn(bufio.NewReader(cmd.InOrStdin()), progressTo)
			}
			r, err := enable.Disable(ctx, enable.NewClients(cfg), in)
			if err != nil {
				return &exitError{code: 2, err: fmt.Errorf("disable: %w", err)}
			}
			if format == "json" {
				if err := enable.WriteJSON(out, r); err != nil {
					return &exitError{code: 2, err: fmt.Errorf("disable: writing the result: %w", err)}
				}
			} else {
				fmt.Fprintf(out, "qpe disable: %s: %s\n", r.Outcome, r.Message)
			}
			if r.Exit != 0 {
				return &exitError{code: r.Exit}
			}
			return nil
		},
	}
	f := cmd.Flags()
	f.StringVar(&stack, "stack", "", "name or id of the deployed Quilt stack (required)")
	f.StringVar(&bucket, "s3-bucket", "", "bucket to upload a template over 51,200 bytes to")
	f.BoolVar(&yes, "yes", false, "execute the change sets and the Route 53 change without asking (CI)")
	f.BoolVar(&acceptUnsafe, strings.TrimPrefix(enable.AcceptUnsafeFlag, "--"), false, "go on with a plan whose rollback can fail (its recovery is printed)")
	f.BoolVar(&acceptDowntime, strings.TrimPrefix(enable.AcceptDowntimeFlag, "--"), false, "go on with a plan in which users on the private network lose an entry point")
	f.BoolVar(&follow, "follow", false, "only follow the stack's current or last update, then check it")
	f.StringVar(&zone, "hosted-zone-id", "", "Route 53 hosted zone (in the stack's account) whose records disable moves back to the public load balancer, after showing the change batch")
	f.StringVar(&resolverAddr, "resolver", "", "check the host names with this DNS server `HOST:PORT` instead of this machine's")
	f.DurationVar(&dnsTimeout, "dns-timeout", enable.DefaultDNSTimeout, "how long to wait for a Route 53 change to be INSYNC and resolve from here")
	f.StringVar(&changeSet, "change-set-name", "", "name of the change sets (default qpe-disable-<UTC time>, one per update with the stage's name appended)")
	f.StringVarP(&format, "format", "o", "text", "output format: text or json (-o for short)")
	f.DurationVar(&poll, "poll", enable.DefaultPoll, "interval between two reads of the stack events")
	return cmd
}
