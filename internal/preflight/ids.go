package preflight

import (
	"fmt"
	"regexp"
	"slices"
	"strings"

	"github.com/quiltdata/quilt-private-endpoints/internal/awsid"
	"github.com/quiltdata/quilt-private-endpoints/internal/awsservices"
)

// regionRe is the form of a Region name: a geography (us, eu, ap, cn,
// eusc, ...) with an optional us-gov/us-iso part, a direction and a number
// ("eu-west-1", "us-gov-west-1", "ap-southeast-5", "eusc-de-east-1"). It
// catches a typo before any AWS call.
var regionRe = regexp.MustCompile(`^[a-z]{2,4}(-gov|-iso[a-z]?)?(-[a-z]+)+-[0-9]{1,2}$`)

// validRegion reports whether r has the form of a Region name.
func validRegion(r string) bool { return regionRe.MatchString(r) }

// ValidRegion reports whether r has the form of a Region name, for callers
// that check it before they make any AWS call (qpe check's --region).
func ValidRegion(r string) bool { return validRegion(strings.TrimSpace(r)) }

// validSubnetIDs keeps the well-formed subnet ids.
func validSubnetIDs(ids []string) []string {
	var out []string
	for _, id := range ids {
		if awsid.Valid(id, "subnet") {
			out = append(out, id)
		}
	}
	return out
}

// normalize trims spaces, drops empty and duplicate list entries.
func normalize(in Input) Input {
	in.Region = strings.TrimSpace(in.Region)
	in.VpcID = strings.TrimSpace(in.VpcID)
	in.APIEndpointID = strings.TrimSpace(in.APIEndpointID)
	in.SubnetIDs = cleanList(in.SubnetIDs)
	in.Buckets = cleanList(in.Buckets)
	for i, b := range in.Buckets {
		in.Buckets[i] = strings.TrimSuffix(strings.TrimPrefix(b, "s3://"), "/")
	}
	in.CallerSecurityGroupIDs = cleanList(in.CallerSecurityGroupIDs)
	var services []string
	for _, s := range cleanList(in.EgressServices) {
		s = strings.ToLower(s)
		if _, known := awsservices.Lookup(in.Region, s); known {
			services = append(services, s)
			continue
		}
		// An IAM prefix (cloudwatch, firehose, ecr) names its services.
		services = append(services, awsservices.FromActions(in.Region, []string{s + ":Call"})...)
	}
	if len(services) == 0 {
		services = awsservices.QuiltDefault()
	}
	in.EgressServices = slices.Compact(slices.Sorted(slices.Values(services)))
	in.UserSubnets = cleanList(in.UserSubnets)
	in.ServiceSubnets = cleanList(in.ServiceSubnets)
	in.ClientCidrs = cleanList(in.ClientCidrs)
	in.AccountID = strings.TrimSpace(in.AccountID)
	return in
}

func cleanList(xs []string) []string {
	var out []string
	for _, x := range xs {
		x = strings.TrimSpace(x)
		if x != "" && !slices.Contains(out, x) {
			out = append(out, x)
		}
	}
	return out
}

func progress(in Input, format string, args ...any) {
	if in.Progress != nil {
		in.Progress(fmt.Sprintf(format, args...))
	}
}
