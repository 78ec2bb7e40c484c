package verify

import (
	"slices"
	"strings"
	"sync"
	"time"

	apigwtypes "github.com/aws/aws-sdk-go-v2/service/apigateway/types"
	ecstypes "github.com/aws/aws-sdk-go-v2/service/ecs/types"
	elbtypes "github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2/types"
	"github.com/aws/aws-sdk-go-v2/service/lambda"
	syntypes "github.com/aws/aws-sdk-go-v2/service/synthetics/types"

	"github.com/quiltdata/quilt-private-endpoints/internal/finding"
	"github.com/quiltdata/quilt-private-endpoints/internal/preflightresource"
	"github.com/quiltdata/quilt-private-endpoints/internal/template"
)

// Resource types the checks look at.
const (
	typeFunction = "AWS::Lambda::Function"
	typeRestAPI  = "AWS::ApiGateway::RestApi"
	typeCanary   = "AWS::Synthetics::Canary"
	typeLB       = "AWS::ElasticLoadBalancingV2::LoadBalancer"
	typeService  = "AWS::ECS::Service"
)

// Stack parameter names read (Quilt's own names).
const (
	paramVPC     = "VPC"
	paramSubnets = "Subnets"
)

// endpointParams are the two spellings of the endpoint parameter: Quilt's
// docs say ApiGatewayVPCEndpointId, its built private template
// ApiGatewayVPCEndpoint.
func endpointParams() []string { return []string{"ApiGatewayVPCEndpointId", "ApiGatewayVPCEndpoint"} }

// state is everything read from AWS; the checks only read it.
type state struct {
	in          Input
	now         time.Time
	stackName   string
	stackID     string // the stack's ARN: partition, Region and account
	stackStatus string
	statusWhy   string
	params      map[string]string
	// template is the processed template, nil when it could not be read.
	template map[string]any
	// physical maps logical id to physical id (for Ref resolution).
	physical map[string]string

	// render is what the processed template's Metadata records of how the
	// render was made (readRender).
	render renderState
	// vpcParam and subnetsParam are the stack parameters that hold the VPC
	// and the subnets: the render's settings' (VpcParameter,
	// SubnetsParameter), else Quilt's own names.
	vpcParam, subnetsParam string
	// internalLBs are the load balancers of the template with Scheme
	// internal; publicLBs the others.
	internalLBs, publicLBs []string

	// expected network, from the preflight resource of the processed
	// template (else the stack parameters the render's settings name).
	vpcID      string
	subnets    []string
	subnetsSrc string // where subnets came from, for messages
	// preflight is the preflight resource's input (nil without one).
	preflight   *preflightresource.Properties
	endpointID  string
	endpointSrc string // where endpointID came from, for messages

	functions []*functionState
	apis      []*apiState
	canaries  []*canaryState
	lbs       []*lbState
	services  []*serviceState

	// failures are calls that kept failing: QPE-VF-090.
	failures []failure
	network  []finding.Finding
	mu       sync.Mutex
}

type failure struct {
	resource string
	what     string
	err      error
}

// res is one stack resource.
type res struct {
	logical, physical, status string
	lastUpdated               time.Time
}

// name is how findings name the resource: "Logical (physical)".
func (r res) name() string {
	if r.physical == "" || r.physical == r.logical {
		return r.logical
	}
	return r.logical + " (" + r.physical + ")"
}

type functionState struct {
	res
	cfg *lambda.GetFunctionConfigurationOutput
	// wantSubnets/wantGroups are what the template asked; nil when unknown.
	wantSubnets, wantGroups []string
	// templateVPC says whether the processed template gives the function a
	// VpcConfig (false also when the template is unknown).
	templateVPC bool
	subnetsFrom string
}

type apiState struct {
	res
	api    *apigwtypes.RestApi
	stages []stageState
	// wantEndpoint is the VPC endpoint the template asks for ("" unknown),
	// wantFrom where it comes from (for messages).
	wantEndpoint, wantFrom string
}

type stageState struct {
	stage      apigwtypes.Stage
	deployment *apigwtypes.Deployment
}

type canaryState struct {
	res
	canary *syntypes.Canary
	runs   []syntypes.CanaryRun
	// runsRead is false when GetCanaryRuns failed (QPE-VF-090).
	runsRead bool
	// wantSubnets are the subnets of the template's VPCConfig; nil when the
	// template gives none (or they cannot be resolved).
	wantSubnets []string
}

type lbState struct {
	res
	lb *elbtypes.LoadBalancer
	// wantInternal is true when the processed template's Scheme is (or
	// resolves to) internal: the Private Endpoints macro's
	// LoadBalancerScheme=internal setting writes it there, or when the
	// render's settings retire the public side (every load balancer then
	// internal); wantFrom says which, for messages.
	wantInternal bool
	wantFrom     string
}

type serviceState struct {
	res
	// cluster is the service's cluster: from its ARN, else the template's
	// Cluster, else "default".
	cluster string
	svc     *ecstypes.Service
	// templatePublic is true when the processed template itself sets
	// AwsvpcConfiguration.AssignPublicIp ENABLED.
	templatePublic bool
}

func (s *state) fail(resource, what string, err error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.failures = append(s.failures, failure{resource: resource, what: what, err: err})
}

// resource returns the template's Resources[logical].Properties.
func (s *state) properties(logical string) map[string]any {
	if s.template == nil {
		return nil
	}
	r, _ := template.Resources(s.template)[logical].(map[string]any)
	p, _ := r["Properties"].(map[string]any)
	return p
}

// resolveList resolves a template value meant to be a list of ids: a Ref to
// a List/CommaDelimitedList parameter, or a list whose items are literals,
// Refs to parameters or resources, or Fn::GetAtt of a resource's GroupId/Id.
// ok is false when some part cannot be resolved without evaluating the
// template (Fn::If, Fn::ImportValue, ...).
func (s *state) resolveList(v any) (out []string, ok bool) {
	if name, isRef := refName(v); isRef {
		if pv, found := s.params[name]; found {
			return template.SplitList(pv), true
		}
		return nil, false
	}
	items, isList := v.([]any)
	if !isList {
		return nil, false
	}
	for _, it := range items {
		str, ok := s.resolveString(it)
		if !ok {
			return nil, false
		}
		out = append(out, str)
	}
	return out, true
}

// resolveString resolves a literal, a Ref to a parameter or resource, or a
// Fn::GetAtt of a resource (whose id attribute is its physical id).
func (s *state) resolveString(v any) (string, bool) {
	switch x := v.(type) {
	case string:
		return x, true
	case map[string]any:
		if name, ok := refName(x); ok {
			if pv, found := s.params[name]; found {
				return pv, true
			}
			if pid, found := s.physical[name]; found && pid != "" {
				return pid, true
			}
			return "", false
		}
		if ga, ok := x["Fn::GetAtt"]; ok {
			var target, attr string
			switch g := ga.(type) {
			case []any:
				if len(g) == 2 {
					target, _ = g[0].(string)
					attr, _ = g[1].(string)
				}
			case string:
				target, attr, _ = strings.Cut(g, ".")
			}
			if attr == "GroupId" || attr == "Id" || attr == "VpcEndpointId" {
				if pid, found := s.physical[target]; found && pid != "" {
					return pid, true
				}
			}
		}
	}
	return "", false
}

func refName(v any) (string, bool) {
	m, ok := v.(map[string]any)
	if !ok || len(m) != 1 {
		return "", false
	}
	name, ok := m["Ref"].(string)
	return name, ok
}

// setDiff returns the items of a not in b and of b not in a, sorted.
func setDiff(a, b []string) (onlyA, onlyB []string) {
	for _, x := range a {
		if !slices.Contains(b, x) && !slices.Contains(onlyA, x) {
			onlyA = append(onlyA, x)
		}
	}
	for _, x := range b {
		if !slices.Contains(a, x) && !slices.Contains(onlyB, x) {
			onlyB = append(onlyB, x)
		}
	}
	slices.Sort(onlyA)
	slices.Sort(onlyB)
	return onlyA, onlyB
}

func list(v []string) string {
	if len(v) == 0 {
		return "none"
	}
	return strings.Join(v, ", ")
}

func ts(t time.Time) string { return t.UTC().Format(time.RFC3339) }
