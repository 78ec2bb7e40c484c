// Package livestack is the one reader of a live CloudFormation stack, used
// by `qpe enable`, `qpe review --stack` and `qpe verify`: its description
// (status, capabilities, parameters with their submitted and resolved
// values, outputs and their exports), both stages of its template, who
// imports its exports, and its resources. Each caller asks for the parts it
// needs; the calls run concurrently under one bound (internal/fanout).
//
// Parameters: CloudFormation keeps the value a parameter was given
// (ParameterValue) and, for Systems Manager parameter types
// (AWS::SSM::Parameter::Value<...>), the value it resolved at the last
// deploy (ResolvedValue). Stack.Resolved is what the stack runs with, and
// what every check, plan and render uses (a VPC given as /quilt/vpc is the
// vpc-... it names); Stack.Submitted is what an update with
// UsePreviousValue keeps (the SSM parameter's name, resolved again at the
// update).
package livestack

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/arn"
	"github.com/aws/aws-sdk-go-v2/service/cloudformation"
	cfntypes "github.com/aws/aws-sdk-go-v2/service/cloudformation/types"
	"github.com/aws/smithy-go"

	"github.com/quiltdata/quilt-private-endpoints/internal/fanout"
	"github.com/quiltdata/quilt-private-endpoints/internal/template"
)

// API is the part of *cloudformation.Client the reader calls (read-only).
type API interface {
	DescribeStacks(ctx context.Context, in *cloudformation.DescribeStacksInput, optFns ...func(*cloudformation.Options)) (*cloudformation.DescribeStacksOutput, error)
	GetTemplate(ctx context.Context, in *cloudformation.GetTemplateInput, optFns ...func(*cloudformation.Options)) (*cloudformation.GetTemplateOutput, error)
	ListImports(ctx context.Context, in *cloudformation.ListImportsInput, optFns ...func(*cloudformation.Options)) (*cloudformation.ListImportsOutput, error)
	ListStackResources(ctx context.Context, in *cloudformation.ListStackResourcesInput, optFns ...func(*cloudformation.Options)) (*cloudformation.ListStackResourcesOutput, error)
}

// Part is a part of a stack beyond its description (DescribeStacks, always
// read).
type Part uint8

// Parts a caller may ask for.
const (
	// Original is the template as submitted, before macros (GetTemplate).
	Original Part = 1 << iota
	// Processed is the template CloudFormation runs, after macros.
	Processed
	// Imports are the stacks importing each export (ListImports).
	Imports
	// Resources are the stack's resources (ListStackResources).
	Resources
)

// String names the part by the call that reads it.
func (p Part) String() string {
	switch p {
	case Original:
		return "the original template (cloudformation:GetTemplate)"
	case Processed:
		return "the processed template (cloudformation:GetTemplate)"
	case Imports:
		return "the imports of the stack's exports (cloudformation:ListImports)"
	case Resources:
		return "the stack's resources (cloudformation:ListStackResources)"
	}
	return fmt.Sprintf("part %d", uint8(p))
}

// ErrNotFound is returned (wrapped) when the stack does not exist.
var ErrNotFound = errors.New("stack not found")

// ErrDecode wraps a template that GetTemplate returned but that cannot be
// decoded.
var ErrDecode = errors.New("cannot decode it")

// Parameter is one parameter of the stack.
type Parameter struct {
	Key string
	// Value is the value given (for an SSM parameter type, the name of the
	// Systems Manager parameter).
	Value string
	// Resolved is the value the stack runs with: ResolvedValue for an SSM
	// parameter type, else Value.
	Resolved string
}

// Output is one output of the stack.
type Output struct {
	Key, Value string
	// Export is its export name ("" when not exported).
	Export string
}

// Resource is one resource of the stack.
type Resource struct {
	LogicalID, PhysicalID, Type, Status string
	LastUpdated                         time.Time
}

// Stack is what Read found.
type Stack struct {
	ID, Name             string
	Status, StatusReason string
	// Partition, Region and AccountID are read from the stack id.
	Partition, Region, AccountID string
	Capabilities                 []string
	Parameters                   []Parameter
	Outputs                      []Output
	// Original and Processed are the two stages of the template (nil when
	// not asked for, not read, or GetTemplate returned an empty body).
	Original, Processed map[string]any
	// Imports maps each export name to the stacks importing it, sorted
	// (empty when none does).
	Imports   map[string][]string
	Resources []Resource

	errs map[Part]error
}

// Options say what to read.
type Options struct {
	// Parts beyond the description.
	Parts Part
	// Limit bounds the calls in flight (default 4).
	Limit int
}

// Read reads the stack name (a name or an id) with the parts asked for. It
// returns an error only when the description cannot be read (wrapping
// ErrNotFound when the stack does not exist); a part that could not be
// read is Stack.Err(part), and Stack.Errs joins them.
func Read(ctx context.Context, api API, name string, o Options) (*Stack, error) {
	limit := o.Limit
	if limit <= 0 {
		limit = 4
	}
	s := &Stack{errs: map[Part]error{}}
	var mu sync.Mutex // guards s's parts written by the tasks
	const describe Part = 0
	g := fanout.New[Part](ctx, limit)
	g.Go(describe, func(ctx context.Context) error {
		out, err := api.DescribeStacks(ctx, &cloudformation.DescribeStacksInput{StackName: aws.String(name)})
		if isMissing(err) {
			return fmt.Errorf("%w: %s: %w", ErrNotFound, name, err)
		}
		if err != nil {
			return err
		}
		if len(out.Stacks) != 1 {
			return fmt.Errorf("%w: %s (DescribeStacks returned %d stacks)", ErrNotFound, name, len(out.Stacks))
		}
		mu.Lock()
		describeInto(s, out.Stacks[0])
		exports := s.Exports()
		mu.Unlock()
		if o.Parts&Imports != 0 {
			s.Imports = map[string][]string{}
			for _, e := range exports {
				g.Go(Imports, func(ctx context.Context) error {
					stacks, err := importers(ctx, api, e)
					if err != nil {
						return fmt.Errorf("export %s: %w", e, err)
					}
					mu.Lock()
					s.Imports[e] = stacks
					mu.Unlock()
					return nil
				})
			}
		}
		return nil
	})
	for _, st := range []struct {
		part  Part
		stage cfntypes.TemplateStage
		dst   *map[string]any
	}{{Original, cfntypes.TemplateStageOriginal, &s.Original}, {Processed, cfntypes.TemplateStageProcessed, &s.Processed}} {
		if o.Parts&st.part == 0 {
			continue
		}
		g.Go(st.part, func(ctx context.Context) error {
			out, err := api.GetTemplate(ctx, &cloudformation.GetTemplateInput{StackName: aws.String(name), TemplateStage: st.stage})
			if err != nil {
				return err
			}
			body := aws.ToString(out.TemplateBody)
			if strings.TrimSpace(body) == "" {
				return nil
			}
			doc, err := template.Decode([]byte(body))
			if err != nil {
				return fmt.Errorf("%w: %w", ErrDecode, err)
			}
			mu.Lock()
			*st.dst = doc
			mu.Unlock()
			return nil
		})
	}
	if o.Parts&Resources != 0 {
		g.Go(Resources, func(ctx context.Context) error {
			var rs []Resource
			p := cloudformation.NewListStackResourcesPaginator(api, &cloudformation.ListStackResourcesInput{StackName: aws.String(name)})
			for p.HasMorePages() {
				page, err := p.NextPage(ctx)
				if err != nil {
					return err
				}
				for _, r := range page.StackResourceSummaries {
					rs = append(rs, Resource{
						LogicalID: aws.ToString(r.LogicalResourceId), PhysicalID: aws.ToString(r.PhysicalResourceId),
						Type: aws.ToString(r.ResourceType), Status: string(r.ResourceStatus),
						LastUpdated: aws.ToTime(r.LastUpdatedTimestamp),
					})
				}
			}
			mu.Lock()
			s.Resources = rs
			mu.Unlock()
			return nil
		})
	}
	for _, p := range g.Wait() {
		if p != describe {
			s.errs[p] = g.Err(p)
		}
	}
	if err := g.Err(describe); err != nil {
		return nil, err
	}
	return s, nil
}

// describeInto copies DescribeStacks' answer.
func describeInto(s *Stack, st cfntypes.Stack) {
	s.ID, s.Name = aws.ToString(st.StackId), aws.ToString(st.StackName)
	s.Status, s.StatusReason = string(st.StackStatus), aws.ToString(st.StackStatusReason)
	s.Partition = "aws"
	if a, err := arn.Parse(s.ID); err == nil {
		s.Partition, s.Region, s.AccountID = a.Partition, a.Region, a.AccountID
	}
	for _, c := range st.Capabilities {
		s.Capabilities = append(s.Capabilities, string(c))
	}
	for _, p := range st.Parameters {
		v := aws.ToString(p.ParameterValue)
		r := v
		if p.ResolvedValue != nil {
			r = aws.ToString(p.ResolvedValue)
		}
		s.Parameters = append(s.Parameters, Parameter{Key: aws.ToString(p.ParameterKey), Value: v, Resolved: r})
	}
	for _, o := range st.Outputs {
		s.Outputs = append(s.Outputs, Output{Key: aws.ToString(o.OutputKey), Value: aws.ToString(o.OutputValue), Export: aws.ToString(o.ExportName)})
	}
}

// Resolved maps each parameter to the value the stack runs with (for an
// SSM parameter type, the value resolved at the last deploy): the value
// for checks, plans and renders.
func (s *Stack) Resolved() map[string]string {
	out := make(map[string]string, len(s.Parameters))
	for _, p := range s.Parameters {
		out[p.Key] = p.Resolved
	}
	return out
}

// Submitted maps each parameter to the value it was given: what an update
// with UsePreviousValue keeps.
func (s *Stack) Submitted() map[string]string {
	out := make(map[string]string, len(s.Parameters))
	for _, p := range s.Parameters {
		out[p.Key] = p.Value
	}
	return out
}

// Exports lists the export names of the stack's outputs, sorted.
func (s *Stack) Exports() []string {
	var out []string
	for _, o := range s.Outputs {
		if o.Export != "" {
			out = append(out, o.Export)
		}
	}
	slices.Sort(out)
	return out
}

// Err is the error reading part (nil when it was read or not asked for).
func (s *Stack) Err(p Part) error { return s.errs[p] }

// Errs joins the errors of every part that could not be read, each named
// by its part, in the order of the parts.
func (s *Stack) Errs() error {
	var errs []error
	for _, p := range []Part{Original, Processed, Imports, Resources} {
		if err := s.errs[p]; err != nil {
			errs = append(errs, fmt.Errorf("%s: %w", p, err))
		}
	}
	return errors.Join(errs...)
}

// importers lists the stacks importing an export, sorted; CloudFormation
// answers an export nobody imports with a ValidationError, which means
// none.
func importers(ctx context.Context, api API, export string) ([]string, error) {
	out := []string{}
	p := cloudformation.NewListImportsPaginator(api, &cloudformation.ListImportsInput{ExportName: aws.String(export)})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		var ae smithy.APIError
		if errors.As(err, &ae) && ae.ErrorCode() == "ValidationError" && strings.Contains(ae.ErrorMessage(), "is not imported by any stack") {
			break
		}
		if err != nil {
			return nil, err
		}
		out = append(out, page.Imports...)
	}
	slices.Sort(out)
	return out, nil
}

// isMissing recognises CloudFormation's answer for a missing stack:
// ValidationError "Stack with id X does not exist".
func isMissing(err error) bool {
	var ae smithy.APIError
	return errors.As(err, &ae) && ae.ErrorCode() == "ValidationError" && strings.Contains(ae.ErrorMessage(), "does not exist")
}
