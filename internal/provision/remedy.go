package provision

import (
	"cmp"
	"errors"
	"fmt"
	"strings"

	"github.com/quiltdata/quilt-private-endpoints/internal/awserr"
)

// Remedy says how to fix an error returned by Ensure or Remove, or "" when
// there is nothing specific to say.
func Remedy(err error, vpcID string) string {
	if err == nil {
		return ""
	}
	action := cmp.Or(awserr.Operation(err), "the EC2 action")
	msg := err.Error()
	switch {
	case strings.Contains(msg, "enableDnsHostnames") && awserr.KindOf(err) != awserr.Denied:
		return fmt.Sprintf("turn on DNS support and DNS hostnames of %s: aws ec2 modify-vpc-attribute --vpc-id %s --enable-dns-support "+
			`'{"Value":true}' and aws ec2 modify-vpc-attribute --vpc-id %s --enable-dns-hostnames '{"Value":true}'`, vpcID, vpcID, vpcID)
	case strings.Contains(msg, "conflicting DNS domain") && awserr.KindOf(err) != awserr.Denied:
		return fmt.Sprintf("%s already has an execute-api endpoint with private DNS: pass its id as ApiGatewayVPCEndpointId", vpcID)
	case errors.Is(err, outOfTime{}):
		return "retry the stack operation: the endpoints keep being created and a retry waits for them (or raise the function's Timeout)"
	}
	return awserr.Remedy(err, awserr.Remedies{
		Denied: fmt.Sprintf("allow %s to the preflight function's role (PreflightRole in the deployment template), "+
			"or create the endpoints yourself and set Mode to validate", action),
		Quota:     "delete unused VPC endpoints or security groups, or ask for a higher quota (Service Quotas, Amazon VPC)",
		Throttled: "EC2 throttled the calls: retry the stack operation",
	})
}
