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
// the "network" key (awsfake's World is a superset of it).
type Network struct {
	Region  string   `yaml:"region" json:"region"`
	Subnets []Subnet `yaml:"subnets" json:"subnets"`
}

// Zone is the Availability Zone of the subnet with id, if the network has it.
func (n Network) Zone(id string) (string, bool) {
	for _, s := range n.Subnets {
		if s.ID == id && s.AvailabilityZone != "" {
			return s.AvailabilityZone, true
		}
	}
	return "", false
}
