package main

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"strings"

	"github.com/spf13/cobra"

	"github.com/quiltdata/quilt-private-endpoints/internal/enable"
	"github.com/quiltdata/quilt-private-endpoints/internal/macroevent"
	"github.com/quiltdata/quilt-private-endpoints/internal/transform"
)

func newEnableCmd() *cobra.Command {
	var (
		run              = stackRun{verb: "enable"}
		sets, parameters []string
		finish           bool
		// An upgrade to a new template (internal/enable/upgrade.go).
		newTemplate            string
		acceptMacroReplacement bool
	)
	cmd := &cobra.Command{
		Use:   "enable --stack NAME [--template NEW] [--region R] [--profile P] [--set Name=Value ...] [--parameter Name=Value ...] [--s3-bucket B] [--hosted-zone-id Z] [--finish] [--yes] [--format text|json]",
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
A stack with an internet-facing load balancer going internal (LoadBalancerScheme=internal; without
the setting enable asks on a terminal, and without a terminal it stops and names the choices) is
walked without downtime for users on the private network: the side-by-side update
(PublicLoadBalancer=keep: a new internal load balancer beside the public one, both serving); the
DNS step (the records to change, each host name a CNAME to the internal load balancer's DNS name,
checked from here, following CNAMEs; with --hosted-zone-id enable shows the Route 53 change batch,
UPSERTs it once confirmed and waits for INSYNC); then the retire update (PublicLoadBalancer=retire,
planned with DNS moved), and verify. Each step resumes: run qpe enable again (or with --finish once
the records point at the internal load balancer) and it continues where the stack stands. A plan
in which users on the private network lose an entry point is refused unless --accept-downtime.
Upgrades: --template NEW (a local JSON or YAML file, or an S3 URL: s3://BUCKET/KEY,
https://BUCKET.s3.REGION.amazonaws.com/KEY or https://s3.REGION.amazonaws.com/BUCKET/KEY, read
with your credentials, the bucket's owner pinned to the stack's account) takes the stack to a new
Quilt release: NEW gets the ` + macroevent.MacroName + ` entry with the deployed entry's settings (--set
overrides one; an entry NEW already has must agree with them, or name the differences), every
parameter the stack has keeps its value, a new one takes its Default or --parameter (one with
neither stops, all listed), the ones NEW drops are listed; then steps 2-8 as above, planned against
the deployed processed template. A plan that replaces or removes a resource the macro made (the
private API and its stages, the internal load balancer side, the preflight, the macro's security
group, as the deployed render's Metadata lists them; not the API deployments, replaced by design:
QPE-UP-012) is refused, with the ids and the change, unless ` + enable.AcceptMacroReplacementFlag + `:
users on the private network would lose what they use (the plan's other blockers still need
` + enable.AcceptUnsafeFlag + `).
AWS access: the standard credential chain and the SDK's endpoint variables (AWS_ENDPOINT_URL,
AWS_ENDPOINT_URL_CLOUDFORMATION, _S3, _EC2, _LAMBDA, _API_GATEWAY, _SYNTHETICS, _STS,
_ELASTIC_LOAD_BALANCING_V2, _ROUTE_53).
Exit status: 0 enabled and verified (or nothing to do), 1 stopped by a check (DNS not moved yet
included: the stack is left side by side, both load balancers serving), a refused plan, a failed
update or a failed verify (or not executed), 2 usage (a LoadBalancerScheme to choose with nobody to
ask; a --template that cannot be read, is not a template, disagrees with the deployed settings or
has a new parameter without a value), credentials or a missing stack.`,
		Example: `  qpe enable --stack quilt --region us-east-1
  qpe enable --stack quilt --set LoadBalancerScheme=internal --yes --format json > enable.json
  qpe enable --stack quilt --set LoadBalancerScheme=internal --hosted-zone-id Z0123456789EXAMPLE
  qpe enable --stack quilt --template quilt-1.65.yaml --yes
  qpe enable --stack quilt --template s3://my-releases/quilt/1.65/quilt.yaml --parameter NewSetting=on
  qpe enable --stack quilt --finish
  qpe enable --stack quilt --follow`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := run.check(); err != nil {
				return err
			}
			if finish && run.follow {
				return &exitError{code: 2, err: errors.New("enable: --finish and --follow do not go together: --follow only follows the last update")}
			}
			if newTemplate != "" && run.follow {
				return &exitError{code: 2, err: errors.New("enable: --template and --follow do not go together: --follow only follows the last update")}
			}
			var newBody []byte
			if newTemplate != "" && !enable.IsS3URL(newTemplate) {
				b, err := readTemplate(cmd, newTemplate)
				if err != nil {
					return &exitError{code: 2, err: fmt.Errorf("enable: --template: %w", err)}
				}
				newBody = b
			}
			settings, err := stringValues("--set", sets)
			if err != nil {
				return &exitError{code: 2, err: fmt.Errorf("enable: %w", err)}
			}
			values, err := stringValues("--parameter", parameters)
			if err != nil {
				return &exitError{code: 2, err: fmt.Errorf("enable: %w", err)}
			}
			se, err := run.start(cmd)
			if err != nil {
				return err
			}
			defer se.stop()
			in := se.in
			in.Settings, in.Parameters, in.Finish = settings, values, finish
			in.Template, in.TemplateBody, in.MaxTemplateBytes = newTemplate, newBody, maxInputBytes
			in.AcceptMacroReplacement = acceptMacroReplacement
			if lines := terminal(cmd); lines != nil {
				in.Confirm = askOn(lines, se.progressTo)
				in.Choose = chooseOn(lines, se.progressTo)
			}
			r, err := enable.Run(se.ctx, se.clients, in)
			return run.finish(se, r, err)
		},
	}
	f := cmd.Flags()
	run.addFlags(f, stackRunHelp{
		yes:       "execute the change set without asking (CI)",
		follow:    "only follow the stack's current or last update, then verify",
		zone:      "Route 53 hosted zone (in the stack's account) whose records enable moves to the internal load balancer, after showing the change batch",
		resolver:  "check the host names with this DNS server `HOST:PORT` (e.g. the VPN's resolver) instead of this machine's",
		changeSet: "name of the change set (default qpe-enable-<UTC time>)",
	})
	f.StringArrayVar(&sets, "set", nil, "Transform setting `Name=Value` (repeatable; lists comma separated)")
	f.StringArrayVar(&parameters, "parameter", nil, "new value for one of the stack's parameters `Name=Value` (repeatable; the others keep theirs)")
	f.StringVar(&newTemplate, "template", "", "upgrade to this new Quilt template `NEW` (a JSON or YAML file, or an S3 URL), keeping the deployed settings and parameter values")
	f.BoolVar(&acceptMacroReplacement, strings.TrimPrefix(enable.AcceptMacroReplacementFlag, "--"), false, "go on with a plan that replaces or removes resources the macro made (the private API, the internal load balancer side, the preflight)")
	f.BoolVar(&finish, "finish", false, "a stack left side by side: check DNS, then retire the public load balancer")
	return cmd
}

// resolverAt is a resolver that asks only the DNS server at addr.
func resolverAt(addr string) *net.Resolver {
	return &net.Resolver{PreferGo: true, Dial: func(ctx context.Context, network, _ string) (net.Conn, error) {
		var d net.Dialer
		return d.DialContext(ctx, network, addr)
	}}
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
func askOn(lines *bufio.Reader, out io.Writer) func(ctx context.Context, q string) (bool, error) {
	return func(ctx context.Context, q string) (bool, error) {
		fmt.Fprintf(out, "%s [y/N] ", q)
		s, err := readLine(ctx, lines, out)
		if err != nil {
			return false, err
		}
		s = strings.ToLower(s)
		return s == "y" || s == "yes", nil
	}
}

// chooseOn asks for one of a setting's values on a terminal, each shown
// with what it means for users: the answer is its number or its value.
func chooseOn(lines *bufio.Reader, out io.Writer) enable.Chooser {
	return func(ctx context.Context, setting, q string, choices []transform.Choice) (string, error) {
		fmt.Fprintln(out, q)
		for i, c := range choices {
			fmt.Fprintf(out, "  %d) %s=%s: %s\n", i+1, setting, c.Value, c.Meaning)
		}
		for {
			fmt.Fprintf(out, "Choose 1-%d (or the value; nothing to stop): ", len(choices))
			s, err := readLine(ctx, lines, out)
			if err != nil || s == "" {
				return "", err
			}
			for i, c := range choices {
				if s == fmt.Sprint(i+1) || strings.EqualFold(s, c.Value) {
					return c.Value, nil
				}
			}
			fmt.Fprintf(out, "%q is not one of the choices.\n", s)
		}
	}
}

// readLine reads one answer, or gives up when ctx ends (Ctrl-C).
func readLine(ctx context.Context, lines *bufio.Reader, out io.Writer) (string, error) {
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
		return "", ctx.Err()
	case err := <-fail:
		return "", err
	case s := <-answer:
		return strings.TrimSpace(s), nil
	}
}
