// Package stackfake is a wire-level test double of the AWS services that
// `qpe verify` reads after a deploy: CloudFormation (Query protocol, XML),
// Lambda, API Gateway and CloudWatch Synthetics (REST-JSON). aws-sdk-go-v2
// clients really talk to it over HTTP. A scenario file (YAML or JSON)
// describes one deployed stack: its parameters, resources and processed
// template, the live configuration of its functions, REST APIs and canaries,
// and the faults to inject. The stack also takes updates (changeset.go,
// execute.go): change sets whose changes are computed from the deployed and
// the submitted template (the macro's Lambda run on it), their execution as
// stack events over time, a failure injected at a chosen resource with the
// rollback that follows, UPDATE_ROLLBACK_FAILED and ContinueUpdateRollback;
// UpdateStack over the same machinery, and stack policies (SetStackPolicy,
// GetStackPolicy) enforced on every update (stackpolicy.go, updatestack.go).
package stackfake

import (
	"fmt"
	"time"

	"go.yaml.in/yaml/v3"

	"github.com/quiltdata/quilt-private-endpoints/internal/fakeworld"
)

// Scenario is one deployed stack as the AWS APIs would describe it.
type Scenario struct {
	// Description says what the scenario shows (for humans).
	Description string `yaml:"description"`
	// Region and Account build ARNs; defaults us-east-1 and 123456789012.
	Region  string `yaml:"region"`
	Account string `yaml:"account"`
	// PageSize bounds ListStackResources pages (default 100, as AWS).
	PageSize int   `yaml:"pageSize"`
	Stack    Stack `yaml:"stack"`
	// Functions by function name (the physical id of AWS::Lambda::Function).
	Functions map[string]Function `yaml:"functions"`
	// RestAPIs by REST API id (the physical id of AWS::ApiGateway::RestApi).
	RestAPIs map[string]RestAPI `yaml:"restApis"`
	// Canaries by canary name (the physical id of AWS::Synthetics::Canary).
	Canaries map[string]Canary `yaml:"canaries"`
	// LoadBalancers by ARN (elbv2.go) and ECSServices by ARN (ecs.go).
	LoadBalancers map[string]LoadBalancer `yaml:"loadBalancers"`
	ECSServices   map[string]ECSService   `yaml:"ecsServices"`
	// Network is the world shared with the EC2 double (awsfake reads the
	// same "network" key as its World): the load balancers' subnets take
	// their Availability Zones from it, and a Lambda function or ECS service
	// an update puts in a subnet it does not have fails (world.go).
	Network fakeworld.Network `yaml:"network"`
	// Route53 is the account's hosted zones (route53.go).
	Route53 Route53 `yaml:"route53"`
	// Faults injected into matching calls.
	Faults []Fault `yaml:"faults"`
	// Execution shapes ExecuteChangeSet (execute.go).
	Execution Execution `yaml:"execution"`
	// BucketOwners gives the owner account of a bucket PutObject writes
	// to; a bucket not listed belongs to Account.
	BucketOwners map[string]string `yaml:"bucketOwners"`
}

// Stack is the CloudFormation view: DescribeStacks, ListStackResources and
// GetTemplate.
type Stack struct {
	Name         string            `yaml:"name"`
	Status       string            `yaml:"status"`
	StatusReason string            `yaml:"statusReason"`
	Created      time.Time         `yaml:"created"`
	LastUpdated  *time.Time        `yaml:"lastUpdated"`
	Parameters   map[string]string `yaml:"parameters"`
	// ResolvedParameters are the values CloudFormation resolved for the
	// parameters of a Systems Manager type (DescribeStacks ResolvedValue):
	// Parameters holds the SSM parameter's name, this its value.
	ResolvedParameters map[string]string `yaml:"resolvedParameters"`
	Outputs            map[string]string `yaml:"outputs"`
	// Template is the processed template (after macros) that GetTemplate
	// returns as JSON; nil makes GetTemplate return an empty body.
	Template any `yaml:"template"`
	// OriginalTemplate is what GetTemplate returns for TemplateStage
	// Original (the template as submitted, before macros); nil: Template.
	OriginalTemplate any `yaml:"originalTemplate"`
	// Exports maps an output key to its export name (DescribeStacks
	// Outputs[].ExportName).
	Exports map[string]string `yaml:"exports"`
	// Imports maps an export name to the stacks importing it (ListImports).
	Imports   map[string][]string `yaml:"imports"`
	Resources []Resource          `yaml:"resources"`
}

// Resource is one StackResourceSummary.
type Resource struct {
	LogicalID    string    `yaml:"logicalId"`
	Type         string    `yaml:"type"`
	PhysicalID   string    `yaml:"physicalId"`
	Status       string    `yaml:"status"`
	StatusReason string    `yaml:"statusReason"`
	LastUpdated  time.Time `yaml:"lastUpdated"`
}

// Function is the live configuration GetFunctionConfiguration returns.
type Function struct {
	Runtime                    string     `yaml:"runtime"`
	State                      string     `yaml:"state"`
	StateReason                string     `yaml:"stateReason"`
	StateReasonCode            string     `yaml:"stateReasonCode"`
	LastUpdateStatus           string     `yaml:"lastUpdateStatus"`
	LastUpdateStatusReason     string     `yaml:"lastUpdateStatusReason"`
	LastUpdateStatusReasonCode string     `yaml:"lastUpdateStatusReasonCode"`
	VpcConfig                  *VpcConfig `yaml:"vpcConfig"`
}

// VpcConfig is a function's network attachment.
type VpcConfig struct {
	VpcID            string   `yaml:"vpcId"`
	SubnetIDs        []string `yaml:"subnetIds"`
	SecurityGroupIDs []string `yaml:"securityGroupIds"`
}

// RestAPI is what GetRestApi, GetStages and GetDeployment return.
type RestAPI struct {
	Name           string    `yaml:"name"`
	Created        time.Time `yaml:"created"`
	EndpointTypes  []string  `yaml:"endpointTypes"`
	VpcEndpointIDs []string  `yaml:"vpcEndpointIds"`
	// Policy is the resource policy document; the double escapes it the
	// way API Gateway does (a JSON string with \" and \/ inside).
	Policy      any                   `yaml:"policy"`
	Stages      []Stage               `yaml:"stages"`
	Deployments map[string]Deployment `yaml:"deployments"`
}

// Stage is one stage of a REST API.
type Stage struct {
	Name         string    `yaml:"name"`
	DeploymentID string    `yaml:"deploymentId"`
	Created      time.Time `yaml:"created"`
	LastUpdated  time.Time `yaml:"lastUpdated"`
}

// Deployment is one deployment snapshot of a REST API.
type Deployment struct {
	Description string    `yaml:"description"`
	Created     time.Time `yaml:"created"`
}

// Canary is what GetCanary and GetCanaryRuns return.
type Canary struct {
	State       string `yaml:"state"`
	StateReason string `yaml:"stateReason"`
	// Schedule is the schedule expression, e.g. "rate(5 minutes)".
	Schedule  string     `yaml:"schedule"`
	VpcConfig *VpcConfig `yaml:"vpcConfig"`
	// Runs, most recent first (as GetCanaryRuns returns them).
	Runs []CanaryRun `yaml:"runs"`
}

// CanaryRun is one run of a canary.
type CanaryRun struct {
	ID              string    `yaml:"id"`
	Status          string    `yaml:"status"`
	StateReason     string    `yaml:"stateReason"`
	StateReasonCode string    `yaml:"stateReasonCode"`
	Started         time.Time `yaml:"started"`
	Completed       time.Time `yaml:"completed"`
}

// Fault makes matching calls fail or slow down: the doubles' shared fault
// model (Service cloudformation, lambda, apigateway, synthetics,
// elasticloadbalancing, ecs, route53 or s3; Target a function name, API id,
// canary name, stack name, load balancer ARN or name).
type Fault = fakeworld.Fault

// Load reads a scenario file (YAML or JSON) laid over its "base" chain
// (fakeworld.LoadDocument): maps merge key by key, a null removes the
// base's key, any other value (lists included) replaces the base's.
func Load(path string) (*Scenario, error) {
	doc, err := fakeworld.LoadDocument(path)
	if err != nil {
		return nil, err
	}
	b, err := yaml.Marshal(doc)
	if err != nil {
		return nil, fmt.Errorf("scenario %s: %w", path, err)
	}
	s, err := Parse(b)
	if err != nil {
		return nil, fmt.Errorf("scenario %s: %w", path, err)
	}
	return s, nil
}

// Parse decodes a scenario from YAML or JSON bytes and fills defaults.
func Parse(b []byte) (*Scenario, error) {
	var s Scenario
	if err := yaml.Unmarshal(b, &s); err != nil {
		return nil, fmt.Errorf("decode scenario: %w", err)
	}
	if s.Region == "" {
		s.Region = "us-east-1"
	}
	if s.Account == "" {
		s.Account = "123456789012"
	}
	if s.PageSize <= 0 {
		s.PageSize = 100
	}
	if s.Stack.Name == "" {
		return nil, fmt.Errorf("scenario: stack.name is required")
	}
	if s.Stack.Status == "" {
		s.Stack.Status = "UPDATE_COMPLETE"
	}
	for i, r := range s.Stack.Resources {
		if r.LogicalID == "" || r.Type == "" {
			return nil, fmt.Errorf("scenario: stack.resources[%d] needs logicalId and type", i)
		}
		if r.Status == "" {
			s.Stack.Resources[i].Status = "CREATE_COMPLETE"
		}
	}
	return &s, nil
}

// StackID is the stack's ARN.
func (s *Scenario) StackID() string {
	return fmt.Sprintf("arn:aws:cloudformation:%s:%s:stack/%s/0a1b2c3d-0000-4000-8000-000000000001", s.Region, s.Account, s.Stack.Name)
}
