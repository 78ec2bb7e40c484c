package livestack

import (
	"context"
	"errors"
	"reflect"
	"slices"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/retry"
	"github.com/aws/aws-sdk-go-v2/service/cloudformation"

	"github.com/quiltdata/quilt-private-endpoints/internal/stackfake"
)

func scenario() *stackfake.Scenario {
	return &stackfake.Scenario{
		PageSize: 100, Region: "us-east-1", Account: "123456789012",
		Stack: stackfake.Stack{
			Name: "quilt", Status: "UPDATE_COMPLETE",
			Parameters:         map[string]string{"VPC": "/quilt/vpc", "Subnets": "subnet-0123456789abcdef0"},
			ResolvedParameters: map[string]string{"VPC": "vpc-0123456789abcdef0"},
			Outputs:            map[string]string{"Bucket": "quilt-data", "Url": "https://x"},
			Exports:            map[string]string{"Bucket": "quilt-Bucket"},
			Imports:            map[string][]string{"quilt-Bucket": {"users", "analytics"}},
			Template:           map[string]any{"Resources": map[string]any{"Fn": map[string]any{"Type": "AWS::Lambda::Function"}}},
			OriginalTemplate:   map[string]any{"Transform": "Other", "Resources": map[string]any{"Fn": map[string]any{"Type": "AWS::Lambda::Function"}}},
			Resources:          []stackfake.Resource{{LogicalID: "Fn", Type: "AWS::Lambda::Function", PhysicalID: "quilt-Fn", Status: "UPDATE_COMPLETE"}},
		},
	}
}

func client(t *testing.T, scn *stackfake.Scenario) (*cloudformation.Client, *stackfake.Server) {
	t.Helper()
	srv := stackfake.Start(scn)
	t.Cleanup(srv.Close)
	return cloudformation.NewFromConfig(aws.Config{
		Region: "us-east-1", Credentials: aws.AnonymousCredentials{}, BaseEndpoint: aws.String(srv.URL()),
		Retryer: func() aws.Retryer {
			return retry.NewStandard(func(o *retry.StandardOptions) { o.MaxAttempts = 1 })
		},
	}), srv
}

// TestRead: every part, parameters with both values, the calls made.
func TestRead(t *testing.T) {
	api, srv := client(t, scenario())
	s, err := Read(context.Background(), api, "quilt", Options{Parts: Original | Processed | Imports | Resources})
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Errs(); err != nil {
		t.Fatal(err)
	}
	if s.Name != "quilt" || s.Status != "UPDATE_COMPLETE" || s.Region != "us-east-1" || s.AccountID != "123456789012" || s.Partition != "aws" {
		t.Errorf("description %+v", s)
	}
	if got := s.Resolved(); !reflect.DeepEqual(got, map[string]string{"VPC": "vpc-0123456789abcdef0", "Subnets": "subnet-0123456789abcdef0"}) {
		t.Errorf("resolved %v", got)
	}
	if got := s.Submitted(); got["VPC"] != "/quilt/vpc" {
		t.Errorf("submitted %v", got)
	}
	if got := s.Exports(); !slices.Equal(got, []string{"quilt-Bucket"}) {
		t.Errorf("exports %v", got)
	}
	if got := s.Imports; !reflect.DeepEqual(got, map[string][]string{"quilt-Bucket": {"analytics", "users"}}) {
		t.Errorf("imports %v", got)
	}
	if s.Original["Transform"] != "Other" || s.Processed["Transform"] != nil || s.Processed["Resources"] == nil {
		t.Errorf("templates %v / %v", s.Original, s.Processed)
	}
	if len(s.Resources) != 1 || s.Resources[0] != (Resource{LogicalID: "Fn", PhysicalID: "quilt-Fn", Type: "AWS::Lambda::Function", Status: "UPDATE_COMPLETE", LastUpdated: s.Resources[0].LastUpdated}) {
		t.Errorf("resources %+v", s.Resources)
	}
	want := map[string]int{"cloudformation:DescribeStacks": 1, "cloudformation:GetTemplate": 2, "cloudformation:ListImports": 1, "cloudformation:ListStackResources": 1}
	if got := srv.Calls(); !reflect.DeepEqual(got, want) {
		t.Errorf("calls %v, want %v", got, want)
	}
}

// TestParts: only the parts asked for are read.
func TestParts(t *testing.T) {
	for _, tc := range []struct {
		parts Part
		calls map[string]int
	}{
		{0, map[string]int{"cloudformation:DescribeStacks": 1}},
		{Processed | Resources, map[string]int{"cloudformation:DescribeStacks": 1, "cloudformation:GetTemplate": 1, "cloudformation:ListStackResources": 1}},
		{Imports, map[string]int{"cloudformation:DescribeStacks": 1, "cloudformation:ListImports": 1}},
	} {
		api, srv := client(t, scenario())
		s, err := Read(context.Background(), api, "quilt", Options{Parts: tc.parts})
		if err != nil {
			t.Fatal(err)
		}
		if got := srv.Calls(); !reflect.DeepEqual(got, tc.calls) {
			t.Errorf("parts %b: calls %v, want %v", tc.parts, got, tc.calls)
		}
		if (tc.parts&Original == 0) != (s.Original == nil) || (tc.parts&Resources == 0) != (s.Resources == nil) {
			t.Errorf("parts %b: read %v %v", tc.parts, s.Original, s.Resources)
		}
	}
}

// TestErrors: a missing stack is ErrNotFound; a part that fails is that
// part's error and the rest is read; a template that does not decode is
// ErrDecode; an empty template is nil, not an error.
func TestErrors(t *testing.T) {
	api, _ := client(t, scenario())
	if _, err := Read(context.Background(), api, "nope", Options{}); !errors.Is(err, ErrNotFound) {
		t.Errorf("missing stack: %v", err)
	}

	scn := scenario()
	scn.Faults = []stackfake.Fault{{Service: "cloudformation", Operation: "ListStackResources", Status: 403, Code: "AccessDenied", Message: "no"}}
	api, _ = client(t, scn)
	s, err := Read(context.Background(), api, "quilt", Options{Parts: Processed | Resources})
	if err != nil {
		t.Fatal(err)
	}
	if s.Err(Resources) == nil || s.Err(Processed) != nil || s.Processed == nil || s.Errs() == nil {
		t.Errorf("part errors: %v / %v", s.Err(Resources), s.Err(Processed))
	}

	scn = scenario()
	scn.Stack.Template = "{not json"
	scn.Stack.OriginalTemplate = nil
	api, _ = client(t, scn)
	if s, err = Read(context.Background(), api, "quilt", Options{Parts: Processed}); err != nil || !errors.Is(s.Err(Processed), ErrDecode) {
		t.Errorf("undecodable: %v %v", err, s.Err(Processed))
	}

	scn = scenario()
	scn.Stack.Template, scn.Stack.OriginalTemplate = nil, nil
	api, _ = client(t, scn)
	if s, err = Read(context.Background(), api, "quilt", Options{Parts: Processed}); err != nil || s.Err(Processed) != nil || s.Processed != nil {
		t.Errorf("empty: %v %v %v", err, s.Err(Processed), s.Processed)
	}
}
