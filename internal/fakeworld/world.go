package fakeworld

// Subnet is a subnet as both doubles describe it: EC2 DescribeSubnets
// answers it, and the stack double's load balancers take their
// Availability Zones from it, so one subnet has one zone.
type Subnet struct {
	ID               string            `yaml:"id" json:"id"`
	VpcID            string            `yaml:"vpc" json:"vpc"`
	CidrBlock        string            `yaml:"cidr" json:"cidr"`
	AvailabilityZone string            `yaml:"az" json:"az"`
	Tags             map[string]string `yaml:"tags" json:"tags"`
}

// Network is the part of the world both doubles read: in a scenario file,
// the "network" key (awsfake's World is a superset of it, with the same
// keys).
type Network struct {
	Region         string          `yaml:"region" json:"region"`
	Vpcs           []Vpc           `yaml:"vpcs" json:"vpcs"`
	Subnets        []Subnet        `yaml:"subnets" json:"subnets"`
	SecurityGroups []SecurityGroup `yaml:"securityGroups" json:"securityGroups"`
}

// Zone is the Availability Zone of the subnet with id, if the network has it.
func (n Network) Zone(id string) (string, bool) {
	s, ok := n.Subnet(id)
	return s.AvailabilityZone, ok && s.AvailabilityZone != ""
}

// Vpc is a VPC. DNS support defaults to on, DNS hostnames to off (as for a
// VPC created with the API).
type Vpc struct {
	ID        string `yaml:"id" json:"id"`
	CidrBlock string `yaml:"cidr" json:"cidr"`
	// SecondaryCidrs are further IPv4 blocks associated with the VPC.
	SecondaryCidrs     []string          `yaml:"secondaryCidrs" json:"secondaryCidrs"`
	EnableDNSSupport   *bool             `yaml:"enableDnsSupport" json:"enableDnsSupport"`
	EnableDNSHostnames bool              `yaml:"enableDnsHostnames" json:"enableDnsHostnames"`
	IsDefault          bool              `yaml:"isDefault" json:"isDefault"`
	Tags               map[string]string `yaml:"tags" json:"tags"`
}

// DNSSupport is enableDnsSupport with its default (true).
func (v Vpc) DNSSupport() bool { return v.EnableDNSSupport == nil || *v.EnableDNSSupport }

// SecurityGroup is a security group and its rules.
type SecurityGroup struct {
	ID          string            `yaml:"id" json:"id"`
	VpcID       string            `yaml:"vpc" json:"vpc"`
	Name        string            `yaml:"name" json:"name"`
	Description string            `yaml:"description" json:"description"`
	Ingress     []Permission      `yaml:"ingress" json:"ingress"`
	Egress      []Permission      `yaml:"egress" json:"egress"`
	Tags        map[string]string `yaml:"tags" json:"tags"`
}

// Permission is one rule: Protocol "tcp", "udp", "icmp" or "-1" (all, the
// ports are then ignored), from CIDRs, security groups and/or managed prefix
// lists (pl-...).
type Permission struct {
	Protocol    string   `yaml:"protocol" json:"protocol"`
	FromPort    int32    `yaml:"from" json:"from"`
	ToPort      int32    `yaml:"to" json:"to"`
	Cidrs       []string `yaml:"cidrs" json:"cidrs"`
	Groups      []string `yaml:"groups" json:"groups"`
	PrefixLists []string `yaml:"prefixLists" json:"prefixLists"`
}

// Subnet is the subnet with id, if the network has it.
func (n Network) Subnet(id string) (Subnet, bool) {
	for _, s := range n.Subnets {
		if s.ID == id {
			return s, true
		}
	}
	return Subnet{}, false
}
