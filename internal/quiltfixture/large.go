package quiltfixture

import (
	"encoding/json"
	"fmt"

	"github.com/quiltdata/quilt-private-endpoints/internal/template"
)

// Large generates a Quilt-like template (about 1 MB for n = 150): n groups of a
// function, its role and log group, queues, an ECS service with its task
// definition, plus one REST API with methods and a timestamped deployment,
// canaries and an internet-facing ALB.
func Large(n int) []byte {
	ref := func(s string) map[string]any { return map[string]any{"Ref": s} }
	sub := func(s string) map[string]any { return map[string]any{"Fn::Sub": s} }
	getAtt := func(a, b string) map[string]any { return map[string]any{"Fn::GetAtt": []any{a, b}} }
	res := map[string]any{}
	var methods []any
	for i := 0; i < n; i++ {
		fn := fmt.Sprintf("Handler%03d", i)
		role := fn + "Role"
		res[role] = map[string]any{"Type": "AWS::IAM::Role", "Properties": map[string]any{
			"AssumeRolePolicyDocument": map[string]any{"Version": "2012-10-17", "Statement": []any{map[string]any{
				"Effect": "Allow", "Principal": map[string]any{"Service": "lambda.amazonaws.com"}, "Action": "sts:AssumeRole"}}},
			"ManagedPolicyArns": []any{sub("arn:${AWS::Partition}:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole")},
			"Policies": []any{map[string]any{"PolicyName": "data", "PolicyDocument": map[string]any{"Version": "2012-10-17", "Statement": []any{
				map[string]any{"Effect": "Allow", "Action": []any{"s3:GetObject", "s3:GetObjectVersion", "s3:ListBucket"},
					"Resource": []any{sub("arn:${AWS::Partition}:s3:::${ServiceBucket}/*"), sub("arn:${AWS::Partition}:s3:::${ServiceBucket}")}},
				map[string]any{"Effect": "Allow", "Action": []any{"sqs:SendMessage", "sqs:ReceiveMessage", "sqs:DeleteMessage"}, "Resource": getAtt(fn+"Queue", "Arn")},
			}}}},
		}}
		pol := res[role].(map[string]any)["Properties"].(map[string]any)["Policies"].([]any)[0].(map[string]any)["PolicyDocument"].(map[string]any)
		for k := 0; k < 10; k++ {
			pol["Statement"] = append(pol["Statement"].([]any), map[string]any{
				"Sid": fmt.Sprintf("Statement%d", k), "Effect": "Allow",
				"Action":    []any{"athena:StartQueryExecution", "athena:GetQueryExecution", "athena:GetQueryResults", "glue:GetTable", "glue:GetDatabase"},
				"Resource":  []any{sub(fmt.Sprintf("arn:${AWS::Partition}:athena:${AWS::Region}:${AWS::AccountId}:workgroup/${AWS::StackName}-%d", k)), sub("arn:${AWS::Partition}:glue:${AWS::Region}:${AWS::AccountId}:catalog")},
				"Condition": map[string]any{"StringEquals": map[string]any{"aws:ResourceAccount": ref("AWS::AccountId")}},
			})
		}
		res[fn+"LogGroup"] = map[string]any{"Type": "AWS::Logs::LogGroup", "Properties": map[string]any{
			"LogGroupName": sub("/quilt/${AWS::StackName}/" + fn), "RetentionInDays": json.Number("90")}}
		res[fn+"Queue"] = map[string]any{"Type": "AWS::SQS::Queue", "Properties": map[string]any{
			"VisibilityTimeout": json.Number("5400"), "MessageRetentionPeriod": json.Number("1209600"),
			"RedrivePolicy": map[string]any{"deadLetterTargetArn": getAtt("DeadLetterQueue", "Arn"), "maxReceiveCount": json.Number("3")}}}
		props := map[string]any{
			"Handler": "index.handler", "Runtime": "python3.11", "Role": getAtt(role, "Arn"), "Timeout": json.Number("900"), "MemorySize": json.Number("512"),
			"Code": map[string]any{"S3Bucket": sub("quilt-lambda-${AWS::Region}"), "S3Key": fmt.Sprintf("%s/207546e5fbae466955781f22cf88101a78193367.zip", fn)},
			"Environment": map[string]any{"Variables": map[string]any{
				"WEB_ORIGIN": sub("https://${QuiltWebHost}"), "QUEUE_URL": ref(fn + "Queue"), "SERVICE_BUCKET": ref("ServiceBucket"),
				"ES_ENDPOINT": sub("https://${SearchDomainEndpoint}"), "CHUNKED_CHECKSUMS": map[string]any{"Fn::If": []any{"ChunkedChecksumsEnabled", "true", ""}}}},
			"Description":   fmt.Sprintf("Quilt handler %d: indexes objects, previews files and keeps the catalog's search and package views up to date", i),
			"LoggingConfig": map[string]any{"LogGroup": ref(fn + "LogGroup")},
		}
		if i%3 == 0 {
			props["VpcConfig"] = map[string]any{"SubnetIds": ref("Subnets"), "SecurityGroupIds": []any{ref("OutboundSecurityGroup")}}
		}
		res[fn] = map[string]any{"Type": "AWS::Lambda::Function", "Properties": props}
		res[fn+"EventSourceMapping"] = map[string]any{"Type": "AWS::Lambda::EventSourceMapping", "Properties": map[string]any{
			"EventSourceArn": getAtt(fn+"Queue", "Arn"), "FunctionName": ref(fn), "BatchSize": json.Number("1")}}
		if i%4 == 0 {
			svc := fmt.Sprintf("Service%03d", i)
			res[svc+"TaskDefinition"] = map[string]any{"Type": "AWS::ECS::TaskDefinition", "Properties": map[string]any{
				"NetworkMode": "awsvpc", "RequiresCompatibilities": []any{"FARGATE"}, "Cpu": "1024", "Memory": "2048",
				"ExecutionRoleArn": getAtt("AmazonECSTaskExecutionRole", "Arn"),
				"ContainerDefinitions": []any{map[string]any{"Name": "app", "Image": sub("${AWS::AccountId}.dkr.ecr.${AWS::Region}.amazonaws.com/quiltdata/app:1"),
					"Environment": []any{
						map[string]any{"Name": "API_GATEWAY", "Value": sub("https://${Api}.execute-api.${AWS::Region}.amazonaws.com/prod")},
						map[string]any{"Name": "REGISTRY_URL", "Value": sub("https://${QuiltWebHost}")},
					},
					"LogConfiguration": map[string]any{"LogDriver": "awslogs", "Options": map[string]any{
						"awslogs-group": ref("LogGroup"), "awslogs-region": ref("AWS::Region"), "awslogs-stream-prefix": svc}}}}}}
			res[svc] = map[string]any{"Type": "AWS::ECS::Service", "DependsOn": "Listener", "Properties": map[string]any{
				"Cluster": ref("Cluster"), "LaunchType": "FARGATE", "TaskDefinition": ref(svc + "TaskDefinition"), "DesiredCount": json.Number("2"),
				"NetworkConfiguration": map[string]any{"AwsvpcConfiguration": map[string]any{"AssignPublicIp": "DISABLED", "Subnets": ref("Subnets"),
					"SecurityGroups": []any{ref("OutboundSecurityGroup")}}}}}
		}
		if i%10 == 0 {
			m := fmt.Sprintf("Method%03d", i)
			methods = append(methods, m)
			res[m] = map[string]any{"Type": "AWS::ApiGateway::Method", "Properties": map[string]any{
				"RestApiId": ref("Api"), "ResourceId": getAtt("Api", "RootResourceId"), "HttpMethod": "GET", "AuthorizationType": "NONE",
				"Integration": map[string]any{"Type": "AWS_PROXY", "IntegrationHttpMethod": "POST",
					"Uri": sub("arn:${AWS::Partition}:apigateway:${AWS::Region}:lambda:path/2015-03-31/functions/${" + fn + ".Arn}/invocations")}}}
		}
		if i%25 == 0 {
			c := fmt.Sprintf("Canary%03d", i)
			res[c] = map[string]any{"Type": "AWS::Synthetics::Canary", "Properties": map[string]any{
				"Name": fmt.Sprintf("canary-%03d", i), "ExecutionRoleArn": getAtt("CloudWatchSyntheticsRole", "Arn"),
				"Code":               map[string]any{"Handler": "x.handler", "S3Bucket": sub("quilt-lambda-${AWS::Region}"), "S3Key": "canaries/x.zip"},
				"ArtifactS3Location": sub("s3://${CanaryBucket}/" + c), "RuntimeVersion": "syn-nodejs-puppeteer-10.0",
				"Schedule": map[string]any{"Expression": "rate(1 hour)"}, "StartCanaryAfterCreation": true, "VPCConfig": ref("AWS::NoValue")}}
		}
	}
	res["Api"] = map[string]any{"Type": "AWS::ApiGateway::RestApi", "Properties": map[string]any{
		"Name": ref("AWS::StackName"), "BinaryMediaTypes": []any{"*/*"},
		"Policy": map[string]any{"Version": "2012-10-17", "Statement": []any{map[string]any{"Effect": "Allow", "Principal": "*", "Action": "execute-api:Invoke",
			"Resource": []any{sub("arn:${AWS::Partition}:execute-api:${AWS::Region}:${AWS::AccountId}:*/*/*/preview")}}}},
		"EndpointConfiguration": map[string]any{"Types": []any{map[string]any{"Fn::FindInMap": []any{"PartitionConfig", ref("AWS::Partition"), "ApiGatewayType"}}}}}}
	res["ApiDeployment1763112382"] = map[string]any{"Type": "AWS::ApiGateway::Deployment", "DependsOn": methods, "Properties": map[string]any{"RestApiId": ref("Api")}}
	res["ApiStage"] = map[string]any{"Type": "AWS::ApiGateway::Stage", "Properties": map[string]any{"StageName": "prod", "RestApiId": ref("Api"), "DeploymentId": ref("ApiDeployment1763112382")}}
	for _, r := range []string{"AmazonECSTaskExecutionRole", "CloudWatchSyntheticsRole"} {
		res[r] = map[string]any{"Type": "AWS::IAM::Role", "Properties": map[string]any{"AssumeRolePolicyDocument": map[string]any{}}}
	}
	for _, r := range []string{"ServiceBucket", "CanaryBucket"} {
		res[r] = map[string]any{"Type": "AWS::S3::Bucket"}
	}
	res["DeadLetterQueue"] = map[string]any{"Type": "AWS::SQS::Queue"}
	res["Cluster"] = map[string]any{"Type": "AWS::ECS::Cluster"}
	res["LogGroup"] = map[string]any{"Type": "AWS::Logs::LogGroup"}
	res["OutboundSecurityGroup"] = map[string]any{"Type": "AWS::EC2::SecurityGroup", "Properties": map[string]any{"GroupDescription": "out", "VpcId": ref("VPC")}}
	res["LoadBalancer"] = map[string]any{"Type": "AWS::ElasticLoadBalancingV2::LoadBalancer", "Properties": map[string]any{"Scheme": "internet-facing", "Subnets": ref("PublicSubnets")}}
	res["Listener"] = map[string]any{"Type": "AWS::ElasticLoadBalancingV2::Listener", "Properties": map[string]any{"LoadBalancerArn": ref("LoadBalancer"), "Port": json.Number("443")}}
	doc := map[string]any{
		"Description": "Quilt-like benchmark template",
		"Parameters": map[string]any{
			"VPC": map[string]any{"Type": "AWS::EC2::VPC::Id"}, "Subnets": map[string]any{"Type": "List<AWS::EC2::Subnet::Id>"},
			"PublicSubnets": map[string]any{"Type": "List<AWS::EC2::Subnet::Id>"}, "QuiltWebHost": map[string]any{"Type": "String"},
			"SearchDomainEndpoint": map[string]any{"Type": "String"}, "CloudTrailBucket": map[string]any{"Type": "String"},
			"ApiGatewayVPCEndpointId": map[string]any{"Type": "String", "Default": "vpce-0123456789abcdef0"},
		},
		"Conditions": map[string]any{"ChunkedChecksumsEnabled": map[string]any{"Fn::Equals": []any{"a", "a"}}},
		"Mappings":   map[string]any{"PartitionConfig": map[string]any{"aws": map[string]any{"ApiGatewayType": "EDGE"}}},
		"Resources":  res,
		"Outputs":    map[string]any{"ApiUrl": map[string]any{"Value": sub("https://${Api}.execute-api.${AWS::Region}.amazonaws.com/prod")}},
	}
	b, err := template.EncodeJSON(doc, false)
	if err != nil {
		panic(err)
	}
	return b
}
