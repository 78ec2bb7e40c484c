package preflightresource

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"regexp"
	"slices"
	"strings"

	"github.com/aws/aws-lambda-go/cfn"
	"github.com/aws/aws-lambda-go/lambdacontext"
	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudformation"
	cfntypes "github.com/aws/aws-sdk-go-v2/service/cloudformation/types"

	"github.com/quiltdata/quilt-private-endpoints/internal/awsid"
	"github.com/quiltdata/quilt-private-endpoints/internal/cfnresponse"
	contract "github.com/quiltdata/quilt-private-endpoints/internal/preflightcontract"
	"github.com/quiltdata/quilt-private-endpoints/internal/provision"
)

// The trust boundary (issue 19): the function acts only on requests
// CloudFormation really sent (the ResponseURL is CloudFormation's response
// bucket; DescribeStackResource confirms the stack, the resource, its
// state and its physical id) and only on resources it recorded itself.

// functionAccount is the account of the function itself (its invoked ARN),
// or "".
func functionAccount(ctx context.Context) string {
	lc, ok := lambdacontext.FromContext(ctx)
	if !ok {
		return ""
	}
	if parts := strings.SplitN(lc.InvokedFunctionArn, ":", 7); len(parts) >= 5 && awsid.Account(parts[4]) {
		return parts[4]
	}
	return ""
}

// stackARN is a parsed arn:<partition>:cloudformation:<region>:<account>:stack/<name>/<id>.
type stackARN struct{ region, account string }

func parseStackARN(s string) (stackARN, bool) {
	parts := strings.SplitN(s, ":", 6)
	if len(parts) != 6 || parts[0] != "arn" || parts[2] != "cloudformation" || !awsid.Account(parts[4]) ||
		!strings.HasPrefix(parts[5], "stack/") || strings.Count(parts[5], "/") != 2 {
		return stackARN{}, false
	}
	return stackARN{region: parts[3], account: parts[4]}, true
}

// Resource statuses by request type: the in-progress states CloudFormation
// is in when it sends the request (rollbacks included).
var confirmingStatus = map[cfn.RequestType][]cfntypes.ResourceStatus{
	cfn.RequestCreate: {cfntypes.ResourceStatusCreateInProgress},
	cfn.RequestUpdate: {cfntypes.ResourceStatusUpdateInProgress, cfntypes.ResourceStatusUpdateRollbackInProgress},
	cfn.RequestDelete: {cfntypes.ResourceStatusDeleteInProgress, cfntypes.ResourceStatusRollbackInProgress, cfntypes.ResourceStatusUpdateRollbackInProgress},
}

// cleanupStatuses are the stack statuses in which CloudFormation deletes
// the physical resource a replacement left behind: the Delete names the old
// physical id while the resource has its new one.
var cleanupStatuses = []cfntypes.StackStatus{cfntypes.StackStatusUpdateCompleteCleanupInProgress, cfntypes.StackStatusUpdateRollbackCompleteCleanupInProgress}

// confirmation is CloudFormation's view of the request.
type confirmation struct {
	// current is the resource's physical id now.
	current string
	// cleanup: a Delete of a replaced physical id (not the current one).
	cleanup bool
}

// notConfirmed says why a request could not be confirmed.
type notConfirmed struct{ why string }

func (e *notConfirmed) Error() string {
	return "the request could not be confirmed with CloudFormation: " + e.why
}

// confirm checks the request with CloudFormation: the stack is in the
// function's own account and Region, and DescribeStackResource of its
// StackId and LogicalResourceId is a Custom::QuiltPrivateEndpoints in the
// state the request implies, with (Update, Delete) the event's physical id
// (or, for a Delete during a replacement's cleanup, another one).
func (h *Handler) confirm(ctx context.Context, log *slog.Logger, ev cfn.Event, c Clients) (confirmation, error) {
	var conf confirmation
	fail := func(format string, args ...any) (confirmation, error) {
		e := &notConfirmed{why: cfnresponse.Scrub(fmt.Sprintf(format, args...), ev.ResponseURL)}
		log.Warn("request not confirmed", "why", e.why)
		return conf, e
	}
	arn, ok := parseStackARN(ev.StackID)
	switch account := functionAccount(ctx); {
	case !ok:
		return fail("StackId %q is not a stack ARN", cut(ev.StackID, 200))
	case account == "":
		return fail("the function's own account is unknown (no invoked function ARN)")
	case arn.account != account || arn.region != c.Region:
		return fail("stack %s is not in the function's account and Region (%s, %s)", cut(ev.StackID, 200), account, c.Region)
	case c.Stacks == nil:
		return fail("no CloudFormation client")
	}
	sctx, cancel := context.WithTimeout(ctx, statusTimeout)
	defer cancel()
	cfnresponse.Step(ctx, "confirming the request with CloudFormation")
	out, err := c.Stacks.DescribeStackResource(sctx, &cloudformation.DescribeStackResourceInput{
		StackName: aws.String(ev.StackID), LogicalResourceId: aws.String(ev.LogicalResourceID)})
	if err != nil {
		return fail("cloudformation:DescribeStackResource %s %s: %v", ev.LogicalResourceID, cut(ev.StackID, 200), err)
	}
	d := out.StackResourceDetail
	if d == nil {
		return fail("cloudformation:DescribeStackResource returned no resource")
	}
	conf.current = aws.ToString(d.PhysicalResourceId)
	switch {
	case aws.ToString(d.StackId) != ev.StackID || aws.ToString(d.LogicalResourceId) != ev.LogicalResourceID:
		return fail("CloudFormation describes %s of %s, not the event's", aws.ToString(d.LogicalResourceId), aws.ToString(d.StackId))
	case aws.ToString(d.ResourceType) != contract.Type:
		return fail("%s is a %s, not a %s", ev.LogicalResourceID, aws.ToString(d.ResourceType), contract.Type)
	}
	status := d.ResourceStatus
	inState := slices.Contains(confirmingStatus[ev.RequestType], status)
	switch ev.RequestType {
	case cfn.RequestCreate:
		if !inState {
			return fail("%s is %s, not being created", ev.LogicalResourceID, status)
		}
	case cfn.RequestUpdate:
		if !inState || conf.current != ev.PhysicalResourceID {
			return fail("%s is %s with physical id %s, not being updated from %s", ev.LogicalResourceID, status, conf.current, ev.PhysicalResourceID)
		}
	case cfn.RequestDelete:
		if inState && (conf.current == ev.PhysicalResourceID || conf.current == "") {
			break
		}
		if conf.current != "" && conf.current != ev.PhysicalResourceID {
			// A replaced physical id is deleted in the cleanup after the update.
			st, err := c.Stacks.DescribeStacks(sctx, &cloudformation.DescribeStacksInput{StackName: aws.String(ev.StackID)})
			if err == nil && len(st.Stacks) == 1 && slices.Contains(cleanupStatuses, st.Stacks[0].StackStatus) {
				conf.cleanup = true
				break
			}
			if err != nil {
				return fail("%s has physical id %s, not %s, and the stack's status could not be read: %v", ev.LogicalResourceID, conf.current, ev.PhysicalResourceID, err)
			}
		}
		return fail("%s is %s with physical id %s, not being deleted as %s", ev.LogicalResourceID, status, conf.current, ev.PhysicalResourceID)
	}
	log.Info("request confirmed", "resource_status", string(status), "cleanup", conf.cleanup)
	return conf, nil
}

// recordedID is the physical id of a create-mode resource: its base id
// (PhysicalID) followed by what it owns and what it shares in the VPC.
func recordedID(base string, rec provision.Record) string {
	return base + ":" + strings.Join(rec.Owned, "+") + ":" + strings.Join(rec.Shared, "+")
}

// baseOf is the first four fields of a physical id (mode, VPC, owner hash).
func baseOf(id string) string {
	parts := strings.SplitN(id, ":", 5)
	if len(parts) < 4 {
		return id
	}
	return strings.Join(parts[:4], ":")
}

// parseRecord reads the record fields of a physical id: nil for an id
// without them (validate mode, or an earlier version), false when they are
// malformed.
func parseRecord(fields []string) (*provision.Record, bool) {
	if len(fields) == 0 {
		return nil, true
	}
	if len(fields) != 2 {
		return nil, false
	}
	var rec provision.Record
	for i, dst := range []*[]string{&rec.Owned, &rec.Shared} {
		if fields[i] == "" {
			continue
		}
		for _, id := range strings.Split(fields[i], "+") {
			if !awsid.Valid(id, "vpce") && !(i == 0 && awsid.Valid(id, "sg")) {
				return nil, false
			}
			*dst = append(*dst, id)
		}
	}
	return &rec, true
}

// idPattern matches the ids of a VPC's layout; cidrPattern its blocks.
var (
	idPattern   = regexp.MustCompile(`\b(?:vpc|subnet|rtb|vpce|sg|nat|igw|eigw|tgw|tgw-attach|pcx|vgw|eni|pl|cgw|lgw|acl|prefix|vpce-svc)-[0-9a-f]{8,17}\b`)
	cidrPattern = regexp.MustCompile(`\b\d{1,3}(?:\.\d{1,3}){3}/\d{1,2}\b`)
)

// onlyNamed rewrites an answer of validate mode so that it names only what
// the request named: any other id of the VPC's layout becomes its kind
// ("rtb-..."), any other CIDR block "<CIDR>". The function's log
// keeps everything (it is the owner's).
func onlyNamed(p Properties, apiID, s string) string {
	named := map[string]bool{p.VpcID: true, apiID: true, p.APIEndpointID: true}
	for _, l := range [][]string{p.SubnetIDs, p.UserSubnets, p.ServiceSubnets, p.ClientCidrs} {
		for _, v := range l {
			named[v] = true
		}
	}
	s = idPattern.ReplaceAllStringFunc(s, func(id string) string {
		if named[id] {
			return id
		}
		return id[:strings.LastIndex(id, "-")] + "-..."
	})
	return cidrPattern.ReplaceAllStringFunc(s, func(c string) string {
		if named[c] {
			return c
		}
		return "<CIDR>"
	})
}

// onlyNamedError applies onlyNamed to an error's text (a *cfnresponse.Failure item by item).
func onlyNamedError(p Properties, apiID string, err error) error {
	var f *cfnresponse.Failure
	if errors.As(err, &f) {
		cp := *f
		cp.Summary = onlyNamed(p, apiID, f.Summary)
		cp.Items = make([]string, len(f.Items))
		for i, it := range f.Items {
			cp.Items[i] = onlyNamed(p, apiID, it)
		}
		return &cp
	}
	return errors.New(onlyNamed(p, apiID, err.Error()))
}
