package transform

import "github.com/quiltdata/quilt-private-endpoints/internal/finding"

// tfPublicFunctionURL: a Lambda function URL open to the internet.
var tfPublicFunctionURL = finding.Rule{
	ID:       "QPE-TF-026",
	Severity: finding.Warning,
	Title:    "Lambda function URL with AuthType NONE",
	Meaning: "An AWS::Lambda::Url (or a SAM function's FunctionUrlConfig) with AuthType NONE lets anyone on the internet invoke the function, " +
		"whatever its VpcConfig: a function URL is a public endpoint. The macro refuses it unless the function (or the URL) is in the Exclude " +
		"setting, and then warns that it stays public.",
	Remedy: "Set AuthType: AWS_IAM (callers sign with SigV4), or remove the URL and call the function through the private REST API; " +
		"to keep it public on purpose, list the function in the Exclude setting.",
}
