// Package awsservices is the project's data about the AWS services a stack
// calls from its VPC: which IAM action prefix reaches which VPC endpoint
// service, which services have no endpoint (so NAT is needed, and why),
// and what a Quilt stack calls. The data lives in data.go with its sources.
package awsservices

import (
	"slices"
	"strings"
)

// Service is one AWS service a stack's resources call from the VPC.
type Service struct {
	// Name is the service's short name, the last part of its endpoint
	// service name when it has one ("sqs", "monitoring", "ecr.api").
	Name string
	// Endpoint is the VPC endpoint service name in the Region
	// ("com.amazonaws.eu-west-1.sqs"), "" when it has none there.
	Endpoint string
	// NoEndpoint says why NAT (or an equivalent) is needed, with its
	// source, when there is no endpoint.
	NoEndpoint string
	// Gateway is true for the services reached through a gateway endpoint
	// (route tables) rather than an interface endpoint (s3).
	Gateway bool
}

// Lookup returns the service of that name in the Region. An unknown name
// gives false, with the interface endpoint name it would have by AWS's
// convention (com.amazonaws.{region}.{name}), so a caller may still look
// for it.
func Lookup(region, name string) (Service, bool) {
	name = strings.ToLower(strings.TrimSpace(name))
	i := slices.IndexFunc(services, func(e entry) bool { return e.name == name })
	if i < 0 {
		return Service{Name: name, Endpoint: endpointName(region, name)}, false
	}
	e := services[i]
	s := Service{Name: e.name, Gateway: e.gateway}
	switch {
	case e.onlyIn != "" && region == e.onlyIn:
		s.Endpoint = "com.amazonaws." + e.endpoint
	case e.onlyIn == "" && e.endpoint != "":
		s.Endpoint = endpointName(region, e.endpoint)
	default:
		s.NoEndpoint = e.noEndpoint
	}
	return s, true
}

// ServiceName is the VPC endpoint service name of an AWS service in the
// Region ("com.amazonaws.us-east-1.s3"). It lives here, in a package
// without the EC2 SDK, so that the macro can use this package.
func ServiceName(region, svc string) string { return "com.amazonaws." + region + "." + svc }

// endpointName is an endpoint service name in the Region.
func endpointName(region, svc string) string { return ServiceName(region, svc) }

// FromActions returns the services that IAM actions ("sqs:SendMessage",
// "s3:Get*", "cloudwatch:PutMetricData") call, sorted and without
// duplicates. Actions that are permissions rather than calls from the
// network (iam:PassRole, the network-interface actions Lambda performs for
// a function) are left out, as are actions without a service prefix ("*").
// An unknown prefix is kept as its own name (Lookup then reports it
// unknown). The Region is accepted for symmetry with Lookup; the mapping
// does not depend on it.
func FromActions(region string, actions []string) []string {
	_ = region
	seen := map[string]bool{}
	for _, a := range actions {
		a = strings.ToLower(strings.TrimSpace(a))
		prefix, _, ok := strings.Cut(a, ":")
		if !ok || prefix == "" || strings.ContainsAny(prefix, "*?") {
			continue
		}
		if _, skip := notCalls[a]; skip {
			continue
		}
		names, known := actionServices[a]
		if !known {
			names, known = prefixes[prefix]
		}
		if !known {
			names = []string{prefix}
		}
		for _, n := range names {
			seen[n] = true
		}
	}
	out := make([]string, 0, len(seen))
	for n := range seen {
		out = append(out, n)
	}
	slices.Sort(out)
	return out
}

// QuiltDefault is what a Quilt stack's VPC resources call, sorted (see
// quiltDefault for the derivation). The caller owns the returned slice.
func QuiltDefault() []string { return slices.Clone(quiltDefault) }

// QuiltChecked is what the preflight the macro writes into a Quilt
// template checks, at the most: QuiltDefault and the services the
// templates' IAM policies add, es (the search domain's es:ESHttp* calls)
// and cloudtrail (the private build). qpe check's default when no template
// is given, so that the laptop check is not weaker than the deployed one.
func QuiltChecked() []string {
	out := append(QuiltDefault(), quiltChecked...)
	slices.Sort(out)
	return slices.Compact(out)
}

// FromImage returns the services a pull of a container image reference
// ("public.ecr.aws/nginx/nginx:1.24",
// "123456789012.dkr.ecr.eu-west-1.amazonaws.com/app:1") reaches, sorted;
// nil for a registry that is no AWS service (Docker Hub, another host) or
// a reference whose registry is not known (a template expression,
// written as ${...} placeholders where it is not a literal, may leave the
// host unknown). See imageRegistries for the data.
func FromImage(image string) []string {
	host, _, ok := strings.Cut(strings.TrimSpace(image), "/")
	if !ok {
		return nil // a Docker Hub name without a registry ("nginx:1.24")
	}
	host = strings.ToLower(host)
	for _, r := range imageRegistries {
		if r.match(host) {
			return slices.Clone(r.services)
		}
	}
	return nil
}
