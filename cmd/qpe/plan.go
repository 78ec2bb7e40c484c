package main

import (
	"bytes"
	"errors"
	"fmt"
	"time"

	"github.com/spf13/cobra"

	"github.com/quiltdata/quilt-private-endpoints/internal/template"
	"github.com/quiltdata/quilt-private-endpoints/internal/updatepath"
)

// planFlags are the update-path model's inputs besides the templates,
// shared by plan and review.
type planFlags struct {
	parameters, newParameters []string
	partition, stackName      string
	today                     string
	dnsMoved                  bool
}

func (f *planFlags) register(cmd *cobra.Command) {
	cmd.Flags().StringVar(&f.partition, "partition", "aws", "AWS partition the stack is in (aws, aws-cn, aws-us-gov)")
	cmd.Flags().StringVar(&f.stackName, "stack-name", "", "stack name, to resolve export names (${AWS::StackName})")
	cmd.Flags().StringVar(&f.today, "today", "", "date `YYYY-MM-DD` the Lambda runtime dates are compared with (default: today)")
	cmd.Flags().BoolVar(&f.dnsMoved, "dns-moved", false, "the host names already resolve to the internal load balancer (default: to the one the deployed template's outputs name)")
}

// input fills the model's input from the flags.
func (f *planFlags) input(name string, in *updatepath.Input) error {
	in.Partition = f.partition
	in.DNSMoved = f.dnsMoved
	if f.stackName != "" {
		in.StackName = f.stackName
	}
	if f.today != "" {
		t, err := time.Parse(time.DateOnly, f.today)
		if err != nil {
			return &exitError{code: 2, err: fmt.Errorf("%s: --today %q: want YYYY-MM-DD", name, f.today)}
		}
		in.Today = t
	}
	return nil
}

func stringValues(flag string, sets []string) (map[string]string, error) {
	m, err := parseSets(flag, sets)
	if err != nil {
		return nil, err
	}
	out := make(map[string]string, len(m))
	for k, v := range m {
		out[k], _ = v.(string)
	}
	return out, nil
}

func newPlanCmd() *cobra.Command {
	var f planFlags
	var format string
	var acceptDowntime bool
	var baseline []string
	cmd := &cobra.Command{
		Use:   "plan [--parameter N=V ...] [--format markdown|json|sarif] [--dns-moved] [--accept-downtime] [--baseline DEPLOYED_ORIGINAL,NEW_ORIGINAL] DEPLOYED NEW",
		Short: "Compute what a CloudFormation update from DEPLOYED to NEW does, and whether it can roll back",
		Long: `Plan runs the update-path model on two templates (JSON or YAML): each
resource's action (add, modify with or without interruption, replace with the
property that forces it, remove), the knock-on replacements (a replaced
resource's new id and attributes reach every Ref, GetAtt and Sub), the order
(waves, then cleanup), the rollback from a failure at every wave and whether
each rollback step is possible, and the blockers (rules QPE-UP-nnn, see
docs/rollout.md) with their recovery, and the availability: for each entry point
(each host name of the load balancers' listener rules, the REST API URL the
catalog hands out) and each client network (private, internet), the waves, the
cleanup and the time after the update during which it is not served. DNS stays
where it is during an update: on the load balancer the deployed template's
outputs name, or with --dns-moved on the internal one.

--parameter Name=Value gives the stack's value of a parameter (both sides);
--new-parameter Name=Value a value the update changes. Others take their
Default. Parameters, pseudo parameters (--partition, --stack-name),
Fn::FindInMap and conditions are resolved where the decision depends on them.

--baseline DEPLOYED_ORIGINAL,NEW_ORIGINAL (an upgrade: DEPLOYED and NEW are
renders of these two originals) plans the same update without Private
Endpoints too, DEPLOYED_ORIGINAL without its QuiltPrivateEndpoints Transform
entry -> NEW_ORIGINAL as given, and marks each blocker and warning that update
has as well (same rule, same logical id): "Quilt's release has this without
Private Endpoints too" ("inherent": true in JSON, and rollout.baseline counts
the blockers that are Quilt's own and those the macro adds). The exit status
does not change: an inherent blocker still blocks.

Exit status: 0 safe (no blocker, rollback-safe, no private-network downtime
or --accept-downtime), 1 blockers, not rollback-safe, or private-network
downtime, 2 usage error, or an unreadable or invalid template (a resource
that is not an object or has no Type, a DependsOn on an unknown resource, a
dependency cycle: CloudFormation refuses it).`,
		Example: `  qpe plan quilt.yaml <(qpe render --set LoadBalancerScheme=internal --set PublicLoadBalancer=keep --set UserSubnetIds=subnet-0123456789abcdef0,subnet-0123456789abcdef1 --set ApiGatewayVPCEndpointId=vpce-0123456789abcdef0 quilt.yaml)
  qpe plan --format json --stack-name quilt deployed.yaml new.yaml`,
		Args: func(cmd *cobra.Command, args []string) error {
			if len(args) != 2 {
				return &exitError{code: 2, err: fmt.Errorf("plan: want two templates, DEPLOYED and NEW (got %d arguments)", len(args))}
			}
			return nil
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			if format != "markdown" && format != "json" && format != "sarif" {
				return &exitError{code: 2, err: fmt.Errorf("plan: --format %q: the format is markdown, json or sarif", format)}
			}
			var docs [2]map[string]any
			var newData []byte
			for i, path := range args {
				data, err := readTemplate(cmd, path)
				newData = data
				if err != nil {
					return &exitError{code: 2, err: fmt.Errorf("plan: %w", err)}
				}
				if docs[i], err = template.Decode(data); err != nil {
					return &exitError{code: 2, err: fmt.Errorf("plan: %s: %w", path, err)}
				}
			}
			old, err := stringValues("--parameter", f.parameters)
			if err != nil {
				return &exitError{code: 2, err: fmt.Errorf("plan: %w", err)}
			}
			changed, err := stringValues("--new-parameter", f.newParameters)
			if err != nil {
				return &exitError{code: 2, err: fmt.Errorf("plan: %w", err)}
			}
			in := updatepath.Input{Deployed: docs[0], New: docs[1], DeployedParams: old, NewParams: changed}
			if err := f.input("plan", &in); err != nil {
				return err
			}
			if cmd.Flags().Changed("baseline") {
				if len(baseline) != 2 {
					return &exitError{code: 2, err: fmt.Errorf("plan: --baseline takes two templates, DEPLOYED_ORIGINAL,NEW_ORIGINAL (the originals DEPLOYED and NEW are renders of), got %d", len(baseline))}
				}
				var originals [2]map[string]any
				for i, path := range baseline {
					data, err := readTemplate(cmd, path)
					if err != nil {
						return &exitError{code: 2, err: fmt.Errorf("plan: --baseline: %w", err)}
					}
					if originals[i], err = template.Decode(data); err != nil {
						return &exitError{code: 2, err: fmt.Errorf("plan: --baseline: %s: %w", path, err)}
					}
				}
				in.Baseline = &updatepath.Baseline{Deployed: originals[0], New: originals[1]}
			}
			p, err := updatepath.Compute(cmd.Context(), in)
			if err != nil {
				var te *updatepath.TemplateError
				if errors.As(err, &te) {
					path := args[0]
					switch te.Template {
					case "new":
						path = args[1]
					case "baseline deployed":
						path = baseline[0]
					case "baseline new":
						path = baseline[1]
					}
					return &exitError{code: 2, err: fmt.Errorf("plan: %s: %w", path, err)}
				}
				return &exitError{code: 2, err: fmt.Errorf("plan: %w", err)}
			}
			var out bytes.Buffer
			switch format {
			case "sarif":
				err = writeSARIF(cmd, "plan", updatepath.Rules(), updatepath.SARIFItems(p), sarifSource(args[1], newData, nil))
			case "json":
				err = updatepath.WriteJSON(&out, p)
			default:
				err = updatepath.WriteMarkdown(&out, p, "Update plan: "+reviewName(args[0])+" -> "+reviewName(args[1]), "#")
			}
			if err != nil {
				return &exitError{code: 2, err: err}
			}
			if _, err := cmd.OutOrStdout().Write(out.Bytes()); err != nil {
				return &exitError{code: 2, err: fmt.Errorf("plan: write output: %w", err)}
			}
			if !p.Safe() {
				return &exitError{code: 1}
			}
			if err := p.RefuseDowntime(acceptDowntime); err != nil {
				return &exitError{code: 1, err: fmt.Errorf("plan: %w", err)}
			}
			return nil
		},
	}
	cmd.Flags().StringArrayVar(&f.parameters, "parameter", nil, "the stack's value of a template parameter `Name=Value` (repeatable)")
	cmd.Flags().StringArrayVar(&f.newParameters, "new-parameter", nil, "a parameter value the update changes `Name=Value` (repeatable)")
	cmd.Flags().StringVarP(&format, "format", "o", "markdown", "output format: markdown, json, or sarif (blockers and warnings, located in NEW) (-o for short)")
	cmd.Flags().StringSliceVar(&baseline, "baseline", nil, "`DEPLOYED_ORIGINAL,NEW_ORIGINAL`: the originals DEPLOYED and NEW render; marks the findings the same update without Private Endpoints has too (\"inherent\")")
	cmd.Flags().BoolVar(&acceptDowntime, "accept-downtime", false, "exit 0 even when users on the private network lose an entry point during the update")
	f.register(cmd)
	return cmd
}
