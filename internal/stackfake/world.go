package stackfake

import (
	"fmt"
	"strings"

	"github.com/quiltdata/quilt-private-endpoints/internal/template"
)

// Creating or updating a Lambda function or an ECS service that names a
// subnet the shared world (Scenario.Network, the EC2 double's subnets) does
// not have fails the way AWS fails it: the service looks the subnets up in
// EC2 and answers 400 (Lambda InvalidParameterValueException, ECS
// InvalidParameterException) with EC2's InvalidSubnetID.NotFound inside,
// which CloudFormation reports as the resource's failure reason. A world
// with no subnets is not modelled: nothing is checked.

// subnetFailure is the reason the create or update of rc fails with when
// it names a subnet the world does not have, else "". Subnets are read from
// the change set's processed template: literal ids, Refs to parameters (a
// List<AWS::EC2::Subnet::Id> value is comma-separated) and Fn::Split of
// those; a value the double cannot resolve is not checked.
func (s *Server) subnetFailure(cs *changeSet, rc resourceChange) string {
	if len(s.scn.Network.Subnets) == 0 || rc.Action == "Remove" {
		return ""
	}
	props := template.Section(mapOf(template.Resources(cs.Processed)[rc.LogicalID]), "Properties")
	var (
		subnets []string
		reason  func(unknown string, all []string) string
	)
	switch rc.Type {
	case "AWS::Lambda::Function":
		subnets = cs.subnetList(template.Section(props, "VpcConfig")["SubnetIds"])
		reason = func(unknown string, _ []string) string {
			return handlerFailure("Lambda", fmt.Sprintf("Error occurred while DescribeSubnets. EC2 Error Code: InvalidSubnetID.NotFound. EC2 Error Message: The subnet ID '%s' does not exist", unknown))
		}
	case "AWS::ECS::Service":
		net := template.Section(template.Section(props, "NetworkConfiguration"), "AwsvpcConfiguration")
		subnets = cs.subnetList(net["Subnets"])
		reason = func(unknown string, all []string) string {
			return handlerFailure("Ecs", fmt.Sprintf("Invalid request provided: Error retrieving subnet information for [%s]: The subnet ID '%s' does not exist (ErrorCode: InvalidSubnetID.NotFound)", strings.Join(all, ", "), unknown))
		}
	default:
		return ""
	}
	for _, id := range subnets {
		if _, ok := s.scn.Network.Subnet(id); !ok {
			return reason(id, subnets)
		}
	}
	return ""
}

// handlerFailure is CloudFormation's reason for a resource whose service
// call failed with a 400.
func handlerFailure(service, message string) string {
	return fmt.Sprintf(`Resource handler returned message: "%s (Service: %s, Status Code: 400, Request ID: %s)" (HandlerErrorCode: InvalidRequest)`, message, service, requestID)
}

// subnetList resolves a list of subnet ids against the change set's
// parameters; what it cannot resolve is left out.
func (cs *changeSet) subnetList(v any) []string {
	var out []string
	add := func(s string) {
		for _, id := range strings.Split(s, ",") {
			if id = strings.TrimSpace(id); id != "" {
				out = append(out, id)
			}
		}
	}
	switch x := v.(type) {
	case string:
		add(x)
	case []any:
		for _, item := range x {
			out = append(out, cs.subnetList(item)...)
		}
	case map[string]any:
		if name, ok := template.Ref(x); ok {
			add(cs.Parameters[name])
			break
		}
		if l, ok := x["Fn::Split"].([]any); ok && len(l) == 2 && l[0] == "," {
			out = append(out, cs.subnetList(l[1])...)
		}
	}
	return out
}
