package awsservices

import (
	"slices"
	"strings"
)

// The calls a stack's VPC resources make that their templates do not
// spell out: what a kind of resource calls by itself, and what the
// AWS-managed policies a Quilt stack's roles use allow from the network.

// selfNeeds are the calls a kind of VPC resource makes by itself, whatever
// its role allows: an ECS task pulls its image from ECR (the layers from
// S3) and ships its logs; a canary stores its artifacts in S3 and puts
// metrics. A Lambda function needs nothing from the VPC for itself (its
// logs go through the Lambda service).
var selfNeeds = map[string][]string{
	"AWS::ECS::Service":       {"ecr:BatchGetImage", "ecr:GetAuthorizationToken", "s3:GetObject", "logs:PutLogEvents"},
	"AWS::Synthetics::Canary": {"s3:PutObject", "cloudwatch:PutMetricData"},
}

// SelfCalls are representative actions of the calls a resource of this
// type makes from the VPC by itself, whatever its role allows (nil for a
// type that makes none).
func SelfCalls(resourceType string) []string { return slices.Clone(selfNeeds[resourceType]) }

// managedPolicyCalls maps the AWS-managed policies a Quilt stack's roles
// use to representative actions of the calls they allow from the network.
var managedPolicyCalls = map[string][]string{
	"AWSLambdaVPCAccessExecutionRole":  nil, // network interfaces: Lambda's own calls
	"AWSLambdaBasicExecutionRole":      nil, // logs: through the Lambda service
	"AmazonECSTaskExecutionRolePolicy": {"ecr:BatchGetImage", "logs:PutLogEvents"},
	"AmazonEventBridgeFullAccess":      {"events:PutEvents"},
	"CloudWatchSyntheticsFullAccess":   {"synthetics:DescribeCanaries", "s3:PutObject", "cloudwatch:PutMetricData"},
	"AmazonS3ReadOnlyAccess":           {"s3:GetObject"},
	"AmazonS3FullAccess":               {"s3:PutObject"},
	"AmazonSQSFullAccess":              {"sqs:SendMessage"},
	"AmazonSNSFullAccess":              {"sns:Publish"},
	"AmazonAthenaFullAccess":           {"athena:StartQueryExecution", "glue:GetTable", "s3:GetObject"},
	"CloudWatchAgentServerPolicy":      {"cloudwatch:PutMetricData", "logs:PutLogEvents"},
	"AmazonSSMManagedInstanceCore":     {"ssm:GetParameter", "ssmmessages:OpenDataChannel", "ec2messages:GetMessages"},
	// The ECS container agent of an EC2 host: registration, work polling
	// (ecs-agent), telemetry (ecs-telemetry), image pulls and logs.
	"AmazonEC2ContainerServiceforEC2Role": {"ecs:RegisterContainerInstance", "ecs:Poll", "ecs:StartTelemetrySession", "ecr:BatchGetImage", "logs:PutLogEvents"},
}

// managedPolicyPaths are, by managedPolicyCalls name, the lowered ARN
// paths a ManagedPolicyArns entry names the policy by: policy/NAME and
// policy/service-role/NAME (derived once, never changed).
var managedPolicyPaths = func() map[string][2]string {
	out := make(map[string][2]string, len(managedPolicyCalls))
	for name := range managedPolicyCalls {
		l := strings.ToLower(name)
		out[name] = [2]string{"policy/" + l, "policy/service-role/" + l}
	}
	return out
}()

// managedPolicyNames are the managedPolicyCalls names, sorted.
var managedPolicyNames = func() []string {
	out := make([]string, 0, len(managedPolicyCalls))
	for name := range managedPolicyCalls {
		out = append(out, name)
	}
	slices.Sort(out)
	return out
}()

// ManagedPolicyCalls are representative actions of the calls the known
// AWS-managed policies allow from the network, for the policies that
// lowered (the strings of a role's ManagedPolicyArns, lower-cased) name
// by their ARN path (policy/NAME or policy/service-role/NAME).
func ManagedPolicyCalls(lowered []string) []string {
	if len(lowered) == 0 {
		return nil
	}
	mention := func(sub string) bool {
		return slices.ContainsFunc(lowered, func(a string) bool { return strings.Contains(a, sub) })
	}
	var out []string
	for _, name := range managedPolicyNames {
		if p := managedPolicyPaths[name]; mention(p[0]) || mention(p[1]) {
			out = append(out, managedPolicyCalls[name]...)
		}
	}
	return out
}

// ManagedPolicyCallsOf is ManagedPolicyCalls for one policy named as SAM's
// Policies name it (AWSLambdaBasicExecutionRole); nil for a name this
// package does not know.
func ManagedPolicyCallsOf(name string) []string { return slices.Clone(managedPolicyCalls[name]) }
