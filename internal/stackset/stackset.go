// Package stackset turns the SAM deployment template into plain
// CloudFormation for organisation-wide rollout with service-managed
// StackSets, which do not run transforms (AWS::Serverless is one).
package stackset

import (
	"fmt"

	"github.com/quiltdata/quilt-private-endpoints/internal/template"
)

// sameInLambda reports whether an AWS::Serverless::Function property has the
// same name and shape in AWS::Lambda::Function (CodeUri becomes Code).
func sameInLambda(prop string) bool {
	switch prop {
	case "Architectures", "Description", "Environment", "FunctionName", "Handler",
		"MemorySize", "Role", "Runtime", "Timeout":
		return true
	}
	return false
}

// Parameters the plain template adds: where each Region's copy of the
// packages is.
const (
	BucketPrefixParam = "ArtifactBucketPrefix"
	KeyPrefixParam    = "ArtifactKeyPrefix"
)

// FromSAM converts a SAM template (the project's own, which uses only
// AWS::Serverless::Function) into plain CloudFormation. Each function's code
// is read from s3://<ArtifactBucketPrefix>-<Region>/<ArtifactKeyPrefix><LogicalId>.zip.
func FromSAM(sam map[string]any) (map[string]any, error) {
	out := template.Clone(sam).(map[string]any)
	delete(out, "Transform")
	params := template.Section(out, "Parameters")
	if params == nil {
		params = map[string]any{}
		out["Parameters"] = params
	}
	params[BucketPrefixParam] = map[string]any{
		"Type":        "String",
		"Description": "Buckets holding the packages, one per Region, named <prefix>-<region> (e.g. my-artifacts-eu-west-1).",
	}
	params[KeyPrefixParam] = map[string]any{
		"Type":        "String",
		"Default":     "quilt-private-endpoints/",
		"Description": "Key prefix of the packages in those buckets (<prefix><LogicalId>.zip).",
	}
	res := template.Resources(out)
	for _, name := range template.SortedKeys(res) {
		r, ok := res[name].(map[string]any)
		if !ok {
			return nil, fmt.Errorf("stackset: resource %s is not an object", name)
		}
		if r["Type"] != "AWS::Serverless::Function" {
			if t, _ := r["Type"].(string); len(t) > 16 && t[:16] == "AWS::Serverless:" {
				return nil, fmt.Errorf("stackset: resource %s: %s has no plain CloudFormation form here", name, t)
			}
			continue
		}
		props, _ := r["Properties"].(map[string]any)
		lambda := map[string]any{
			"Code": map[string]any{
				"S3Bucket": map[string]any{"Fn::Sub": "${" + BucketPrefixParam + "}-${AWS::Region}"},
				"S3Key":    map[string]any{"Fn::Sub": "${" + KeyPrefixParam + "}" + name + ".zip"},
			},
		}
		for _, k := range template.SortedKeys(props) {
			switch {
			case k == "CodeUri":
			case sameInLambda(k):
				lambda[k] = props[k]
			default:
				return nil, fmt.Errorf("stackset: resource %s: SAM property %s has no plain CloudFormation form here", name, k)
			}
		}
		r["Type"] = "AWS::Lambda::Function"
		r["Properties"] = lambda
		delete(r, "Metadata")
	}
	return out, nil
}
