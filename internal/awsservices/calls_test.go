package awsservices

import (
	"slices"
	"testing"
)

func TestCalls(t *testing.T) {
	if got := SelfCalls("AWS::Synthetics::Canary"); !slices.Equal(got, []string{"s3:PutObject", "cloudwatch:PutMetricData"}) {
		t.Errorf("SelfCalls(canary) = %v", got)
	}
	if got := SelfCalls("AWS::Lambda::Function"); got != nil {
		t.Errorf("SelfCalls(function) = %v, want none", got)
	}
	for _, c := range []struct {
		arns []string
		want []string
	}{
		{nil, nil},
		{[]string{"arn:${aws::partition}:iam::aws:policy/service-role/amazonecstaskexecutionrolepolicy"}, []string{"ecr:BatchGetImage", "logs:PutLogEvents"}},
		{[]string{"arn:aws:iam::aws:policy/amazonsqsfullaccess", "arn:aws:iam::aws:policy/amazonsnsfullaccess"}, []string{"sns:Publish", "sqs:SendMessage"}},
		{[]string{"arn:aws:iam::123456789012:policy/mine"}, nil},
	} {
		if got := ManagedPolicyCalls(c.arns); !slices.Equal(got, c.want) {
			t.Errorf("ManagedPolicyCalls(%v) = %v, want %v", c.arns, got, c.want)
		}
	}
	if got := ManagedPolicyCallsOf("AmazonS3ReadOnlyAccess"); !slices.Equal(got, []string{"s3:GetObject"}) {
		t.Errorf("ManagedPolicyCallsOf = %v", got)
	}
}
