package awsservices

import (
	"slices"
	"strings"
	"testing"
)

func TestLookup(t *testing.T) {
	tests := []struct {
		region, name string
		want         Service
		known        bool
	}{
		{"eu-west-1", "sqs", Service{Name: "sqs", Endpoint: "com.amazonaws.eu-west-1.sqs"}, true},
		{"eu-west-1", " Monitoring ", Service{Name: "monitoring", Endpoint: "com.amazonaws.eu-west-1.monitoring"}, true},
		{"us-east-2", "kinesis-firehose", Service{Name: "kinesis-firehose", Endpoint: "com.amazonaws.us-east-2.kinesis-firehose"}, true},
		{"us-east-2", "ecr.dkr", Service{Name: "ecr.dkr", Endpoint: "com.amazonaws.us-east-2.ecr.dkr"}, true},
		{"us-east-2", "s3", Service{Name: "s3", Endpoint: "com.amazonaws.us-east-2.s3", Gateway: true}, true},
		{"us-east-1", "iam", Service{Name: "iam", Endpoint: "com.amazonaws.iam"}, true},
		{"eu-central-1", "iam", Service{Name: "iam", NoEndpoint: services[slices.IndexFunc(services, func(e entry) bool { return e.name == "iam" })].noEndpoint}, true},
		{"eu-central-1", "xray", Service{Name: "xray", Endpoint: "com.amazonaws.eu-central-1.xray"}, false},
	}
	for _, tt := range tests {
		got, known := Lookup(tt.region, tt.name)
		if got != tt.want || known != tt.known {
			t.Errorf("Lookup(%q, %q) = %+v, %v; want %+v, %v", tt.region, tt.name, got, known, tt.want, tt.known)
		}
	}
}

func TestNoEndpointServicesSayWhyWithSource(t *testing.T) {
	for _, name := range []string{"ecr-public", "aws-marketplace", "es"} {
		s, ok := Lookup("eu-west-1", name)
		if !ok || s.Endpoint != "" || s.NoEndpoint == "" {
			t.Errorf("%s: %+v, %v; want no endpoint and a reason", name, s, ok)
		}
		if !strings.Contains(s.NoEndpoint, "https://") && !strings.Contains(s.NoEndpoint, "[unverified]") {
			t.Errorf("%s: reason %q names no source", name, s.NoEndpoint)
		}
	}
	if s, _ := Lookup("eu-west-1", "iam"); !strings.Contains(s.NoEndpoint, "us-east-1") {
		t.Errorf("iam outside us-east-1: %q", s.NoEndpoint)
	}
}

func TestFromActions(t *testing.T) {
	tests := []struct {
		actions []string
		want    []string
	}{
		{nil, []string{}},
		{[]string{"cloudwatch:PutMetricData", "firehose:PutRecord", "SQS:SendMessage", "sqs:*"}, []string{"kinesis-firehose", "monitoring", "sqs"}},
		{[]string{"ecr:GetAuthorizationToken"}, []string{"ecr.api", "ecr.dkr", "s3"}},
		{[]string{"ecs:RegisterContainerInstance", "ecs:Poll", "ECS:StartTelemetrySession"}, []string{"ecs", "ecs-agent", "ecs-telemetry"}},
		{[]string{"iam:PassRole", "ec2:CreateNetworkInterface", "ec2:DeleteNetworkInterface", "*"}, []string{}},
		{[]string{"iam:CreatePolicy", "ec2:DescribeInstances"}, []string{"ec2", "iam"}},
		{[]string{"bedrock:InvokeModel", "aws-marketplace:MeterUsage", "xray:PutTraceSegments", "s*:Get"}, []string{"aws-marketplace", "bedrock-runtime", "xray"}},
	}
	for _, tt := range tests {
		if got := FromActions("eu-west-1", tt.actions); !slices.Equal(got, tt.want) {
			t.Errorf("FromActions(%q) = %q, want %q", tt.actions, got, tt.want)
		}
	}
}

func TestQuiltDefault(t *testing.T) {
	got := QuiltDefault()
	if !slices.IsSorted(got) || len(slices.Compact(slices.Clone(got))) != len(got) {
		t.Fatalf("not sorted and unique: %q", got)
	}
	for _, n := range got {
		if _, ok := Lookup("eu-west-1", n); !ok {
			t.Errorf("%s is not in the table", n)
		}
	}
	// What section 7 of the reference names, both ways: the call the issue
	// found missing, and what has no endpoint.
	for _, n := range []string{"sts", "sqs", "athena", "glue", "events", "kinesis-firehose", "ssm", "lambda", "cloudformation", "monitoring", "synthetics", "kms", "ecr.api", "ecr.dkr", "s3", "sns", "logs", "iam", "ecr-public", "aws-marketplace"} {
		if !slices.Contains(got, n) {
			t.Errorf("QuiltDefault lacks %s", n)
		}
	}
	got[0] = "changed"
	if QuiltDefault()[0] == "changed" {
		t.Error("QuiltDefault shares its slice")
	}
}

func TestPrefixesNameKnownServices(t *testing.T) {
	for p, names := range prefixes {
		for _, n := range names {
			if _, ok := Lookup("eu-west-1", n); !ok {
				t.Errorf("prefix %s maps to unknown %s", p, n)
			}
		}
	}
}

func TestFromImage(t *testing.T) {
	private := []string{"ecr.api", "ecr.dkr", "s3"}
	tests := []struct {
		image string
		want  []string
	}{
		{"public.ecr.aws/docker/library/busybox", []string{"ecr-public"}},
		{"PUBLIC.ECR.AWS/nginx/nginx:1.24", []string{"ecr-public"}},
		{"123456789012.dkr.ecr.eu-west-1.amazonaws.com/quiltdata/registry:1", private},
		{"123456789012.dkr.ecr.cn-north-1.amazonaws.com.cn/app@sha256:abc", private},
		{"${AccountId}.dkr.ecr.${Region}.amazonaws.com/quiltdata/catalog:${Tag}", private},
		{"${AWS::AccountId}.dkr.ecr.${AWS::Region}.${AWS::URLSuffix}/app", private},
		{"123456789012.dkr-ecr-fips.us-east-1.amazonaws.com/app", private},
		{"nginx:1.24", nil},
		{"docker.io/library/nginx", nil},
		{"ghcr.io/org/app:1", nil},
		{"${Image}", nil},
		{"evil.dkr.ecr.example.com/app", nil},
	}
	for _, tt := range tests {
		if got := FromImage(tt.image); !slices.Equal(got, tt.want) {
			t.Errorf("FromImage(%q) = %v, want %v", tt.image, got, tt.want)
		}
	}
	for _, r := range imageRegistries {
		for _, n := range r.services {
			if _, ok := Lookup("eu-west-1", n); !ok {
				t.Errorf("image registry service %q is not in the services table", n)
			}
		}
	}
}
