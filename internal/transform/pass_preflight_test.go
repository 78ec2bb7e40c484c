package transform

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	contract "github.com/quiltdata/quilt-private-endpoints/internal/preflightcontract"
	"github.com/quiltdata/quilt-private-endpoints/internal/template"
)

// TestEverythingWaitsForThePreflight walks the dependency graph of every
// golden render that has a preflight (the Quilt-shaped stable, private and
// create-mode builds among them): each resource waits for the preflight
// through DependsOn or references (never through a resource with a
// Condition), except the ones the preflight itself needs; no cycle; no
// DependsOn on the preflight beside a reference to it (cfn-lint W3005).
func TestEverythingWaitsForThePreflight(t *testing.T) {
	paths, _ := filepath.Glob(filepath.Join("testdata", "*", "*", "expected.json"))
	checked := 0
	for _, p := range paths {
		b, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		doc, err := template.DecodeJSON(b)
		if err != nil {
			t.Fatal(err)
		}
		res := template.Section(doc, "Resources")
		if _, ok := res[contract.LogicalID]; !ok {
			continue
		}
		checked++
		t.Run(filepath.Dir(p), func(t *testing.T) { checkWaits(t, doc) })
	}
	if checked < 10 {
		t.Fatalf("only %d renders with a preflight: the test proves little", checked)
	}
}

func checkWaits(t *testing.T, doc map[string]any) {
	t.Helper()
	res := template.Section(doc, "Resources")
	deps := map[string][]string{}
	for _, id := range template.SortedKeys(res) {
		r, _ := res[id].(map[string]any)
		for _, d := range template.ResourceDeps(r) {
			if _, ok := res[d]; ok && d != id {
				deps[id] = append(deps[id], d)
			}
		}
		if ds, _ := template.DependsOn(r); slices.Contains(ds, contract.LogicalID) && slices.Contains(template.ReferencedIDs(r["Properties"]), contract.LogicalID) {
			t.Errorf("%s: DependsOn %s beside a reference to it (W3005)", id, contract.LogicalID)
		}
	}
	// No cycle: a depth-first walk never meets a resource on its own path.
	state := map[string]int{} // 1 on the path, 2 done
	var visit func(id string, path []string)
	visit = func(id string, path []string) {
		switch state[id] {
		case 1:
			t.Errorf("dependency cycle: %s -> %s", strings.Join(path, " -> "), id)
			return
		case 2:
			return
		}
		state[id] = 1
		for _, d := range deps[id] {
			visit(d, append(path, id))
		}
		state[id] = 2
	}
	for _, id := range template.SortedKeys(res) {
		visit(id, nil)
	}
	// What the preflight needs.
	needed := map[string]bool{}
	queue := slices.Clone(deps[contract.LogicalID])
	for len(queue) > 0 {
		id := queue[0]
		queue = queue[1:]
		if !needed[id] {
			needed[id] = true
			queue = append(queue, deps[id]...)
		}
	}
	memo := map[string]bool{}
	var waits func(id string) bool
	waits = func(id string) bool {
		if v, ok := memo[id]; ok {
			return v
		}
		memo[id] = false // a cycle does not wait
		for _, d := range deps[id] {
			r, _ := res[d].(map[string]any)
			if d == contract.LogicalID || (r["Condition"] == nil && waits(d)) {
				memo[id] = true
				break
			}
		}
		return memo[id]
	}
	for _, id := range template.SortedKeys(res) {
		if id != contract.LogicalID && !needed[id] && !waits(id) {
			t.Errorf("%s does not wait for %s", id, contract.LogicalID)
		}
	}
}

// fingerprintOf renders and returns the preflight's Fingerprint.
func fingerprintOf(t *testing.T, doc map[string]any, settings map[string]any) any {
	t.Helper()
	res, err := Transform(context.Background(), Request{Fragment: doc, Params: settings})
	if err != nil {
		t.Fatal(err)
	}
	p, _ := template.Section(res.Fragment, "Resources")[contract.LogicalID].(map[string]any)
	props, _ := p["Properties"].(map[string]any)
	if props[contract.PropFingerprint] == nil {
		t.Fatalf("no %s", contract.PropFingerprint)
	}
	return props[contract.PropFingerprint]
}

func TestFingerprint(t *testing.T) {
	in, err := os.ReadFile(filepath.Join("testdata", "quilt", "stable_build", "input.json"))
	if err != nil {
		t.Fatal(err)
	}
	sb, err := os.ReadFile(filepath.Join("testdata", "quilt", "stable_build", "settings.json"))
	if err != nil {
		t.Fatal(err)
	}
	set, err := template.DecodeJSON(sb)
	if err != nil {
		t.Fatal(err)
	}
	with := func(kv ...string) map[string]any {
		m := template.Clone(set).(map[string]any)
		for i := 0; i+1 < len(kv); i += 2 {
			m[kv[i]] = kv[i+1]
		}
		return m
	}
	load := func() map[string]any { return fragment(t, in) }
	base := fingerprintOf(t, load(), with())
	if again := fingerprintOf(t, load(), with()); !template.Equal(base, again) {
		t.Errorf("identical input, different fingerprints:\n%v\n%v", base, again)
	}
	// A change anywhere in the template changes it.
	doc := load()
	res := template.Section(doc, "Resources")
	for _, id := range template.SortedKeys(res) {
		r, _ := res[id].(map[string]any)
		if r["Type"] == "AWS::Lambda::Function" {
			props, _ := r["Properties"].(map[string]any)
			props["MemorySize"] = 2048
			break
		}
	}
	if changed := fingerprintOf(t, doc, with()); template.Equal(base, changed) {
		t.Error("a function's MemorySize changed, the fingerprint did not")
	}
	// Settings change the render, so the fingerprint.
	if changed := fingerprintOf(t, load(), with("ClientCidrs", "10.8.0.0/16")); template.Equal(base, changed) {
		t.Error("a setting changed, the fingerprint did not")
	}
	// Every parameter value reaches it through a Ref, except NoEcho ones.
	doc = load()
	params := template.Section(doc, "Parameters")
	params["Secret"] = map[string]any{"Type": "String", "NoEcho": true}
	fp := fingerprintOf(t, doc, with())
	refs := template.ReferencedIDs(fp)
	for _, name := range template.SortedKeys(params) {
		if got := slices.Contains(refs, name); got == (name == "Secret") {
			t.Errorf("parameter %s referenced by the fingerprint: %v", name, got)
		}
	}
}

func TestPreflightBucketsAndEgress(t *testing.T) {
	role := func(actions ...any) map[string]any {
		return map[string]any{"Type": "AWS::IAM::Role", "Properties": map[string]any{
			"AssumeRolePolicyDocument": map[string]any{},
			"ManagedPolicyArns":        []any{map[string]any{"Fn::Sub": "arn:${AWS::Partition}:iam::aws:policy/service-role/AmazonECSTaskExecutionRolePolicy"}},
			"Policies": []any{map[string]any{"PolicyName": "p", "PolicyDocument": map[string]any{
				"Statement": []any{map[string]any{"Effect": "Allow", "Action": actions, "Resource": "*"}}}}}}}
	}
	fn := map[string]any{"Type": "AWS::Lambda::Function", "Properties": map[string]any{
		"Role": map[string]any{"Fn::GetAtt": []any{"FnRole", "Arn"}}, "Handler": "h", "Runtime": "python3.11",
		"Code":        map[string]any{"ZipFile": "x"},
		"Environment": map[string]any{"Variables": map[string]any{"B": map[string]any{"Ref": "DataBucket"}, "T": map[string]any{"Ref": "CloudTrailBucket"}}}}}
	doc := map[string]any{
		"Parameters": map[string]any{
			"VPC": map[string]any{"Type": "AWS::EC2::VPC::Id"}, "Subnets": map[string]any{"Type": "List<AWS::EC2::Subnet::Id>"},
			"ApiGatewayVPCEndpointId": map[string]any{"Type": "String"},
			"DataBucket":              map[string]any{"Type": "String"},
			"CloudTrailBucket":        map[string]any{"Type": "String"},
			"UnusedBucket":            map[string]any{"Type": "String"},
			"AccessLogsBucket":        map[string]any{"Type": "String", "Description": "where the ALB writes its access logs"},
		},
		"Resources": map[string]any{
			"FnRole": role("sqs:SendMessage", "athena:StartQueryExecution", "iam:PassRole"),
			"Fn":     fn,
			"Logs":   map[string]any{"Type": "AWS::S3::BucketPolicy", "Properties": map[string]any{"Bucket": map[string]any{"Ref": "AccessLogsBucket"}, "PolicyDocument": map[string]any{}}},
		},
	}
	res, err := Transform(context.Background(), Request{Fragment: doc, Params: map[string]any{"BucketNames": "extra-bucket"},
		TemplateParameterValues: map[string]any{"ApiGatewayVPCEndpointId": "vpce-0123456789abcdef0"}})
	if err != nil {
		t.Fatal(err)
	}
	p, _ := template.Section(res.Fragment, "Resources")[contract.LogicalID].(map[string]any)
	props, _ := p["Properties"].(map[string]any)
	wantBuckets := []any{"extra-bucket", map[string]any{"Ref": "DataBucket"}}
	if !template.Equal(props[contract.PropBucketNames], wantBuckets) {
		t.Errorf("BucketNames %v, want %v (the setting, the used data bucket; not CloudTrailBucket, an unused or a log bucket)", props[contract.PropBucketNames], wantBuckets)
	}
	// The function's role: its inline actions (iam:PassRole is no call) and
	// the ECS task execution policy's ECR pulls and logs.
	wantEgress := []any{"athena", "ecr.api", "ecr.dkr", "logs", "s3", "sqs"}
	if !template.Equal(props[contract.PropEgressServices], wantEgress) {
		t.Errorf("EgressServices %v, want %v", props[contract.PropEgressServices], wantEgress)
	}
}

// TestPreflightEgressSelfNeeds: an ECS service and a canary in the VPC
// need ECR, S3, logs and metrics whatever their roles say; a role from a
// parameter adds what a Quilt stack calls.
func TestPreflightEgressSelfNeeds(t *testing.T) {
	bare := map[string]any{"Type": "AWS::IAM::Role", "Properties": map[string]any{"AssumeRolePolicyDocument": map[string]any{}}}
	doc := map[string]any{
		"Parameters": map[string]any{
			"VPC": map[string]any{"Type": "AWS::EC2::VPC::Id"}, "Subnets": map[string]any{"Type": "List<AWS::EC2::Subnet::Id>"},
			"ApiGatewayVPCEndpointId": map[string]any{"Type": "String"},
		},
		"Resources": map[string]any{
			"TaskRole": bare,
			"Task": map[string]any{"Type": "AWS::ECS::TaskDefinition", "Properties": map[string]any{
				"TaskRoleArn": map[string]any{"Fn::GetAtt": []any{"TaskRole", "Arn"}}, "ContainerDefinitions": []any{}}},
			"Service": map[string]any{"Type": "AWS::ECS::Service", "Properties": map[string]any{
				"TaskDefinition":       map[string]any{"Ref": "Task"},
				"NetworkConfiguration": map[string]any{"AwsvpcConfiguration": map[string]any{"Subnets": map[string]any{"Ref": "Subnets"}}}}},
		},
	}
	egress := func(doc map[string]any) []any {
		t.Helper()
		res, err := Transform(context.Background(), Request{Fragment: doc, TemplateParameterValues: map[string]any{"ApiGatewayVPCEndpointId": "vpce-0123456789abcdef0"}})
		if err != nil {
			t.Fatal(err)
		}
		p, _ := template.Section(res.Fragment, "Resources")[contract.LogicalID].(map[string]any)
		props, _ := p["Properties"].(map[string]any)
		l, _ := props[contract.PropEgressServices].([]any)
		return l
	}
	got := egress(doc)
	for _, want := range []any{"ecr.api", "ecr.dkr", "logs", "s3"} {
		if !slices.Contains(got, want) {
			t.Errorf("ECS service in the VPC: EgressServices %v lacks %s", got, want)
		}
	}
	if slices.Contains(got, "sqs") {
		t.Errorf("EgressServices %v has sqs, which nothing calls", got)
	}
	// The task role from a parameter: what a Quilt stack calls is added.
	doc = template.Clone(doc).(map[string]any)
	template.Section(doc, "Parameters")["TaskRoleArn"] = map[string]any{"Type": "String"}
	task := template.Section(doc, "Resources")["Task"].(map[string]any)
	task["Properties"].(map[string]any)["TaskRoleArn"] = map[string]any{"Ref": "TaskRoleArn"}
	if got := egress(doc); !slices.Contains(got, "sqs") || !slices.Contains(got, "sts") {
		t.Errorf("a role from outside the template: EgressServices %v, want the Quilt default too", got)
	}
}

// TestPreflightEgressImagesAndKeys: the registries of the images the VPC's
// ECS tasks (a service's, a scheduled task's) and container-image Lambda
// functions pull, and the KMS key policy grants to their roles, are in
// EgressServices; an image or a grant outside the VPC is not (fixture in
// the shape of Quilt's stable template).
func TestPreflightEgressImagesAndKeys(t *testing.T) {
	bare := map[string]any{"Type": "AWS::IAM::Role", "Properties": map[string]any{"AssumeRolePolicyDocument": map[string]any{}}}
	getAtt := func(id string) any { return map[string]any{"Fn::GetAtt": []any{id, "Arn"}} }
	privateImage := map[string]any{"Fn::Sub": []any{"${AccountId}.dkr.ecr.${Region}.amazonaws.com/quiltdata/registry:${Tag}",
		map[string]any{"AccountId": "730278974607", "Region": "us-east-1", "Tag": "abc"}}}
	taskDef := func(images ...any) map[string]any {
		var cs []any
		for i, im := range images {
			cs = append(cs, map[string]any{"Name": fmt.Sprintf("c%d", i), "Image": im})
		}
		return map[string]any{"Type": "AWS::ECS::TaskDefinition", "Properties": map[string]any{
			"NetworkMode": "awsvpc", "TaskRoleArn": getAtt("TaskRole"), "ExecutionRoleArn": getAtt("TaskRole"), "ContainerDefinitions": cs}}
	}
	network := map[string]any{"AwsvpcConfiguration": map[string]any{"Subnets": map[string]any{"Ref": "Subnets"}}}
	key := func(principal any, actions ...any) map[string]any {
		return map[string]any{"Type": "AWS::KMS::Key", "Properties": map[string]any{"KeyPolicy": map[string]any{"Statement": []any{
			map[string]any{"Effect": "Allow", "Principal": map[string]any{"AWS": map[string]any{"Fn::Sub": "arn:${AWS::Partition}:iam::${AWS::AccountId}:root"}}, "Action": "kms:*", "Resource": "*"},
			map[string]any{"Effect": "Allow", "Principal": map[string]any{"AWS": principal}, "Action": actions, "Resource": "*"},
		}}}}
	}
	base := map[string]any{
		"Parameters": map[string]any{
			"VPC": map[string]any{"Type": "AWS::EC2::VPC::Id"}, "Subnets": map[string]any{"Type": "List<AWS::EC2::Subnet::Id>"},
			"ApiGatewayVPCEndpointId": map[string]any{"Type": "String"},
		},
		"Resources": map[string]any{
			"TaskRole":  bare,
			"OtherRole": bare,
			"Service": map[string]any{"Type": "AWS::ECS::Service", "Properties": map[string]any{
				"TaskDefinition": map[string]any{"Ref": "Task"}, "NetworkConfiguration": network}},
		},
	}
	tests := []struct {
		name      string
		resources map[string]any
		want, not []string
	}{
		{"public image of a service's task", map[string]any{"Task": taskDef("public.ecr.aws/docker/library/busybox", privateImage)},
			[]string{"ecr-public", "ecr.api", "ecr.dkr", "s3"}, []string{"kms"}},
		{"public image in a Fn::Join", map[string]any{"Task": taskDef(map[string]any{"Fn::Join": []any{"", []any{"public.ecr.aws/nginx/nginx:", map[string]any{"Ref": "AWS::NoValue"}}}})},
			[]string{"ecr-public"}, nil},
		{"image chosen by Fn::If", map[string]any{"Task": taskDef(map[string]any{"Fn::If": []any{"C", "public.ecr.aws/nginx/nginx:1.24", "nginx:1.24"}})},
			[]string{"ecr-public"}, nil},
		{"key policy grant to the task role (Fn::Sub of its Arn)", map[string]any{"Task": taskDef("nginx"),
			"ServiceAuthKey": key(map[string]any{"Fn::Sub": "${TaskRole.Arn}"}, "kms:GetPublicKey")},
			[]string{"kms"}, []string{"ecr-public"}},
		{"key policy grant to a role outside the VPC", map[string]any{"Task": taskDef("nginx"),
			"OtherKey": key(getAtt("OtherRole"), "kms:Sign")},
			nil, []string{"kms"}},
		{"scheduled task in the VPC", map[string]any{"Task": taskDef("nginx"), "Tracking": taskDef("public.ecr.aws/x/y:1"),
			"Cron": map[string]any{"Type": "AWS::Events::Rule", "Properties": map[string]any{"ScheduleExpression": "rate(1 day)", "Targets": []any{
				map[string]any{"Id": "T", "Arn": "arn", "EcsParameters": map[string]any{"TaskDefinitionArn": map[string]any{"Ref": "Tracking"}, "NetworkConfiguration": network}}}}}},
			[]string{"ecr-public"}, nil},
		{"task definition no VPC resource runs", map[string]any{"Task": taskDef("nginx"), "Unused": taskDef("public.ecr.aws/x/y:1")},
			nil, []string{"ecr-public"}},
		{"container image Lambda function in the VPC", map[string]any{"Task": taskDef("nginx"),
			"Indexer": map[string]any{"Type": "AWS::Lambda::Function", "Properties": map[string]any{
				"Role": getAtt("OtherRole"), "PackageType": "Image",
				"Code":      map[string]any{"ImageUri": map[string]any{"Fn::Sub": []any{"${AccountId}.dkr.ecr.${AWS::Region}.amazonaws.com/quiltdata/lambdas/indexer:b5", map[string]any{"AccountId": "1"}}}},
				"VpcConfig": map[string]any{"SubnetIds": map[string]any{"Ref": "Subnets"}, "SecurityGroupIds": []any{"sg-1"}}}}},
			[]string{"ecr.api", "ecr.dkr"}, nil},
		{"ECS on an EC2 host in the VPC: the host's role and the images", map[string]any{"Task": taskDef("nginx"),
			"VoilaTask": taskDef("public.ecr.aws/nginx/nginx:1.24"),
			"Voila":     map[string]any{"Type": "AWS::ECS::Service", "Properties": map[string]any{"LaunchType": "EC2", "TaskDefinition": map[string]any{"Ref": "VoilaTask"}}},
			"HostRole": map[string]any{"Type": "AWS::IAM::Role", "Properties": map[string]any{"AssumeRolePolicyDocument": map[string]any{},
				"ManagedPolicyArns": []any{map[string]any{"Fn::Sub": "arn:${AWS::Partition}:iam::aws:policy/service-role/AmazonEC2ContainerServiceforEC2Role"},
					map[string]any{"Fn::Sub": "arn:${AWS::Partition}:iam::aws:policy/AmazonSSMManagedInstanceCore"}}}},
			"HostProfile": map[string]any{"Type": "AWS::IAM::InstanceProfile", "Properties": map[string]any{"Roles": []any{map[string]any{"Ref": "HostRole"}}}},
			"HostTemplate": map[string]any{"Type": "AWS::EC2::LaunchTemplate", "Properties": map[string]any{"LaunchTemplateData": map[string]any{
				"IamInstanceProfile": map[string]any{"Arn": getAtt("HostProfile")}}}},
			"Hosts": map[string]any{"Type": "AWS::AutoScaling::AutoScalingGroup", "Properties": map[string]any{"MinSize": "1", "MaxSize": "2",
				"VPCZoneIdentifier": map[string]any{"Ref": "Subnets"},
				"LaunchTemplate":    map[string]any{"LaunchTemplateId": map[string]any{"Ref": "HostTemplate"}, "Version": "1"}}}},
			[]string{"ecr-public", "ecs", "ecs-agent", "ecs-telemetry", "ssm", "ssmmessages", "ec2messages"}, []string{"sts"}},
		{"a role the task role assumes, with a statement under Fn::If", map[string]any{"Task": taskDef("nginx"),
			"UserRole": map[string]any{"Type": "AWS::IAM::Role", "Properties": map[string]any{
				"AssumeRolePolicyDocument": map[string]any{"Statement": []any{map[string]any{"Effect": "Allow",
					"Principal": map[string]any{"AWS": []any{getAtt("TaskRole"), "arn:aws:iam::111122223333:user/u"}}, "Action": []any{"sts:AssumeRole"}}}},
				"Policies": []any{map[string]any{"PolicyName": "p", "PolicyDocument": map[string]any{"Statement": []any{
					map[string]any{"Fn::If": []any{"QuratorEnabled",
						map[string]any{"Effect": "Allow", "Action": "bedrock:InvokeModel", "Resource": "*"},
						map[string]any{"Ref": "AWS::NoValue"}}}}}}}}},
			"UserKey": key(getAtt("UserRole"), "kms:Decrypt")},
			[]string{"bedrock-runtime", "kms"}, nil},
		{"a role nothing in the VPC assumes", map[string]any{"Task": taskDef("nginx"),
			"UserRole": map[string]any{"Type": "AWS::IAM::Role", "Properties": map[string]any{
				"AssumeRolePolicyDocument": map[string]any{"Statement": []any{map[string]any{"Effect": "Allow",
					"Principal": map[string]any{"AWS": getAtt("OtherRole")}, "Action": "sts:AssumeRole"}}},
				"Policies": []any{map[string]any{"PolicyName": "p", "PolicyDocument": map[string]any{"Statement": []any{
					map[string]any{"Effect": "Allow", "Action": "bedrock:InvokeModel", "Resource": "*"}}}}}}}},
			nil, []string{"bedrock-runtime"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			doc := template.Clone(base).(map[string]any)
			for id, r := range tt.resources {
				template.Section(doc, "Resources")[id] = r
			}
			res, err := Transform(context.Background(), Request{Fragment: doc, TemplateParameterValues: map[string]any{"ApiGatewayVPCEndpointId": "vpce-0123456789abcdef0"}})
			if err != nil {
				t.Fatal(err)
			}
			p, _ := template.Section(res.Fragment, "Resources")[contract.LogicalID].(map[string]any)
			props, _ := p["Properties"].(map[string]any)
			got, _ := props[contract.PropEgressServices].([]any)
			for _, w := range tt.want {
				if !slices.Contains(got, any(w)) {
					t.Errorf("EgressServices %v lacks %s", got, w)
				}
			}
			for _, n := range tt.not {
				if slices.Contains(got, any(n)) {
					t.Errorf("EgressServices %v has %s", got, n)
				}
			}
		})
	}
}

// TestPreflightBucketsNoEcho: a NoEcho data bucket parameter (true, "true",
// "TRUE") never becomes a preflight property: its value would reach a
// FAILED reason and the logs. The same parameter without NoEcho does.
func TestPreflightBucketsNoEcho(t *testing.T) {
	for _, tc := range []struct {
		noEcho any
		want   bool // copied into BucketNames
	}{
		{nil, true}, {false, true}, {"false", true},
		{true, false}, {"true", false}, {"TRUE", false}, {"True", false},
	} {
		param := map[string]any{"Type": "String"}
		if tc.noEcho != nil {
			param["NoEcho"] = tc.noEcho
		}
		doc := map[string]any{
			"Parameters": map[string]any{
				"VPC": map[string]any{"Type": "AWS::EC2::VPC::Id"}, "Subnets": map[string]any{"Type": "List<AWS::EC2::Subnet::Id>"},
				"ApiGatewayVPCEndpointId": map[string]any{"Type": "String"},
				"SecretBucket":            param,
			},
			"Resources": map[string]any{
				"Fn": map[string]any{"Type": "AWS::Lambda::Function", "Properties": map[string]any{
					"Role": "arn:aws:iam::111122223333:role/r", "Handler": "h", "Runtime": "python3.11", "Code": map[string]any{"ZipFile": "x"},
					"Environment": map[string]any{"Variables": map[string]any{"B": map[string]any{"Ref": "SecretBucket"}}}}},
			},
		}
		res, err := Transform(context.Background(), Request{Fragment: doc,
			TemplateParameterValues: map[string]any{"ApiGatewayVPCEndpointId": "vpce-0123456789abcdef0", "SecretBucket": "s3cr3t-bucket"}})
		if err != nil {
			t.Fatal(err)
		}
		p, _ := template.Section(res.Fragment, "Resources")[contract.LogicalID].(map[string]any)
		props, _ := p["Properties"].(map[string]any)
		got := false
		for _, b := range asList(props[contract.PropBucketNames]) {
			got = got || template.Equal(b, map[string]any{"Ref": "SecretBucket"})
		}
		if got != tc.want {
			t.Errorf("NoEcho %v: BucketNames %v, want the parameter copied: %v", tc.noEcho, props[contract.PropBucketNames], tc.want)
		}
	}
}
