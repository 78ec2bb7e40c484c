package preflightresource

import (
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
	"strings"
)

// Modes.
const (
	ModeValidate = "validate"
	ModeCreate   = "create"
)

// Properties are the resource's properties after parsing.
type Properties struct {
	Mode          string
	VpcID         string
	SubnetIDs     []string
	APIEndpointID string
	Buckets       []string
	VPNClients    bool
}

// KnownProperties lists every accepted property.
func KnownProperties() []string {
	return []string{
		"ServiceToken", "ServiceTimeout", "Mode", "VpcId", "SubnetIds",
		"ApiGatewayVPCEndpointId", "BucketNames", "VpnClients",
	}
}

// PropertyError names every property that is unknown or malformed.
type PropertyError struct{ Problems []string }

func (e *PropertyError) Error() string {
	return "invalid properties of Custom::QuiltPrivateEndpoints: " + strings.Join(e.Problems, "; ")
}

// ParseProperties reads ResourceProperties. Values may arrive as strings
// (CloudFormation passes numbers and booleans as strings); lists may be
// lists or comma-separated strings.
func ParseProperties(raw map[string]any) (Properties, error) {
	var p Properties
	var problems []string
	bad := func(format string, args ...any) { problems = append(problems, fmt.Sprintf(format, args...)) }

	known := KnownProperties()
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

	if v, ok := raw["ServiceTimeout"]; ok {
		if s, ok := scalar(v); !ok || !isUint(s) {
			bad("ServiceTimeout must be a number of seconds, got %s", show(v))
		}
	}

	mode, ok := stringProp(raw, "Mode")
	switch m := strings.ToLower(strings.TrimSpace(mode)); {
	case !ok:
		bad("Mode must be a string (validate or create), got %s", show(raw["Mode"]))
	case m == "" || m == ModeValidate:
		p.Mode = ModeValidate
	case m == ModeCreate:
		p.Mode = ModeCreate
	default:
		bad("Mode must be validate or create, got %q", mode)
	}

	if v, ok := stringProp(raw, "VpcId"); !ok {
		bad("VpcId must be a string, got %s", show(raw["VpcId"]))
	} else if p.VpcID = strings.TrimSpace(v); p.VpcID == "" {
		bad("VpcId is required (the VPC the stack's Lambdas run in, e.g. vpc-0123456789abcdef0)")
	}

	if l, ok := listProp(raw, "SubnetIds"); !ok {
		bad("SubnetIds must be a list of subnet ids or a comma-separated string, got %s", show(raw["SubnetIds"]))
	} else if p.SubnetIDs = l; len(l) == 0 {
		bad("SubnetIds is required (the private subnets of the stack's Lambdas)")
	}

	if v, ok := stringProp(raw, "ApiGatewayVPCEndpointId"); !ok {
		bad("ApiGatewayVPCEndpointId must be a string, got %s", show(raw["ApiGatewayVPCEndpointId"]))
	} else {
		p.APIEndpointID = strings.TrimSpace(v)
		if p.APIEndpointID == "" && p.Mode == ModeValidate {
			bad("ApiGatewayVPCEndpointId is required in validate mode (or set Mode to create to have it created)")
		}
	}

	if l, ok := listProp(raw, "BucketNames"); !ok {
		bad("BucketNames must be a list of bucket names or a comma-separated string, got %s", show(raw["BucketNames"]))
	} else {
		p.Buckets = l
	}

	if v, ok := raw["VpnClients"]; ok && v != nil {
		s, ok := scalar(v)
		b, err := strconv.ParseBool(strings.TrimSpace(s))
		switch {
		case ok && strings.TrimSpace(s) == "":
		case !ok || err != nil:
			bad("VpnClients must be true or false, got %s", show(v))
		default:
			p.VPNClients = b
		}
	}
	if len(problems) > 0 {
		return p, &PropertyError{Problems: problems}
	}
	return p, nil
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

// listProp accepts a list of strings or a comma-separated string (or a list
// of them); blanks and duplicates are dropped.
func listProp(raw map[string]any, key string) ([]string, bool) {
	v, present := raw[key]
	if !present || v == nil {
		return nil, true
	}
	var items []string
	switch x := v.(type) {
	case string:
		items = strings.Split(x, ",")
	case []any:
		// An element may itself be a comma-separated string
		// ([!Join [",", ...]], or a CommaDelimitedList value in a list).
		for _, e := range x {
			s, ok := e.(string)
			if !ok {
				return nil, false
			}
			items = append(items, strings.Split(s, ",")...)
		}
	case []string:
		for _, s := range x {
			items = append(items, strings.Split(s, ",")...)
		}
	default:
		return nil, false
	}
	var out []string
	for _, s := range items {
		if s = strings.TrimSpace(s); s != "" && !slices.Contains(out, s) {
			out = append(out, s)
		}
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
