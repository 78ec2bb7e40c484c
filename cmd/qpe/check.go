package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"slices"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/quiltdata/quilt-private-endpoints/internal/awsservices"
	"github.com/quiltdata/quilt-private-endpoints/internal/finding"
	"github.com/quiltdata/quilt-private-endpoints/internal/preflight"
	"github.com/quiltdata/quilt-private-endpoints/internal/template"
)

func newCheckCmd() *cobra.Command {
	var (
		vpc, endpoint, format          string
		subnets, buckets, callerGroups []string
		services, clients, users       []string
		tmpl                           string
		sets                           []string
		vpnClients, quiet              bool
		timeout                        time.Duration
	)
	cmd := &cobra.Command{
		Use:   "check --region R --vpc VPC --subnets s1,s2 --api-endpoint vpce-... [--buckets b1,b2] [--services a,b] [--client-cidrs c1,c2] [--user-subnets s1,s2] [--vpn-clients] [--format text|json]",
		Short: "Check a VPC is ready for a Quilt stack with private endpoints (read-only, seconds)",
		Long: `check reads the VPC (read-only Describe calls, batched and concurrent) and reports every
problem that would make a Quilt stack with private endpoints fail or silently not work,
each with the exact fix (catalogue: docs/checks.md):
  - the execute-api interface endpoint: exists, Interface, com.amazonaws.<region>.execute-api,
    available, in the VPC, security groups allow TCP 443 from the private subnets, VPC DNS
    attributes for private DNS, Availability Zones covered, its policy, and with --client-cidrs
    the users' networks let in on 443;
  - an available S3 gateway endpoint on every private subnet's effective route table and its
    policy; buckets in the Region; with --vpn-clients an S3 interface endpoint and the VPN DNS note;
  - egress to the AWS services the stack calls (--services; default: the services the preflight
    of --template checks, the same list the deployed check uses, else the Quilt list with es
    and cloudtrail):
    0.0.0.0/0 to an available public NAT gateway, or a VPC endpoint for each service (some
    services have none: then the NAT route is required);
  - the subnets (and --user-subnets of an internal load balancer) exist, are in the VPC and span
    two Availability Zones.
AWS access: the standard credential chain (profiles, SSO, environment, instance roles) and the
SDK's endpoint variables (AWS_ENDPOINT_URL, AWS_ENDPOINT_URL_EC2, _S3, _STS).
Exit status: 0 no error finding, 1 error findings, 2 usage or credentials.`,
		Example: `  qpe check --region us-east-1 --vpc vpc-0123456789abcdef0 \
    --subnets subnet-0123456789abcdef0,subnet-0fedcba9876543210 \
    --api-endpoint vpce-0123456789abcdef0 --buckets quilt-data
  qpe check ... --format json | jq '.findings[] | select(.severity=="error")'`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			var missing []string
			for flag, v := range map[string]bool{"--vpc": vpc == "", "--subnets": len(subnets) == 0, "--api-endpoint": endpoint == ""} {
				if v {
					missing = append(missing, flag)
				}
			}
			if len(missing) > 0 {
				return &exitError{code: 2, err: fmt.Errorf("check: %s required\nUsage: %s", strings.Join(slices.Sorted(slices.Values(missing)), ", "), cmd.UseLine())}
			}
			if format != "text" && format != "json" {
				return &exitError{code: 2, err: fmt.Errorf("check: --format must be text or json, not %q", format)}
			}
			if timeout <= 0 {
				return &exitError{code: 2, err: fmt.Errorf("check: --timeout must be positive, not %s", timeout)}
			}
			if tmpl != "" && !cmd.Flags().Changed("services") {
				svcs, err := templateServices(cmd, tmpl, sets, endpoint)
				if err != nil {
					return err
				}
				services = svcs
			}
			if r := awsOptions(cmd).Region; r != "" && !preflight.ValidRegion(r) {
				return &exitError{code: 2, err: fmt.Errorf("check: --region %q is not a Region name (expected the form us-east-1, eu-west-1, us-gov-west-1); nothing was checked", r)}
			}
			ctx := cmd.Context()
			if ctx == nil {
				ctx = context.Background()
			}
			ctx, cancel := context.WithTimeout(ctx, timeout)
			defer cancel()
			progress := progressPrinter(cmd.ErrOrStderr(), "check", quiet)
			cfg, err := connect(ctx, "check", awsOptions(cmd), timeout, progress)
			if err != nil {
				return err
			}
			in := preflight.Input{
				Region:                 cfg.Region,
				VpcID:                  vpc,
				SubnetIDs:              splitList(subnets),
				APIEndpointID:          endpoint,
				Buckets:                splitList(buckets),
				VPNClients:             vpnClients,
				CallerSecurityGroupIDs: splitList(callerGroups),
				EgressServices:         splitList(services),
				ClientCidrs:            splitList(clients),
				UserSubnets:            splitList(users),
				Timeout:                timeout,
				Progress:               progress,
			}
			rep := preflight.Run(ctx, preflight.NewClients(cfg), in)
			if err := checkWrite(cmd.OutOrStdout(), rep, format); err != nil {
				return &exitError{code: 2, err: fmt.Errorf("check: writing the report: %w", err)}
			}
			if code := rep.ExitCode(); code != 0 {
				return &exitError{code: code}
			}
			return nil
		},
	}
	f := cmd.Flags()
	f.StringVar(&vpc, "vpc", "", "the VPC the stack's Lambdas run in (required)")
	f.StringSliceVar(&subnets, "subnets", nil, "private subnets the stack's Lambdas use, comma-separated (required)")
	f.StringVar(&endpoint, "api-endpoint", "", "the execute-api interface VPC endpoint, vpce-... (required)")
	f.StringSliceVar(&buckets, "buckets", nil, "buckets that must be in the Region, comma-separated")
	f.StringSliceVar(&services, "services", awsservices.QuiltChecked(), "AWS services the stack calls from the VPC (awsservices names: sqs, monitoring, ecr.api, ...), comma-separated; default: those the preflight of --template checks, else what a Quilt template's preflight checks")
	f.StringVar(&tmpl, "template", "", "the stack's template `FILE` (as given, or rendered): check the egress services its preflight checks")
	f.StringArrayVar(&sets, "set", nil, "Transform parameter `Name=Value` for rendering --template (as for qpe render)")
	f.StringSliceVar(&clients, "client-cidrs", nil, "the users' networks (office, VPN) that must reach the execute-api endpoint on 443, comma-separated")
	f.StringSliceVar(&users, "user-subnets", nil, "subnets of the internal load balancer, comma-separated")
	f.BoolVar(&vpnClients, "vpn-clients", false, "users reach S3 over a VPN: require an S3 interface endpoint")
	f.StringSliceVar(&callerGroups, "caller-security-groups", nil, "security groups the stack's Lambdas use, if known")
	f.StringVarP(&format, "format", "o", "text", "output format: text or json (-o for short)")
	f.DurationVar(&timeout, "timeout", preflight.DefaultTimeout, "deadline for the whole check")
	f.BoolVar(&quiet, "quiet", false, "no progress lines on stderr")
	return cmd
}

// checkWrite prints the report: JSON {"ok","findings"}, or text with colour
// only on a terminal.
func checkWrite(w io.Writer, rep finding.Report, format string) error {
	if format == "json" {
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		return enc.Encode(rep)
	}
	return finding.WriteText(w, rep, checkColor(w))
}

// checkColor is true when w is a terminal and NO_COLOR is unset.
func checkColor(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok || os.Getenv("NO_COLOR") != "" {
		return false
	}
	st, err := f.Stat()
	return err == nil && st.Mode()&os.ModeCharDevice != 0
}

// splitList trims entries and drops empty ones (--subnets "a, b,").
func splitList(xs []string) []string {
	var out []string
	for _, x := range xs {
		out = append(out, template.SplitList(x)...)
	}
	return out
}
