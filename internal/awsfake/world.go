package awsfake

import (
	"fmt"
	"strings"

	"github.com/quiltdata/quilt-private-endpoints/internal/fakeworld"
)

// World is the AWS account the double serves: one Region's VPC resources and
// S3 buckets. Fields are exported so scenario files (YAML or JSON, keys as in
// the yaml tags) and handlers can fill them. Handlers read and mutate it under
// the server's mutex; tests must not touch it while the server runs.
type World struct {
	// Region is the Region the double pretends to be (default us-east-1).
	Region string `yaml:"region" json:"region"`
	// AccountID is returned by STS GetCallerIdentity and as ownerId
	// (default 123456789012).
	AccountID      string          `yaml:"accountId" json:"accountId"`
	Vpcs           []Vpc           `yaml:"vpcs" json:"vpcs"`
	Subnets        []Subnet        `yaml:"subnets" json:"subnets"`
	RouteTables    []RouteTable    `yaml:"routeTables" json:"routeTables"`
	VpcEndpoints   []VpcEndpoint   `yaml:"vpcEndpoints" json:"vpcEndpoints"`
	SecurityGroups []SecurityGroup `yaml:"securityGroups" json:"securityGroups"`
	NatGateways    []NatGateway    `yaml:"natGateways" json:"natGateways"`
	Buckets        []Bucket        `yaml:"buckets" json:"buckets"`
}

// Vpc is a VPC: the doubles' shared world type (fakeworld.Vpc).
type Vpc = fakeworld.Vpc

// Subnet is a subnet with its one Availability Zone (az) and VPC: the
// doubles' shared world type, so the stack double's load balancers report
// the zone DescribeSubnets does.
type Subnet = fakeworld.Subnet

// RouteTable is a route table, its subnet associations and its routes.
// Routes of the gateway endpoints that list the table are added on output.
type RouteTable struct {
	ID      string            `yaml:"id" json:"id"`
	VpcID   string            `yaml:"vpc" json:"vpc"`
	Main    bool              `yaml:"main" json:"main"`
	Subnets []string          `yaml:"subnets" json:"subnets"`
	Routes  []Route           `yaml:"routes" json:"routes"`
	Tags    map[string]string `yaml:"tags" json:"tags"`
}

// Route is one route. Target is an id whose prefix picks the XML field
// (igw-/vgw-/vpce- gatewayId, nat- natGatewayId, tgw- transitGatewayId,
// pcx- vpcPeeringConnectionId, eni- networkInterfaceId, i- instanceId,
// "local" gatewayId). State defaults to active.
type Route struct {
	Destination string `yaml:"destination" json:"destination"`
	Target      string `yaml:"target" json:"target"`
	State       string `yaml:"state" json:"state"`
}

// VpcEndpoint is a VPC endpoint. Type defaults to Interface, State to
// available (lowercase, as on the wire).
type VpcEndpoint struct {
	ID               string            `yaml:"id" json:"id"`
	VpcID            string            `yaml:"vpc" json:"vpc"`
	Type             string            `yaml:"type" json:"type"`
	ServiceName      string            `yaml:"service" json:"service"`
	State            string            `yaml:"state" json:"state"`
	PrivateDNS       bool              `yaml:"privateDns" json:"privateDns"`
	RouteTableIDs    []string          `yaml:"routeTables" json:"routeTables"`
	SubnetIDs        []string          `yaml:"subnets" json:"subnets"`
	SecurityGroupIDs []string          `yaml:"securityGroups" json:"securityGroups"`
	PolicyDocument   string            `yaml:"policy" json:"policy"`
	Tags             map[string]string `yaml:"tags" json:"tags"`
}

// SecurityGroup is a security group and its rules: the doubles' shared
// world type (fakeworld.SecurityGroup).
type SecurityGroup = fakeworld.SecurityGroup

// Permission is one rule of a security group (fakeworld.Permission).
type Permission = fakeworld.Permission

// NatGateway is a NAT gateway. State defaults to available,
// ConnectivityType to public.
type NatGateway struct {
	ID               string            `yaml:"id" json:"id"`
	VpcID            string            `yaml:"vpc" json:"vpc"`
	SubnetID         string            `yaml:"subnet" json:"subnet"`
	State            string            `yaml:"state" json:"state"`
	ConnectivityType string            `yaml:"connectivity" json:"connectivity"`
	PublicIPs        []string          `yaml:"publicIps" json:"publicIps"`
	PrivateIPs       []string          `yaml:"privateIps" json:"privateIps"`
	Tags             map[string]string `yaml:"tags" json:"tags"`
}

// Bucket is an S3 bucket. DenyGetLocation answers GetBucketLocation with
// AccessDenied (HeadBucket still works). StrictRegion answers a
// GetBucketLocation signed for another Region with 400
// AuthorizationHeaderMalformed and the x-amz-bucket-region header, as S3
// does for some buckets. DenyHead answers HeadBucket with 403 and no
// Region header (a bucket of another account whose policy denies the
// caller, as an organisation's CloudTrail bucket does).
type Bucket struct {
	Name            string `yaml:"name" json:"name"`
	Region          string `yaml:"region" json:"region"`
	DenyGetLocation bool   `yaml:"denyGetLocation" json:"denyGetLocation"`
	StrictRegion    bool   `yaml:"strictRegion" json:"strictRegion"`
	DenyHead        bool   `yaml:"denyHead" json:"denyHead"`
}

// LoadWorld reads a World from a YAML or JSON scenario file, laid over its
// "base" chain as every scenario of the doubles is (fakeworld.Load).
func LoadWorld(path string) (*World, error) {
	var w World
	if err := fakeworld.Load(path, &w); err != nil {
		return nil, fmt.Errorf("load world: %w", err)
	}
	return &w, nil
}

// Network is the part of the world the stack double shares: the Region, the
// VPCs, the subnets with their zones and the security groups.
func (w *World) Network() fakeworld.Network {
	return fakeworld.Network{Region: w.Region, Vpcs: w.Vpcs, Subnets: w.Subnets, SecurityGroups: w.SecurityGroups}
}

// withDefaults fills the defaults the doc comments promise.
func (w *World) withDefaults() {
	if w.Region == "" {
		w.Region = "us-east-1"
	}
	if w.AccountID == "" {
		w.AccountID = "123456789012"
	}
}

// servicePrefix is the prefix of AWS services' endpoint service names in
// the Region ("com.amazonaws.us-east-1.").
func servicePrefix(region string) string { return "com.amazonaws." + region + "." }

// wellFormed tells whether id is an EC2 id of the kind prefix as EC2 reads
// it ("subnet-" then 8 or 17 lowercase hex digits); EC2 answers any other
// with a Malformed error. The double models this itself rather than share
// the project's validator (internal/awsid), which the code under test uses.
func wellFormed(id, prefix string) bool {
	hex, ok := strings.CutPrefix(id, prefix+"-")
	return ok && (len(hex) == 8 || len(hex) == 17) && strings.Trim(hex, "0123456789abcdef") == ""
}
