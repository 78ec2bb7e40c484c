package main

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/spf13/cobra"

	"github.com/quiltdata/quilt-private-endpoints/internal/preflight"
	"github.com/quiltdata/quilt-private-endpoints/internal/verify"
)

func newVerifyCmd() *cobra.Command {
	var (
		stack, format    string
		endpoint         string
		timeout          time.Duration
		concurrency      int
		quiet, noNetwork bool
	)
	cmd := &cobra.Command{
		Use:   "verify --stack NAME [--region R] [--format text|json]",
		Short: "Prove a deployed stack runs private: functions in the VPC, private API with its policy in force, canaries green",
		Long: `verify reads a deployed Quilt stack and its live resources and reports, as a catalogue of
findings (docs/verify.md), whether it really runs private:
  - every Lambda function attached to the subnets and security groups the template asks for, Active;
  - every REST API PRIVATE, behind the expected execute-api VPC endpoint, with a Deny-unless-
    aws:SourceVpce resource policy, deployed to its stages after the API last changed;
  - every Synthetics canary running, its last run recent and passed;
  - the load balancer internal when the template asks for it, no ECS service on public IPs;
  - the network preflight of qpe check on the stack's own VPC, subnets and endpoint.
AWS access: the standard credential chain (profiles, SSO, environment, instance roles) and the
SDK's endpoint variables (AWS_ENDPOINT_URL, AWS_ENDPOINT_URL_CLOUDFORMATION, _LAMBDA,
_API_GATEWAY, _SYNTHETICS, _ELASTIC_LOAD_BALANCING_V2, _ECS, _EC2, _S3). Read-only.
Exit status: 0 no error finding, 1 error findings, 2 usage, credentials or a missing stack.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if stack == "" {
				return &exitError{code: 2, err: errors.New("verify: --stack is required (the name of the deployed Quilt stack)")}
			}
			if format != "text" && format != "json" {
				return &exitError{code: 2, err: fmt.Errorf("verify: --format must be text or json, not %q", format)}
			}
			if timeout <= 0 {
				return &exitError{code: 2, err: fmt.Errorf("verify: --timeout must be positive, not %s", timeout)}
			}
			if concurrency < 1 || concurrency > 64 {
				return &exitError{code: 2, err: fmt.Errorf("verify: --concurrency must be between 1 and 64, not %d", concurrency)}
			}
			ctx := cmd.Context()
			if ctx == nil {
				ctx = context.Background()
			}
			progress := progressPrinter(cmd.ErrOrStderr(), "verify", quiet)
			cfg, err := connect(ctx, "verify", awsOptions(cmd), timeout, progress)
			if err != nil {
				return err
			}
			in := verify.Input{
				Stack:       stack,
				Region:      cfg.Region,
				EndpointID:  endpoint,
				Timeout:     timeout,
				Concurrency: concurrency,
				Progress:    progress,
			}
			clients := verify.NewClients(cfg)
			if noNetwork {
				clients.Network = preflight.Clients{}
				progress("network preflight skipped (--no-network)")
			}
			rep, err := verify.Run(ctx, clients, in)
			if err != nil {
				return &exitError{code: 2, err: fmt.Errorf("verify: %w", err)}
			}
			if err := checkWrite(cmd.OutOrStdout(), rep, format); err != nil {
				return &exitError{code: 2, err: fmt.Errorf("verify: writing the report: %w", err)}
			}
			if code := rep.ExitCode(); code != 0 {
				return &exitError{code: code}
			}
			return nil
		},
	}
	f := cmd.Flags()
	f.StringVar(&stack, "stack", "", "name or id of the deployed stack (required)")
	f.StringVarP(&format, "format", "o", "text", "output format: text or json (-o for short)")
	f.StringVar(&endpoint, "api-endpoint", "", "expected execute-api VPC endpoint (default: from the stack)")
	f.DurationVar(&timeout, "timeout", verify.DefaultTimeout, "deadline for the whole verification")
	f.IntVar(&concurrency, "concurrency", verify.DefaultConcurrency, "AWS calls in flight at once")
	f.BoolVar(&noNetwork, "no-network", false, "skip the network preflight (qpe check) of the stack's VPC")
	f.BoolVar(&quiet, "quiet", false, "no progress lines on stderr")
	return cmd
}
