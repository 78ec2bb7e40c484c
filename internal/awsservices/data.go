package awsservices

import "strings"

// The data of this package, kept as Go values with their sources. The facts
// come from the project's reference sheet ("Runtime AWS calls and VPC
// endpoints") and the AWS pages named in each entry; [unverified] marks
// what no AWS page confirms, designed so either answer is safe (the
// preflight then asks for a NAT route, the safe side).

// entry is one service of the table.
type entry struct {
	name string
	// endpoint is the service's suffix after com.amazonaws.{region}.; ""
	// when it has no endpoint.
	endpoint string
	gateway  bool
	// onlyIn, when set, is the one Region with an endpoint, whose name is
	// then com.amazonaws.{endpoint} (no Region in it).
	onlyIn string
	// noEndpoint says why NAT (or an equivalent) is needed, with a source;
	// for onlyIn services it applies outside that Region.
	noEndpoint string
}

// services is every service this package knows, by name. The endpoint
// names are those of aws-cdk's InterfaceVpcEndpointAwsService
// (packages/aws-cdk-lib/aws-ec2/lib/vpc-endpoint.ts), which lists AWS's
// interface endpoint services.
var services = []entry{
	{name: "acm", endpoint: "acm"},
	{name: "athena", endpoint: "athena"},
	{name: "bedrock-runtime", endpoint: "bedrock-runtime"},
	{name: "cloudformation", endpoint: "cloudformation"},
	{name: "cloudtrail", endpoint: "cloudtrail"},
	{name: "ec2", endpoint: "ec2"},
	{name: "ec2messages", endpoint: "ec2messages"},
	{name: "ecr.api", endpoint: "ecr.api"},
	{name: "ecr.dkr", endpoint: "ecr.dkr"},
	{name: "ecs", endpoint: "ecs"},
	{name: "ecs-agent", endpoint: "ecs-agent"},
	{name: "ecs-telemetry", endpoint: "ecs-telemetry"},
	{name: "events", endpoint: "events"},
	{name: "glue", endpoint: "glue"},
	{name: "kinesis-firehose", endpoint: "kinesis-firehose"},
	{name: "kms", endpoint: "kms"},
	{name: "lambda", endpoint: "lambda"},
	{name: "logs", endpoint: "logs"},
	{name: "monitoring", endpoint: "monitoring"},
	{name: "s3", endpoint: "s3", gateway: true},
	{name: "sns", endpoint: "sns"},
	{name: "sqs", endpoint: "sqs"},
	{name: "ssm", endpoint: "ssm"},
	{name: "ssmmessages", endpoint: "ssmmessages"},
	{name: "sts", endpoint: "sts"},
	{name: "synthetics", endpoint: "synthetics"},
	{name: "iam", endpoint: "iam", onlyIn: "us-east-1",
		noEndpoint: "IAM has an interface endpoint (com.amazonaws.iam) only in us-east-1; from another Region it is reached over NAT or a Transit Gateway to us-east-1 (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_iam_vpc_endpoint_create.html)"},
	{name: "ecr-public",
		noEndpoint: "VPC endpoints do not support Amazon ECR Public repositories, so image pulls from public.ecr.aws need NAT or an ECR pull-through cache (https://docs.aws.amazon.com/AmazonECR/latest/userguide/vpc-endpoints.html)"},
	{name: "aws-marketplace",
		noEndpoint: "no VPC endpoint was found for AWS Marketplace metering (metering.marketplace, aws-marketplace:MeterUsage/RegisterUsage) [unverified], so it is reached over NAT"},
	{name: "es",
		noEndpoint: "an OpenSearch domain's data plane (es:ESHttp*) has no interface endpoint: a VPC domain is reached through its own network interfaces in the VPC, a public domain only over NAT (https://docs.aws.amazon.com/opensearch-service/latest/developerguide/vpc.html)"},
}

// prefixes maps an IAM action prefix (lowercase) to the services its calls
// reach. Where the prefix and the endpoint differ the AWS name wins:
// CloudWatch's API is "monitoring", Firehose's "kinesis-firehose"; ECR
// image pulls need both ECR endpoints and the S3 gateway for the layers
// (https://docs.aws.amazon.com/AmazonECR/latest/userguide/vpc-endpoints.html).
var prefixes = map[string][]string{
	"acm":             {"acm"},
	"athena":          {"athena"},
	"aws-marketplace": {"aws-marketplace"},
	"bedrock":         {"bedrock-runtime"},
	"cloudformation":  {"cloudformation"},
	"cloudwatch":      {"monitoring"},
	"ec2":             {"ec2"},
	"ec2messages":     {"ec2messages"},
	"ecr":             {"ecr.api", "ecr.dkr", "s3"},
	"ecr-public":      {"ecr-public"},
	"ecs":             {"ecs"},
	"es":              {"es"},
	"events":          {"events"},
	"firehose":        {"kinesis-firehose"},
	"glue":            {"glue"},
	"iam":             {"iam"},
	"kms":             {"kms"},
	"lambda":          {"lambda"},
	"logs":            {"logs"},
	"s3":              {"s3"},
	"sns":             {"sns"},
	"sqs":             {"sqs"},
	"ssm":             {"ssm"},
	"ssmmessages":     {"ssmmessages"},
	"sts":             {"sts"},
	"synthetics":      {"synthetics"},
}

// actionServices are the actions whose calls reach another endpoint than
// their prefix's: the ECS container agent on an EC2 host polls for work
// through ecs-agent and sends its metrics through ecs-telemetry
// (AmazonEC2ContainerServiceforEC2Role grants ecs:Poll and
// ecs:StartTelemetrySession;
// https://docs.aws.amazon.com/AmazonECS/latest/developerguide/vpc-endpoints.html).
var actionServices = map[string][]string{
	"ecs:poll":                  {"ecs-agent"},
	"ecs:starttelemetrysession": {"ecs-telemetry"},
}

// notCalls are IAM actions that grant a permission without being a call
// the resource makes from its network: the reason is kept with each.
var notCalls = map[string]string{
	// A permission to hand a role to a service, checked by that service.
	"iam:passrole": "iam:PassRole is checked by the service the role is passed to; it is not an IAM API call",
	// AWSLambdaVPCAccessExecutionRole: Lambda itself manages the function's
	// network interfaces with the execution role, from outside the VPC
	// (https://docs.aws.amazon.com/lambda/latest/dg/configuration-vpc.html).
	"ec2:createnetworkinterface":           "called by Lambda for the function, not from the VPC",
	"ec2:describenetworkinterfaces":        "called by Lambda for the function, not from the VPC",
	"ec2:deletenetworkinterface":           "called by Lambda for the function, not from the VPC",
	"ec2:assignprivateipaddresses":         "called by Lambda for the function, not from the VPC",
	"ec2:unassignprivateipaddresses":       "called by Lambda for the function, not from the VPC",
	"ec2:describesubnets":                  "called by Lambda for the function, not from the VPC",
	"ec2:describesecuritygroups":           "called by Lambda for the function, not from the VPC",
	"ec2:describevpcs":                     "called by Lambda for the function, not from the VPC",
	"ec2:attachnetworkinterface":           "called by Lambda for the function, not from the VPC",
	"ec2:detachnetworkinterface":           "called by Lambda for the function, not from the VPC",
	"ec2:createnetworkinterfacepermission": "called by Lambda for the function, not from the VPC",
}

// quiltDefault is what a Quilt stack's VPC resources call (reference sheet,
// section 7, from the IAM policies of the stable 1.64.2 template):
//   - Lambda roles: s3, sqs, athena, glue, events, lambda, ecs (RunTask),
//     cloudformation, cloudwatch, synthetics, logs, kms;
//   - the ECS task role: athena, aws-marketplace, cloudformation,
//     cloudwatch, events, firehose, glue, iam (CreatePolicy...), lambda, s3,
//     sns, sqs, ssm, ssmmessages (ECS Exec), synthetics, sts, kms, ecr, logs;
//     image pulls from public.ecr.aws (ecr-public);
//   - S3ProxyRole: acm; the Voila EC2 host (ECS EC2 launch type): ecs,
//     ecs-agent, ecs-telemetry, ecr, logs, ssm, ssmmessages, ec2messages;
//   - registry-assumed user roles: bedrock:InvokeModel, athena, glue, s3,
//     lambda.
//
// Left out: es (Quilt's search domain is a VPC domain, reached through its
// own network interfaces) and non-AWS hosts (email.quiltdata.com, SSO
// identity providers), which are not AWS services.
// quiltChecked are the services a Quilt template's preflight adds to
// QuiltDefault (its EgressServices, from the IAM policies: the private
// 1.62.1 build's lists es and cloudtrail).
var quiltChecked = []string{"cloudtrail", "es"}

var quiltDefault = []string{
	"acm", "athena", "aws-marketplace", "bedrock-runtime", "cloudformation",
	"ec2messages", "ecr-public", "ecr.api", "ecr.dkr", "ecs", "ecs-agent",
	"ecs-telemetry", "events", "glue", "iam", "kinesis-firehose", "kms",
	"lambda", "logs", "monitoring", "s3", "sns", "sqs", "ssm", "ssmmessages",
	"sts", "synthetics",
}

// imageRegistry is a container registry of AWS, told by its host name, and
// the services an image pull from it reaches.
type imageRegistry struct {
	match    func(host string) bool
	services []string
}

// imageRegistries are the AWS container registries
// (https://docs.aws.amazon.com/AmazonECR/latest/userguide/Registries.html,
// https://docs.aws.amazon.com/AmazonECR/latest/public/public-registries.html):
//   - a private ECR registry, {account}.dkr.ecr.{region}.amazonaws.com (and
//     .amazonaws.com.cn, and the dkr-ecr-fips form): the pull calls the ECR
//     API (ecr.api), the Docker registry API (ecr.dkr), and S3 for the
//     layers (https://docs.aws.amazon.com/AmazonECR/latest/userguide/vpc-endpoints.html);
//   - ECR Public, public.ecr.aws: no VPC endpoint serves its pulls
//     (ecr-public, reached over NAT or an ECR pull-through cache).
var imageRegistries = []imageRegistry{
	{match: func(h string) bool { return h == "public.ecr.aws" }, services: []string{"ecr-public"}},
	{match: func(h string) bool {
		return (strings.Contains(h, ".dkr.ecr.") || strings.Contains(h, ".dkr.ecr-fips.") || strings.Contains(h, ".dkr-ecr-fips.")) &&
			(strings.Contains(h, ".amazonaws.com") || strings.HasSuffix(h, "}"))
	}, services: []string{"ecr.api", "ecr.dkr", "s3"}},
}
