package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/cloudformation"
	"github.com/spf13/cobra"

	"github.com/quiltdata/quilt-private-endpoints/internal/cfnspec"
	"github.com/quiltdata/quilt-private-endpoints/internal/livestack"
	"github.com/quiltdata/quilt-private-endpoints/internal/review"
	"github.com/quiltdata/quilt-private-endpoints/internal/template"
	"github.com/quiltdata/quilt-private-endpoints/internal/transform"
	"github.com/quiltdata/quilt-private-endpoints/internal/updatepath"
)

func newReviewCmd() *cobra.Command {
	var sets, parameters []string
	var format, changeset, stack string
	var pf planFlags
	cmd := &cobra.Command{
		Use:   "review [--set Name=Value ...] [--format markdown|json|sarif] [--changeset FILE] [--stack NAME] TEMPLATE",
		Short: "Report what enabling Private Endpoints changes, with update behaviour and risks",
		Long: `Review runs the QuiltPrivateEndpoints engine on TEMPLATE (as render does) and
reports, resource by resource, each changed property with its value before and
after (intrinsics in short form), new resources and parameters, renamed logical
ids, IAM changes, the update behaviour CloudFormation's resource specification
predicts (no interruption, some interruption, replacement) and the risks that
apply. The Markdown output is deterministic and fits a pull request.

--changeset FILE takes the JSON that
  aws cloudformation describe-change-set --change-set-name ARN
prints for the real changeset and annotates each resource change with why the
macro made it and its risk; changes the macro did not make are listed as "not
from Private Endpoints".

--set Name=Value gives a Transform parameter, as for render.

The report ends with the update plan of the change (as qpe plan computes it,
deployed = TEMPLATE, new = its render): knock-on replacements, the waves, the
rollback from a failure at every wave and the blockers (docs/rollout.md).
With --stack NAME (and the root's --region/--profile) the deployed side is the
live stack: GetTemplate (Processed for the plan; Original is rendered when
TEMPLATE is omitted), DescribeStacks (parameter values, exports) and
ListImports for each export (an export in use is a blocker naming the
importing stack). The deployed render's record (Metadata.QuiltPrivateEndpoints:
engine version, settings) is read back and compared with the new render's,
each changed setting flagged (PublicLoadBalancer keep -> retire expected,
LoadBalancerScheme internal -> unchanged a warning). Read-only.

Exit status (README "Exit status"): 0 reported; 1 the engine refused the
template or the changeset JSON is unusable; 2 usage error, or TEMPLATE
unreadable or not a template (invalid YAML or JSON), or the stack unreadable.`,
		Example: `  qpe review templates/examples/quilt-network1.yaml > review.md
  qpe review --format json --set LoadBalancerScheme=internal --set PublicLoadBalancer=keep stack.yaml
  aws cloudformation describe-change-set --change-set-name ARN > cs.json
  qpe review --changeset cs.json stack.yaml`,
		Args: func(cmd *cobra.Command, args []string) error {
			if stack != "" && len(args) == 0 {
				return nil
			}
			return oneTemplate("review")(cmd, args)
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			if format != "markdown" && format != "json" && format != "sarif" {
				return &exitError{code: 2, err: fmt.Errorf("review: --format %q: the format is markdown, json or sarif", format)}
			}
			var cs *review.ChangeSet
			if changeset != "" {
				data, err := readInput(cmd, "the change set", changeset)
				if err != nil {
					return &exitError{code: 1, err: fmt.Errorf("review: --changeset: %w", err)}
				}
				if cs, err = review.ParseChangeSet(data); err != nil {
					return &exitError{code: 1, err: fmt.Errorf("review: %s: %w", changeset, err)}
				}
			}
			var dep *livestack.Stack
			if stack != "" {
				var err error
				if dep, err = reviewLoadStack(cmd, stack); err != nil {
					return err
				}
				if len(args) == 0 {
					// Render the stack's own original template.
					body, err := template.EncodeJSON(dep.Original, true)
					if err != nil {
						return &exitError{code: 1, err: fmt.Errorf("review: %w", err)}
					}
					cmd.SetIn(bytes.NewReader(body))
					args = []string{"-"}
				}
			}
			// CloudFormation hands the macro the template without its own
			// Transform entry: that is the "before" side too.
			req, _, data, err := loadRequest(cmd, args[0], sets, parameters)
			if err != nil {
				return err
			}
			params := req.Params
			before, _ := template.Clone(req.Fragment).(map[string]any)
			res, err := transform.Transform(cmd.Context(), req)
			if err != nil {
				return &exitError{code: 1, err: err}
			}
			in := review.Input{
				Name:     reviewName(args[0]),
				Before:   before,
				After:    res.Fragment,
				Warnings: res.WarningTexts(),
				Settings: settingsText(params),
				Renamed:  res.Renamed,
				Moved:    res.Moved,
			}
			for _, c := range res.Changes {
				in.Changes = append(in.Changes, review.EngineChange{Pass: c.Pass, Resource: c.Resource, Detail: c.Detail})
			}
			pin := updatepath.Input{Deployed: before, New: res.Fragment, DeployedParams: valueStrings(req.TemplateParameterValues), Renamed: res.Renamed}
			// The template as given, with its Transform section: deployed
			// as given without the macro's entry, it drops the Transform
			// of a deployed render (QPE-UP-011).
			if given, err := template.Decode(data); err == nil {
				pin.NewAsGiven = given
			}
			if err := pf.input("review", &pin); err != nil {
				return err
			}
			if dep != nil {
				pin.Deployed, pin.DeployedParams, pin.ImportedExports = dep.Processed, dep.Resolved(), dep.Imports
				// The deployed render's record (engine version, settings)
				// read back and compared with the new render's.
				in.DeployedRender = dep.Processed
				pin.StackName, pin.AccountID = dep.Name, dep.AccountID
				pin.Region, _ = cmd.Flags().GetString("region")
			}
			if in.Plan, err = updatepath.Compute(cmd.Context(), pin); err != nil {
				return &exitError{code: 1, err: fmt.Errorf("review: %w", err)}
			}
			report := review.Build(in, cfnspec.New())
			if cs != nil {
				review.Annotate(report, cs)
			}
			if format == "sarif" {
				return writeSARIF(cmd, "review", review.Rules(), review.SARIFItems(report.Risks), sarifSource(args[0], data, res.Renamed))
			}
			var out bytes.Buffer
			if format == "json" {
				err = review.WriteJSON(&out, report)
			} else {
				err = review.WriteMarkdown(&out, report)
			}
			if err != nil {
				return &exitError{code: 1, err: err}
			}
			if _, err := cmd.OutOrStdout().Write(out.Bytes()); err != nil {
				return &exitError{code: 1, err: fmt.Errorf("review: write output: %w", err)}
			}
			return nil
		},
	}
	cmd.Flags().StringArrayVar(&sets, "set", nil, "Transform parameter `Name=Value` (repeatable; lists comma separated)")
	cmd.Flags().StringArrayVar(&parameters, "parameter", nil, "value of a template parameter `Name=Value`, as the stack passes it (repeatable)")
	cmd.Flags().StringVarP(&format, "format", "o", "markdown", "output format: markdown, json, or sarif (the risks, located in TEMPLATE) (-o for short)")
	cmd.Flags().StringVar(&changeset, "changeset", "", "describe-change-set JSON `FILE` to annotate")
	cmd.Flags().StringVar(&stack, "stack", "", "take the deployed side from the live stack `NAME` (GetTemplate, DescribeStacks, ListImports)")
	pf.register(cmd)
	return cmd
}

// reviewLoadStack reads the live stack for --stack.
func reviewLoadStack(cmd *cobra.Command, stack string) (*livestack.Stack, error) {
	ctx := cmd.Context()
	if ctx == nil {
		ctx = context.Background()
	}
	progress := progressPrinter(cmd.ErrOrStderr(), "review", false)
	cfg, err := connect(ctx, "review", awsOptions(cmd), time.Minute, progress)
	if err != nil {
		return nil, err
	}
	ctx, cancel := context.WithTimeout(ctx, time.Minute)
	defer cancel()
	dep, err := livestack.Read(ctx, cloudformation.NewFromConfig(cfg), stack, livestack.Options{Parts: livestack.Original | livestack.Processed | livestack.Imports})
	if err == nil {
		err = dep.Errs()
	}
	if err == nil && (dep.Original == nil || dep.Processed == nil) {
		err = fmt.Errorf("cloudformation:GetTemplate returned an empty template for stack %s", stack)
	}
	if errors.Is(err, livestack.ErrNotFound) {
		return nil, &exitError{code: 1, err: fmt.Errorf("review: stack %s does not exist in this account and Region (check --stack, --region and --profile): %w", stack, err)}
	}
	if err != nil {
		return nil, &exitError{code: 1, err: fmt.Errorf("review: stack %s: %w", stack, err)}
	}
	progress(fmt.Sprintf("stack %s read: %d parameters, %d exports", stack, len(dep.Parameters), len(dep.Imports)))
	return dep, nil
}

// valueStrings turns resolved parameter values (lists as []any) into the
// model's strings (lists comma separated).
func valueStrings(values map[string]any) map[string]string {
	out := make(map[string]string, len(values))
	for k, v := range values {
		switch t := v.(type) {
		case string:
			out[k] = t
		case []any:
			var parts []string
			for _, x := range t {
				parts = append(parts, fmt.Sprint(x))
			}
			out[k] = strings.Join(parts, ",")
		default:
			out[k] = fmt.Sprint(v)
		}
	}
	return out
}

// reviewName is the template's file name for the report title ("-" is
// standard input).
func reviewName(path string) string {
	if path == "-" {
		return "standard input"
	}
	return filepath.Base(path)
}

// settingsText prints the Transform parameters for the report.
func settingsText(params map[string]any) map[string]string {
	if len(params) == 0 {
		return nil
	}
	out := make(map[string]string, len(params))
	for k, v := range params {
		switch t := v.(type) {
		case string:
			out[k] = t
		default:
			out[k] = review.Short(v)
		}
	}
	return out
}
