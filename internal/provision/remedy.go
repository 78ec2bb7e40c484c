package provision

import (
	"errors"
	"fmt"
	"strings"

	"github.com/aws/smithy-go"
)

// Remedy says how to fix an error returned by Ensure or Remove, or "" when
// there is nothing specific to say.
func Remedy(err error, vpcID string) string {
	if err == nil {
		return ""
	}
	action := "the EC2 action"
	var oe *smithy.OperationError
	if errors.As(err, &oe) {
		action = "ec2:" + oe.OperationName
	}
	msg := err.Error()
	switch code := apiCode(err); {
	case code == "UnauthorizedOperation" || strings.HasPrefix(code, "AccessDenied"):
		return fmt.Sprintf("allow %s to the preflight function's role (PreflightRole in the deployment template), "+
			"or create the endpoints yourself and set Mode to validate", action)
	case strings.Contains(msg, "enableDnsHostnames"):
		return fmt.Sprintf("turn on DNS support and DNS hostnames of %s: aws ec2 modify-vpc-attribute --vpc-id %s --enable-dns-support "+
			`'{"Value":true}' and aws ec2 modify-vpc-attribute --vpc-id %s --enable-dns-hostnames '{"Value":true}'`, vpcID, vpcID, vpcID)
	case strings.Contains(msg, "conflicting DNS domain"):
		return fmt.Sprintf("%s already has an execute-api endpoint with private DNS: pass its id as ApiGatewayVPCEndpointId", vpcID)
	case code == "VpcEndpointLimitExceeded" || strings.Contains(code, "LimitExceeded") && code != "RequestLimitExceeded":
		return "delete unused VPC endpoints or security groups, or ask for a higher quota (Service Quotas, Amazon VPC)"
	case code == "RequestLimitExceeded" || code == "Throttling":
		return "EC2 throttled the calls: retry the stack operation"
	case errors.Is(err, outOfTime{}):
		return "retry the stack operation: the endpoints keep being created and a retry waits for them (or raise the function's Timeout)"
	}
	return ""
}
