package preflightresource

import (
	"encoding/json"
	"fmt"
	"net/netip"
	"slices"
	"strconv"
	"strings"

	contract "github.com/quiltdata/quilt-private-endpoints/internal/preflightcontract"
)

// Properties are the resource's properties after parsing.
type Properties struct {
	Mode          string
	VpcID         string
	SubnetIDs     []string
	APIEndpointID string
	Buckets       []string
	VPNClients    bool
	// Fingerprint only makes CloudFormation send an Update (and so run the
	// checks) whenever the template or its parameter values change.
	Fingerprint        string
	EgressServices     []string
	UserSubnets        []string
	ServiceSubnets     []string
	ClientCidrs        []string
	EndpointPrivateDNS bool
	// Warnings are the macro's, reported in the summary and the Reason.
	Warnings []string
}

// PropertyError names every property that is unknown or malformed.
type PropertyError struct{ Problems []string }

func (e *PropertyError) Error() string {
	return "invalid properties of " + contract.Type + ": " + strings.Join(e.Problems, "; ")
}

// ParseProperties reads ResourceProperties. Values may arrive as strings
// (CloudFormation passes numbers and booleans as strings); lists may be
// lists or comma-separated strings.
func ParseProperties(raw map[string]any) (Properties, error) {
	var p Properties
	var problems []string
	bad := func(format string, args ...any) { problems = append(problems, fmt.Sprintf(format, args...)) }

	known := contract.Properties()
	var unknown []string
	for k := range raw {
		if !slices.Contains(known, k) {
			unknown = append(unknown, k)
		}
	}
	slices.Sort(unknown)
	for _, k := range unknown {
		bad("unknown property %s (accepted: %s)", k, strings.Join(known, ", "))
	}

	if v, ok := raw[contract.PropServiceTimeout]; ok {
		if s, ok := scalar(v); !ok || !isUint(s) {
			bad("%s must be a number of seconds, got %s", contract.PropServiceTimeout, show(v))
		}
	}

	mode, ok := stringProp(raw, contract.PropMode)
	switch m := strings.ToLower(strings.TrimSpace(mode)); {
	case !ok:
		bad("%s must be a string (%s or %s), got %s", contract.PropMode, contract.ModeValidate, contract.ModeCreate, show(raw[contract.PropMode]))
	case m == "" || m == contract.ModeValidate:
		p.Mode = contract.ModeValidate
	case m == contract.ModeCreate:
		p.Mode = contract.ModeCreate
	default:
		bad("%s must be %s or %s, got %q", contract.PropMode, contract.ModeValidate, contract.ModeCreate, mode)
	}

	if v, ok := stringProp(raw, contract.PropVpcID); !ok {
		bad("%s must be a string, got %s", contract.PropVpcID, show(raw[contract.PropVpcID]))
	} else if p.VpcID = strings.TrimSpace(v); p.VpcID == "" {
		bad("%s is required (the VPC the stack's Lambdas run in, e.g. vpc-0123456789abcdef0)", contract.PropVpcID)
	}

	if l, ok := listProp(raw, contract.PropSubnetIDs); !ok {
		bad("%s must be a list of at most %d subnet ids or a comma-separated string, got %s", contract.PropSubnetIDs, MaxListItems, show(raw[contract.PropSubnetIDs]))
	} else if p.SubnetIDs = l; len(l) == 0 {
		bad("%s is required (the private subnets of the stack's Lambdas)", contract.PropSubnetIDs)
	}

	if v, ok := stringProp(raw, contract.PropAPIEndpointID); !ok {
		bad("%s must be a string, got %s", contract.PropAPIEndpointID, show(raw[contract.PropAPIEndpointID]))
	} else {
		p.APIEndpointID = strings.TrimSpace(v)
		if p.APIEndpointID == "" && p.Mode == contract.ModeValidate {
			bad("%s is required in %s mode (or set %s to %s to have it created)", contract.PropAPIEndpointID, contract.ModeValidate, contract.PropMode, contract.ModeCreate)
		}
	}

	if l, ok := listProp(raw, contract.PropBucketNames); !ok {
		bad("%s must be a list of at most %d bucket names or a comma-separated string, got %s", contract.PropBucketNames, MaxListItems, show(raw[contract.PropBucketNames]))
	} else {
		p.Buckets = l
	}

	p.VPNClients = boolProp(raw, contract.PropVPNClients, bad)
	p.EndpointPrivateDNS = boolProp(raw, contract.PropEndpointPrivateDNS, bad)

	if v, ok := stringProp(raw, contract.PropFingerprint); !ok {
		bad("%s must be a string, got %s", contract.PropFingerprint, show(raw[contract.PropFingerprint]))
	} else {
		p.Fingerprint = v
	}
	for _, l := range []struct {
		name, what string
		dst        *[]string
	}{
		{contract.PropEgressServices, "AWS service names (sqs, ecr.api, ...)", &p.EgressServices},
		{contract.PropUserSubnets, "subnet ids", &p.UserSubnets},
		{contract.PropServiceSubnets, "subnet ids", &p.ServiceSubnets},
		{contract.PropClientCidrs, "CIDR blocks", &p.ClientCidrs},
	} {
		if v, ok := listProp(raw, l.name); !ok {
			bad("%s must be a list of at most %d %s or a comma-separated string, got %s", l.name, MaxListItems, l.what, show(raw[l.name]))
		} else {
			*l.dst = v
		}
	}
	for _, c := range p.ClientCidrs {
		if _, err := netip.ParsePrefix(c); err != nil {
			bad("%s: %q is not a CIDR block (e.g. 10.8.0.0/16)", contract.PropClientCidrs, c)
		}
	}
	if v, present := raw[contract.PropWarnings]; present && v != nil {
		// A list of sentences: never split at commas.
		switch x := v.(type) {
		case string:
			p.Warnings = []string{x}
		case []any:
			for _, e := range x {
				if s, ok := e.(string); ok {
					p.Warnings = append(p.Warnings, s)
				} else {
					bad("%s must be a list of strings, got %s", contract.PropWarnings, show(v))
					break
				}
			}
		default:
			bad("%s must be a list of strings, got %s", contract.PropWarnings, show(v))
		}
	}
	if len(problems) > 0 {
		return p, &PropertyError{Problems: problems}
	}
	return p, nil
}

// boolProp reads a true/false property; absent or empty is false.
func boolProp(raw map[string]any, key string, bad func(string, ...any)) bool {
	v, ok := raw[key]
	if !ok || v == nil {
		return false
	}
	s, ok := scalar(v)
	b, err := strconv.ParseBool(strings.TrimSpace(s))
	switch {
	case ok && strings.TrimSpace(s) == "":
		return false
	case !ok || err != nil:
		bad("%s must be true or false, got %s", key, show(v))
		return false
	}
	return b
}

// stringProp returns a scalar property as a string; absent is "".
func stringProp(raw map[string]any, key string) (string, bool) {
	v, present := raw[key]
	if !present || v == nil {
		return "", true
	}
	return scalar(v)
}

// scalar accepts strings, numbers and booleans.
func scalar(v any) (string, bool) {
	switch x := v.(type) {
	case string:
		return x, true
	case bool:
		return strconv.FormatBool(x), true
	case float64:
		return strconv.FormatFloat(x, 'f', -1, 64), true
	case json.Number:
		return x.String(), true
	}
	return "", false
}

// MaxListItems bounds each list property (subnets, buckets, services,
// CIDR blocks): far above any real VPC (200 subnets by default), far below
// what would slow the function down.
const MaxListItems = 1000

// listProp accepts a list of strings or a comma-separated string (or a list
// of them); blanks and duplicates are dropped, in linear time. More than
// MaxListItems items is not a valid list.
func listProp(raw map[string]any, key string) ([]string, bool) {
	v, present := raw[key]
	if !present || v == nil {
		return nil, true
	}
	var out []string
	seen := map[string]bool{}
	add := func(list string) bool {
		for s := range strings.SplitSeq(list, ",") {
			if s = strings.TrimSpace(s); s != "" && !seen[s] {
				if len(out) == MaxListItems {
					return false
				}
				seen[s] = true
				out = append(out, s)
			}
		}
		return true
	}
	switch x := v.(type) {
	case string:
		if !add(x) {
			return nil, false
		}
	case []any:
		// An element may itself be a comma-separated string
		// ([!Join [",", ...]], or a CommaDelimitedList value in a list).
		if len(x) > MaxListItems {
			return nil, false
		}
		for _, e := range x {
			s, ok := e.(string)
			if !ok || !add(s) {
				return nil, false
			}
		}
	case []string:
		for _, s := range x {
			if !add(s) {
				return nil, false
			}
		}
	default:
		return nil, false
	}
	return out, true
}

func isUint(s string) bool {
	_, err := strconv.ParseUint(strings.TrimSpace(s), 10, 32)
	return err == nil
}

// show renders a bad value briefly for a Reason.
func show(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		return fmt.Sprintf("%T", v)
	}
	if len(b) > 80 {
		return string(b[:77]) + "..."
	}
	return string(b)
}
