package enable

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/quiltdata/quilt-private-endpoints/internal/livestack"
)

// deployedStack is step 1's reading of the live stack (internal/livestack).
type deployedStack struct {
	ID, Name             string
	Status, StatusReason string
	// Parameters are the values the stack runs with (for a Systems Manager
	// parameter type, the value resolved at the last deploy): what the
	// render, the plan and the network check use. The change set keeps each
	// parameter with UsePreviousValue, which CloudFormation resolves again.
	Parameters map[string]string
	Exports    []string // export names of the outputs
	// Outputs are the stack's output values by key.
	Outputs      map[string]string
	Capabilities []string
	// Original is the template as submitted (with its transforms);
	// Processed is what CloudFormation deployed (after them).
	Original, Processed          map[string]any
	Partition, Region, AccountID string
	// Imports maps each export to the stacks importing it; ImportsErr says
	// why they could not be read (step 3 reports it).
	Imports    map[string][]string
	ImportsErr error
}

// readStack reads the stack's description, both stages of its template and
// who imports its exports, with the one live-stack reader.
func readStack(ctx context.Context, cfn CloudFormationAPI, name string) (*deployedStack, error) {
	s, err := livestack.Read(ctx, cfn, name, livestack.Options{Parts: livestack.Original | livestack.Processed | livestack.Imports})
	if errors.Is(err, livestack.ErrNotFound) {
		return nil, usagef("stack %s does not exist in this account and Region (check --stack, --region and --profile)", name)
	}
	if err != nil {
		return nil, usagef("reading stack %s (cloudformation:DescribeStacks): %v", name, err)
	}
	st := &deployedStack{
		ID: s.ID, Name: s.Name, Status: s.Status, StatusReason: s.StatusReason,
		Parameters: s.Resolved(), Exports: s.Exports(), Capabilities: s.Capabilities,
		Original: s.Original, Processed: s.Processed,
		Partition: s.Partition, Region: s.Region, AccountID: s.AccountID,
		Imports: s.Imports, ImportsErr: s.Err(livestack.Imports),
		Outputs: map[string]string{},
	}
	for _, o := range s.Outputs {
		st.Outputs[o.Key] = o.Value
	}
	for _, t := range []struct {
		part livestack.Part
		what string
		doc  map[string]any
	}{{livestack.Original, "template", st.Original}, {livestack.Processed, "processed template", st.Processed}} {
		if err := s.Err(t.part); err != nil {
			return nil, usagef("reading the %s of stack %s: %v", t.what, name, err)
		}
		if t.doc == nil {
			return nil, usagef("reading the %s of stack %s: cloudformation:GetTemplate returned an empty template", t.what, name)
		}
	}
	return st, nil
}

// unstable says why a stack cannot be updated now ("" when it can): only a
// stable *_COMPLETE state can take an update.
func unstable(status, reason, stack, cmd string) string {
	why := ""
	if reason != "" {
		why = " (" + reason + ")"
	}
	switch {
	case status == "UPDATE_ROLLBACK_FAILED":
		return fmt.Sprintf("stack %s is UPDATE_ROLLBACK_FAILED%s: it cannot be updated until its rollback completes. Fix: `aws cloudformation continue-update-rollback --stack-name %s` (add --resources-to-skip for the resources whose rollback failed), then run qpe %s again", stack, why, stack, cmd)
	case status == "REVIEW_IN_PROGRESS":
		return fmt.Sprintf("stack %s is REVIEW_IN_PROGRESS: it was never created, only a change set to create it exists. Fix: execute or delete that change set first", stack)
	case strings.HasSuffix(status, "_IN_PROGRESS"):
		return fmt.Sprintf("stack %s is %s: another operation is running. Wait for it (`aws cloudformation describe-stacks --stack-name %s`), then run qpe %s again", stack, status, stack, cmd)
	case status == "ROLLBACK_COMPLETE", status == "ROLLBACK_FAILED", status == "CREATE_FAILED":
		return fmt.Sprintf("stack %s is %s%s: its creation failed, and CloudFormation cannot update it. Fix: delete the stack and create it again", stack, status, why)
	case strings.HasPrefix(status, "DELETE_"):
		return fmt.Sprintf("stack %s is %s: it is being or has been deleted", stack, status)
	case status == "UPDATE_FAILED", status == "IMPORT_ROLLBACK_FAILED":
		return fmt.Sprintf("stack %s is %s%s: a previous operation failed and was not rolled back. Fix: `aws cloudformation rollback-stack --stack-name %s` or repair it, then run qpe %s again", stack, status, why, stack, cmd)
	case !strings.HasSuffix(status, "_COMPLETE"):
		return fmt.Sprintf("stack %s is %s%s: not a stable *_COMPLETE state", stack, status, why)
	}
	return ""
}
