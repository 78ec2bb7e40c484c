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

// Removed says what Remove deleted.
type Removed struct {
	Endpoints      []string
	SecurityGroups []string
}

// Remove deletes the endpoints and security groups of vpcID that carry
// owner's tags (and nothing else), waiting for the endpoints to go so that
// their security group can be deleted. What is already gone is success.
func Remove(ctx context.Context, c EC2API, vpcID string, o Owner, interval time.Duration, step func(string, ...any)) (Removed, error) {
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
		if err != nil && !strings.Contains(apiCode(err), "NotFound") {
			return r, fmt.Errorf("ec2:DeleteVpcEndpoints %s: %w", strings.Join(ids, ","), err)
		}
		if out != nil {
			for _, u := range out.Unsuccessful {
				code := ""
				msg := ""
				if u.Error != nil {
					code, msg = aws.ToString(u.Error.Code), aws.ToString(u.Error.Message)
				}
				if !strings.Contains(code, "NotFound") {
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
