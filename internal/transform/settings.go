package transform

import (
	"encoding/json"
	"fmt"
	"net/netip"
	"regexp"
	"sort"
	"strings"

	"github.com/quiltdata/quilt-private-endpoints/internal/awsid"
	"github.com/quiltdata/quilt-private-endpoints/internal/preflightcontract"
	"github.com/quiltdata/quilt-private-endpoints/internal/template"
)

// Names of the resources, condition and function the macro adds.
const (
	// PreflightLogicalID is the logical id of the preflight custom resource.
	PreflightLogicalID = preflightcontract.LogicalID
	// PreflightType is the resource type of the preflight custom resource.
	PreflightType = preflightcontract.Type
	// SecurityGroupLogicalID is the logical id of the security group the
	// macro adds when SecurityGroupIds is not given.
	SecurityGroupLogicalID = "QuiltPrivateEndpointsSecurityGroup"
	// CreateEndpointCondition is true when, in create mode, the endpoint
	// parameter is empty and the preflight resource's endpoint is used.
	CreateEndpointCondition = "QuiltPrivateEndpointsCreateEndpoint"
	// PreflightFunctionName is the fixed name of the preflight Lambda that
	// the project's deployment template creates.
	PreflightFunctionName = "quilt-private-endpoints-preflight"
	// DefaultServiceTokenSub is the Fn::Sub string of the default
	// ServiceToken: the preflight function in the stack's own partition,
	// Region and account.
	DefaultServiceTokenSub = "arn:${AWS::Partition}:lambda:${AWS::Region}:${AWS::AccountId}:function:" + PreflightFunctionName
	// PreflightServiceTimeout is the preflight resource's ServiceTimeout (s).
	PreflightServiceTimeout = 360
	// VPCAccessPolicy names the managed policy that lets Lambda manage ENIs.
	VPCAccessPolicy = "AWSLambdaVPCAccessExecutionRole"
)

// Preflight modes.
const (
	ModeValidate = preflightcontract.ModeValidate
	ModeCreate   = preflightcontract.ModeCreate
	ModeNone     = preflightcontract.ModeNone
)

// Setting names (the Transform's Parameters).
const (
	SetEndpointParameter    = "EndpointParameter"
	SetVpcParameter         = "VpcParameter"
	SetSubnetsParameter     = "SubnetsParameter"
	SetUserSubnetsParameter = "UserSubnetsParameter"
	SetSecurityGroupIds     = "SecurityGroupIds"
	SetExclude              = "Exclude"
	SetPreflightMode        = "PreflightMode"
	SetServiceToken         = "ServiceToken"
	SetLoadBalancerScheme   = "LoadBalancerScheme"
	SetPublicLoadBalancer   = "PublicLoadBalancer"
	SetEndpointID           = "ApiGatewayVPCEndpointId"
	SetVpcID                = "VpcId"
	SetSubnetIDs            = "SubnetIds"
	SetUserSubnetIDs        = "UserSubnetIds"
	// Preflight settings, passed to its properties (pass_preflight.go).
	SetBucketNames        = "BucketNames"
	SetClientCidrs        = "ClientCidrs"
	SetEndpointPrivateDNS = "EndpointPrivateDns"
)

// SettingNames lists every valid setting, sorted.
func SettingNames() []string {
	names := []string{SetEndpointParameter, SetVpcParameter, SetSubnetsParameter, SetUserSubnetsParameter,
		SetSecurityGroupIds, SetExclude, SetPreflightMode, SetServiceToken, SetLoadBalancerScheme, SetPublicLoadBalancer,
		SetEndpointID, SetVpcID, SetSubnetIDs, SetUserSubnetIDs, SetBucketNames, SetClientCidrs, SetEndpointPrivateDNS}
	sort.Strings(names)
	return names
}

func isKnownSetting(name string) bool {
	for _, n := range SettingNames() {
		if n == name {
			return true
		}
	}
	return false
}

// DefaultServiceToken is the preflight function's ARN, built in the stack's
// partition, Region and account.
func DefaultServiceToken() any {
	return map[string]any{"Fn::Sub": DefaultServiceTokenSub}
}

var (
	logicalIDRe = regexp.MustCompile(`^[A-Za-z0-9]{1,255}$`)
	lambdaArnRe = regexp.MustCompile(`^arn:aws[a-z-]*:lambda:[a-z0-9-]+:[0-9]{12}:function:[A-Za-z0-9_-]+(:[A-Za-z0-9_$-]+)?$`)
)

// endpointPatternOptional is the AllowedPattern of the endpoint parameter
// in create mode, where it may be empty.
const endpointPatternOptional = `^(vpce-([0-9a-f]{8}|[0-9a-f]{17}))?$`

// Settings are the parsed Transform parameters.
type Settings struct {
	EndpointParameter    string
	VpcParameter         string
	SubnetsParameter     string
	UserSubnetsParameter string
	// SecurityGroupIds are literal sg- ids or logical ids of template
	// parameters/resources; empty means the macro's own security group.
	SecurityGroupIds []string
	Exclude          []string
	PreflightMode    string
	ServiceToken     string // empty: DefaultServiceToken
	// LoadBalancerScheme is SchemeInternal, SchemeUnchanged, or "" when
	// not given (allowed only for a template without an internet-facing
	// application load balancer; see LoadBalancerChoice).
	LoadBalancerScheme string
	// PublicLoadBalancer is PublicKeep or PublicRetire with SchemeInternal
	// ("" otherwise, or when the template has no internet-facing one).
	PublicLoadBalancer string
	// Values that become parameter defaults.
	EndpointID    string
	VpcID         string
	SubnetIDs     []string
	UserSubnetIDs []string
	// Preflight settings: buckets to check besides the template's data
	// bucket parameters, the users' networks, and private DNS for the
	// execute-api endpoint create mode creates.
	BucketNames        []string
	ClientCidrs        []string
	EndpointPrivateDNS bool
}

// settingError is a refused setting. It never quotes the setting's value:
// CloudFormation resolves a Ref in the Transform's Parameters before the
// macro runs, so the value may be a NoEcho parameter's (a secret), and the
// message reaches stack events and the macro's log.
func settingError(name, msg, fix string) *Error {
	return &Error{Resource: "setting " + name, Message: msg, Remedy: fix}
}

// ParseSettings reads the Transform's Parameters. doc is the template (for
// defaults that depend on it, like the endpoint parameter name); it may be
// nil.
func ParseSettings(params map[string]any, doc map[string]any) (Settings, error) {
	s := Settings{
		VpcParameter:         "VPC",
		SubnetsParameter:     "Subnets",
		UserSubnetsParameter: "UserSubnets",
		PreflightMode:        ModeValidate,
	}
	for _, name := range template.SortedKeys(params) {
		v := params[name]
		if str, ok := v.(string); ok && strings.TrimSpace(str) == "" && isKnownSetting(name) {
			continue // an empty value (e.g. an empty template parameter passed by Ref) means the default
		}
		var err error
		switch name {
		case SetEndpointParameter:
			s.EndpointParameter, err = logicalIDSetting(name, v)
		case SetVpcParameter:
			s.VpcParameter, err = logicalIDSetting(name, v)
		case SetSubnetsParameter:
			s.SubnetsParameter, err = logicalIDSetting(name, v)
		case SetUserSubnetsParameter:
			s.UserSubnetsParameter, err = logicalIDSetting(name, v)
		case SetSecurityGroupIds:
			s.SecurityGroupIds, err = listSetting(name, v)
			if err == nil {
				err = checkSecurityGroups(s.SecurityGroupIds, doc)
			}
		case SetExclude:
			s.Exclude, err = listSetting(name, v)
			if err == nil {
				err = checkExclude(s.Exclude, doc)
			}
		case SetPreflightMode:
			s.PreflightMode, err = enumSetting(name, v, ModeValidate, ModeCreate, ModeNone)
		case SetServiceToken:
			s.ServiceToken, err = stringSetting(name, v)
			if err == nil && s.ServiceToken != "" && !lambdaArnRe.MatchString(s.ServiceToken) {
				err = settingError(name, "is not a Lambda function ARN",
					"give the preflight function's ARN, arn:<partition>:lambda:<region>:<account>:function:<name>, or leave it out to use "+PreflightFunctionName)
			}
		case SetLoadBalancerScheme:
			s.LoadBalancerScheme, err = enumSetting(name, v, SchemeInternal, SchemeUnchanged)
		case SetPublicLoadBalancer:
			s.PublicLoadBalancer, err = enumSetting(name, v, PublicKeep, PublicRetire)
		case SetEndpointID:
			s.EndpointID, err = idSetting(name, v, "vpce")
		case SetVpcID:
			s.VpcID, err = idSetting(name, v, "vpc")
		case SetSubnetIDs:
			s.SubnetIDs, err = idListSetting(name, v, "subnet")
		case SetUserSubnetIDs:
			s.UserSubnetIDs, err = idListSetting(name, v, "subnet")
		case SetBucketNames:
			s.BucketNames, err = listSetting(name, v)
		case SetClientCidrs:
			s.ClientCidrs, err = cidrListSetting(name, v)
		case SetEndpointPrivateDNS:
			var b string
			b, err = enumSetting(name, v, "true", "false")
			s.EndpointPrivateDNS = b == "true"
		default:
			return s, &Error{Resource: "setting " + name, Message: "unknown setting",
				Remedy: "use one of " + strings.Join(SettingNames(), ", ")}
		}
		if err != nil {
			return s, err
		}
	}
	if s.EndpointParameter == "" {
		s.EndpointParameter = "ApiGatewayVPCEndpointId"
		params := template.Section(doc, "Parameters")
		if _, ok := params["ApiGatewayVPCEndpointId"]; !ok {
			if _, ok := params["ApiGatewayVPCEndpoint"]; ok {
				s.EndpointParameter = "ApiGatewayVPCEndpoint"
			}
		}
	}
	if err := checkLoadBalancerChoice(s, doc); err != nil {
		return s, err
	}
	seen := map[string]string{}
	for _, p := range [][2]string{{SetEndpointParameter, s.EndpointParameter}, {SetVpcParameter, s.VpcParameter},
		{SetSubnetsParameter, s.SubnetsParameter}, {SetUserSubnetsParameter, s.UserSubnetsParameter}} {
		if other, dup := seen[p[1]]; dup {
			return s, settingError(p[0], "names the same parameter as "+other,
				"give each network parameter its own name")
		}
		seen[p[1]] = p[0]
	}
	return s, nil
}

func kindError(name string, v any, want string) *Error {
	return settingError(name, fmt.Sprintf("is %s, want %s", template.AKindOf(v), want), "set "+name+" to "+want)
}

func stringSetting(name string, v any) (string, error) {
	switch t := v.(type) {
	case string:
		return strings.TrimSpace(t), nil
	case []any:
		if len(t) == 1 {
			return stringSetting(name, t[0])
		}
	}
	return "", kindError(name, v, "a string")
}

func logicalIDSetting(name string, v any) (string, error) {
	s, err := stringSetting(name, v)
	if err != nil {
		return "", err
	}
	if !logicalIDRe.MatchString(s) {
		return "", settingError(name, "is not a parameter name",
			"use letters and digits only, at most 255 (a CloudFormation logical id)")
	}
	return s, nil
}

func enumSetting(name string, v any, valid ...string) (string, error) {
	s, err := stringSetting(name, v)
	if err != nil {
		return "", err
	}
	for _, ok := range valid {
		if strings.EqualFold(s, ok) {
			return ok, nil
		}
	}
	return "", settingError(name, "is not a valid value", "use one of "+strings.Join(valid, ", "))
}

// cidrListSetting is a listSetting of CIDR blocks (IPv4 or IPv6).
func cidrListSetting(name string, v any) ([]string, error) {
	l, err := listSetting(name, v)
	if err != nil {
		return nil, err
	}
	for i, c := range l {
		if _, err := netip.ParsePrefix(c); err != nil {
			return nil, settingError(name, fmt.Sprintf("item %d is not a CIDR block", i+1), "give CIDR blocks such as 10.8.0.0/16, comma-separated")
		}
	}
	return l, nil
}

// listSetting accepts a list of strings, a comma-separated string, or an
// empty string (empty list). Items are trimmed; empty items are dropped.
// maxListSetting caps a list setting (subnets, buckets, Exclude, CIDRs):
// a VPC has at most a few hundred subnets and a template 500 resources, so
// 1,000 items is far above any real value, and the work stays small.
const maxListSetting = 1000

func listSetting(name string, v any) ([]string, error) {
	var items []string
	switch t := v.(type) {
	case string:
		items = strings.Split(t, ",")
	case []string:
		items = t
	case []any:
		for _, e := range t {
			s, ok := e.(string)
			if !ok {
				return nil, kindError(name, e, "a list of strings or a comma-separated string")
			}
			items = append(items, strings.Split(s, ",")...)
		}
	default:
		return nil, kindError(name, v, "a list of strings or a comma-separated string")
	}
	// One pass with a set: linear in the items, whatever their number.
	var out []string
	seen := make(map[string]bool, min(len(items), maxListSetting+1))
	for _, s := range items {
		s = strings.TrimSpace(s)
		if s == "" || seen[s] {
			continue
		}
		if len(out) == maxListSetting {
			return nil, &Error{Resource: name, Message: fmt.Sprintf("the setting lists more than %d distinct items", maxListSetting),
				Remedy: "give the values this stack uses (a VPC's subnets, the template's resources), not more"}
		}
		seen[s] = true
		out = append(out, s)
	}
	return out, nil
}

func idSetting(name string, v any, prefix string) (string, error) {
	s, err := stringSetting(name, v)
	if err != nil {
		return "", err
	}
	if s != "" && !awsid.Valid(s, prefix) {
		return "", settingError(name, "is not a valid id", "give an id like "+prefix+"-0123456789abcdef0 ("+prefix+"- followed by 8 or 17 lowercase hex characters)")
	}
	return s, nil
}

func idListSetting(name string, v any, prefix string) ([]string, error) {
	l, err := listSetting(name, v)
	if err != nil {
		return nil, err
	}
	for i, s := range l {
		if !awsid.Valid(s, prefix) {
			return nil, settingError(name, fmt.Sprintf("item %d of %d is not a valid id", i+1, len(l)),
				"give ids like "+prefix+"-0123456789abcdef0 ("+prefix+"- followed by 8 or 17 lowercase hex characters), comma separated")
		}
	}
	return l, nil
}

func checkSecurityGroups(ids []string, doc map[string]any) error {
	if len(ids) > 5 {
		return settingError(SetSecurityGroupIds, fmt.Sprintf("has %d security groups; a Lambda function takes at most 5", len(ids)),
			"give at most 5 security groups")
	}
	params := template.Section(doc, "Parameters")
	res := template.Resources(doc)
	for i, id := range ids {
		if awsid.Valid(id, "sg") {
			continue
		}
		_, isParam := params[id]
		_, isRes := res[id]
		if !isParam && !isRes {
			return settingError(SetSecurityGroupIds, fmt.Sprintf("item %d of %d is neither a security group id nor a parameter or resource of the template", i+1, len(ids)),
				"give sg- ids (sg-0123456789abcdef0) or the logical ids of security group parameters or resources")
		}
	}
	return nil
}

func checkExclude(ids []string, doc map[string]any) error {
	res := template.Resources(doc)
	for i, id := range ids {
		if _, ok := res[id]; !ok {
			return settingError(SetExclude, fmt.Sprintf("item %d of %d is not a resource of the template", i+1, len(ids)),
				"list logical ids of resources in the template's Resources section")
		}
	}
	return nil
}

// numberValue returns a JSON number for an integer the engine adds.
func numberValue(n int) json.Number { return json.Number(fmt.Sprint(n)) }
