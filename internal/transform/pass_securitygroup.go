package transform

import (
	"github.com/awslabs/goformation/v7/cloudformation"
	"github.com/awslabs/goformation/v7/cloudformation/ec2"
)

// passSecurityGroup adds the macro's security group when moved functions or
// canaries use it (SecurityGroupIds not set): egress TCP 443 and DNS (TCP and
// UDP 53) only, like Quilt's OutboundSecurityGroup.
func passSecurityGroup(st *state) error {
	if !resNeedSG.of(st).IsSet() {
		return nil
	}
	want, err := securityGroup(st)
	if err != nil {
		return err
	}
	if cur := st.resource(SecurityGroupLogicalID); cur != nil {
		if cur["Type"] != "AWS::EC2::SecurityGroup" {
			return &Error{Resource: SecurityGroupLogicalID, Message: "the template already has a resource with this logical id that is not a security group",
				Remedy: "rename that resource, or give the SecurityGroupIds setting"}
		}
		return nil // kept as is: the user may have adjusted it
	}
	st.add(SecurityGroupLogicalID, want)
	st.change("securitygroup", SecurityGroupLogicalID, "added security group for private functions (egress TCP 443, TCP/UDP 53)")
	return nil
}

func securityGroup(st *state) (map[string]any, error) {
	var egress []ec2.SecurityGroup_Egress
	for _, r := range []struct {
		proto string
		port  int
		desc  string
	}{{"tcp", 443, "HTTPS to AWS APIs and endpoints"}, {"tcp", 53, "DNS over TCP"}, {"udp", 53, "DNS"}} {
		egress = append(egress,
			ec2.SecurityGroup_Egress{IpProtocol: r.proto, FromPort: cloudformation.Int(r.port), ToPort: cloudformation.Int(r.port),
				CidrIp: cloudformation.String("0.0.0.0/0"), Description: cloudformation.String(r.desc)},
			ec2.SecurityGroup_Egress{IpProtocol: r.proto, FromPort: cloudformation.Int(r.port), ToPort: cloudformation.Int(r.port),
				CidrIpv6: cloudformation.String("::/0"), Description: cloudformation.String(r.desc + " (IPv6)")})
	}
	sg := &ec2.SecurityGroup{
		GroupDescription:    "Quilt private endpoints: outbound HTTPS and DNS only, for functions and canaries in the VPC",
		SecurityGroupEgress: egress,
	}
	r, err := fromGoformation(sg)
	if err != nil {
		return nil, err
	}
	r["Properties"].(map[string]any)["VpcId"] = st.vpc()
	return r, nil
}
