package main

import (
	"errors"
	"fmt"
	"sort"
	"strings"

	"github.com/spf13/cobra"

	"github.com/quiltdata/quilt-private-endpoints/internal/perimeter"
	"github.com/quiltdata/quilt-private-endpoints/internal/perimeter/policy"
)

func newPerimeterCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "perimeter",
		Short: "Generate the data-perimeter SCP and a test bucket policy, simulate them, plan the tests",
		Long: `Perimeter generates the data perimeter of Quilt's Private Endpoints documentation:
a service control policy that denies S3 on the quilt* buckets (or, with
--scope all, every action but AWS's exempted data-plane actions) unless the
request comes from the listed VPCs, a principal tagged NetworkRestrictedExempt=true,
the listed IP ranges, or an AWS service on the caller's behalf; the equivalent
bucket policy for one test bucket; an evaluator that says what a policy does to
one request; and the plan of requests that prove the perimeter on the test bucket.

Test the bucket policy on a clean bucket first, then graduate to the SCP.`,
		Args: cobra.ArbitraryArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if len(args) > 0 {
				return &exitError{code: 2, err: fmt.Errorf("perimeter: unknown subcommand %q (use scp, bucket-policy, simulate or plan)", args[0])}
			}
			return &exitError{code: 2, err: errors.New("perimeter: name a subcommand: scp, bucket-policy, simulate or plan (qpe perimeter --help)")}
		},
	}
	cmd.AddCommand(newPerimeterSCPCmd(), newPerimeterBucketPolicyCmd(), newPerimeterSimulateCmd(), newPerimeterPlanCmd())
	return cmd
}

// perimFlags are the options shared by scp, bucket-policy and plan.
type perimFlags struct {
	vpcs, ips         []string
	exemptTag, prefix string
	natIPs, scope     string
	allowWideIP       bool
	exemptOrg         string
}

func (f *perimFlags) register(cmd *cobra.Command) {
	fs := cmd.Flags()
	fs.StringSliceVar(&f.vpcs, "vpc", nil, "trusted VPC ID (aws:SourceVpc); repeat or comma-separate")
	fs.StringSliceVar(&f.ips, "ip", nil, "trusted public range (aws:SourceIp): CIDR, address, or first-last; repeat or comma-separate")
	fs.StringVar(&f.exemptTag, "exempt-tag", perimeter.DefaultExemptTag, "principal tag that exempts a principal when set to true")
	fs.StringVar(&f.prefix, "bucket-prefix", perimeter.DefaultBucketPrefix, "bucket-name prefix the S3 scope covers")
	fs.StringVar(&f.natIPs, "nat-ips", "", "NAT gateways' public addresses to trust: auto (read them with ec2:DescribeNatGateways), none, or IP,IP,...; when unset, the NAT gateways are looked up only to warn")
	fs.BoolVar(&f.allowWideIP, "allow-wide-ip", false, "do not warn about very short --ip prefixes (IPv4 shorter than /8, IPv6 shorter than /32); ranges covering the whole internet are refused regardless")
	fs.StringVar(&f.exemptOrg, "exempt-org", "", "organization id (o-...) whose principals the bucket policy's exempt tag exempts; by default only the bucket owner's account")
	fs.StringVar(&f.scope, "scope", string(perimeter.ScopeS3), "s3 (S3 on the prefixed buckets) or all (every action but AWS's exempted data-plane actions)")
}

// prepare validates the flags and resolves --nat-ips, looking up the NAT
// gateways when asked (auto) or, best effort, to warn (unset). --region (the
// VPCs' Region: NAT lookup and ARN partition) and --profile are the root's.
func (f *perimFlags) prepare(cmd *cobra.Command, name string) (*perimeter.Resolved, error) {
	aws := awsOptions(cmd)
	opts := perimeter.Options{
		VPCs: f.vpcs, IPs: f.ips, ExemptTag: f.exemptTag, BucketPrefix: f.prefix,
		Scope: perimeter.Scope(f.scope), Region: aws.Region, AllowWideIPs: f.allowWideIP, ExemptOrgID: f.exemptOrg,
	}
	r, err := perimeter.Resolve(cmd.Context(), opts, f.natIPs, perimeter.AWSNATLookup(aws))
	if err != nil {
		return nil, &exitError{code: 2, err: fmt.Errorf("perimeter %s: %w", name, err)}
	}
	for _, n := range r.Notes {
		fmt.Fprintf(cmd.ErrOrStderr(), "qpe: %s: %s\n", name, n)
	}
	perimWarn(cmd, name, r.Spec.RangeWarnings)
	return r, nil
}

func perimWarn(cmd *cobra.Command, name string, warnings []string) {
	for _, w := range warnings {
		fmt.Fprintf(cmd.ErrOrStderr(), "qpe: %s: warning: %s\n", name, w)
	}
}

// perimJSONFormat registers --format on a command whose output is a policy
// document, JSON only, and returns the check of its value.
func perimJSONFormat(cmd *cobra.Command, name string) func() error {
	format := cmd.Flags().StringP("format", "o", "json", "output format: json (a policy document has no other) (-o for short)")
	return func() error {
		if *format != "json" {
			return &exitError{code: 2, err: fmt.Errorf("perimeter %s: --format %q: the policy is printed as json", name, *format)}
		}
		return nil
	}
}

func newPerimeterSCPCmd() *cobra.Command {
	var f perimFlags
	var indent bool
	var checkFormat func() error
	cmd := &cobra.Command{
		Use:   "scp --vpc ID [--vpc ID ...] [--ip CIDR ...] [--exempt-tag NAME] [--bucket-prefix quilt] [--nat-ips auto|none|IP,...] [--scope s3|all] [--region R] [--indent]",
		Short: "Print the data-perimeter service control policy",
		Long: `Prints the SCP as JSON on standard output. By default it is minified: that is
the text to submit (aws organizations create-policy --content file://scp.json),
and the size AWS Organizations checks against its 5,120-character limit counts
every character submitted through the API or CLI, white space included. With
--indent the indented text is printed and measured. Past the limit the command
fails and says by how much.

Warnings go to standard error: when a VPC egresses through a NAT gateway whose
public address the policy does not trust, the stack's calls that leave through
it (S3 to buckets in other Regions; with --scope all also ECR, SNS, CloudWatch
Logs and STS, and Lambda's ENI management) would be denied.
The backend's preflight function runs outside the VPC: when the policy denies
its calls (S3 Region checks of the prefixed buckets; with --scope all its EC2
Describe calls), the warning says to tag its role with the exempt tag (the
backend template's PerimeterExemptTag parameter).

Exit status: 0 printed, 1 over the size limit, 2 usage error or (with
--nat-ips auto) no AWS access.`,
		Example: `  qpe perimeter scp --vpc vpc-0123456789abcdef0 --vpc vpc-0fedcba9876543210 --ip 192.0.2.0-192.0.2.255 --nat-ips auto
  qpe perimeter scp --vpc vpc-0123456789abcdef0 --scope all --nat-ips 203.0.113.10 --indent`,
		Args: perimNoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := checkFormat(); err != nil {
				return err
			}
			p, err := f.prepare(cmd, "scp")
			if err != nil {
				return err
			}
			text, err := p.Spec.SCPText(indent)
			if err != nil {
				return &exitError{code: 1, err: fmt.Errorf("perimeter scp: %w", err)}
			}
			ws, err := p.Spec.Warnings(text, p.NAT)
			if err != nil {
				return &exitError{code: 1, err: fmt.Errorf("perimeter scp: %w", err)}
			}
			pw, err := p.Spec.PreflightWarnings(text)
			if err != nil {
				return &exitError{code: 1, err: fmt.Errorf("perimeter scp: %w", err)}
			}
			ws = append(ws, pw...)
			perimWarn(cmd, "perimeter scp", ws)
			form := "minified"
			if indent {
				form = "indented"
			}
			fmt.Fprintf(cmd.ErrOrStderr(), "qpe: perimeter scp: %s of %s characters (%s, as printed)\n", perimeter.Thousands(len(text)), perimeter.Thousands(perimeter.SCPMaxChars), form)
			_, err = fmt.Fprintf(cmd.OutOrStdout(), "%s\n", text)
			return err
		},
	}
	f.register(cmd)
	cmd.Flags().BoolVar(&indent, "indent", false, "print indented JSON (the size limit then counts the indentation)")
	checkFormat = perimJSONFormat(cmd, "scp")
	return cmd
}

func newPerimeterBucketPolicyCmd() *cobra.Command {
	var f perimFlags
	var bucket string
	var indent bool
	var checkFormat func() error
	cmd := &cobra.Command{
		Use:   "bucket-policy --bucket NAME --vpc ID [--vpc ID ...] [--ip CIDR ...] [--exempt-tag NAME] [--nat-ips auto|none|IP,...] [--region R] [--indent]",
		Short: "Print the equivalent bucket policy for one test bucket",
		Long: `Prints the bucket policy that applies the SCP's conditions to one bucket: Deny
s3:* on the bucket and its objects to Principal "*" unless the request comes
from the listed VPCs, the listed ranges, a principal tagged <exempt-tag>=true,
an AWS service on the caller's behalf (aws:ViaAWSService), or an AWS service
principal (aws:PrincipalIsAWSService: SCPs never apply to service principals,
bucket policies do). Try it on a new, empty bucket before anything else:
  aws s3api put-bucket-policy --bucket NAME --policy file://bucket-policy.json
A principal tagged <exempt-tag>=true keeps access whatever the network.

Exit status: 0 printed, 1 over S3's 20 KB limit, 2 usage error.`,
		Args: perimNoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if bucket == "" {
				return &exitError{code: 2, err: fmt.Errorf("perimeter bucket-policy: --bucket is required (a new, empty test bucket)\nUsage: %s", cmd.UseLine())}
			}
			if err := checkFormat(); err != nil {
				return err
			}
			p, err := f.prepare(cmd, "bucket-policy")
			if err != nil {
				return err
			}
			doc, err := p.Spec.BucketPolicy(bucket)
			if err != nil {
				return &exitError{code: 2, err: fmt.Errorf("perimeter bucket-policy: %w", err)}
			}
			text, err := perimeter.Render(doc, indent)
			if err != nil {
				return &exitError{code: 1, err: err}
			}
			if err := perimeter.CheckBucketPolicySize(text); err != nil {
				return &exitError{code: 1, err: fmt.Errorf("perimeter bucket-policy: %w", err)}
			}
			ws, err := p.Spec.BucketWarnings(text, p.NAT, bucket)
			if err != nil {
				return &exitError{code: 1, err: fmt.Errorf("perimeter bucket-policy: %w", err)}
			}
			perimWarn(cmd, "perimeter bucket-policy", ws)
			_, err = fmt.Fprintf(cmd.OutOrStdout(), "%s\n", text)
			return err
		},
	}
	f.register(cmd)
	cmd.Flags().StringVar(&bucket, "bucket", "", "the test bucket (required)")
	cmd.Flags().BoolVar(&indent, "indent", false, "print indented JSON")
	checkFormat = perimJSONFormat(cmd, "bucket-policy")
	return cmd
}

func newPerimeterSimulateCmd() *cobra.Command {
	var policyFile, action, resource, principal, format string
	var contexts []string
	cmd := &cobra.Command{
		Use:   "simulate --policy FILE --action A --resource ARN [--principal-arn ARN] [--context key=value ...] [--format text|json]",
		Short: "Evaluate a policy for one request: denied or not denied, by which statement and condition",
		Long: `Simulate evaluates an SCP or a resource policy (FILE, or - for standard input)
for one request with IAM's semantics: Action/NotAction and Resource/NotResource
wildcards, Principal, the String, Arn, IpAddress, Bool, Null, Numeric and Date
operators with IfExists and ForAnyValue/ForAllValues, case-insensitive key
names, several values per key (repeat --context with the same key) and missing
keys (a positive operator is false, a negated one or any IfExists true, Null
true). It prints the decision ("denied" or "not-denied" by this policy: an SCP
only denies; for a resource policy it also says whether an Allow matched), the
deciding statement and condition.

Exit status: 0 whatever the decision, 1 the policy or the request is invalid
(unknown operator, malformed value: never a silent "not denied"), 2 usage.`,
		Example: `  qpe perimeter simulate --policy scp.json --action s3:GetObject \
      --resource arn:aws:s3:::quilt-data/key --context aws:SourceIp=198.51.100.20
  qpe perimeter simulate --policy bucket-policy.json --format json --action s3:PutObject \
      --resource arn:aws:s3:::quilt-test/key --principal-arn arn:aws:iam::111122223333:role/r \
      --context aws:SourceVpc=vpc-0123456789abcdef0`,
		Args: perimNoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			var missing []string
			for flag, v := range map[string]string{"--policy": policyFile, "--action": action, "--resource": resource} {
				if v == "" {
					missing = append(missing, flag)
				}
			}
			if len(missing) > 0 {
				sort.Strings(missing)
				return &exitError{code: 2, err: fmt.Errorf("perimeter simulate: %s required\nUsage: %s", strings.Join(missing, ", "), cmd.UseLine())}
			}
			if format != "text" && format != "json" {
				return &exitError{code: 2, err: fmt.Errorf("perimeter simulate: --format %q: use text or json", format)}
			}
			ctxVals := map[string][]string{}
			for _, kv := range contexts {
				k, v, ok := strings.Cut(kv, "=")
				if !ok || strings.TrimSpace(k) == "" {
					return &exitError{code: 2, err: fmt.Errorf("perimeter simulate: --context %q: use key=value (repeat the key for several values)", kv)}
				}
				ctxVals[strings.TrimSpace(k)] = append(ctxVals[strings.TrimSpace(k)], v)
			}
			data, err := perimReadFile(cmd, policyFile)
			if err != nil {
				return &exitError{code: 1, err: fmt.Errorf("perimeter simulate: --policy: %w", err)}
			}
			pol, err := policy.Parse(data)
			if err != nil {
				name := policyFile
				if name == "-" {
					name = "standard input"
				}
				return &exitError{code: 1, err: fmt.Errorf("perimeter simulate: %s: %w", name, err)}
			}
			res, err := policy.Evaluate(pol, policy.Request{Action: action, Resource: resource, Principal: principal, Context: ctxVals})
			if err != nil {
				return &exitError{code: 1, err: fmt.Errorf("perimeter simulate: %w", err)}
			}
			return perimeter.WriteSimulation(cmd.OutOrStdout(), res, format)
		},
	}
	fs := cmd.Flags()
	fs.StringVar(&policyFile, "policy", "", "policy JSON file, or - for standard input (required)")
	fs.StringVar(&action, "action", "", "the request's action, e.g. s3:GetObject (required)")
	fs.StringVar(&resource, "resource", "", "the request's resource ARN, or * (required)")
	fs.StringVar(&principal, "principal-arn", "", "the caller: IAM ARN, account ID, or service principal (e.g. logging.s3.amazonaws.com)")
	fs.StringArrayVar(&contexts, "context", nil, "condition key=value; repeat, and repeat a key for several values")
	fs.StringVarP(&format, "format", "o", "text", "output format: text or json (-o for short)")
	return cmd
}

func newPerimeterPlanCmd() *cobra.Command {
	var f perimFlags
	var bucket, format string
	cmd := &cobra.Command{
		Use:   "plan --bucket NAME --vpc ID [--vpc ID ...] [--ip CIDR ...] [--exempt-tag NAME] [--nat-ips auto|none|IP,...] [--scope s3|all] [--region R] [--format text|json]",
		Short: "List the requests to try on the test bucket and the decision each should get",
		Long: `Plan lists the requests that prove the perimeter on the test bucket — from each
trusted VPC, from another VPC, from each trusted range, with the exempt tag
(true and false), via an AWS service, as an AWS service principal, from
elsewhere, and through each NAT gateway — with the decision the generated
bucket policy and SCP give each. The decisions come from evaluating the
generated policies, not from a table. Run each request where the "how" column
says and compare: AccessDenied where the plan says denied, success elsewhere.

Exit status: 0 planned, 2 usage error or (with --nat-ips auto) no AWS access.`,
		Args: perimNoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if bucket == "" {
				return &exitError{code: 2, err: fmt.Errorf("perimeter plan: --bucket is required (the test bucket)\nUsage: %s", cmd.UseLine())}
			}
			if format != "text" && format != "json" {
				return &exitError{code: 2, err: fmt.Errorf("perimeter plan: --format %q: use text or json", format)}
			}
			p, err := f.prepare(cmd, "plan")
			if err != nil {
				return err
			}
			rows, err := p.Spec.Plan(bucket, p.NATIPs)
			if err != nil {
				return &exitError{code: 2, err: fmt.Errorf("perimeter plan: %w", err)}
			}
			bp, err := p.Spec.BucketPolicy(bucket)
			if err != nil {
				return &exitError{code: 2, err: fmt.Errorf("perimeter plan: %w", err)}
			}
			bpText, err := perimeter.Render(bp, false)
			if err != nil {
				return &exitError{code: 1, err: err}
			}
			ws, err := p.Spec.PlanWarnings(bpText, p.NAT, bucket)
			if err != nil {
				return &exitError{code: 1, err: fmt.Errorf("perimeter plan: %w", err)}
			}
			perimWarn(cmd, "perimeter plan", ws)
			return p.Spec.WritePlan(cmd.OutOrStdout(), bucket, rows, format)
		},
	}
	f.register(cmd)
	cmd.Flags().StringVar(&bucket, "bucket", "", "the test bucket (required)")
	cmd.Flags().StringVarP(&format, "format", "o", "text", "output format: text or json (-o for short)")
	return cmd
}

// perimReadFile reads a file, or standard input for "-".
func perimReadFile(cmd *cobra.Command, name string) ([]byte, error) {
	return readInput(cmd, "the policy", name)
}

func perimNoArgs(cmd *cobra.Command, args []string) error {
	if len(args) > 0 {
		return &exitError{code: 2, err: fmt.Errorf("%s: unexpected argument %q (options are flags)\nUsage: %s", cmd.CommandPath(), args[0], cmd.UseLine())}
	}
	return nil
}
