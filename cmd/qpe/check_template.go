package main

import (
	"context"
	"fmt"

	"github.com/spf13/cobra"

	"github.com/quiltdata/quilt-private-endpoints/internal/preflightcontract"
	"github.com/quiltdata/quilt-private-endpoints/internal/template"
	"github.com/quiltdata/quilt-private-endpoints/internal/transform"
)

// templateServices are the egress services the preflight of TEMPLATE
// checks: its preflight resource's EgressServices when TEMPLATE is a
// render, else those of its render with the settings given (the
// execute-api endpoint defaults to --api-endpoint).
func templateServices(cmd *cobra.Command, path string, sets []string, endpoint string) ([]string, error) {
	data, err := readTemplate(cmd, path)
	if err != nil {
		return nil, &exitError{code: 2, err: fmt.Errorf("check: --template: %w", err)}
	}
	doc, err := template.Decode(data)
	if err != nil {
		return nil, &exitError{code: 2, err: fmt.Errorf("check: --template %s: %w", path, err)}
	}
	if svcs, ok := preflightServices(doc); ok {
		return svcs, nil
	}
	hasEndpoint := false
	for _, s := range sets {
		hasEndpoint = hasEndpoint || len(s) > len(transform.SetEndpointID) && s[:len(transform.SetEndpointID)+1] == transform.SetEndpointID+"="
	}
	if !hasEndpoint && endpoint != "" {
		sets = append(append([]string{}, sets...), transform.SetEndpointID+"="+endpoint)
	}
	req, _, _, err := loadRequest(cmd, path, sets, nil)
	if err != nil {
		return nil, err
	}
	ctx := cmd.Context()
	if ctx == nil {
		ctx = context.Background()
	}
	res, err := transform.Transform(ctx, req)
	if err != nil {
		return nil, &exitError{code: 2, err: fmt.Errorf("check: --template %s: rendering it to read its preflight's services: %w (give the stack's settings with --set)", path, err)}
	}
	if svcs, ok := preflightServices(res.Fragment); ok {
		return svcs, nil
	}
	return nil, &exitError{code: 2, err: fmt.Errorf("check: --template %s: its render has no preflight resource (PreflightMode=none?): give --services", path)}
}

// preflightServices reads the EgressServices of a template's preflight
// resource.
func preflightServices(doc map[string]any) ([]string, bool) {
	for _, id := range template.SortedKeys(template.Resources(doc)) {
		r, _ := template.Resources(doc)[id].(map[string]any)
		if r["Type"] != preflightcontract.Type {
			continue
		}
		l, _ := template.Section(r, "Properties")[preflightcontract.PropEgressServices].([]any)
		var out []string
		for _, v := range l {
			if s, ok := v.(string); ok {
				out = append(out, s)
			}
		}
		return out, len(out) > 0
	}
	return nil, false
}
