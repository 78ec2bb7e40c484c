package review

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/arn"
	"github.com/aws/aws-sdk-go-v2/service/cloudformation"
	cfntypes "github.com/aws/aws-sdk-go-v2/service/cloudformation/types"
	"github.com/aws/smithy-go"

	"github.com/quiltdata/quilt-private-endpoints/internal/template"
)

// CloudFormationAPI is what LoadStack calls (read-only).
type CloudFormationAPI interface {
	GetTemplate(ctx context.Context, in *cloudformation.GetTemplateInput, optFns ...func(*cloudformation.Options)) (*cloudformation.GetTemplateOutput, error)
	DescribeStacks(ctx context.Context, in *cloudformation.DescribeStacksInput, optFns ...func(*cloudformation.Options)) (*cloudformation.DescribeStacksOutput, error)
	ListImports(ctx context.Context, in *cloudformation.ListImportsInput, optFns ...func(*cloudformation.Options)) (*cloudformation.ListImportsOutput, error)
}

// Deployed is the live side of an update: what the stack runs.
type Deployed struct {
	Name string
	// Original is the template as submitted (before macros); Processed is
	// what CloudFormation runs (after them).
	Original, Processed map[string]any
	// Parameters are the stack's parameter values.
	Parameters map[string]string
	// Imports maps each of the stack's export names to the stacks that
	// import it (empty when none does).
	Imports map[string][]string
	// AccountID is read from the stack id.
	AccountID string
}

// LoadStack reads a live stack: GetTemplate (Original and Processed),
// DescribeStacks (parameters, outputs and their exports) and ListImports
// for each export.
func LoadStack(ctx context.Context, api CloudFormationAPI, name string) (*Deployed, error) {
	d := &Deployed{Name: name, Parameters: map[string]string{}, Imports: map[string][]string{}}
	ds, err := api.DescribeStacks(ctx, &cloudformation.DescribeStacksInput{StackName: aws.String(name)})
	if err != nil {
		return nil, fmt.Errorf("review: describe stack %s: %w", name, err)
	}
	if len(ds.Stacks) != 1 {
		return nil, fmt.Errorf("review: stack %s: DescribeStacks returned %d stacks", name, len(ds.Stacks))
	}
	st := ds.Stacks[0]
	for _, p := range st.Parameters {
		v := aws.ToString(p.ParameterValue)
		if p.ResolvedValue != nil {
			v = aws.ToString(p.ResolvedValue)
		}
		d.Parameters[aws.ToString(p.ParameterKey)] = v
	}
	if a, err := arn.Parse(aws.ToString(st.StackId)); err == nil {
		d.AccountID = a.AccountID
	}
	for stage, dst := range map[cfntypes.TemplateStage]*map[string]any{
		cfntypes.TemplateStageOriginal: &d.Original, cfntypes.TemplateStageProcessed: &d.Processed,
	} {
		out, err := api.GetTemplate(ctx, &cloudformation.GetTemplateInput{StackName: aws.String(name), TemplateStage: stage})
		if err != nil {
			return nil, fmt.Errorf("review: get the %s template of %s: %w", stage, name, err)
		}
		doc, err := template.Decode([]byte(aws.ToString(out.TemplateBody)))
		if err != nil {
			return nil, fmt.Errorf("review: the %s template of %s: %w", stage, name, err)
		}
		*dst = doc
	}
	var exports []string
	for _, o := range st.Outputs {
		if e := aws.ToString(o.ExportName); e != "" {
			exports = append(exports, e)
		}
	}
	sort.Strings(exports)
	for _, e := range exports {
		stacks, err := imports(ctx, api, e)
		if err != nil {
			return nil, fmt.Errorf("review: list the imports of export %s: %w", e, err)
		}
		d.Imports[e] = stacks
	}
	return d, nil
}

// imports lists the stacks importing an export; CloudFormation answers an
// export nobody imports with a ValidationError, which means none.
func imports(ctx context.Context, api CloudFormationAPI, export string) ([]string, error) {
	out := []string{}
	p := cloudformation.NewListImportsPaginator(api, &cloudformation.ListImportsInput{ExportName: aws.String(export)})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		var ae smithy.APIError
		if errors.As(err, &ae) && ae.ErrorCode() == "ValidationError" && strings.Contains(ae.ErrorMessage(), "is not imported by any stack") {
			return out, nil
		}
		if err != nil {
			return nil, err
		}
		out = append(out, page.Imports...)
	}
	sort.Strings(out)
	return out, nil
}
