package main

import (
	"github.com/spf13/cobra"

	"github.com/quiltdata/quilt-private-endpoints/internal/enable"
	"github.com/quiltdata/quilt-private-endpoints/internal/macroevent"
)

func newDisableCmd() *cobra.Command {
	run := stackRun{verb: "disable"}
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
			if err := run.check(); err != nil {
				return err
			}
			se, err := run.start(cmd)
			if err != nil {
				return err
			}
			defer se.stop()
			in := se.in
			if lines := terminal(cmd); lines != nil {
				in.Confirm = askOn(lines, se.progressTo)
			}
			r, err := enable.Disable(se.ctx, se.clients, in)
			return run.finish(se, r, err)
		},
	}
	run.addFlags(cmd.Flags(), stackRunHelp{
		yes:       "execute the change sets and the Route 53 change without asking (CI)",
		follow:    "only follow the stack's current or last update, then check it",
		zone:      "Route 53 hosted zone (in the stack's account) whose records disable moves back to the public load balancer, after showing the change batch",
		resolver:  "check the host names with this DNS server `HOST:PORT` instead of this machine's",
		changeSet: "name of the change sets (default qpe-disable-<UTC time>, one per update with the stage's name appended)",
	})
	return cmd
}
