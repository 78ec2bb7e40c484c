package provision

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	"github.com/aws/aws-sdk-go-v2/service/ec2/types"
)

// TagUsedByPrefix starts the tag a stack puts on an endpoint another stack
// created and it uses (adopted in create mode): the key ends with a hash of
// the user's stack id and logical id, the value is its stack id. The
// creator's Delete keeps an endpoint that carries another stack's mark.
const TagUsedByPrefix = "quilt-private-endpoints:used-by:"

// TagAllowCreate is the tag by which a VPC's owner opts the VPC in to
// create mode: create mode creates endpoints (and security groups) only in
// a VPC tagged TagAllowCreate=true. The role's IAM policy requires the same
// tag on the VPC.
const TagAllowCreate = "quilt-private-endpoints:allow-create"

// Record is what one custom resource recorded of a VPC: the endpoints and
// security groups it created (Owned), and the endpoints of another stack
// it uses (Shared). It is kept in the resource's physical id, and a Delete
// acts on these ids only.
type Record struct {
	Owned  []string
	Shared []string
}

// Empty reports whether nothing is recorded.
func (r Record) Empty() bool { return len(r.Owned) == 0 && len(r.Shared) == 0 }

// Minus is r without the ids of keep (a cleanup Delete keeps what the
// resource's current physical id records).
func (r Record) Minus(keep Record) Record {
	var out Record
	for _, id := range r.Owned {
		if !slices.Contains(keep.Owned, id) {
			out.Owned = append(out.Owned, id)
		}
	}
	for _, id := range r.Shared {
		if !slices.Contains(keep.Shared, id) {
			out.Shared = append(out.Shared, id)
		}
	}
	return out
}

func (r *Record) own(ids ...string) {
	for _, id := range ids {
		if id != "" && !slices.Contains(r.Owned, id) {
			r.Owned = append(r.Owned, id)
		}
	}
	slices.Sort(r.Owned)
}

func (r *Record) share(id string) {
	if id != "" && !slices.Contains(r.Shared, id) && !slices.Contains(r.Owned, id) {
		r.Shared = append(r.Shared, id)
		slices.Sort(r.Shared)
	}
}

func (r Record) clone() Record {
	return Record{Owned: slices.Clone(r.Owned), Shared: slices.Clone(r.Shared)}
}

// String lists the ids: owned, then shared ones marked "(shared)".
func (r Record) String() string {
	parts := slices.Clone(r.Owned)
	for _, id := range r.Shared {
		parts = append(parts, id+" (shared)")
	}
	return strings.Join(parts, ", ")
}

// usedByKey is this owner's TagUsedByPrefix key.
func (o Owner) usedByKey() string { return TagUsedByPrefix + o.hash()[:16] }

// otherStack reports whether tags are another project resource's owner
// tags (an endpoint some other stack created).
func (o Owner) otherStack(tags []types.Tag) bool {
	return tagValue(tags, TagStackID) != "" && !o.owns(tags)
}

// users are the stacks other than o that marked an endpoint as used.
func (o Owner) users(tags []types.Tag) []string {
	var out []string
	for _, t := range tags {
		k := aws.ToString(t.Key)
		if strings.HasPrefix(k, TagUsedByPrefix) && k != o.usedByKey() {
			out = append(out, cmpOr(aws.ToString(t.Value), k))
		}
	}
	slices.Sort(out)
	return out
}

func cmpOr(a, b string) string {
	if a != "" {
		return a
	}
	return b
}

// markUsed puts this owner's used-by tag on another stack's endpoint.
func markUsed(ctx context.Context, c EC2API, o Owner, e types.VpcEndpoint) error {
	if tagValue(e.Tags, o.usedByKey()) == o.StackID {
		return nil
	}
	id := aws.ToString(e.VpcEndpointId)
	_, err := c.CreateTags(ctx, &ec2.CreateTagsInput{Resources: []string{id}, Tags: []types.Tag{{Key: aws.String(o.usedByKey()), Value: aws.String(o.StackID)}}})
	if err != nil {
		return fmt.Errorf("ec2:CreateTags %s (marking it used by this stack, so that the stack that created it keeps it): %w", id, err)
	}
	return nil
}

// NotOptedInError refuses create mode in a VPC its owner did not tag
// TagAllowCreate=true.
type NotOptedInError struct{ VpcID string }

func (e *NotOptedInError) Error() string {
	return fmt.Sprintf("create mode is refused in %s: its owner has not opted it in. Fix: tag the VPC %s=true "+
		"(aws ec2 create-tags --resources %s --tags Key=%s,Value=true), or create the endpoints yourself and set Mode to validate",
		e.VpcID, TagAllowCreate, e.VpcID, TagAllowCreate)
}

// OptedIn reports whether a VPC carries TagAllowCreate=true.
func OptedIn(v types.Vpc) bool { return strings.EqualFold(tagValue(v.Tags, TagAllowCreate), "true") }
