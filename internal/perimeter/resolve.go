package perimeter

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/ec2"

	"github.com/quiltdata/quilt-private-endpoints/internal/awsclient"
)

// NATLookup reads the available public NAT gateways of the VPCs in region
// ("" for the AWS configuration's) and returns them with the Region the
// configuration resolved.
type NATLookup func(ctx context.Context, region string, vpcs []string) ([]NATGateway, string, error)

// AWSNATLookup is the NATLookup of the qpe commands: the AWS configuration
// every command loads (awsclient: profiles, SSO, environment,
// AWS_ENDPOINT_URL_EC2, a credentials check) with the profile of o, and one
// paginated ec2:DescribeNatGateways.
func AWSNATLookup(o awsclient.Options) NATLookup {
	return func(ctx context.Context, region string, vpcs []string) ([]NATGateway, string, error) {
		cfg, err := awsclient.Load(ctx, awsclient.Options{Region: region, Profile: o.Profile, CredentialsTimeout: 10 * time.Second})
		if err != nil {
			return nil, "", err
		}
		gws, err := NATGateways(ctx, ec2.NewFromConfig(cfg), vpcs)
		return gws, cfg.Region, err
	}
}

// Resolved is the Spec once the NAT addresses are settled.
type Resolved struct {
	Spec *Spec
	// NAT is what is known of the VPCs' NAT gateways, for the warnings.
	NAT NATStatus
	// NATIPs are the NAT addresses known (looked up or given), for the plan.
	NATIPs []string
	// Notes say what the lookup added to the policy (for stderr).
	Notes []string
}

// Resolve validates the options and settles the NAT addresses from natIPs:
// "none" (no NAT gateway), "auto" (look them up and trust them; a failed
// lookup is an error), a list "IP,IP,..." (trust those, no lookup), or ""
// (look them up only to warn; a failed lookup leaves them unknown, with the
// reason). A lookup resolves the Region, and with it the ARN partition, when
// o.Region is empty.
func Resolve(ctx context.Context, o Options, natIPs string, lookup NATLookup) (*Resolved, error) {
	mode := strings.TrimSpace(natIPs)
	switch mode {
	case "", "auto", "none":
	default:
		for _, ip := range strings.Split(mode, ",") {
			o.NATIPs = append(o.NATIPs, strings.TrimSpace(ip))
		}
	}
	spec, err := o.Validate()
	if err != nil {
		return nil, err
	}
	r := &Resolved{Spec: spec}
	switch mode {
	case "none":
		r.NAT = NATStatus{Known: true}
	case "auto", "":
		timeout := 20 * time.Second
		if mode == "" {
			timeout = 10 * time.Second
		}
		lctx, cancel := context.WithTimeout(ctx, timeout)
		defer cancel()
		gws, region, err := lookup(lctx, spec.Region, spec.VPCs)
		if err != nil {
			if mode == "auto" {
				return nil, fmt.Errorf("--nat-ips auto: %w", err)
			}
			r.NAT = NATStatus{Reason: shortReason(err)}
			break
		}
		r.NAT = NATStatus{Known: true, Gateways: gws, LookedUp: true}
		r.NATIPs = PublicIPs(gws)
		o.Region = region
		if mode == "auto" {
			o.NATIPs = r.NATIPs
		}
		if r.Spec, err = o.Validate(); err != nil {
			return nil, err
		}
		if mode == "auto" {
			for _, g := range gws {
				r.Notes = append(r.Notes, fmt.Sprintf("NAT gateway %s in %s: adding %s", g.ID, g.VPCID, strings.Join(g.PublicIPs, ", ")))
			}
			if len(gws) == 0 {
				r.Notes = append(r.Notes, "no available public NAT gateway in "+strings.Join(spec.VPCs, ", "))
			}
		}
	default:
		// The caller named the addresses: trust them, no lookup.
		r.NAT = NATStatus{Known: true}
		for _, pr := range spec.NATPrefixes {
			r.NATIPs = append(r.NATIPs, strings.SplitN(pr, "/", 2)[0])
		}
	}
	return r, nil
}

// shortReason condenses a lookup error for a one-line warning.
func shortReason(err error) string {
	var ce *awsclient.CredentialsError
	if errors.As(err, &ce) {
		return "no usable AWS credentials; --nat-ips auto lists the sources tried"
	}
	return strings.ReplaceAll(err.Error(), "\n", " ")
}
