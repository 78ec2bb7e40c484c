package provision

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	"github.com/aws/aws-sdk-go-v2/service/ec2/types"
)

// Removed says what Remove deleted, kept and left.
type Removed struct {
	Endpoints      []string
	SecurityGroups []string
	// Unshared are another stack's endpoints this one no longer marks as used.
	Unshared []string
	// Kept names each recorded id left on purpose, with why (another stack
	// uses it; it no longer carries this stack's owner tags).
	Kept []string
	// Left is what of the record is still there after an error (read
	// again); empty when Remove succeeded.
	Left Owned
}

// Owned are endpoints and security groups.
type Owned struct {
	Endpoints      []string
	SecurityGroups []string
}

// Empty reports whether nothing is owned.
func (o Owned) Empty() bool { return len(o.Endpoints) == 0 && len(o.SecurityGroups) == 0 }

// String lists the ids, endpoints first.
func (o Owned) String() string {
	return strings.Join(append(slices.Clone(o.Endpoints), o.SecurityGroups...), ", ")
}

// endpointGone are the error codes by which EC2 says a VPC endpoint does not
// exist: only these mean "already deleted" (not any code containing
// NotFound, like InvalidRoute.NotFound).
var endpointGone = []string{"InvalidVpcEndpointId.NotFound", "InvalidVpcEndpoint.NotFound"}

// rereadTimeout bounds the read after an error (on a context of its own:
// the error may be the deadline).
const rereadTimeout = 5 * time.Second

// Remove deletes what rec records in vpcID and nothing else: an owned id
// only while it carries owner's tags, is in the VPC, and (for an endpoint)
// no other stack marked it used (TagUsedByPrefix); the security groups of
// an endpoint it keeps stay too. It removes owner's mark from the shared
// endpoints. After any error it reads the record again: when nothing of it
// is left the removal succeeded (what is already gone is success);
// otherwise the error names what is left, also in Removed.Left.
func Remove(ctx context.Context, c EC2API, vpcID string, o Owner, rec Record, interval time.Duration, step func(string, ...any)) (Removed, error) {
	r, err := remove(ctx, c, vpcID, o, rec, interval, step)
	if err == nil {
		return r, nil
	}
	rctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), rereadTimeout)
	defer cancel()
	eps, _, lerr := recordedEndpoints(rctx, c, vpcID, o, rec)
	var groups []string
	if lerr == nil {
		groups, _, lerr = recordedGroups(rctx, c, vpcID, o, rec, nil)
	}
	if lerr != nil {
		return r, fmt.Errorf("%w (and reading what is left failed: %v)", err, lerr)
	}
	r.Left = Owned{SecurityGroups: groups}
	for _, e := range eps {
		r.Left.Endpoints = append(r.Left.Endpoints, aws.ToString(e.VpcEndpointId))
	}
	if r.Left.Empty() {
		return r, nil
	}
	return r, fmt.Errorf("%w; still there: %s", err, r.Left)
}

func split(ids []string) (endpoints, groups []string) {
	for _, id := range ids {
		switch {
		case strings.HasPrefix(id, "vpce-"):
			endpoints = append(endpoints, id)
		case strings.HasPrefix(id, "sg-"):
			groups = append(groups, id)
		}
	}
	return endpoints, groups
}

// recordedEndpoints reads the recorded endpoints of the VPC that still
// exist: those to delete, and those kept (with why).
func recordedEndpoints(ctx context.Context, c EC2API, vpcID string, o Owner, rec Record) (del []types.VpcEndpoint, kept []string, err error) {
	ids, _ := split(rec.Owned)
	if len(ids) == 0 {
		return nil, nil, nil
	}
	p := ec2.NewDescribeVpcEndpointsPaginator(c, &ec2.DescribeVpcEndpointsInput{Filters: []types.Filter{
		{Name: aws.String("vpc-endpoint-id"), Values: ids}, {Name: aws.String("vpc-id"), Values: []string{vpcID}}}})
	for p.HasMorePages() {
		out, err := p.NextPage(ctx)
		if err != nil {
			return nil, nil, fmt.Errorf("ec2:DescribeVpcEndpoints %s: %w", strings.Join(ids, ","), err)
		}
		for _, e := range out.VpcEndpoints {
			id := aws.ToString(e.VpcEndpointId)
			st := strings.ToLower(string(e.State))
			switch {
			case !slices.Contains(ids, id) || aws.ToString(e.VpcId) != vpcID || st == "deleted" || st == "deleting":
			case !o.owns(e.Tags):
				kept = append(kept, id+" (no longer carries this stack's owner tags)")
			case len(o.users(e.Tags)) > 0:
				kept = append(kept, id+" (still used by "+strings.Join(o.users(e.Tags), ", ")+")")
			default:
				del = append(del, e)
			}
		}
	}
	return del, kept, nil
}

// recordedGroups reads the recorded security groups of the VPC that still
// exist and carry the owner tags (minus those in keep: attached to a kept
// endpoint).
func recordedGroups(ctx context.Context, c EC2API, vpcID string, o Owner, rec Record, keep []string) (del, kept []string, err error) {
	_, ids := split(rec.Owned)
	if len(ids) == 0 {
		return nil, nil, nil
	}
	p := ec2.NewDescribeSecurityGroupsPaginator(c, &ec2.DescribeSecurityGroupsInput{Filters: []types.Filter{
		{Name: aws.String("group-id"), Values: ids}, {Name: aws.String("vpc-id"), Values: []string{vpcID}}}})
	for p.HasMorePages() {
		out, err := p.NextPage(ctx)
		if err != nil {
			return nil, nil, fmt.Errorf("ec2:DescribeSecurityGroups %s: %w", strings.Join(ids, ","), err)
		}
		for _, g := range out.SecurityGroups {
			id := aws.ToString(g.GroupId)
			switch {
			case !slices.Contains(ids, id) || aws.ToString(g.VpcId) != vpcID:
			case !o.owns(g.Tags):
				kept = append(kept, id+" (no longer carries this stack's owner tags)")
			case slices.Contains(keep, id):
				kept = append(kept, id+" (on an endpoint that is kept)")
			default:
				del = append(del, id)
			}
		}
	}
	slices.Sort(del)
	return del, kept, nil
}

func remove(ctx context.Context, c EC2API, vpcID string, o Owner, rec Record, interval time.Duration, step func(string, ...any)) (Removed, error) {
	var r Removed
	if interval <= 0 {
		interval = defaultPollInterval
	}
	if step == nil {
		step = func(string, ...any) {}
	}
	step("reading the endpoints this resource recorded in %s", vpcID)
	eps, kept, err := recordedEndpoints(ctx, c, vpcID, o, rec)
	if err != nil {
		return r, err
	}
	r.Kept = kept
	var ids, keepGroups []string
	for _, e := range eps {
		ids = append(ids, aws.ToString(e.VpcEndpointId))
	}
	// The groups of a kept endpoint stay with it.
	if len(kept) > 0 {
		all, _ := split(rec.Owned)
		for _, e := range all {
			if !slices.Contains(ids, e) {
				keepGroups = append(keepGroups, groupsOf(ctx, c, e)...)
			}
		}
	}
	slices.Sort(ids)
	if len(ids) > 0 {
		step("deleting endpoints %s", strings.Join(ids, ","))
		out, err := c.DeleteVpcEndpoints(ctx, &ec2.DeleteVpcEndpointsInput{VpcEndpointIds: ids})
		if err != nil && !slices.Contains(endpointGone, apiCode(err)) {
			return r, fmt.Errorf("ec2:DeleteVpcEndpoints %s: %w", strings.Join(ids, ","), err)
		}
		if out != nil {
			for _, u := range out.Unsuccessful {
				code := ""
				msg := ""
				if u.Error != nil {
					code, msg = aws.ToString(u.Error.Code), aws.ToString(u.Error.Message)
				}
				if !slices.Contains(endpointGone, code) {
					return r, fmt.Errorf("ec2:DeleteVpcEndpoints %s: %s: %s", aws.ToString(u.ResourceId), code, msg)
				}
			}
		}
		r.Endpoints = ids
	}

	groups, gkept, err := recordedGroups(ctx, c, vpcID, o, rec, keepGroups)
	if err != nil {
		return r, err
	}
	r.Kept = append(r.Kept, gkept...)
	for len(groups) > 0 {
		var left []string
		for _, g := range groups {
			step("deleting security group %s", g)
			_, err := c.DeleteSecurityGroup(ctx, &ec2.DeleteSecurityGroupInput{GroupId: aws.String(g)})
			switch code := apiCode(err); {
			case err == nil || code == "InvalidGroup.NotFound":
				r.SecurityGroups = append(r.SecurityGroups, g)
			case code == "DependencyViolation":
				// The endpoint's network interfaces are still being removed.
				left = append(left, g)
			default:
				return r, fmt.Errorf("ec2:DeleteSecurityGroup %s: %w", g, err)
			}
		}
		groups = left
		if len(groups) == 0 {
			break
		}
		step("waiting for the endpoints to release security groups %s", strings.Join(groups, ","))
		select {
		case <-ctx.Done():
			return r, fmt.Errorf("security groups %s are still in use by deleted endpoints: %w", strings.Join(groups, ","), ctx.Err())
		case <-time.After(interval):
		}
		interval = min(interval*2, maxPollInterval)
	}

	for _, id := range rec.Shared {
		step("removing this stack's mark from %s", id)
		_, err := c.DeleteTags(ctx, &ec2.DeleteTagsInput{Resources: []string{id}, Tags: []types.Tag{{Key: aws.String(o.usedByKey()), Value: aws.String(o.StackID)}}})
		if err != nil && !slices.Contains(endpointGone, apiCode(err)) {
			return r, fmt.Errorf("ec2:DeleteTags %s (this stack's used-by mark): %w", id, err)
		}
		r.Unshared = append(r.Unshared, id)
	}
	return r, nil
}

// groupsOf are the security groups of an endpoint ("" when it cannot be read).
func groupsOf(ctx context.Context, c EC2API, id string) []string {
	out, err := c.DescribeVpcEndpoints(ctx, &ec2.DescribeVpcEndpointsInput{Filters: []types.Filter{{Name: aws.String("vpc-endpoint-id"), Values: []string{id}}}})
	if err != nil {
		return nil
	}
	var gs []string
	for _, e := range out.VpcEndpoints {
		for _, g := range e.Groups {
			gs = append(gs, aws.ToString(g.GroupId))
		}
	}
	return gs
}
