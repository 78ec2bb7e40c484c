package enable

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/arn"
	"github.com/aws/aws-sdk-go-v2/service/cloudformation"
	cfntypes "github.com/aws/aws-sdk-go-v2/service/cloudformation/types"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/quiltdata/quilt-private-endpoints/internal/macroevent"
	"github.com/quiltdata/quilt-private-endpoints/internal/review"
)

// MaxTemplateBody is the largest template CloudFormation takes inline;
// larger ones go through S3 (--s3-bucket), as `aws cloudformation deploy`
// does.
const MaxTemplateBody = 51200

// ChangeSetInfo is step 4's change set.
type ChangeSetInfo struct {
	Name         string `json:"name"`
	ID           string `json:"id"`
	Status       string `json:"status"`
	StatusReason string `json:"statusReason,omitempty"`
	// TemplateURL is where the template was uploaded (no presigning).
	TemplateURL  string                  `json:"templateUrl,omitempty"`
	Changes      int                     `json:"changes"`
	Replacements int                     `json:"replacements"`
	Review       *review.ChangeSetReview `json:"review,omitempty"`

	// input created it and changes are its resource changes: an update
	// run with the stack policy lifted (stackpolicy_lift.go) reads them.
	input   *cloudformation.CreateChangeSetInput
	changes []review.ChangeSetEntry
}

// emptyChangeSet tells CloudFormation's "nothing to change" reasons.
func emptyChangeSet(reason string) bool {
	return strings.Contains(reason, "didn't contain changes") || strings.Contains(reason, "No updates are to be performed")
}

// changeSet is step 4: create the change set (every parameter as deployed,
// the three capabilities), wait for it, and annotate it with the review.
// An empty change set is deleted: nothing to do.
func (r *Result) changeSet(ctx context.Context, sg *Stage, rd *rendering) (*ChangeSetInfo, bool) {
	st := r.stack
	body := rd.Body
	name := r.input.ChangeSetName
	if sg.Name != StageUpdate { // two updates in one run: one change set each
		name += "-" + sg.Name
	}
	in := &cloudformation.CreateChangeSetInput{
		StackName:     aws.String(st.ID),
		ChangeSetName: aws.String(name),
		ChangeSetType: cfntypes.ChangeSetTypeUpdate,
		Description:   aws.String("qpe " + r.command() + ": " + macroevent.MacroName),
		Capabilities: []cfntypes.Capability{cfntypes.CapabilityCapabilityIam, cfntypes.CapabilityCapabilityNamedIam,
			cfntypes.CapabilityCapabilityAutoExpand},
	}
	for _, k := range sortedKeys(rd.Params) {
		p := cfntypes.Parameter{ParameterKey: aws.String(k)}
		if v, given := r.input.Parameters[k]; given {
			p.ParameterValue = aws.String(v)
		} else {
			p.UsePreviousValue = aws.Bool(true)
		}
		in.Parameters = append(in.Parameters, p)
	}
	info := &ChangeSetInfo{Name: name, input: in}
	if len(body) > MaxTemplateBody {
		key := fmt.Sprintf("qpe-%s/%s/%s.json", r.command(), st.Name, name)
		owner, err := st.bucketOwner()
		if err != nil {
			return nil, r.stopped(OutcomeChangeSetFailed, 1, err.Error())
		}
		if _, err := r.clients.S3.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String(r.input.S3Bucket), Key: aws.String(key), Body: bytes.NewReader(body),
			ExpectedBucketOwner: aws.String(owner)}); err != nil {
			return nil, r.stopped(OutcomeChangeSetFailed, 1, fmt.Sprintf("uploading the template to s3://%s/%s (expected owner: the stack's account %s; a bucket of another account is refused): %v", r.input.S3Bucket, key, owner, err))
		}
		info.TemplateURL = fmt.Sprintf("https://%s.s3.%s.amazonaws.com/%s", r.input.S3Bucket, st.Region, key)
		in.TemplateURL = aws.String(info.TemplateURL)
		r.step("template (%d bytes) uploaded to s3://%s/%s", len(body), r.input.S3Bucket, key)
	} else {
		in.TemplateBody = aws.String(string(body))
	}
	out, err := r.clients.CloudFormation.CreateChangeSet(ctx, in)
	if err != nil {
		return nil, r.stopped(OutcomeChangeSetFailed, 1, "creating the change set (cloudformation:CreateChangeSet): "+err.Error())
	}
	info.ID = aws.ToString(out.Id)
	r.ChangeSetID = info.ID
	sg.ChangeSet = info
	r.step("change set %s created; waiting for CloudFormation to compute it", name)
	cs, reason, err := r.waitChangeSet(ctx, info.ID)
	if err != nil {
		return nil, r.stopped(OutcomeChangeSetFailed, 1, fmt.Sprintf("change set %s: %v; it stays on the stack: look at it with `aws cloudformation describe-change-set --stack-name %s --change-set-name %s%s`, delete it with delete-change-set",
			name, err, st.Name, name, r.regionFlag()))
	}
	info.Status, info.StatusReason = cs.Status, reason
	if cs.Status == "FAILED" {
		if emptyChangeSet(reason) {
			_, _ = r.clients.CloudFormation.DeleteChangeSet(ctx, &cloudformation.DeleteChangeSetInput{ChangeSetName: aws.String(info.ID), StackName: aws.String(st.ID)})
			sg.Outcome = OutcomeNothingToDo
			r.observer.ChangeSet(sg)
			r.step("nothing to do: the stack already is what %s makes of it (the empty change set was deleted)", macroevent.MacroName)
			return nil, false
		}
		return nil, r.stopped(OutcomeChangeSetFailed, 1, fmt.Sprintf("CloudFormation could not create change set %s: %s", name, reason))
	}
	info.Changes, info.changes = len(cs.Changes), cs.Changes
	for _, c := range cs.Changes {
		if c.ResourceChange != nil && c.ResourceChange.Replacement == "True" {
			info.Replacements++
		}
	}
	if sg.Plan != nil && sg.Plan.report != nil {
		review.Annotate(sg.Plan.report, cs)
		info.Review = sg.Plan.report.ChangeSet
	}
	r.observer.ChangeSet(sg)
	return info, false
}

// bucketOwner is the account every bucket enable reads or writes must
// belong to (S3's ExpectedBucketOwner): the stack's, from its id. A bucket
// name taken by another account would receive the template and serve it
// back altered, or serve a template of its own.
func (st *deployedStack) bucketOwner() (string, error) {
	a, err := arn.Parse(st.ID)
	if err != nil {
		return "", fmt.Errorf("the stack id %s is not an ARN, so the bucket's owner cannot be pinned: %w", st.ID, err)
	}
	return a.AccountID, nil
}

// waitChangeSet polls DescribeChangeSet until the change set is computed,
// then reads every page of its changes.
func (r *Result) waitChangeSet(ctx context.Context, id string) (*review.ChangeSet, string, error) {
	ctx, cancel := context.WithTimeout(ctx, r.input.ChangeSetTimeout)
	defer cancel()
	for {
		out, err := r.clients.CloudFormation.DescribeChangeSet(ctx, &cloudformation.DescribeChangeSetInput{ChangeSetName: aws.String(id)})
		if err != nil {
			return nil, "", fmt.Errorf("cloudformation:DescribeChangeSet: %w", err)
		}
		switch out.Status {
		case cfntypes.ChangeSetStatusCreateComplete, cfntypes.ChangeSetStatusFailed:
			cs := &review.ChangeSet{ChangeSetName: aws.ToString(out.ChangeSetName), ChangeSetID: aws.ToString(out.ChangeSetId),
				StackName: aws.ToString(out.StackName), Status: string(out.Status), ExecutionStatus: string(out.ExecutionStatus)}
			reason := aws.ToString(out.StatusReason)
			for {
				cs.Changes = append(cs.Changes, changeEntries(out.Changes)...)
				if aws.ToString(out.NextToken) == "" {
					return cs, reason, nil
				}
				if out, err = r.clients.CloudFormation.DescribeChangeSet(ctx, &cloudformation.DescribeChangeSetInput{ChangeSetName: aws.String(id), NextToken: out.NextToken}); err != nil {
					return nil, "", fmt.Errorf("cloudformation:DescribeChangeSet (next page): %w", err)
				}
			}
		}
		if err := sleep(ctx, r.input.Poll); err != nil {
			if errors.Is(err, context.DeadlineExceeded) {
				return nil, "", fmt.Errorf("still %s after %s", out.Status, r.input.ChangeSetTimeout)
			}
			return nil, "", err
		}
	}
}

// changeEntries turns the SDK's changes into review's (the JSON of
// describe-change-set).
func changeEntries(in []cfntypes.Change) []review.ChangeSetEntry {
	var out []review.ChangeSetEntry
	for _, c := range in {
		e := review.ChangeSetEntry{Type: string(c.Type)}
		if rc := c.ResourceChange; rc != nil {
			e.ResourceChange = &review.ResourceChange{Action: string(rc.Action), LogicalResourceID: aws.ToString(rc.LogicalResourceId),
				PhysicalResourceID: aws.ToString(rc.PhysicalResourceId), ResourceType: aws.ToString(rc.ResourceType), Replacement: string(rc.Replacement)}
			for _, s := range rc.Scope {
				e.ResourceChange.Scope = append(e.ResourceChange.Scope, string(s))
			}
			for _, d := range rc.Details {
				cd := review.ChangeDetail{Evaluation: string(d.Evaluation), ChangeSource: string(d.ChangeSource), CausingEntity: aws.ToString(d.CausingEntity)}
				if t := d.Target; t != nil {
					cd.Target = review.ChangeTarget{Attribute: string(t.Attribute), Name: aws.ToString(t.Name), RequiresRecreation: string(t.RequiresRecreation),
						Path: aws.ToString(t.Path), BeforeValue: aws.ToString(t.BeforeValue), AfterValue: aws.ToString(t.AfterValue), AttributeChangeType: string(t.AttributeChangeType)}
				}
				e.ResourceChange.Details = append(e.ResourceChange.Details, cd)
			}
		}
		out = append(out, e)
	}
	return out
}

// sleep waits d or until ctx ends.
func sleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}
