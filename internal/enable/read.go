package enable

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/arn"
	"github.com/aws/aws-sdk-go-v2/service/cloudformation"
	cfntypes "github.com/aws/aws-sdk-go-v2/service/cloudformation/types"
	"github.com/aws/smithy-go"

	"github.com/quiltdata/quilt-private-endpoints/internal/template"
)

// deployedStack is step 1's reading of the live stack.
type deployedStack struct {
	ID, Name             string
	Status, StatusReason string
	Parameters           map[string]string
	Exports              []string // export names of the outputs
	// Outputs are the stack's output values by key.
	Outputs      map[string]string
	Capabilities []string
	// Original is the template as submitted (with its transforms);
	// Processed is what CloudFormation deployed (after them).
	Original, Processed          map[string]any
	Partition, Region, AccountID string
}

// readStack reads the stack's description and both stages of its template.
func readStack(ctx context.Context, cfn CloudFormationAPI, name string) (*deployedStack, error) {
	out, err := cfn.DescribeStacks(ctx, &cloudformation.DescribeStacksInput{StackName: aws.String(name)})
	if err != nil {
		var ae smithy.APIError
		if errors.As(err, &ae) && ae.ErrorCode() == "ValidationError" && strings.Contains(ae.ErrorMessage(), "does not exist") {
			return nil, usagef("stack %s does not exist in this account and Region (check --stack, --region and --profile)", name)
		}
		return nil, usagef("reading stack %s (cloudformation:DescribeStacks): %v", name, err)
	}
	if len(out.Stacks) == 0 {
		return nil, usagef("stack %s does not exist in this account and Region", name)
	}
	s := out.Stacks[0]
	st := &deployedStack{
		ID: aws.ToString(s.StackId), Name: aws.ToString(s.StackName),
		Status: string(s.StackStatus), StatusReason: aws.ToString(s.StackStatusReason),
		Parameters: map[string]string{}, Outputs: map[string]string{},
	}
	for _, p := range s.Parameters {
		st.Parameters[aws.ToString(p.ParameterKey)] = aws.ToString(p.ParameterValue)
	}
	for _, o := range s.Outputs {
		st.Outputs[aws.ToString(o.OutputKey)] = aws.ToString(o.OutputValue)
		if e := aws.ToString(o.ExportName); e != "" {
			st.Exports = append(st.Exports, e)
		}
	}
	for _, c := range s.Capabilities {
		st.Capabilities = append(st.Capabilities, string(c))
	}
	st.Partition, st.Region, st.AccountID = arnParts(st.ID)
	if st.Original, err = getTemplate(ctx, cfn, st.ID, cfntypes.TemplateStageOriginal); err != nil {
		return nil, usagef("reading the template of stack %s: %v", name, err)
	}
	if st.Processed, err = getTemplate(ctx, cfn, st.ID, cfntypes.TemplateStageProcessed); err != nil {
		return nil, usagef("reading the processed template of stack %s: %v", name, err)
	}
	return st, nil
}

func getTemplate(ctx context.Context, cfn CloudFormationAPI, stack string, stage cfntypes.TemplateStage) (map[string]any, error) {
	out, err := cfn.GetTemplate(ctx, &cloudformation.GetTemplateInput{StackName: aws.String(stack), TemplateStage: stage})
	if err != nil {
		return nil, fmt.Errorf("cloudformation:GetTemplate (%s): %w", stage, err)
	}
	body := aws.ToString(out.TemplateBody)
	if strings.TrimSpace(body) == "" {
		return nil, fmt.Errorf("cloudformation:GetTemplate (%s) returned an empty template", stage)
	}
	doc, err := template.Decode([]byte(body))
	if err != nil {
		return nil, fmt.Errorf("the %s template: %w", stage, err)
	}
	return doc, nil
}

// arnParts reads partition, Region and account from a stack ARN.
func arnParts(s string) (partition, region, account string) {
	a, err := arn.Parse(s)
	if err != nil {
		return "aws", "", ""
	}
	return a.Partition, a.Region, a.AccountID
}

// unstable says why a stack cannot be updated now ("" when it can): only a
// stable *_COMPLETE state can take an update.
func unstable(status, reason, stack string) string {
	why := ""
	if reason != "" {
		why = " (" + reason + ")"
	}
	switch {
	case status == "UPDATE_ROLLBACK_FAILED":
		return fmt.Sprintf("stack %s is UPDATE_ROLLBACK_FAILED%s: it cannot be updated until its rollback completes. Fix: `aws cloudformation continue-update-rollback --stack-name %s` (add --resources-to-skip for the resources whose rollback failed), then run qpe enable again", stack, why, stack)
	case status == "REVIEW_IN_PROGRESS":
		return fmt.Sprintf("stack %s is REVIEW_IN_PROGRESS: it was never created, only a change set to create it exists. Fix: execute or delete that change set first", stack)
	case strings.HasSuffix(status, "_IN_PROGRESS"):
		return fmt.Sprintf("stack %s is %s: another operation is running. Wait for it (`aws cloudformation describe-stacks --stack-name %s`), then run qpe enable again", stack, status, stack)
	case status == "ROLLBACK_COMPLETE", status == "ROLLBACK_FAILED", status == "CREATE_FAILED":
		return fmt.Sprintf("stack %s is %s%s: its creation failed, and CloudFormation cannot update it. Fix: delete the stack and create it again", stack, status, why)
	case strings.HasPrefix(status, "DELETE_"):
		return fmt.Sprintf("stack %s is %s: it is being or has been deleted", stack, status)
	case status == "UPDATE_FAILED", status == "IMPORT_ROLLBACK_FAILED":
		return fmt.Sprintf("stack %s is %s%s: a previous operation failed and was not rolled back. Fix: `aws cloudformation rollback-stack --stack-name %s` or repair it, then run qpe enable again", stack, status, why, stack)
	case !strings.HasSuffix(status, "_COMPLETE"):
		return fmt.Sprintf("stack %s is %s%s: not a stable *_COMPLETE state", stack, status, why)
	}
	return ""
}
