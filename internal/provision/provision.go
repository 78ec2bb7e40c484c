// Package provision creates the VPC endpoints a Quilt stack with private
// endpoints needs when they are missing: an execute-api interface endpoint
// (private DNS on, one subnet per Availability Zone of the given subnets, a
// new security group allowing TCP 443 from the VPC's CIDR blocks) and an S3
// gateway endpoint on the subnets' effective route tables.
//
// Everything it creates carries owner tags (the stack id and logical id of
// the custom resource) and is created idempotently: CreateVpcEndpoint gets a
// client token derived from the owner, the VPC, the purpose and the
// parameters, and the security group has a deterministic name. It never
// modifies a resource it did not create: an existing customer S3 gateway
// endpoint that lacks a route table is left alone (the checks report it).
// It works only in a VPC its owner opted in (TagAllowCreate). What it
// creates is recorded (Record, kept in the custom resource's physical id);
// Remove deletes only recorded ids that still carry the owner tags and that
// no other stack marked as used.
package provision

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	"github.com/aws/aws-sdk-go-v2/service/ec2/types"
	"github.com/quiltdata/quilt-private-endpoints/internal/awserr"
	"github.com/quiltdata/quilt-private-endpoints/internal/fanout"
	"github.com/quiltdata/quilt-private-endpoints/internal/vpcrules"
)

// Owner tag keys.
const (
	TagStackID   = "quilt-private-endpoints:stack-id"
	TagLogicalID = "quilt-private-endpoints:logical-id"
	TagPurpose   = "quilt-private-endpoints:purpose"
)

// Purposes (values of TagPurpose).
const (
	PurposeAPIEndpoint   = "execute-api-endpoint"
	PurposeAPIGroup      = "execute-api-security-group"
	PurposeS3Gateway     = "s3-gateway-endpoint"
	defaultPollInterval  = 500 * time.Millisecond
	maxPollInterval      = 10 * time.Second
	stateAvailable       = "available"
	endpointTypeIface    = "Interface"
	endpointTypeGateway  = "Gateway"
	securityGroupNameFmt = "qpe-execute-api-%s"
)

// EC2API is the part of *ec2.Client provisioning uses.
type EC2API interface {
	vpcrules.EC2Reader
	CreateSecurityGroup(ctx context.Context, in *ec2.CreateSecurityGroupInput, optFns ...func(*ec2.Options)) (*ec2.CreateSecurityGroupOutput, error)
	AuthorizeSecurityGroupIngress(ctx context.Context, in *ec2.AuthorizeSecurityGroupIngressInput, optFns ...func(*ec2.Options)) (*ec2.AuthorizeSecurityGroupIngressOutput, error)
	CreateVpcEndpoint(ctx context.Context, in *ec2.CreateVpcEndpointInput, optFns ...func(*ec2.Options)) (*ec2.CreateVpcEndpointOutput, error)
	ModifyVpcEndpoint(ctx context.Context, in *ec2.ModifyVpcEndpointInput, optFns ...func(*ec2.Options)) (*ec2.ModifyVpcEndpointOutput, error)
	DeleteVpcEndpoints(ctx context.Context, in *ec2.DeleteVpcEndpointsInput, optFns ...func(*ec2.Options)) (*ec2.DeleteVpcEndpointsOutput, error)
	DeleteSecurityGroup(ctx context.Context, in *ec2.DeleteSecurityGroupInput, optFns ...func(*ec2.Options)) (*ec2.DeleteSecurityGroupOutput, error)
	CreateTags(ctx context.Context, in *ec2.CreateTagsInput, optFns ...func(*ec2.Options)) (*ec2.CreateTagsOutput, error)
	DeleteTags(ctx context.Context, in *ec2.DeleteTagsInput, optFns ...func(*ec2.Options)) (*ec2.DeleteTagsOutput, error)
}

// Actions lists the EC2 API actions this package calls (for the IAM policy).
func Actions() []string {
	return []string{
		"ec2:AuthorizeSecurityGroupIngress", "ec2:CreateSecurityGroup", "ec2:CreateTags",
		"ec2:CreateVpcEndpoint", "ec2:DeleteSecurityGroup", "ec2:DeleteTags", "ec2:DeleteVpcEndpoints",
		"ec2:DescribeRouteTables", "ec2:DescribeSecurityGroups", "ec2:DescribeSubnets",
		"ec2:DescribeVpcEndpoints", "ec2:DescribeVpcs", "ec2:ModifyVpcEndpoint",
	}
}

// Owner identifies the custom resource that owns what is created.
type Owner struct {
	StackID   string
	LogicalID string
}

func (o Owner) tags(purpose, name string) []types.Tag {
	return []types.Tag{
		{Key: aws.String("Name"), Value: aws.String(name)},
		{Key: aws.String(TagStackID), Value: aws.String(o.StackID)},
		{Key: aws.String(TagLogicalID), Value: aws.String(o.LogicalID)},
		{Key: aws.String(TagPurpose), Value: aws.String(purpose)},
	}
}

func (o Owner) filters(vpcID string) []types.Filter {
	return []types.Filter{
		{Name: aws.String("vpc-id"), Values: []string{vpcID}},
		{Name: aws.String("tag:" + TagStackID), Values: []string{o.StackID}},
		{Name: aws.String("tag:" + TagLogicalID), Values: []string{o.LogicalID}},
	}
}

// owns reports whether tags carry this owner's tags.
func (o Owner) owns(tags []types.Tag) bool {
	return tagValue(tags, TagStackID) == o.StackID && tagValue(tags, TagLogicalID) == o.LogicalID
}

// hash is a short stable digest of the owner and extra parts.
func (o Owner) hash(parts ...string) string {
	h := sha256.New()
	for _, p := range append([]string{o.StackID, o.LogicalID}, parts...) {
		h.Write([]byte(p))
		h.Write([]byte{0})
	}
	return hex.EncodeToString(h.Sum(nil))
}

// ClientToken derives the idempotency token for one creation: the same
// owner, VPC, purpose and parameters always give the same token (at most 64
// characters, as EC2 requires).
func ClientToken(o Owner, vpcID, purpose string, params ...string) string {
	return "qpe-" + o.hash(append([]string{vpcID, purpose}, params...)...)[:40]
}

// Spec is what to provision.
type Spec struct {
	Region    string
	VpcID     string
	SubnetIDs []string
	// APIEndpointID, when set, is the customer's execute-api endpoint: used
	// as is, nothing is created for it.
	APIEndpointID string
	// PrivateDNS turns private DNS on for the execute-api endpoint it
	// creates. Off by default: the catalog calls its API through the
	// {api}-{vpce} alias, and private DNS would send every call from the VPC
	// to any public API Gateway API through this endpoint, where it fails
	// with 403.
	PrivateDNS bool
	Owner      Owner
	// Recorded is what the resource recorded in this VPC before (its
	// physical id): only these ids are its own, and only while they carry
	// its owner tags. nil (a Create, or a resource of an earlier version
	// that recorded nothing) takes what carries the owner tags as its own:
	// a retried Create finds what the first attempt made.
	Recorded *Record
	// OnRecord, when set, receives the record each time it grows (so that
	// an answer cut by the deadline still names what was created).
	OnRecord func(Record)
	// PollInterval is the first wait between state polls (default 500 ms, doubling to 10 s).
	PollInterval time.Duration
	// Step, when set, receives what is being done now (for timeouts' reasons).
	Step func(format string, args ...any)
}

// Result says what provisioning found or created.
type Result struct {
	APIEndpointID       string
	S3GatewayEndpointID string
	// Created lists the ids created by this call.
	Created []string
	// Record is what the resource now owns and shares in the VPC.
	Record Record
	// Notes are facts for the log and the summary (reused endpoints,
	// route tables left to the customer).
	Notes []string
}

// outOfTime marks a wait cut short by the deadline.
type outOfTime struct{}

func (outOfTime) Error() string { return "out of time" }

// PreconditionError means the inputs do not describe something that can be
// provisioned (missing VPC, subnets outside it); the checks report the detail.
type PreconditionError struct{ Msg string }

func (e *PreconditionError) Error() string { return e.Msg }

type world struct {
	vpc         types.Vpc
	subnets     []types.Subnet
	routeTables []types.RouteTable
	endpoints   []types.VpcEndpoint
}

// Ensure creates what is missing and waits until it is available (within
// ctx's deadline). It never modifies a resource it did not create.
func Ensure(ctx context.Context, c EC2API, s Spec) (Result, error) {
	var res Result
	step := s.Step
	if step == nil {
		step = func(string, ...any) {}
	}
	step("reading %s", s.VpcID)
	w, err := read(ctx, c, s)
	if err != nil {
		return res, err
	}
	if !OptedIn(w.vpc) {
		return res, &NotOptedInError{VpcID: s.VpcID}
	}
	if s.Recorded != nil {
		// What was recorded stays recorded (the Delete checks its tags).
		res.Record = s.Recorded.clone()
	}
	rts, err := effectiveRouteTables(w, s.SubnetIDs)
	if err != nil {
		return res, err
	}

	// The execute-api interface endpoint.
	if s.APIEndpointID != "" {
		res.APIEndpointID = s.APIEndpointID
	} else {
		if err := ensureAPIEndpoint(ctx, c, s, w, &res, step); err != nil {
			return res, err
		}
	}

	// The S3 gateway endpoint.
	if err := ensureS3Gateway(ctx, c, s, w, rts, &res, step); err != nil {
		return res, err
	}

	var wait []string
	for _, id := range []string{res.APIEndpointID, res.S3GatewayEndpointID} {
		if id != "" && (slices.Contains(res.Created, id) || isOwnedEndpoint(w, s, id)) {
			wait = append(wait, id)
		}
	}
	if err := WaitAvailable(ctx, c, wait, s.PollInterval, step); err != nil {
		return res, err
	}
	return res, nil
}

func isOwnedEndpoint(w world, s Spec, id string) bool {
	for _, e := range w.endpoints {
		if aws.ToString(e.VpcEndpointId) == id {
			return s.own(id, e.Tags)
		}
	}
	return false
}

// own reports whether a resource is the owner's: it carries the owner tags
// and, when something was recorded, it is recorded (a tag someone else
// added does not make a resource its own).
func (s Spec) own(id string, tags []types.Tag) bool {
	return s.Owner.owns(tags) && (s.Recorded == nil || slices.Contains(s.Recorded.Owned, id))
}

// record adds owned ids (or a shared one) to the result and reports it.
func (s Spec) record(res *Result, shared string, owned ...string) {
	res.Record.own(owned...)
	res.Record.share(shared)
	if s.OnRecord != nil {
		s.OnRecord(res.Record.clone())
	}
}

// read gets the VPC, the subnets, the route tables and the endpoints of the
// VPC with four concurrent calls (one bounded reader: internal/fanout; a
// panic there becomes the call's error, since the custom resource's
// recover does not see other goroutines and the process would end before
// it answers).
func read(ctx context.Context, c EC2API, s Spec) (world, error) {
	var w world
	const (
		readVPC       = "ec2:DescribeVpcs"
		readSubnets   = "ec2:DescribeSubnets"
		readRoutes    = "ec2:DescribeRouteTables"
		readEndpoints = "ec2:DescribeVpcEndpoints"
	)
	g := fanout.New[string](ctx, 4)
	vpcFilter := []types.Filter{{Name: aws.String("vpc-id"), Values: []string{s.VpcID}}}
	g.Go(readVPC, func(ctx context.Context) error {
		out, err := c.DescribeVpcs(ctx, &ec2.DescribeVpcsInput{VpcIds: []string{s.VpcID}})
		if err != nil {
			if apiCode(err) == "InvalidVpcID.NotFound" {
				err = &PreconditionError{Msg: fmt.Sprintf("VPC %s not found in %s", s.VpcID, s.Region)}
			}
			return err
		}
		if len(out.Vpcs) == 0 {
			return &PreconditionError{Msg: fmt.Sprintf("VPC %s not found in %s", s.VpcID, s.Region)}
		}
		w.vpc = out.Vpcs[0]
		return nil
	})
	g.Go(readSubnets, func(ctx context.Context) error {
		p := ec2.NewDescribeSubnetsPaginator(c, &ec2.DescribeSubnetsInput{SubnetIds: s.SubnetIDs})
		for p.HasMorePages() {
			out, err := p.NextPage(ctx)
			if err != nil {
				if apiCode(err) == "InvalidSubnetID.NotFound" {
					err = &PreconditionError{Msg: fmt.Sprintf("subnets not found: %v", err)}
				}
				return err
			}
			w.subnets = append(w.subnets, out.Subnets...)
		}
		return nil
	})
	g.Go(readRoutes, func(ctx context.Context) error {
		p := ec2.NewDescribeRouteTablesPaginator(c, &ec2.DescribeRouteTablesInput{Filters: vpcFilter})
		for p.HasMorePages() {
			out, err := p.NextPage(ctx)
			if err != nil {
				return err
			}
			w.routeTables = append(w.routeTables, out.RouteTables...)
		}
		return nil
	})
	g.Go(readEndpoints, func(ctx context.Context) error {
		p := ec2.NewDescribeVpcEndpointsPaginator(c, &ec2.DescribeVpcEndpointsInput{Filters: vpcFilter})
		for p.HasMorePages() {
			out, err := p.NextPage(ctx)
			if err != nil {
				return err
			}
			w.endpoints = append(w.endpoints, out.VpcEndpoints...)
		}
		return nil
	})
	g.Wait()
	for _, what := range []string{readVPC, readSubnets, readRoutes, readEndpoints} {
		if err := g.Err(what); err != nil {
			var pe *PreconditionError
			if errors.As(err, &pe) {
				return w, pe
			}
			return w, fmt.Errorf("%s in %s: %w", what, s.VpcID, err)
		}
	}
	for _, sn := range w.subnets {
		if aws.ToString(sn.VpcId) != s.VpcID {
			return w, &PreconditionError{Msg: fmt.Sprintf("subnet %s is in %s, not in %s", aws.ToString(sn.SubnetId), aws.ToString(sn.VpcId), s.VpcID)}
		}
	}
	if len(w.subnets) != len(s.SubnetIDs) {
		return w, &PreconditionError{Msg: fmt.Sprintf("only %d of the %d subnets were found", len(w.subnets), len(s.SubnetIDs))}
	}
	return w, nil
}

// effectiveRouteTables returns, sorted, the route table each subnet uses:
// its explicit association, else the VPC's main table.
func effectiveRouteTables(w world, subnets []string) ([]string, error) {
	var out []string
	for _, sn := range subnets {
		rt, _ := vpcrules.EffectiveRouteTable(w.routeTables, sn)
		if rt == nil {
			return nil, &PreconditionError{Msg: fmt.Sprintf("subnet %s has no route table (no explicit association and no main route table in the VPC)", sn)}
		}
		if id := aws.ToString(rt.RouteTableId); !slices.Contains(out, id) {
			out = append(out, id)
		}
	}
	slices.Sort(out)
	return out, nil
}

// live reports whether an endpoint still exists (not deleted, deleting,
// failed, rejected or expired).
func live(e types.VpcEndpoint) bool {
	switch strings.ToLower(string(e.State)) {
	case "deleted", "deleting", "failed", "rejected", "expired":
		return false
	}
	return true
}

func ensureAPIEndpoint(ctx context.Context, c EC2API, s Spec, w world, res *Result, step func(string, ...any)) error {
	svc := vpcrules.ServiceName(s.Region, "execute-api")
	var owned, customer *types.VpcEndpoint
	for i, e := range w.endpoints {
		if !live(e) || aws.ToString(e.ServiceName) != svc || !strings.EqualFold(string(e.VpcEndpointType), endpointTypeIface) {
			continue
		}
		if s.own(aws.ToString(e.VpcEndpointId), e.Tags) {
			if owned == nil {
				owned = &w.endpoints[i]
			}
		} else if customer == nil {
			customer = &w.endpoints[i]
		}
	}
	subnets := onePerAZ(w.subnets)
	switch {
	case owned != nil:
		res.APIEndpointID = aws.ToString(owned.VpcEndpointId)
		ids := []string{res.APIEndpointID}
		for _, g := range owned.Groups {
			ids = append(ids, aws.ToString(g.GroupId))
		}
		s.record(res, "", ids...)
		return reconcileSubnets(ctx, c, *owned, subnets, res, step)
	case customer != nil:
		// One execute-api endpoint per VPC: a second one with private DNS
		// would conflict with it, and the catalog needs only one.
		res.APIEndpointID = aws.ToString(customer.VpcEndpointId)
		if s.Owner.otherStack(customer.Tags) {
			// Another stack's: mark it used, so that its Delete keeps it.
			if err := markUsed(ctx, c, s.Owner, *customer); err != nil {
				return err
			}
			s.record(res, res.APIEndpointID)
			res.Notes = append(res.Notes, fmt.Sprintf("using the execute-api endpoint %s that stack %s created (shared: recorded, not modified)", res.APIEndpointID, tagValue(customer.Tags, TagStackID)))
			return nil
		}
		res.Notes = append(res.Notes, fmt.Sprintf("using the existing execute-api endpoint %s of the VPC (not created by this stack, not modified)", res.APIEndpointID))
		return nil
	}
	group, err := ensureGroup(ctx, c, s, w, res, step)
	if err != nil {
		return err
	}
	s.record(res, "", group)
	step("creating the execute-api interface endpoint in %s", s.VpcID)
	out, err := c.CreateVpcEndpoint(ctx, &ec2.CreateVpcEndpointInput{
		VpcId:             aws.String(s.VpcID),
		ServiceName:       aws.String(svc),
		VpcEndpointType:   types.VpcEndpointTypeInterface,
		SubnetIds:         subnets,
		SecurityGroupIds:  []string{group},
		PrivateDnsEnabled: aws.Bool(s.PrivateDNS),
		ClientToken:       aws.String(ClientToken(s.Owner, s.VpcID, PurposeAPIEndpoint, strings.Join(subnets, ","), group, fmt.Sprintf("private-dns=%t", s.PrivateDNS))),
		TagSpecifications: []types.TagSpecification{{
			ResourceType: types.ResourceTypeVpcEndpoint,
			Tags:         s.Owner.tags(PurposeAPIEndpoint, "quilt-private-endpoints execute-api"),
		}},
	})
	if err != nil {
		return fmt.Errorf("ec2:CreateVpcEndpoint (execute-api, %s, subnets %s): %w", s.VpcID, strings.Join(subnets, ","), err)
	}
	if out.VpcEndpoint == nil || out.VpcEndpoint.VpcEndpointId == nil {
		return fmt.Errorf("ec2:CreateVpcEndpoint (execute-api) returned no endpoint id")
	}
	res.APIEndpointID = aws.ToString(out.VpcEndpoint.VpcEndpointId)
	res.Created = append(res.Created, res.APIEndpointID)
	s.record(res, "", res.APIEndpointID)
	return nil
}

// onePerAZ keeps the first subnet (by id) of each Availability Zone: an
// interface endpoint takes at most one subnet per zone.
func onePerAZ(subnets []types.Subnet) []string {
	sorted := slices.Clone(subnets)
	slices.SortFunc(sorted, func(a, b types.Subnet) int {
		return strings.Compare(aws.ToString(a.SubnetId), aws.ToString(b.SubnetId))
	})
	return vpcrules.OnePerZone(sorted)
}

// reconcileSubnets moves this stack's own interface endpoint to the wanted subnets.
func reconcileSubnets(ctx context.Context, c EC2API, e types.VpcEndpoint, want []string, res *Result, step func(string, ...any)) error {
	var add, remove []string
	for _, s := range want {
		if !slices.Contains(e.SubnetIds, s) {
			add = append(add, s)
		}
	}
	for _, s := range e.SubnetIds {
		if !slices.Contains(want, s) {
			remove = append(remove, s)
		}
	}
	if len(add)+len(remove) == 0 {
		return nil
	}
	id := aws.ToString(e.VpcEndpointId)
	step("moving %s to subnets %s", id, strings.Join(want, ","))
	if _, err := c.ModifyVpcEndpoint(ctx, &ec2.ModifyVpcEndpointInput{VpcEndpointId: e.VpcEndpointId, AddSubnetIds: add, RemoveSubnetIds: remove}); err != nil {
		return fmt.Errorf("ec2:ModifyVpcEndpoint %s (subnets +%v -%v): %w", id, add, remove, err)
	}
	res.Notes = append(res.Notes, fmt.Sprintf("moved %s to subnets %s", id, strings.Join(want, ",")))
	return nil
}

// ensureGroup finds or creates the endpoint's security group and makes sure
// it allows TCP 443 from every CIDR block of the VPC.
func ensureGroup(ctx context.Context, c EC2API, s Spec, w world, res *Result, step func(string, ...any)) (string, error) {
	name := fmt.Sprintf(securityGroupNameFmt, s.Owner.hash(s.VpcID)[:16])
	find := func(filters []types.Filter) (*types.SecurityGroup, error) {
		out, err := c.DescribeSecurityGroups(ctx, &ec2.DescribeSecurityGroupsInput{Filters: filters})
		if err != nil {
			return nil, fmt.Errorf("ec2:DescribeSecurityGroups in %s: %w", s.VpcID, err)
		}
		for i, g := range out.SecurityGroups {
			if s.own(aws.ToString(g.GroupId), g.Tags) && aws.ToString(g.VpcId) == s.VpcID {
				return &out.SecurityGroups[i], nil
			}
		}
		return nil, nil
	}
	step("looking for the endpoint security group %s", name)
	g, err := find(s.Owner.filters(s.VpcID))
	if err != nil {
		return "", err
	}
	if g == nil {
		step("creating the endpoint security group %s", name)
		out, err := c.CreateSecurityGroup(ctx, &ec2.CreateSecurityGroupInput{
			GroupName:   aws.String(name),
			Description: aws.String("Quilt private endpoints: HTTPS from the VPC to the execute-api endpoint"),
			VpcId:       aws.String(s.VpcID),
			TagSpecifications: []types.TagSpecification{{
				ResourceType: types.ResourceTypeSecurityGroup,
				Tags:         s.Owner.tags(PurposeAPIGroup, name),
			}},
		})
		switch {
		case err == nil:
			g = &types.SecurityGroup{GroupId: out.GroupId, VpcId: aws.String(s.VpcID)}
			res.Created = append(res.Created, aws.ToString(out.GroupId))
		case apiCode(err) == "InvalidGroup.Duplicate":
			// A concurrent or earlier invocation created it: find it by name.
			g, err = find([]types.Filter{{Name: aws.String("vpc-id"), Values: []string{s.VpcID}}, {Name: aws.String("group-name"), Values: []string{name}}})
			if err != nil {
				return "", err
			}
			if g == nil {
				return "", fmt.Errorf("security group %s exists in %s but is not one this resource created (not recorded in its physical id, or without its owner tags): delete it", name, s.VpcID)
			}
		default:
			return "", fmt.Errorf("ec2:CreateSecurityGroup %s in %s: %w", name, s.VpcID, err)
		}
	}
	id := aws.ToString(g.GroupId)
	var perms []types.IpPermission
	for _, cidr := range vpcrules.VPCCIDRs(w.vpc) {
		if vpcrules.Ingress443([]types.SecurityGroup{*g}, cidr, nil) == vpcrules.Open {
			continue
		}
		perms = append(perms, types.IpPermission{
			IpProtocol: aws.String("tcp"), FromPort: aws.Int32(443), ToPort: aws.Int32(443),
			IpRanges: []types.IpRange{{CidrIp: aws.String(cidr), Description: aws.String("HTTPS from the VPC")}},
		})
	}
	if len(perms) > 0 {
		step("allowing 443 into %s", id)
		_, err := c.AuthorizeSecurityGroupIngress(ctx, &ec2.AuthorizeSecurityGroupIngressInput{GroupId: aws.String(id), IpPermissions: perms})
		if err != nil && apiCode(err) != "InvalidPermission.Duplicate" {
			return "", fmt.Errorf("ec2:AuthorizeSecurityGroupIngress %s (tcp 443): %w", id, err)
		}
	}
	return id, nil
}

func ensureS3Gateway(ctx context.Context, c EC2API, s Spec, w world, rts []string, res *Result, step func(string, ...any)) error {
	svc := vpcrules.ServiceName(s.Region, "s3")
	covered := map[string]string{} // route table -> endpoint
	var owned *types.VpcEndpoint
	var customer []string
	others := map[string]types.VpcEndpoint{} // another stack's gateways
	for i, e := range w.endpoints {
		if !live(e) || aws.ToString(e.ServiceName) != svc || !strings.EqualFold(string(e.VpcEndpointType), endpointTypeGateway) {
			continue
		}
		id := aws.ToString(e.VpcEndpointId)
		for _, rt := range e.RouteTableIds {
			covered[rt] = id
		}
		if s.own(id, e.Tags) {
			if owned == nil {
				owned = &w.endpoints[i]
			}
		} else {
			customer = append(customer, id)
			if s.Owner.otherStack(e.Tags) {
				others[id] = e
			}
		}
	}
	if owned != nil {
		s.record(res, "", aws.ToString(owned.VpcEndpointId))
	}
	// Another stack's gateway that routes one of the subnets is used:
	// marked and recorded as shared.
	for _, rt := range rts {
		if e, ok := others[covered[rt]]; ok {
			if err := markUsed(ctx, c, s.Owner, e); err != nil {
				return err
			}
			s.record(res, covered[rt])
			delete(others, covered[rt])
		}
	}
	var missing []string
	for _, rt := range rts {
		if _, ok := covered[rt]; !ok {
			missing = append(missing, rt)
		}
	}
	// The id to report: ours, else the one covering the first route table, else any.
	switch {
	case owned != nil:
		res.S3GatewayEndpointID = aws.ToString(owned.VpcEndpointId)
	case len(rts) > 0 && covered[rts[0]] != "":
		res.S3GatewayEndpointID = covered[rts[0]]
	case len(customer) > 0:
		res.S3GatewayEndpointID = customer[0]
	}
	if len(missing) == 0 {
		return nil
	}
	switch {
	case owned != nil:
		id := aws.ToString(owned.VpcEndpointId)
		step("adding route tables %s to %s", strings.Join(missing, ","), id)
		if _, err := c.ModifyVpcEndpoint(ctx, &ec2.ModifyVpcEndpointInput{VpcEndpointId: owned.VpcEndpointId, AddRouteTableIds: missing}); err != nil {
			return fmt.Errorf("ec2:ModifyVpcEndpoint %s (add route tables %s): %w", id, strings.Join(missing, ","), err)
		}
		res.Notes = append(res.Notes, fmt.Sprintf("added route tables %s to %s", strings.Join(missing, ","), id))
		return nil
	case len(customer) > 0:
		res.Notes = append(res.Notes, fmt.Sprintf("S3 gateway endpoint %s exists but route tables %s are not on any S3 gateway endpoint: not modified (add them to it)", strings.Join(customer, ","), strings.Join(missing, ",")))
		return nil
	}
	step("creating the S3 gateway endpoint on %s", strings.Join(missing, ","))
	out, err := c.CreateVpcEndpoint(ctx, &ec2.CreateVpcEndpointInput{
		VpcId:           aws.String(s.VpcID),
		ServiceName:     aws.String(svc),
		VpcEndpointType: types.VpcEndpointTypeGateway,
		RouteTableIds:   missing,
		ClientToken:     aws.String(ClientToken(s.Owner, s.VpcID, PurposeS3Gateway, strings.Join(missing, ","))),
		TagSpecifications: []types.TagSpecification{{
			ResourceType: types.ResourceTypeVpcEndpoint,
			Tags:         s.Owner.tags(PurposeS3Gateway, "quilt-private-endpoints s3"),
		}},
	})
	if err != nil {
		return fmt.Errorf("ec2:CreateVpcEndpoint (s3 gateway, %s, route tables %s): %w", s.VpcID, strings.Join(missing, ","), err)
	}
	if out.VpcEndpoint == nil || out.VpcEndpoint.VpcEndpointId == nil {
		return fmt.Errorf("ec2:CreateVpcEndpoint (s3 gateway) returned no endpoint id")
	}
	res.S3GatewayEndpointID = aws.ToString(out.VpcEndpoint.VpcEndpointId)
	res.Created = append(res.Created, res.S3GatewayEndpointID)
	s.record(res, "", res.S3GatewayEndpointID)
	return nil
}

// WaitAvailable polls the endpoints until all are available, one of them
// fails, or ctx ends.
func WaitAvailable(ctx context.Context, c EC2API, ids []string, interval time.Duration, step func(string, ...any)) error {
	if len(ids) == 0 {
		return nil
	}
	if interval <= 0 {
		interval = defaultPollInterval
	}
	if step == nil {
		step = func(string, ...any) {}
	}
	for {
		out, err := c.DescribeVpcEndpoints(ctx, &ec2.DescribeVpcEndpointsInput{VpcEndpointIds: ids})
		if err != nil {
			return fmt.Errorf("ec2:DescribeVpcEndpoints %s: %w", strings.Join(ids, ","), err)
		}
		var pending []string
		for _, e := range out.VpcEndpoints {
			st := strings.ToLower(string(e.State))
			id := aws.ToString(e.VpcEndpointId)
			switch st {
			case stateAvailable:
			case "failed", "rejected", "deleted", "deleting", "expired":
				return fmt.Errorf("endpoint %s is %s, not available", id, e.State)
			default:
				pending = append(pending, id+" ("+st+")")
			}
		}
		if len(out.VpcEndpoints) < len(ids) {
			return fmt.Errorf("endpoints %s: only %d of %d found", strings.Join(ids, ","), len(out.VpcEndpoints), len(ids))
		}
		if len(pending) == 0 {
			return nil
		}
		step("waiting for %s to become available", strings.Join(pending, ", "))
		select {
		case <-ctx.Done():
			return fmt.Errorf("still waiting for %s to become available: %w (%w)", strings.Join(pending, ", "), outOfTime{}, ctx.Err())
		case <-time.After(interval):
		}
		interval = min(interval*2, maxPollInterval)
	}
}

func tagValue(tags []types.Tag, key string) string {
	for _, t := range tags {
		if aws.ToString(t.Key) == key {
			return aws.ToString(t.Value)
		}
	}
	return ""
}

// apiCode is err's AWS API error code (awserr.Code).
func apiCode(err error) string { return awserr.Code(err) }
