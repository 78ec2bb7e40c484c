package provision

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
)

// Removed says what Remove deleted, and what it left.
type Removed struct {
	Endpoints      []string
	SecurityGroups []string
	// Left is what the owner still has in the VPC after an error (read
	// again); empty when Remove succeeded.
	Left Owned
}

// Owned are the endpoints and security groups an owner has in a VPC.
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

// ListOwned reads the endpoints (not being deleted) and security groups of
// vpcID that carry owner's tags.
func ListOwned(ctx context.Context, c EC2API, vpcID string, o Owner) (Owned, error) {
	eps, err := ownedEndpoints(ctx, c, vpcID, o)
	if err != nil {
		return Owned{}, err
	}
	groups, err := ownedGroups(ctx, c, vpcID, o)
	return Owned{Endpoints: eps, SecurityGroups: groups}, err
}

// rereadTimeout bounds the read after an error (on a context of its own:
// the error may be the deadline).
const rereadTimeout = 5 * time.Second

// Remove deletes the endpoints and security groups of vpcID that carry
// owner's tags (and nothing else), waiting for the endpoints to go so that
// their security group can be deleted. After any error it reads the owned
// resources again: when nothing is left the removal succeeded (what is
// already gone is success); otherwise the error names what is left, also
// in Removed.Left.
func Remove(ctx context.Context, c EC2API, vpcID string, o Owner, interval time.Duration, step func(string, ...any)) (Removed, error) {
	r, err := remove(ctx, c, vpcID, o, interval, step)
	if err == nil {
		return r, nil
	}
	rctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), rereadTimeout)
	defer cancel()
	left, lerr := ListOwned(rctx, c, vpcID, o)
	if lerr != nil {
		return r, fmt.Errorf("%w (and reading what is left failed: %v)", err, lerr)
	}
	r.Left = left
	if left.Empty() {
		return r, nil
	}
	return r, fmt.Errorf("%w; still there: %s", err, left)
}

func remove(ctx context.Context, c EC2API, vpcID string, o Owner, interval time.Duration, step func(string, ...any)) (Removed, error) {
	var r Removed
	if interval <= 0 {
		interval = defaultPollInterval
	}
	if step == nil {
		step = func(string, ...any) {}
	}
	step("looking for endpoints owned by %s in %s", o.LogicalID, vpcID)
	ids, err := ownedEndpoints(ctx, c, vpcID, o)
	if err != nil {
		return r, err
	}
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

	groups, err := ownedGroups(ctx, c, vpcID, o)
	if err != nil {
		return r, err
	}
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
	return r, nil
}

func ownedEndpoints(ctx context.Context, c EC2API, vpcID string, o Owner) ([]string, error) {
	var ids []string
	p := ec2.NewDescribeVpcEndpointsPaginator(c, &ec2.DescribeVpcEndpointsInput{Filters: o.filters(vpcID)})
	for p.HasMorePages() {
		out, err := p.NextPage(ctx)
		if err != nil {
			return nil, fmt.Errorf("ec2:DescribeVpcEndpoints (owned by %s in %s): %w", o.LogicalID, vpcID, err)
		}
		for _, e := range out.VpcEndpoints {
			// Check the tags again: never delete on the strength of a filter alone.
			st := strings.ToLower(string(e.State))
			if o.owns(e.Tags) && aws.ToString(e.VpcId) == vpcID && st != "deleted" && st != "deleting" {
				ids = append(ids, aws.ToString(e.VpcEndpointId))
			}
		}
	}
	slices.Sort(ids)
	return ids, nil
}

func ownedGroups(ctx context.Context, c EC2API, vpcID string, o Owner) ([]string, error) {
	var ids []string
	p := ec2.NewDescribeSecurityGroupsPaginator(c, &ec2.DescribeSecurityGroupsInput{Filters: o.filters(vpcID)})
	for p.HasMorePages() {
		out, err := p.NextPage(ctx)
		if err != nil {
			return nil, fmt.Errorf("ec2:DescribeSecurityGroups (owned by %s in %s): %w", o.LogicalID, vpcID, err)
		}
		for _, g := range out.SecurityGroups {
			if o.owns(g.Tags) && aws.ToString(g.VpcId) == vpcID {
				ids = append(ids, aws.ToString(g.GroupId))
			}
		}
	}
	slices.Sort(ids)
	return ids, nil
}
