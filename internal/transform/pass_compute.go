package transform

import (
	"fmt"

	"github.com/quiltdata/quilt-private-endpoints/internal/template"
)

// passCompute moves other compute off public IPs: ECS services in awsvpc
// mode get AssignPublicIp DISABLED on the private subnets, canaries without
// a VPCConfig get one (the loadbalancer pass builds the internal load
// balancers).
func passCompute(st *state) error {
	for _, id := range st.of("AWS::ECS::Service") {
		ecsService(st, id)
	}
	for _, id := range st.of("AWS::Synthetics::Canary") {
		if cur := st.props(id)["VPCConfig"]; !noSubnets(cur) {
			if cond, yes, no, ok := ifBranches(cur); ok && (noSubnets(yes) || noSubnets(no)) {
				st.warn(tfConditionalVPC, id, "VPCConfig depends on condition %s; kept as is, so the canary is in the VPC only when the condition selects a VPCConfig", cond)
			}
			continue
		}
		st.editProps(id)["VPCConfig"] = map[string]any{
			"VpcId": st.vpc(), "SubnetIds": st.subnets(), "SecurityGroupIds": st.securityGroups(),
		}
		st.change("compute", id, "added VPCConfig (private subnets, security groups)")
		resMoved.of(st).Add(id)
		resRewritten.of(st).Add(id)
	}
	publicInstances(st)
	nestedStacks(st)
	return nil
}

func ecsService(st *state, id string) {
	var details []string
	nc, changed := ecsNetwork(st, st.props(id)["NetworkConfiguration"], &details)
	if !changed {
		return
	}
	st.editProps(id)["NetworkConfiguration"] = nc
	for _, d := range details {
		st.change("compute", id, "%s", d)
	}
	resRewritten.of(st).Add(id)
}

// ecsNetwork rewrites a NetworkConfiguration value (each branch of an
// Fn::If, at either level) and returns the new value.
func ecsNetwork(st *state, v any, details *[]string) (any, bool) {
	if yes, no, rebuild, ok := ifRebuild(v); ok {
		ny, cy := ecsNetwork(st, yes, details)
		nn, cn := ecsNetwork(st, no, details)
		if !cy && !cn {
			return v, false
		}
		return rebuild(ny, nn), true
	}
	nc, _ := v.(map[string]any)
	if _, isIntrinsic := intrinsicObject(nc); nc == nil || isIntrinsic {
		return v, false // absent, AWS::NoValue, or built by an intrinsic
	}
	aws, changed := awsvpcConfiguration(st, nc["AwsvpcConfiguration"], details)
	if !changed {
		return v, false
	}
	ncCopy := shallow(nc)
	ncCopy["AwsvpcConfiguration"] = aws
	return ncCopy, true
}

func awsvpcConfiguration(st *state, v any, details *[]string) (any, bool) {
	if yes, no, rebuild, ok := ifRebuild(v); ok {
		ny, cy := awsvpcConfiguration(st, yes, details)
		nn, cn := awsvpcConfiguration(st, no, details)
		if !cy && !cn {
			return v, false
		}
		return rebuild(ny, nn), true
	}
	aws, _ := v.(map[string]any)
	if _, isIntrinsic := intrinsicObject(aws); aws == nil || isIntrinsic {
		return v, false // not awsvpc (bridge/host networking), or built by an intrinsic
	}
	ip, hasIP := aws["AssignPublicIp"]
	needIP := ip != "DISABLED"
	// A service that had public IPs was on public subnets: move it. One
	// without AssignPublicIp already had private IPs: keep its subnets.
	needSubnets := (hasIP && needIP) || isAbsent(aws["Subnets"])
	if !needIP && !needSubnets {
		return v, false
	}
	a := shallow(aws)
	if needIP {
		*details = append(*details, fmt.Sprintf("AssignPublicIp %s -> DISABLED", describe(a["AssignPublicIp"], "(default)")))
		a["AssignPublicIp"] = "DISABLED"
	}
	if needSubnets && !template.Equal(a["Subnets"], st.subnets()) {
		*details = append(*details, fmt.Sprintf("Subnets %s -> %s", describe(a["Subnets"], "(none)"), st.set.SubnetsParameter))
		a["Subnets"] = st.subnets()
	}
	return a, true
}

// ifRebuild splits an Fn::If into its branches and returns a function that
// builds the same Fn::If (same condition) with new branches.
func ifRebuild(v any) (yes, no any, rebuild func(y, n any) any, ok bool) {
	if _, y, n, isIf := ifBranches(v); isIf {
		orig := v.(map[string]any)["Fn::If"].([]any)
		return y, n, func(ny, nn any) any {
			return map[string]any{"Fn::If": []any{orig[0], ny, nn}}
		}, true
	}
	return nil, nil, nil, false
}

// publicInstances warns about EC2 instances and launch templates that ask
// for public IPs: the macro does not move them (their subnets and
// addressing are the template's design), but they are not private.
func publicInstances(st *state) {
	for _, id := range st.of("AWS::EC2::LaunchTemplate", "AWS::EC2::Instance") {
		var flags []any
		collectKey(st.props(id), "AssociatePublicIpAddress", &flags)
		for _, f := range flags {
			if f == true || f == "true" {
				st.warn(tfPublicInstance, id, "asks for a public IP address (AssociatePublicIpAddress); the macro leaves EC2 instances alone: set it to false and use the private subnets")
				break
			}
		}
	}
}

// nestedStacks warns about nested stacks: the macro sees only this
// template, so the functions and APIs of a nested stack stay as they are.
func nestedStacks(st *state) {
	for _, id := range st.of("AWS::CloudFormation::Stack", "AWS::Serverless::Application") {
		st.warn(tfNestedStack, id, "nested stack (%s); the macro does not rewrite its template, so its functions and APIs are not made private: add the QuiltPrivateEndpoints transform to that template too, with the same settings", st.typeOf(id))
	}
}
