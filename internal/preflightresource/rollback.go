package preflightresource

import (
	"context"
	"fmt"
	"log/slog"
	"maps"
	"reflect"
	"time"

	"github.com/aws/aws-lambda-go/cfn"
	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudformation"
	cfntypes "github.com/aws/aws-sdk-go-v2/service/cloudformation/types"

	"github.com/quiltdata/quilt-private-endpoints/internal/cfnresponse"
	contract "github.com/quiltdata/quilt-private-endpoints/internal/preflightcontract"
)

// StackAPI is the part of *cloudformation.Client the function uses on the
// event's own stack: DescribeStackResource confirms the request (trust.go),
// DescribeStacks detects a rollback or a replacement's cleanup.
type StackAPI interface {
	DescribeStacks(ctx context.Context, in *cloudformation.DescribeStacksInput, optFns ...func(*cloudformation.Options)) (*cloudformation.DescribeStacksOutput, error)
	DescribeStackResource(ctx context.Context, in *cloudformation.DescribeStackResourceInput, optFns ...func(*cloudformation.Options)) (*cloudformation.DescribeStackResourceOutput, error)
}

// statusTimeout bounds the DescribeStacks of the rollback detection.
const statusTimeout = 5 * time.Second

// rollback says why an Update must not fail, or "". When a later resource
// fails, CloudFormation rolls back and sends this resource an Update with
// its previous properties; a FAILED answer then leaves the stack in
// UPDATE_ROLLBACK_FAILED (and a broken network is a likely reason for the
// first failure). So an Update while the stack is UPDATE_ROLLBACK_IN_PROGRESS
// never fails; when the status cannot be read, an Update whose properties
// are the ones the resource already has (OldResourceProperties, the
// Fingerprint and the macro's warnings aside) does not fail either: its
// network was accepted before.
func (h *Handler) rollback(ctx context.Context, log *slog.Logger, r request, c Clients) (why string, rollingBack bool) {
	if r.ev.RequestType != cfn.RequestUpdate || c.Stacks == nil {
		return "", false
	}
	sctx, cancel := context.WithTimeout(ctx, statusTimeout)
	defer cancel()
	cfnresponse.Step(ctx, "reading the status of the stack")
	out, err := c.Stacks.DescribeStacks(sctx, &cloudformation.DescribeStacksInput{StackName: aws.String(r.ev.StackID)})
	if err == nil && len(out.Stacks) != 1 {
		err = fmt.Errorf("DescribeStacks returned %d stacks", len(out.Stacks))
	}
	if err == nil {
		st := out.Stacks[0].StackStatus
		log.Info("stack status", "status", string(st))
		if st == cfntypes.StackStatusUpdateRollbackInProgress {
			return fmt.Sprintf("the stack is rolling back (%s)", st), true
		}
		return "", false
	}
	log.Warn("the stack's status could not be read", "error", cfnresponse.Scrub(err.Error(), r.ev.ResponseURL))
	if sameNetwork(r.ev.ResourceProperties, r.ev.OldResourceProperties) {
		return "the stack's status could not be read (cloudformation:DescribeStacks: " + cfnresponse.Scrub(err.Error(), r.ev.ResponseURL) +
			") and the properties are the ones the resource already has, as in a rollback", false
	}
	return "", false
}

// sameNetwork reports whether two property sets ask for the same check:
// equal but for the Fingerprint and the macro's warnings.
func sameNetwork(a, b map[string]any) bool {
	if b == nil {
		return false
	}
	strip := func(m map[string]any) map[string]any {
		m = maps.Clone(m)
		delete(m, contract.PropFingerprint)
		delete(m, contract.PropWarnings)
		return m
	}
	return reflect.DeepEqual(strip(a), strip(b))
}

// notFailing turns the answer of a rollback's Update into SUCCESS: the
// failure is logged and summarised in Data, with Rollback "true" (or
// "likely" when the stack's status could not be read).
func notFailing(log *slog.Logger, why string, rollingBack bool, res cfnresponse.Result, err error) cfnresponse.Result {
	d := map[string]any{contract.AttrAPIEndpointID: "", contract.AttrS3GatewayID: ""}
	maps.Copy(d, res.Data)
	label, flag := "ROLLBACK", "true"
	if !rollingBack {
		label, flag = "LIKELY ROLLBACK", "likely"
	}
	d[contract.AttrRollback] = flag
	summary, _ := d[contract.AttrSummary].(string)
	if err != nil {
		log.Warn("rollback: the preflight does not fail a rollback", "why", why, "error", err.Error())
		summary = label + ", not failed (" + why + "): " + err.Error()
	} else {
		log.Info("rollback: the checks passed", "why", why)
		summary = label + " (" + why + "): " + summary
	}
	d[contract.AttrSummary] = cut(summary, maxSummary)
	res.Data = d
	return res
}
