package stackfake

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudformation"
	cfntypes "github.com/aws/aws-sdk-go-v2/service/cloudformation/types"
	"github.com/aws/smithy-go"
)

const (
	allowAll  = `{"Statement": [{"Effect": "Allow", "Action": "Update:*", "Principal": "*", "Resource": "*"}]}`
	protectLB = `{"Statement": [{"Effect": "Allow", "Action": "Update:*", "Principal": "*", "Resource": "*"},
	  {"Effect": "Deny", "Action": ["Update:Replace", "Update:Delete"], "Principal": "*", "Resource": ["LogicalResourceId/LB", "LogicalResourceId/App*"]}]}`
)

func TestParseStackPolicy(t *testing.T) {
	cases := []struct {
		name, body string
		valid      bool
	}{
		{"allow all", allowAll, true},
		{"lists and wildcards", protectLB, true},
		{"NotAction and NotResource", `{"Statement": [{"Effect": "Allow", "NotAction": "Update:Delete", "Principal": "*", "NotResource": ["LogicalResourceId/Db"]}]}`, true},
		{"condition on type", `{"Statement": [{"Effect": "Deny", "Action": "Update:*", "Principal": "*", "Resource": "*",
		  "Condition": {"StringEquals": {"ResourceType": ["AWS::RDS::DBInstance"]}, "StringLike": {"ResourceType": "AWS::EC2::*"}}}]}`, true},
		{"not JSON", `Statement: []`, false},
		{"trailing text", allowAll + ` {}`, false},
		{"not an object", `[]`, false},
		{"no statement", `{}`, false},
		{"empty statement list", `{"Statement": []}`, false},
		{"statement not a list", `{"Statement": {"Effect": "Allow"}}`, false},
		{"unknown top-level key", `{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "Update:*", "Principal": "*", "Resource": "*"}]}`, false},
		{"bad effect", `{"Statement": [{"Effect": "Permit", "Action": "Update:*", "Principal": "*", "Resource": "*"}]}`, false},
		{"no effect", `{"Statement": [{"Action": "Update:*", "Principal": "*", "Resource": "*"}]}`, false},
		{"principal not *", `{"Statement": [{"Effect": "Allow", "Action": "Update:*", "Principal": "arn:aws:iam::123456789012:root", "Resource": "*"}]}`, false},
		{"no principal", `{"Statement": [{"Effect": "Allow", "Action": "Update:*", "Resource": "*"}]}`, false},
		{"IAM action", `{"Statement": [{"Effect": "Allow", "Action": "s3:*", "Principal": "*", "Resource": "*"}]}`, false},
		{"unknown update action", `{"Statement": [{"Effect": "Allow", "Action": "Update:Create", "Principal": "*", "Resource": "*"}]}`, false},
		{"both Action and NotAction", `{"Statement": [{"Effect": "Allow", "Action": "Update:*", "NotAction": "Update:Delete", "Principal": "*", "Resource": "*"}]}`, false},
		{"no resource", `{"Statement": [{"Effect": "Allow", "Action": "Update:*", "Principal": "*"}]}`, false},
		{"resource by ARN", `{"Statement": [{"Effect": "Allow", "Action": "Update:*", "Principal": "*", "Resource": "arn:aws:s3:::b"}]}`, false},
		{"empty resource list", `{"Statement": [{"Effect": "Allow", "Action": "Update:*", "Principal": "*", "Resource": []}]}`, false},
		{"unknown condition operator", `{"Statement": [{"Effect": "Deny", "Action": "Update:*", "Principal": "*", "Resource": "*", "Condition": {"StringNotEquals": {"ResourceType": "X"}}}]}`, false},
		{"condition on another key", `{"Statement": [{"Effect": "Deny", "Action": "Update:*", "Principal": "*", "Resource": "*", "Condition": {"StringEquals": {"aws:username": "x"}}}]}`, false},
		{"unknown statement key", `{"Statement": [{"Sid": "x", "Effect": "Allow", "Action": "Update:*", "Principal": "*", "Resource": "*"}]}`, false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := parseStackPolicy(tc.body)
			if (err == nil) != tc.valid {
				t.Fatalf("valid=%v, err=%v", tc.valid, err)
			}
			if err != nil && err.Error() != InvalidStackPolicy {
				t.Errorf("message %q", err)
			}
		})
	}
}

func TestStackPolicyEvaluate(t *testing.T) {
	typed := `{"Statement": [{"Effect": "Allow", "Action": "Update:*", "Principal": "*", "Resource": "*"},
	  {"Effect": "Deny", "Action": "Update:*", "Principal": "*", "Resource": "*", "Condition": {"StringLike": {"ResourceType": ["AWS::RDS::*"]}}}]}`
	onlyModify := `{"Statement": [{"Effect": "Allow", "Action": "Update:Modify", "Principal": "*", "Resource": "*"}]}`
	notDelete := `{"Statement": [{"Effect": "Allow", "NotAction": "Update:Delete", "Principal": "*", "Resource": "*"},
	  {"Effect": "Allow", "Action": "Update:Delete", "Principal": "*", "NotResource": "LogicalResourceId/Keep?"}]}`
	cases := []struct {
		name, policy, action, id, typ string
		allowed                       bool
		statement                     int
	}{
		{"allow all", allowAll, ActionReplace, "LB", "T", true, 0},
		{"explicit deny wins over allow", protectLB, ActionReplace, "LB", "T", false, 2},
		{"deny names other actions", protectLB, ActionModify, "LB", "T", true, 0},
		{"wildcard resource", protectLB, ActionDelete, "AppRole", "T", false, 2},
		{"wildcard is case-sensitive", protectLB, ActionDelete, "approle", "T", true, 0},
		{"unnamed resource", protectLB, ActionReplace, "Listener", "T", true, 0},
		{"id is not a prefix match", protectLB, ActionReplace, "LBInternal", "T", true, 0},
		{"condition type matches", typed, ActionModify, "Db", "AWS::RDS::DBInstance", false, 2},
		{"condition type does not", typed, ActionModify, "Db", "AWS::S3::Bucket", true, 0},
		{"default deny", onlyModify, ActionReplace, "LB", "T", false, 0},
		{"allowed action", onlyModify, ActionModify, "LB", "T", true, 0},
		{"NotAction allows the rest", notDelete, ActionReplace, "Keep1", "T", true, 0},
		{"NotResource excludes", notDelete, ActionDelete, "Keep1", "T", false, 0},
		{"NotResource ? is one character", notDelete, ActionDelete, "Keep12", "T", true, 0},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			p, err := parseStackPolicy(tc.policy)
			if err != nil {
				t.Fatal(err)
			}
			d := p.evaluate(tc.action, tc.id, tc.typ)
			if d.allowed != tc.allowed || d.statement != tc.statement {
				t.Errorf("got %+v, want allowed=%v statement=%d", d, tc.allowed, tc.statement)
			}
		})
	}
}

func TestGlobMatch(t *testing.T) {
	cases := []struct {
		pattern, s string
		want       bool
	}{
		{"*", "", true}, {"a*", "abc", true}, {"*c", "abc", true}, {"a*c", "abbbc", true}, {"a*c", "abcd", false},
		{"a?c", "abc", true}, {"a?c", "ac", false}, {"*b*", "abc", true}, {"abc", "abc", true}, {"abc", "ab", false}, {"a**", "a", true},
	}
	for _, tc := range cases {
		if got := globMatch(tc.pattern, tc.s); got != tc.want {
			t.Errorf("globMatch(%q, %q) = %v", tc.pattern, tc.s, got)
		}
	}
}

func TestSetAndGetStackPolicy(t *testing.T) {
	s := start(t, lbScenario)
	c := cloudformation.NewFromConfig(cfg(s))
	ctx := context.Background()
	out, err := c.GetStackPolicy(ctx, &cloudformation.GetStackPolicyInput{StackName: aws.String("web")})
	if err != nil || out.StackPolicyBody != nil {
		t.Fatalf("no policy yet: %v %v", aws.ToString(out.StackPolicyBody), err)
	}
	if _, err := c.SetStackPolicy(ctx, &cloudformation.SetStackPolicyInput{StackName: aws.String("web"), StackPolicyBody: aws.String(protectLB)}); err != nil {
		t.Fatal(err)
	}
	out, err = c.GetStackPolicy(ctx, &cloudformation.GetStackPolicyInput{StackName: aws.String("web")})
	if err != nil || aws.ToString(out.StackPolicyBody) != protectLB {
		t.Fatalf("got %q, %v", aws.ToString(out.StackPolicyBody), err)
	}
	errs := []struct {
		name string
		in   cloudformation.SetStackPolicyInput
		want string
	}{
		{"invalid", cloudformation.SetStackPolicyInput{StackName: aws.String("web"), StackPolicyBody: aws.String(`{"Statement": []}`)}, InvalidStackPolicy},
		{"URL", cloudformation.SetStackPolicyInput{StackName: aws.String("web"), StackPolicyURL: aws.String("https://b.s3.amazonaws.com/p.json")}, "not served"},
		{"nothing", cloudformation.SetStackPolicyInput{StackName: aws.String("web")}, "must be specified"},
		{"too long", cloudformation.SetStackPolicyInput{StackName: aws.String("web"), StackPolicyBody: aws.String(strings.Repeat(" ", MaxStackPolicyBody) + allowAll)}, "less than or equal to 16384"},
		{"other stack", cloudformation.SetStackPolicyInput{StackName: aws.String("other"), StackPolicyBody: aws.String(allowAll)}, "does not exist"},
	}
	for _, tc := range errs {
		_, err := c.SetStackPolicy(ctx, &tc.in)
		var ae smithy.APIError
		if !errors.As(err, &ae) || ae.ErrorCode() != "ValidationError" || !strings.Contains(ae.ErrorMessage(), tc.want) {
			t.Errorf("%s: %v", tc.name, err)
		}
	}
	if s.StackPolicy() != protectLB {
		t.Errorf("a rejected policy replaced the stack's: %s", s.StackPolicy())
	}
}

// settle polls the stack until it leaves the IN_PROGRESS states.
func settle(t *testing.T, c *cloudformation.Client) string {
	t.Helper()
	for range 500 {
		out, err := c.DescribeStacks(context.Background(), &cloudformation.DescribeStacksInput{StackName: aws.String("web")})
		if err != nil {
			t.Fatal(err)
		}
		if st := string(out.Stacks[0].StackStatus); !strings.Contains(st, "IN_PROGRESS") {
			return st
		}
		time.Sleep(2 * time.Millisecond)
	}
	t.Fatal("the stack did not settle")
	return ""
}

// eventLines are the stack events, oldest first, as "Id STATUS reason".
func eventLines(t *testing.T, c *cloudformation.Client) []string {
	t.Helper()
	ev, err := c.DescribeStackEvents(context.Background(), &cloudformation.DescribeStackEventsInput{StackName: aws.String("web")})
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, e := range ev.StackEvents {
		out = append([]string{strings.TrimSpace(aws.ToString(e.LogicalResourceId) + " " + string(e.ResourceStatus) + " " + aws.ToString(e.ResourceStatusReason))}, out...)
	}
	return out
}

// withoutListener is lbScenario's template with the listener removed and,
// when internal, the load balancer made internal (a replacement).
func updatedTemplate(internal, listener bool) string {
	scheme := "internet-facing"
	if internal {
		scheme = "internal"
	}
	t := `{"Parameters": {"Subnets": {"Type": "List<AWS::EC2::Subnet::Id>"}}, "Resources": {
	  "LB": {"Type": "AWS::ElasticLoadBalancingV2::LoadBalancer", "Properties": {"Scheme": "` + scheme + `", "Subnets": {"Ref": "Subnets"}}},`
	if listener {
		t += `"Listener": {"Type": "AWS::ElasticLoadBalancingV2::Listener", "Properties": {"LoadBalancerArn": {"Ref": "LB"}, "Port": 443}},`
	}
	return t + `"AppRole": {"Type": "AWS::IAM::Role", "Properties": {"AssumeRolePolicyDocument": {}, "MaxSessionDuration": 7200}}}}`
}

func TestStackPolicyEnforcedOnUpdates(t *testing.T) {
	denyListenerDelete := `{"Statement": [{"Effect": "Allow", "Action": "Update:*", "Principal": "*", "Resource": "*"},
	  {"Effect": "Deny", "Action": "Update:Delete", "Principal": "*", "Resource": "LogicalResourceId/Listener"}]}`
	cases := []struct {
		name, policy, during, body string
		viaChangeSet               bool
		wantStatus                 string
		wantEvents                 []string
		absentEvents               []string
	}{
		{name: "no policy", body: updatedTemplate(true, true), wantStatus: "UPDATE_COMPLETE",
			wantEvents: []string{"LB UPDATE_COMPLETE", "AppRole UPDATE_COMPLETE"}},
		{name: "denied replacement by update-stack", policy: protectLB, body: updatedTemplate(true, true), wantStatus: "UPDATE_ROLLBACK_COMPLETE",
			wantEvents: []string{"LB UPDATE_FAILED Action denied by stack policy: Statement [#2] does not allow [Update:Replace] for resource [LogicalResourceId/LB]",
				"web UPDATE_ROLLBACK_IN_PROGRESS The following resource(s) failed to update: [LB].", "web UPDATE_ROLLBACK_COMPLETE"},
			absentEvents: []string{"AppRole UPDATE_IN_PROGRESS", "LB UPDATE_IN_PROGRESS"}},
		{name: "denied replacement by change set", policy: protectLB, body: updatedTemplate(true, true), viaChangeSet: true, wantStatus: "UPDATE_ROLLBACK_COMPLETE",
			wantEvents: []string{"LB UPDATE_FAILED Action denied by stack policy: Statement [#2] does not allow [Update:Replace]"}},
		{name: "modify allowed under the same policy", policy: protectLB, body: updatedTemplate(false, true), viaChangeSet: true, wantStatus: "UPDATE_COMPLETE",
			wantEvents: []string{"AppRole UPDATE_COMPLETE"}},
		{name: "delete denied before the first resource action", policy: denyListenerDelete, body: updatedTemplate(false, false), viaChangeSet: true, wantStatus: "UPDATE_ROLLBACK_COMPLETE",
			wantEvents:   []string{"Listener UPDATE_FAILED Action denied by stack policy: Statement [#2] does not allow [Update:Delete] for resource [LogicalResourceId/Listener]"},
			absentEvents: []string{"AppRole UPDATE_IN_PROGRESS", "Listener DELETE"}},
		{name: "default deny", policy: `{"Statement": [{"Effect": "Allow", "Action": "Update:Modify", "Principal": "*", "Resource": "LogicalResourceId/AppRole"}]}`,
			body: updatedTemplate(true, true), wantStatus: "UPDATE_ROLLBACK_COMPLETE",
			wantEvents: []string{"LB UPDATE_FAILED Action not allowed by stack policy: no statement allows [Update:Replace] for resource [LogicalResourceId/LB]"}},
		{name: "during-update policy lifts it for one update", policy: protectLB, during: allowAll, body: updatedTemplate(true, true), wantStatus: "UPDATE_COMPLETE",
			wantEvents: []string{"LB UPDATE_COMPLETE", "web UPDATE_COMPLETE"}},
		{name: "during-update policy can deny", during: protectLB, body: updatedTemplate(true, true), wantStatus: "UPDATE_ROLLBACK_COMPLETE",
			wantEvents: []string{"LB UPDATE_FAILED Action denied by stack policy"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			s := start(t, lbScenario)
			c := cloudformation.NewFromConfig(cfg(s))
			ctx := context.Background()
			if tc.policy != "" {
				if _, err := c.SetStackPolicy(ctx, &cloudformation.SetStackPolicyInput{StackName: aws.String("web"), StackPolicyBody: aws.String(tc.policy)}); err != nil {
					t.Fatal(err)
				}
			}
			if tc.viaChangeSet {
				createChangeSet(t, c, "cs", tc.body, cfntypes.CapabilityCapabilityIam)
				if _, err := c.ExecuteChangeSet(ctx, &cloudformation.ExecuteChangeSetInput{StackName: aws.String("web"), ChangeSetName: aws.String("cs")}); err != nil {
					t.Fatal(err)
				}
			} else {
				in := &cloudformation.UpdateStackInput{StackName: aws.String("web"), TemplateBody: aws.String(tc.body),
					Capabilities: []cfntypes.Capability{cfntypes.CapabilityCapabilityIam},
					Parameters:   []cfntypes.Parameter{{ParameterKey: aws.String("Subnets"), UsePreviousValue: aws.Bool(true)}}}
				if tc.during != "" {
					in.StackPolicyDuringUpdateBody = aws.String(tc.during)
				}
				out, err := c.UpdateStack(ctx, in)
				if err != nil {
					t.Fatal(err)
				}
				if !strings.HasPrefix(aws.ToString(out.StackId), "arn:aws:cloudformation:") {
					t.Errorf("StackId %q", aws.ToString(out.StackId))
				}
			}
			if got := settle(t, c); got != tc.wantStatus {
				t.Errorf("status %s, want %s", got, tc.wantStatus)
			}
			all := strings.Join(eventLines(t, c), "\n")
			for _, w := range tc.wantEvents {
				if !strings.Contains(all, w) {
					t.Errorf("events lack %q:\n%s", w, all)
				}
			}
			for _, w := range tc.absentEvents {
				if strings.Contains(all, w) {
					t.Errorf("events have %q:\n%s", w, all)
				}
			}
			tmpl, err := c.GetTemplate(ctx, &cloudformation.GetTemplateInput{StackName: aws.String("web")})
			if err != nil {
				t.Fatal(err)
			}
			changed := strings.Contains(aws.ToString(tmpl.TemplateBody), "7200")
			if changed != (tc.wantStatus == "UPDATE_COMPLETE") {
				t.Errorf("template changed=%v after %s", changed, tc.wantStatus)
			}
			if s.StackPolicy() != tc.policy {
				t.Errorf("the stack policy is %q after the update, want %q", s.StackPolicy(), tc.policy)
			}
		})
	}
}

func TestUpdateStackErrors(t *testing.T) {
	s := start(t, lbScenario)
	c := cloudformation.NewFromConfig(cfg(s))
	ctx := context.Background()
	params := []cfntypes.Parameter{{ParameterKey: aws.String("Subnets"), UsePreviousValue: aws.Bool(true)}}
	iam := []cfntypes.Capability{cfntypes.CapabilityCapabilityIam}
	cases := []struct {
		name     string
		in       cloudformation.UpdateStackInput
		code     string
		contains string
	}{
		{"nothing to update", cloudformation.UpdateStackInput{UsePreviousTemplate: aws.Bool(true), Parameters: params, Capabilities: iam}, "ValidationError", "No updates are to be performed."},
		{"capabilities", cloudformation.UpdateStackInput{TemplateBody: aws.String(updatedTemplate(true, true)), Parameters: params}, "InsufficientCapabilitiesException", "Requires capabilities : [CAPABILITY_IAM]"},
		{"previous value of an unknown parameter", cloudformation.UpdateStackInput{TemplateBody: aws.String(updatedTemplate(true, true)), Capabilities: iam,
			Parameters: []cfntypes.Parameter{{ParameterKey: aws.String("Nope"), UsePreviousValue: aws.Bool(true)}}}, "ValidationError", "do not exist"},
		{"invalid during-update policy", cloudformation.UpdateStackInput{TemplateBody: aws.String(updatedTemplate(true, true)), Parameters: params, Capabilities: iam,
			StackPolicyDuringUpdateBody: aws.String(`{"Statement": "all"}`)}, "ValidationError", InvalidStackPolicy},
		{"no template", cloudformation.UpdateStackInput{Parameters: params, Capabilities: iam}, "ValidationError", "must be specified"},
		{"a transform without its macro", cloudformation.UpdateStackInput{TemplateBody: aws.String(internalLB(true)), Parameters: params,
			Capabilities: []cfntypes.Capability{cfntypes.CapabilityCapabilityIam, cfntypes.CapabilityCapabilityAutoExpand}}, "ValidationError", "No transform named"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			in := tc.in
			in.StackName = aws.String("web")
			_, err := c.UpdateStack(ctx, &in)
			var ae smithy.APIError
			if !errors.As(err, &ae) || ae.ErrorCode() != tc.code || !strings.Contains(ae.ErrorMessage(), tc.contains) {
				t.Errorf("got %v, want %s %q", err, tc.code, tc.contains)
			}
		})
	}
	// An update in progress refuses another, and makes earlier change sets
	// obsolete (a slow stack: the first update is still running).
	scn, perr := Parse([]byte(lbScenario))
	if perr != nil {
		t.Fatal(perr)
	}
	scn.Execution.Step = time.Minute
	s = Start(scn)
	t.Cleanup(s.Close)
	c = cloudformation.NewFromConfig(cfg(s))
	createChangeSet(t, c, "early", updatedTemplate(false, true), cfntypes.CapabilityCapabilityIam)
	if _, err := c.UpdateStack(ctx, &cloudformation.UpdateStackInput{StackName: aws.String("web"), TemplateBody: aws.String(updatedTemplate(true, true)),
		Parameters: params, Capabilities: iam}); err != nil {
		t.Fatal(err)
	}
	_, err := c.UpdateStack(ctx, &cloudformation.UpdateStackInput{StackName: aws.String("web"), TemplateBody: aws.String(updatedTemplate(false, true)),
		Parameters: params, Capabilities: iam})
	var ae smithy.APIError
	if !errors.As(err, &ae) || !strings.Contains(ae.ErrorMessage(), "UPDATE_IN_PROGRESS state and can not be updated") {
		t.Errorf("second update: %v", err)
	}
	out, err := c.DescribeChangeSet(ctx, &cloudformation.DescribeChangeSetInput{StackName: aws.String("web"), ChangeSetName: aws.String("early")})
	if err != nil || out.ExecutionStatus != cfntypes.ExecutionStatusObsolete {
		t.Errorf("the earlier change set: %v %v", out, err)
	}
}
