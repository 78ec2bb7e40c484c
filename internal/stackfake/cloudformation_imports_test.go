package stackfake

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudformation"
	cfntypes "github.com/aws/aws-sdk-go-v2/service/cloudformation/types"
	"github.com/aws/smithy-go"
)

// TestExportsImportsAndStages: DescribeStacks names each output's export,
// ListImports answers as CloudFormation does (the importing stacks; a
// ValidationError for an export nobody imports or that does not exist),
// and GetTemplate serves the Original stage when the scenario has one.
func TestExportsImportsAndStages(t *testing.T) {
	s := start(t, `
stack:
  name: quilt
  created: 2026-01-01T00:00:00Z
  outputs: {DNS: quilt-1.elb.amazonaws.com, Zone: Z1}
  exports: {DNS: quilt-LoadBalancerDNSName, Zone: quilt-Zone}
  imports: {quilt-LoadBalancerDNSName: [dns-records, monitoring]}
  template: {Resources: {A: {Type: AWS::SNS::Topic}}}
  originalTemplate: {Transform: [QuiltPrivateEndpoints], Resources: {A: {Type: AWS::SNS::Topic}}}
`)
	ctx := context.Background()
	c := cloudformation.NewFromConfig(cfg(s))
	out, err := c.DescribeStacks(ctx, &cloudformation.DescribeStacksInput{StackName: aws.String("quilt")})
	if err != nil {
		t.Fatal(err)
	}
	exports := map[string]string{}
	for _, o := range out.Stacks[0].Outputs {
		exports[aws.ToString(o.OutputKey)] = aws.ToString(o.ExportName)
	}
	if exports["DNS"] != "quilt-LoadBalancerDNSName" || exports["Zone"] != "quilt-Zone" {
		t.Errorf("exports %v", exports)
	}
	imp, err := c.ListImports(ctx, &cloudformation.ListImportsInput{ExportName: aws.String("quilt-LoadBalancerDNSName")})
	if err != nil || strings.Join(imp.Imports, ",") != "dns-records,monitoring" {
		t.Errorf("ListImports: %v %v", imp, err)
	}
	for export, want := range map[string]string{"quilt-Zone": "is not imported by any stack", "other-Export": "does not exist"} {
		_, err := c.ListImports(ctx, &cloudformation.ListImportsInput{ExportName: aws.String(export)})
		var ae smithy.APIError
		if !errors.As(err, &ae) || ae.ErrorCode() != "ValidationError" || !strings.Contains(ae.ErrorMessage(), want) {
			t.Errorf("%s: %v, want a ValidationError %q", export, err, want)
		}
	}
	for stage, want := range map[cfntypes.TemplateStage]string{cfntypes.TemplateStageOriginal: "QuiltPrivateEndpoints", cfntypes.TemplateStageProcessed: "AWS::SNS::Topic"} {
		tpl, err := c.GetTemplate(ctx, &cloudformation.GetTemplateInput{StackName: aws.String("quilt"), TemplateStage: stage})
		if err != nil || !strings.Contains(aws.ToString(tpl.TemplateBody), want) {
			t.Errorf("%s: %v %v", stage, tpl, err)
		}
	}
	tpl, _ := c.GetTemplate(ctx, &cloudformation.GetTemplateInput{StackName: aws.String("quilt"), TemplateStage: cfntypes.TemplateStageProcessed})
	if strings.Contains(aws.ToString(tpl.TemplateBody), "QuiltPrivateEndpoints") {
		t.Error("the processed template must not be the original")
	}
}
