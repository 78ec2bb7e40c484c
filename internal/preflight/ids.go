package preflight

import (
	"fmt"
	"slices"
	"strings"

	"github.com/quiltdata/quilt-private-endpoints/internal/awsid"
	"github.com/quiltdata/quilt-private-endpoints/internal/awsservices"
)

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
	in.EgressServices = cleanList(in.EgressServices)
	for i, s := range in.EgressServices {
		in.EgressServices[i] = strings.ToLower(s)
	}
	if len(in.EgressServices) == 0 {
		in.EgressServices = awsservices.QuiltDefault()
	}
	in.EgressServices = slices.Compact(slices.Sorted(slices.Values(in.EgressServices)))
	in.UserSubnets = cleanList(in.UserSubnets)
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
