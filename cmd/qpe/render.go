package main

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/spf13/cobra"

	"github.com/quiltdata/quilt-private-endpoints/internal/template"
	"github.com/quiltdata/quilt-private-endpoints/internal/transform"
)

// macroName is the name the macro is registered under
// (AWS::CloudFormation::Macro) and that templates list in Transform.
const macroName = "QuiltPrivateEndpoints"

func newRenderCmd() *cobra.Command {
	var sets, parameters []string
	var output string
	cmd := &cobra.Command{
		Use:   "render [--set Name=Value ...] [-o json|yaml] TEMPLATE",
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

Exit status: 0 rendered, 1 the engine refused the template (the message names
the resource or setting and the fix), 2 usage error. Nothing is written to
standard output unless the whole template rendered.`,
		Example: `  qpe render templates/examples/quilt-network1.yaml
  qpe render --set Exclude=StackStatusFunction --set PreflightMode=none -o yaml stack.yaml
  cat stack.json | qpe render -`,
		Args: oneTemplate("render"),
		RunE: func(cmd *cobra.Command, args []string) error {
			if output != "json" && output != "yaml" {
				return &exitError{code: 2, err: fmt.Errorf("render: -o %q: the output format is json or yaml", output)}
			}
			req, rest, err := loadRequest(cmd, args[0], sets, parameters)
			if err != nil {
				return err
			}
			res, err := transform.Transform(cmd.Context(), req)
			if err != nil {
				return &exitError{code: 1, err: err}
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
	cmd.Flags().StringVarP(&output, "format", "o", "json", "output format: json or yaml")
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
// request as CloudFormation would: the macro's own Transform entry removed
// (its Parameters are settings; --set wins), --parameter values as the
// template's parameter values. rest is what is left of the Transform section.
func loadRequest(cmd *cobra.Command, path string, sets, parameters []string) (req transform.Request, rest any, err error) {
	params, err := parseSets("--set", sets)
	if err != nil {
		return req, nil, &exitError{code: 2, err: err}
	}
	data, err := readTemplate(cmd, path)
	if err != nil {
		return req, nil, &exitError{code: 2, err: err}
	}
	doc, err := template.Decode(data)
	if err != nil {
		return req, nil, &exitError{code: 1, err: fmt.Errorf("%s: %w", path, err)}
	}
	values, err := parameterValues(doc, parameters)
	if err != nil {
		return req, nil, &exitError{code: 2, err: err}
	}
	rest, fromTemplate, err := splitTransform(doc)
	if err != nil {
		return req, nil, &exitError{code: 1, err: err}
	}
	for k, v := range fromTemplate {
		if _, given := params[k]; !given {
			params[k] = v
		}
	}
	return transform.Request{Fragment: doc, Params: params, TemplateParameterValues: values}, rest, nil
}

// parameterValues turns --parameter Name=Value flags into the resolved
// parameter values CloudFormation gives a macro: List and
// CommaDelimitedList parameters become lists. Every name must be a
// parameter the template declares, as CloudFormation requires.
func parameterValues(doc map[string]any, flags []string) (map[string]any, error) {
	if len(flags) == 0 {
		return nil, nil
	}
	raw, err := parseSets("--parameter", flags)
	if err != nil {
		return nil, err
	}
	declared := template.Section(doc, "Parameters")
	values := make(map[string]any, len(raw))
	for _, name := range template.SortedKeys(raw) {
		p, ok := declared[name].(map[string]any)
		if !ok {
			return nil, fmt.Errorf("--parameter %s: the template declares no parameter %s (CloudFormation refuses values for undeclared parameters). Fix: declare it, or give the value as a Transform parameter with --set", name, name)
		}
		value := raw[name].(string)
		if typ, _ := p["Type"].(string); strings.HasPrefix(typ, "List<") || typ == "CommaDelimitedList" {
			var list []any
			for _, e := range strings.Split(value, ",") {
				list = append(list, strings.TrimSpace(e))
			}
			values[name] = list
			continue
		}
		values[name] = value
	}
	return values, nil
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
	if path == "-" {
		b, err := io.ReadAll(cmd.InOrStdin())
		if err != nil {
			return nil, fmt.Errorf("read standard input: %w", err)
		}
		if len(bytes.TrimSpace(b)) == 0 {
			return nil, errors.New("standard input is empty: pipe a template in, or give its file name")
		}
		return b, nil
	}
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	return b, nil
}

// splitTransform removes QuiltPrivateEndpoints from the template's
// Transform section, as CloudFormation does before it calls the macro. It
// returns the other transforms (nil when none are left) and the macro
// entry's Parameters. A Ref to a template parameter takes that parameter's
// Default (CloudFormation would pass the resolved value).
func splitTransform(doc map[string]any) (rest any, params map[string]any, err error) {
	params = map[string]any{}
	tr, ok := doc["Transform"]
	if !ok {
		return nil, params, nil
	}
	delete(doc, "Transform")
	var entries []any
	switch t := tr.(type) {
	case []any:
		entries = t
	default:
		entries = []any{t}
	}
	var kept []any
	for _, e := range entries {
		switch t := e.(type) {
		case string:
			if t == macroName {
				continue
			}
		case map[string]any:
			if t["Name"] == macroName {
				p, err := transformParams(doc, t["Parameters"])
				if err != nil {
					return nil, nil, err
				}
				for k, v := range p {
					params[k] = v
				}
				continue
			}
		}
		kept = append(kept, e)
	}
	switch {
	case len(kept) == 0:
		return nil, params, nil
	case len(kept) == 1:
		if _, isList := tr.([]any); !isList {
			return kept[0], params, nil
		}
	}
	return kept, params, nil
}

func transformParams(doc map[string]any, v any) (map[string]any, error) {
	if v == nil {
		return map[string]any{}, nil
	}
	m, ok := v.(map[string]any)
	if !ok {
		return nil, fmt.Errorf("Transform: the Parameters of %s are a %s, not a mapping. Fix: write Parameters: {Name: Value, ...}", macroName, template.KindOf(v))
	}
	out := make(map[string]any, len(m))
	for k, pv := range m {
		name, isRef := template.Ref(pv)
		if !isRef {
			out[k] = pv
			continue
		}
		decl, _ := template.Section(doc, "Parameters")[name].(map[string]any)
		def, hasDefault := decl["Default"]
		if !hasDefault {
			return nil, fmt.Errorf("Transform: %s parameter %s refers to template parameter %s, which has no Default. Fix: give the value with --set %s=VALUE", macroName, k, name, k)
		}
		out[k] = def
	}
	return out, nil
}

func shallowCopy(m map[string]any) map[string]any {
	c := make(map[string]any, len(m)+1)
	for k, v := range m {
		c[k] = v
	}
	return c
}
