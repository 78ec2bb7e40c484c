// Package fakeworld is the test support shared by the project's two
// wire-level doubles, internal/awsfake (EC2, S3, STS) and internal/stackfake
// (CloudFormation, Lambda, API Gateway, Synthetics, ELBv2, ECS, Route 53):
// one fault model (Fault, Injector), one scenario loader (Load,
// LoadDocument: YAML or JSON laid over a "base" chain, or over a shared base
// world with lists of resources merged by id and a "remove" list: WithBase,
// ByID) and one world of what both doubles describe (Subnet: a subnet with
// its one Availability Zone and VPC). It imports no code the doubles test.
package fakeworld
