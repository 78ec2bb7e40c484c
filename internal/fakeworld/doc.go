// Package fakeworld is the test support shared by the project's two
// wire-level doubles, internal/awsfake (EC2, S3, STS) and internal/stackfake
// (CloudFormation, Lambda, API Gateway, Synthetics, ELBv2, ECS, Route 53):
// one fault model (Fault, Injector), one scenario loader (Load,
// LoadDocument: YAML or JSON laid over a "base" chain, or over a shared base
// world with lists of resources merged by id and a "remove" list: WithBase,
// ByID) and one world of what both doubles describe (Network, a scenario's
// "network" key: the Region, VPCs, subnets, each with its one Availability
// Zone, and security groups). Package wire writes the AWS XML wire shapes
// both answer with. Neither imports code the doubles test.
package fakeworld
