package verify

import (
	ecstypes "github.com/aws/aws-sdk-go-v2/service/ecs/types"

	"github.com/quiltdata/quilt-private-endpoints/internal/finding"
)

func checkServicePublicIP() finding.Check[*state] {
	c := finding.Check[*state]{Rule: finding.Rule{
		ID:       "QPE-VF-050",
		Severity: finding.Error,
		Title:    "no ECS service gives its tasks public IP addresses",
		Meaning: "The live ECS service's awsvpc configuration has AssignPublicIp ENABLED: each task gets a public address, " +
			"so with a route to an internet gateway it is reachable from the internet and its calls leave the VPC " +
			"without the NAT or the endpoints.",
		Remedy: "Set NetworkConfiguration.AwsvpcConfiguration.AssignPublicIp: DISABLED and Subnets: !Ref Subnets (the " +
			"private subnets) on the service, and update the stack; the service rolls its tasks onto the new configuration.",
		Source: "https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_AwsVpcConfiguration.html",
	}}
	c.Run = func(st *state) []finding.Finding {
		var out []finding.Finding
		for _, s := range st.services {
			if s.svc == nil || s.svc.NetworkConfiguration == nil || s.svc.NetworkConfiguration.AwsvpcConfiguration == nil ||
				s.svc.NetworkConfiguration.AwsvpcConfiguration.AssignPublicIp != ecstypes.AssignPublicIpEnabled {
				continue
			}
			vc := s.svc.NetworkConfiguration.AwsvpcConfiguration
			if s.templatePublic {
				out = append(out, c.New(s.name(), "",
					"ECS service %s gives its tasks public IP addresses (AssignPublicIp ENABLED, subnets %s), as its template asks",
					s.name(), list(vc.Subnets)))
				continue
			}
			out = append(out, c.New(s.name(),
				"the processed template does not ask for public addresses: update the stack again so the service's "+
					"NetworkConfiguration applies, or look in the stack events for why the update of "+s.logical+" did not",
				"ECS service %s gives its tasks public IP addresses (AssignPublicIp ENABLED, subnets %s) although the processed template does not",
				s.name(), list(vc.Subnets)))
		}
		return out
	}
	return c
}
