// Package verify proves, after a deploy, that a Quilt stack really runs
// private: every Lambda function is attached to the VPC, subnets and
// security groups the template asked for, and Active; every REST API is
// PRIVATE behind the expected execute-api VPC endpoint, with a resource
// policy that denies calls from anywhere else, deployed to its stages after
// the API last changed; every Synthetics canary passes; the load balancer
// is internal when the template asks for it; no ECS service gives its
// tasks public addresses; and the network
// preflight (internal/preflight) holds for the stack's own VPC, subnets and
// endpoint.
//
// Run reads the stack (DescribeStacks, ListStackResources paginated,
// GetTemplate of the processed template) and then every resource's live
// state, concurrently with a bound, under one deadline. It evaluates each
// check of Catalogue() and returns a finding.Report. An AWS call that keeps
// failing after the SDK's retries becomes a QPE-VF-090 "could not check"
// finding; only a stack that does not exist is an error.
package verify

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/apigateway"
	"github.com/aws/aws-sdk-go-v2/service/cloudformation"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
	elbv2 "github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2"
	"github.com/aws/aws-sdk-go-v2/service/lambda"
	"github.com/aws/aws-sdk-go-v2/service/synthetics"

	"github.com/quiltdata/quilt-private-endpoints/internal/finding"
	"github.com/quiltdata/quilt-private-endpoints/internal/livestack"
	"github.com/quiltdata/quilt-private-endpoints/internal/preflight"
)

// DefaultTimeout bounds a whole Run when Input.Timeout is not set.
const DefaultTimeout = 2 * time.Minute

// DefaultConcurrency bounds the AWS calls in flight.
const DefaultConcurrency = 8

// DefaultLambdaRate is how many GetFunctionConfiguration calls Run makes per
// second (after a burst of as many): Lambda's quota is 15 per second per
// account for each control-plane API, shared with everything else running.
const DefaultLambdaRate = 10

// ErrStackNotFound is returned (wrapped) when the stack does not exist.
var ErrStackNotFound = errors.New("stack not found")

// CloudFormationAPI is the part of *cloudformation.Client Run uses.
type CloudFormationAPI interface {
	livestack.API // the one reader of the live stack
}

// LambdaAPI is the part of *lambda.Client Run uses.
type LambdaAPI interface {
	GetFunctionConfiguration(ctx context.Context, in *lambda.GetFunctionConfigurationInput, optFns ...func(*lambda.Options)) (*lambda.GetFunctionConfigurationOutput, error)
}

// APIGatewayAPI is the part of *apigateway.Client Run uses.
type APIGatewayAPI interface {
	GetRestApi(ctx context.Context, in *apigateway.GetRestApiInput, optFns ...func(*apigateway.Options)) (*apigateway.GetRestApiOutput, error)
	GetStages(ctx context.Context, in *apigateway.GetStagesInput, optFns ...func(*apigateway.Options)) (*apigateway.GetStagesOutput, error)
	GetDeployment(ctx context.Context, in *apigateway.GetDeploymentInput, optFns ...func(*apigateway.Options)) (*apigateway.GetDeploymentOutput, error)
}

// SyntheticsAPI is the part of *synthetics.Client Run uses.
type SyntheticsAPI interface {
	GetCanary(ctx context.Context, in *synthetics.GetCanaryInput, optFns ...func(*synthetics.Options)) (*synthetics.GetCanaryOutput, error)
	GetCanaryRuns(ctx context.Context, in *synthetics.GetCanaryRunsInput, optFns ...func(*synthetics.Options)) (*synthetics.GetCanaryRunsOutput, error)
}

// LoadBalancingAPI is the part of *elasticloadbalancingv2.Client Run uses.
type LoadBalancingAPI interface {
	DescribeLoadBalancers(ctx context.Context, in *elbv2.DescribeLoadBalancersInput, optFns ...func(*elbv2.Options)) (*elbv2.DescribeLoadBalancersOutput, error)
}

// ECSAPI is the part of *ecs.Client Run uses.
type ECSAPI interface {
	DescribeServices(ctx context.Context, in *ecs.DescribeServicesInput, optFns ...func(*ecs.Options)) (*ecs.DescribeServicesOutput, error)
}

// Clients are the AWS clients Run uses. Network may be zero (nil EC2) to
// skip the network preflight.
type Clients struct {
	CloudFormation CloudFormationAPI
	Lambda         LambdaAPI
	APIGateway     APIGatewayAPI
	Synthetics     SyntheticsAPI
	LoadBalancing  LoadBalancingAPI
	ECS            ECSAPI
	Network        preflight.Clients
}

// NewClients builds the real SDK clients from cfg.
func NewClients(cfg aws.Config) Clients {
	return Clients{
		CloudFormation: cloudformation.NewFromConfig(cfg),
		Lambda:         lambda.NewFromConfig(cfg),
		APIGateway:     apigateway.NewFromConfig(cfg),
		Synthetics:     synthetics.NewFromConfig(cfg),
		LoadBalancing:  elbv2.NewFromConfig(cfg),
		ECS:            ecs.NewFromConfig(cfg),
		Network:        preflight.NewClients(cfg),
	}
}

// Input names the stack to verify.
type Input struct {
	// Stack is the stack name or id. Required.
	Stack string
	// Region is the stack's Region (for the network preflight). Required.
	Region string
	// EndpointID overrides the expected execute-api VPC endpoint (else read
	// from the processed template, then the stack parameters).
	EndpointID string
	// Timeout bounds the whole run (default DefaultTimeout).
	Timeout time.Duration
	// Concurrency bounds the calls in flight (default DefaultConcurrency).
	Concurrency int
	// LambdaRate caps GetFunctionConfiguration calls per second (default
	// DefaultLambdaRate; negative: no cap).
	LambdaRate float64
	// Now is the clock for canary freshness (default time.Now).
	Now func() time.Time
	// Progress, when set, receives short progress lines (for stderr).
	Progress func(msg string)
}

// Run verifies the stack. It returns an error only when the stack cannot be
// read at all (it does not exist, or DescribeStacks keeps failing); every
// other problem is a finding.
func Run(ctx context.Context, c Clients, in Input) (finding.Report, error) {
	if in.Stack == "" {
		return finding.Report{}, errors.New("verify: the stack name is required")
	}
	timeout := in.Timeout
	if timeout <= 0 {
		timeout = DefaultTimeout
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	if in.Concurrency <= 0 {
		in.Concurrency = DefaultConcurrency
	}
	if in.LambdaRate == 0 {
		in.LambdaRate = DefaultLambdaRate
	}
	if in.Now == nil {
		in.Now = time.Now
	}
	st, err := gather(ctx, c, in)
	if err != nil {
		return finding.Report{}, err
	}
	fs := append(Catalogue().Run(st, nil), st.network...)
	return finding.NewReport(fs), nil
}

func (in Input) progress(format string, args ...any) {
	if in.Progress != nil {
		in.Progress(fmt.Sprintf(format, args...))
	}
}
