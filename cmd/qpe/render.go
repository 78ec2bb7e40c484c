package main

import (
	"errors"
	"fmt"
	"strings"

	"github.com/spf13/cobra"

	"github.com/quiltdata/quilt-private-endpoints/internal/macroevent"
	"github.com/quiltdata/quilt-private-endpoints/internal/template"
	"github.com/quiltdata/quilt-private-endpoints/internal/transform"
)

func newRenderCmd() *cobra.Command {
	var sets, parameters []string
	var output string
	cmd := &cobra.Command{
		Use:   "render [--set Name=Value ...] [--parameter Name=Value ...] [--format json|yaml|sarif] TEMPLATE",
		Short: "Rewrite a template for Private Endpoints, as the macro does",
		Long: `Render runs the QuiltPrivateEndpoints engine on TEMPLATE (YAML with short-form
tags, or JSON; "-" reads standard input) and prints the rewritten template.
For the same input, the JSON output is the fragment the macro returns.

--set Name=Value gives a Transform parameter (` + strings.Join(transform.SettingNames(), ", ") + `).
Lists are comma separated: --set Exclude=FnA,FnB.
--parameter Name=Value gives the value the stack passes for one of TEMPLATE's
own parameters, as CloudFormation hands it to the macro (List and
CommaDelimitedList values comma separated); the macro uses the endpoint id's
value to decide whether the API needs a new deployment.
When TEMPLATE lists QuiltPrivateEndpoints in its Transform section, that entry's
Parameters are used too (--set wins), the entry is removed and any other
transforms stay in the output.

Exit status (the same table for every command, README "Exit status"): 0
rendered; 1 the engine refused the template (the message names the resource
or setting and the fix); 2 usage error, or TEMPLATE unreadable or not a
template (invalid YAML or JSON). Nothing is written to standard output unless
the whole template rendered.`,
		Example: `  qpe render templates/examples/quilt-network1.yaml
  qpe render --set Exclude=StackStatusFunction --set PreflightMode=none -o yaml stack.yaml
  cat stack.json | qpe render -`,
		Args: oneTemplate("render"),
		RunE: func(cmd *cobra.Command, args []string) error {
			if output != "json" && output != "yaml" && output != "sarif" {
				return &exitError{code: 2, err: fmt.Errorf("render: -o %q: the output format is json, yaml or sarif", output)}
			}
			req, rest, data, err := loadRequest(cmd, args[0], sets, parameters)
			if err != nil {
				return err
			}
			res, err := transform.Transform(cmd.Context(), req)
			if err != nil {
				return &exitError{code: 1, err: err}
			}
			if output == "sarif" {
				return writeSARIF(cmd, "render", transform.Rules(), findingItems(res.Warnings), sarifSource(args[0], data, res.Renamed))
			}
			out := res.Fragment
			if rest != nil {
				out = shallowCopy(out)
				out["Transform"] = rest
			}
			var b []byte
			if output == "yaml" {
				b, err = template.EncodeYAML(out)
			} else {
				b, err = template.EncodeJSON(out, true)
			}
			if err != nil {
				return &exitError{code: 1, err: err}
			}
			if _, err := cmd.OutOrStdout().Write(b); err != nil {
				return &exitError{code: 1, err: fmt.Errorf("render: write output: %w", err)}
			}
			for _, w := range res.WarningTexts() {
				fmt.Fprintln(cmd.ErrOrStderr(), "qpe: warning:", w)
			}
			return nil
		},
	}
	cmd.Flags().StringArrayVar(&sets, "set", nil, "Transform parameter `Name=Value` (repeatable; lists comma separated)")
	cmd.Flags().StringArrayVar(&parameters, "parameter", nil, "value of a template parameter `Name=Value`, as the stack passes it (repeatable)")
	cmd.Flags().StringVarP(&output, "format", "o", "json", "output format: json, yaml, or sarif (the engine's warnings, located in TEMPLATE) (-o for short)")
	return cmd
}

// oneTemplate accepts exactly one TEMPLATE argument.
func oneTemplate(name string) cobra.PositionalArgs {
	return func(cmd *cobra.Command, args []string) error {
		if len(args) != 1 {
			return &exitError{code: 2, err: fmt.Errorf("%s: want exactly one TEMPLATE argument (a file, or - for standard input), got %d\nUsage: %s", name, len(args), cmd.UseLine())}
		}
		return nil
	}
}

// loadRequest reads TEMPLATE (a file or - for stdin) and builds the engine's
// request as CloudFormation would (macroevent.Build): the macro's own
// Transform entry removed (its Parameters are settings; --set wins),
// --parameter values as the template's parameter values. rest is what is
// left of the Transform section.
func loadRequest(cmd *cobra.Command, path string, sets, parameters []string) (req transform.Request, rest any, data []byte, err error) {
	params, err := parseSets("--set", sets)
	if err != nil {
		return req, nil, nil, &exitError{code: 2, err: err}
	}
	data, err = readTemplate(cmd, path)
	if err != nil {
		return req, nil, nil, &exitError{code: 2, err: err}
	}
	doc, err := template.Decode(data)
	if err != nil {
		return req, nil, nil, &exitError{code: 2, err: fmt.Errorf("%s: %w", path, err)}
	}
	values, err := stringValues("--parameter", parameters)
	if err != nil {
		return req, nil, nil, &exitError{code: 2, err: err}
	}
	inv, err := macroevent.Build(doc, params, values)
	if err != nil {
		code := 1
		if _, usage := errors.AsType[*macroevent.ParameterError](err); usage {
			code = 2
		}
		return req, nil, nil, &exitError{code: code, err: err}
	}
	return inv.Request(), inv.OtherTransforms, data, nil
}

// parseSets turns repeated Name=Value flags (--set, --parameter) into a
// map. Values stay strings, as CloudFormation passes Transform parameters:
// the engine splits lists on commas.
func parseSets(flag string, sets []string) (map[string]any, error) {
	params := make(map[string]any, len(sets))
	for _, s := range sets {
		name, value, ok := strings.Cut(s, "=")
		name = strings.TrimSpace(name)
		if !ok || name == "" {
			return nil, fmt.Errorf("%s %q: want Name=Value, e.g. %s Exclude=FunctionA,FunctionB", flag, s, flag)
		}
		if _, dup := params[name]; dup {
			return nil, fmt.Errorf("%s %s is given twice: give it once (lists are comma separated: %s %s=A,B)", flag, name, flag, name)
		}
		params[name] = value
	}
	return params, nil
}

func readTemplate(cmd *cobra.Command, path string) ([]byte, error) {
	return readInput(cmd, "the template", path)
}

func shallowCopy(m map[string]any) map[string]any {
	c := make(map[string]any, len(m)+1)
	for k, v := range m {
		c[k] = v
	}
	return c
}
