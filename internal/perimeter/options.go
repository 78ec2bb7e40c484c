// Package perimeter generates Quilt's data-perimeter policies (the service
// control policy of the Private Endpoints documentation and the equivalent
// bucket policy for one test bucket), finds the NAT gateways whose addresses
// the perimeter must list, warns which of the stack's calls a perimeter would
// deny, and plans the requests that prove a perimeter on a test bucket. Every
// expected decision comes from evaluating the generated policy text with
// package policy.
package perimeter

import (
	"errors"
	"fmt"
	"net/netip"
	"regexp"
	"sort"
	"strings"
	"unicode/utf8"

	"github.com/quiltdata/quilt-private-endpoints/internal/awsid"
	"github.com/quiltdata/quilt-private-endpoints/internal/perimeter/policy"
)

// Scope selects what the SCP covers.
type Scope string

// Scopes.
const (
	// ScopeS3 denies S3 actions on the buckets with the Quilt prefix: the
	// example of Quilt's documentation.
	ScopeS3 Scope = "s3"
	// ScopeAll denies every action except the data-plane actions AWS's
	// reference exempts, on every resource: AWS's
	// EnforceNetworkPerimeterSourceVPC shape.
	ScopeAll Scope = "all"
)

// Defaults of the options.
const (
	DefaultExemptTag    = "NetworkRestrictedExempt"
	DefaultBucketPrefix = "quilt"
	// SCPMaxChars is AWS Organizations' limit on a service control policy.
	SCPMaxChars = 5120
)

// Options are the inputs of the generated policies.
type Options struct {
	VPCs []string // source VPCs (aws:SourceVpc), at least one
	// IPs are the trusted public ranges (aws:SourceIp): CIDR blocks, single
	// addresses, or ranges "first-last" (converted to CIDR blocks).
	IPs []string
	// NATIPs are the public addresses of the NAT gateways the stack's
	// traffic leaves through; each is added as a /32 (or /128).
	NATIPs       []string
	ExemptTag    string // principal tag that exempts a principal (value "true")
	BucketPrefix string // bucket-name prefix the S3 scope covers
	Scope        Scope
	Region       string // selects the partition (aws, aws-cn, aws-us-gov)
	// AllowWideIPs silences the warning about very short prefixes (IPv4
	// shorter than /8, IPv6 shorter than /32); a range covering the whole
	// internet is refused regardless.
	AllowWideIPs bool
	// ExemptOrgID, when set (o-...), limits the bucket policy's exempt tag
	// to principals of that organization instead of the bucket owner's
	// account.
	ExemptOrgID string
}

// Spec is the validated, normalised form of Options: sorted and without
// duplicates, so that the generated policies do not depend on flag order.
type Spec struct {
	VPCs []string
	// Prefixes are the trusted ranges, merged into the fewest CIDR blocks
	// that cover exactly the same addresses (blocks inside others dropped,
	// adjacent halves joined), and the NAT addresses as /32s, sorted.
	Prefixes     []string
	NATPrefixes  []string // the NAT addresses among Prefixes
	ExemptTag    string
	BucketPrefix string
	Scope        Scope
	Region       string
	Partition    string
	ExemptOrgID  string
	// RangeWarnings are what the caller must show about the trusted
	// ranges (very short prefixes).
	RangeWarnings []string
}

// Validate checks the options and returns their normalised form. Errors
// name the option at fault and the expected form.
func (o Options) Validate() (*Spec, error) {
	s := &Spec{ExemptTag: o.ExemptTag, BucketPrefix: o.BucketPrefix, Scope: o.Scope, Region: o.Region, Partition: "aws", ExemptOrgID: o.ExemptOrgID}
	if s.ExemptTag == "" {
		s.ExemptTag = DefaultExemptTag
	}
	if s.BucketPrefix == "" {
		s.BucketPrefix = DefaultBucketPrefix
	}
	if s.Scope == "" {
		s.Scope = ScopeS3
	}
	var errs []error
	if s.Scope != ScopeS3 && s.Scope != ScopeAll {
		errs = append(errs, fmt.Errorf("--scope %q: use s3 (S3 on the %s* buckets) or all (every action but AWS's exempted data-plane actions)", o.Scope, s.BucketPrefix))
	}
	if len(o.VPCs) == 0 {
		errs = append(errs, errors.New("--vpc: name at least one VPC whose requests the perimeter trusts (e.g. --vpc vpc-0123456789abcdef0)"))
	}
	vpcs := map[string]bool{}
	for _, v := range o.VPCs {
		v = strings.TrimSpace(v)
		if !awsid.Valid(v, "vpc") {
			errs = append(errs, fmt.Errorf("--vpc %q is not a VPC ID (vpc- followed by 8 or 17 lowercase hex digits)", v))
			continue
		}
		vpcs[v] = true
	}
	for v := range vpcs {
		s.VPCs = append(s.VPCs, v)
	}
	sort.Strings(s.VPCs)

	prefixes := map[netip.Prefix]bool{}
	for _, ip := range o.IPs {
		ps, err := parseIPRange(ip)
		if err != nil {
			errs = append(errs, fmt.Errorf("--ip %q: %w", ip, err))
			continue
		}
		for _, p := range ps {
			if what := wholeInternet(p); what != "" {
				errs = append(errs, fmt.Errorf("--ip %q covers %s: the perimeter would trust every address; list only your own public ranges", ip, what))
			}
			prefixes[p] = true
		}
	}
	nat := map[netip.Prefix]bool{}
	for _, ip := range o.NATIPs {
		a, err := netip.ParseAddr(strings.TrimSpace(ip))
		if err != nil || a.Zone() != "" {
			errs = append(errs, fmt.Errorf("--nat-ips %q is not an IP address (use auto, none, or the NAT gateways' public addresses)", ip))
			continue
		}
		a = a.Unmap()
		p := netip.PrefixFrom(a, a.BitLen())
		nat[p] = true
	}
	// The trusted ranges are merged; the NAT addresses stay /32s (or /128s)
	// so that a reviewer sees each Elastic IP.
	merged := aggregate(prefixes)
	if len(errs) == 0 {
		for _, p := range sortedPrefixes(merged) {
			q := netip.MustParsePrefix(p)
			if what := wholeInternet(q); what != "" {
				errs = append(errs, fmt.Errorf("--ip: the ranges merge into %s, which covers %s: the perimeter would trust every address; list only your own public ranges", p, what))
			} else if wide(q) && !o.AllowWideIPs {
				s.RangeWarnings = append(s.RangeWarnings, fmt.Sprintf("--ip %s is a very short prefix (%s addresses trusted); pass --allow-wide-ip if that is intended", p, addressCount(q)))
			}
		}
	}
	if o.ExemptOrgID != "" && !orgID.MatchString(o.ExemptOrgID) {
		errs = append(errs, fmt.Errorf("--exempt-org %q is not an organization id (o- followed by 10 to 32 lowercase letters or digits)", o.ExemptOrgID))
	}
	for p := range nat {
		merged[p] = true
	}
	s.Prefixes = sortedPrefixes(merged)
	s.NATPrefixes = sortedPrefixes(nat)

	if err := checkTagKey(s.ExemptTag); err != nil {
		errs = append(errs, fmt.Errorf("--exempt-tag %q: %w", s.ExemptTag, err))
	}
	if !isBucketPrefix(s.BucketPrefix) {
		errs = append(errs, fmt.Errorf("--bucket-prefix %q: a bucket-name prefix is 1-63 lowercase letters, digits, dots and hyphens, starting with a letter or digit", s.BucketPrefix))
	}
	if o.Region != "" {
		if !isRegion(o.Region) {
			errs = append(errs, fmt.Errorf("--region %q is not a Region name (e.g. us-east-1)", o.Region))
		}
		s.Partition = PartitionOf(o.Region)
	}
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	return s, nil
}

// isBucketPrefix accepts what can start an S3 bucket name.
func isBucketPrefix(s string) bool {
	return regexp.MustCompile(`^[a-z0-9][a-z0-9.-]{0,62}$`).MatchString(s)
}

// isRegion accepts Region names such as us-east-1 or us-gov-west-1.
func isRegion(s string) bool {
	return regexp.MustCompile(`^[a-z]{2}(-[a-z]+)+-[0-9]+$`).MatchString(s)
}

// PartitionOf returns the ARN partition of a Region (awsid.Partition).
func PartitionOf(region string) string { return awsid.Partition(region) }

// tagKey is IAM's pattern for a tag key: letters, separators (spaces, not
// tabs or newlines), numbers and _ . : / = + - @.
var tagKey = regexp.MustCompile(`^[\p{L}\p{Z}\p{N}_.:/=+\-@]+$`)

// orgID is the form of an AWS Organizations id.
var orgID = regexp.MustCompile(`^o-[a-z0-9]{10,32}$`)

// checkTagKey applies IAM's rules for tag keys: 1 to 128 characters of
// tagKey, not starting with aws:.
func checkTagKey(k string) error {
	if k == "" || utf8.RuneCountInString(k) > 128 {
		return errors.New("a tag key has 1 to 128 characters")
	}
	if strings.HasPrefix(strings.ToLower(k), "aws:") {
		return errors.New("tag keys starting with aws: are reserved for AWS")
	}
	if !tagKey.MatchString(k) {
		for _, r := range k {
			if !tagKey.MatchString(string(r)) {
				return fmt.Errorf("a tag key holds letters, digits, spaces and _ . : / = + - @ (IAM's pattern [\\p{L}\\p{Z}\\p{N}_.:/=+\\-@]+), not %q", r)
			}
		}
		return errors.New("a tag key must be valid UTF-8")
	}
	return nil
}

// globalUnicast is 2000::/3, every IPv6 address routed on the internet.
var globalUnicast = netip.MustParsePrefix("2000::/3")

// mapped4 is ::ffff:0:0/96, the IPv4-mapped IPv6 addresses: the whole IPv4
// internet written in IPv6.
var mapped4 = netip.MustParsePrefix("::ffff:0:0/96")

// wholeInternet says which internet a prefix covers whole ("" when none):
// 0.0.0.0/0, ::/0, 2000::/3 (all global unicast IPv6) or ::ffff:0:0/96.
func wholeInternet(p netip.Prefix) string {
	switch {
	case p.Bits() == 0 && p.Addr().Is4():
		return "the whole IPv4 internet"
	case p.Bits() == 0:
		return "the whole IPv4 and IPv6 address space"
	case p.Addr().Is6() && p.Bits() <= globalUnicast.Bits() && p.Contains(globalUnicast.Addr()):
		return "every global IPv6 address (2000::/3)"
	case p.Addr().Is6() && p.Bits() <= mapped4.Bits() && p.Contains(mapped4.Addr()):
		return "the whole IPv4 internet (as IPv4-mapped IPv6 addresses)"
	}
	return ""
}

// wide reports a very short prefix: IPv4 shorter than /8 (over 16 million
// addresses), IPv6 shorter than /32 (a regional registry's allocation).
func wide(p netip.Prefix) bool {
	if p.Addr().Is4() {
		return p.Bits() < 8
	}
	return p.Bits() < 32
}

func addressCount(p netip.Prefix) string {
	return fmt.Sprintf("2^%d", p.Addr().BitLen()-p.Bits())
}

// aggregate returns the fewest prefixes covering exactly the union of the
// given ones.
func aggregate(m map[netip.Prefix]bool) map[netip.Prefix]bool {
	ps := make([]netip.Prefix, 0, len(m))
	for p := range m {
		ps = append(ps, p)
	}
	for {
		sort.Slice(ps, func(i, j int) bool {
			if c := ps[i].Addr().Compare(ps[j].Addr()); c != 0 {
				return c < 0
			}
			return ps[i].Bits() < ps[j].Bits()
		})
		var out []netip.Prefix
		changed := false
		for _, p := range ps {
			if n := len(out); n > 0 {
				last := out[n-1]
				if last.Contains(p.Addr()) && last.Bits() <= p.Bits() {
					changed = true // p lies inside last
					continue
				}
				if last.Bits() == p.Bits() && last.Bits() > 0 {
					parent := netip.PrefixFrom(last.Addr(), last.Bits()-1).Masked()
					if parent.Addr() == last.Addr() && parent.Contains(p.Addr()) {
						out[n-1] = parent
						changed = true
						continue
					}
				}
			}
			out = append(out, p)
		}
		ps = out
		if !changed {
			break
		}
	}
	res := make(map[netip.Prefix]bool, len(ps))
	for _, p := range ps {
		res[p] = true
	}
	return res
}

func sortedPrefixes(m map[netip.Prefix]bool) []string {
	ps := make([]netip.Prefix, 0, len(m))
	for p := range m {
		ps = append(ps, p)
	}
	sort.Slice(ps, func(i, j int) bool {
		if c := ps[i].Addr().Compare(ps[j].Addr()); c != 0 {
			return c < 0
		}
		return ps[i].Bits() < ps[j].Bits()
	})
	out := make([]string, len(ps))
	for i, p := range ps {
		out[i] = p.String()
	}
	return out
}

// parseIPRange reads a CIDR block, a single address, or a range
// "first-last" (as the documentation writes 192.0.2.0 - 192.0.2.255), and
// returns the CIDR blocks that cover it exactly.
func parseIPRange(s string) ([]netip.Prefix, error) {
	s = strings.TrimSpace(s)
	if first, last, ok := strings.Cut(s, "-"); ok && !strings.Contains(s, "/") {
		a, err1 := netip.ParseAddr(strings.TrimSpace(first))
		b, err2 := netip.ParseAddr(strings.TrimSpace(last))
		if err1 != nil || err2 != nil {
			return nil, errors.New("a range is two addresses separated by -, e.g. 192.0.2.0-192.0.2.255")
		}
		a, b = a.Unmap(), b.Unmap()
		if a.Is4() != b.Is4() || b.Less(a) {
			return nil, errors.New("the range's last address must be of the same family and not below the first")
		}
		return rangeToPrefixes(a, b), nil
	}
	p, err := policy.ParsePrefix(s)
	if err != nil {
		return nil, errors.New("expected a CIDR block (192.0.2.0/24), an address, or a range (192.0.2.0-192.0.2.255)")
	}
	return []netip.Prefix{p}, nil
}

// rangeToPrefixes returns the fewest CIDR blocks covering [first, last].
func rangeToPrefixes(first, last netip.Addr) []netip.Prefix {
	var out []netip.Prefix
	bits := first.BitLen()
	for {
		// The largest aligned block starting at first that ends <= last.
		size := bits
		for size > 0 {
			p := netip.PrefixFrom(first, size-1).Masked()
			if p.Addr() != first || lastAddr(p).Compare(last) > 0 {
				break
			}
			size--
		}
		p := netip.PrefixFrom(first, size)
		out = append(out, p)
		end := lastAddr(p)
		if end.Compare(last) >= 0 {
			return out
		}
		first = end.Next()
	}
}

// lastAddr is the highest address of a prefix.
func lastAddr(p netip.Prefix) netip.Addr {
	b := p.Masked().Addr().AsSlice()
	for i := p.Bits(); i < len(b)*8; i++ {
		b[i/8] |= 0x80 >> (i % 8)
	}
	a, _ := netip.AddrFromSlice(b)
	return a
}
