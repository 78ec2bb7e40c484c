package provision

import (
	"context"
	"fmt"
	"slices"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"

	"github.com/quiltdata/quilt-private-endpoints/internal/awsfake"
)

// ownedGroup is the endpoint security group a previous run created, with
// the given rules.
func ownedGroup(rules ...awsfake.Permission) awsfake.SecurityGroup {
	name := fmt.Sprintf(securityGroupNameFmt, owner.hash(vpcID)[:16])
	tags := map[string]string{}
	for _, t := range owner.tags(PurposeAPIGroup, name) {
		tags[aws.ToString(t.Key)] = aws.ToString(t.Value)
	}
	return awsfake.SecurityGroup{ID: "sg-0c00000000000e001", VpcID: vpcID, Name: name, Ingress: rules, Tags: tags}
}

// TestEnsureGroupUsesTheOne443Rule: provisioning reads "TCP 443 from a
// CIDR" as the preflight does (vpcrules.Ingress443: protocol -1/all/tcp/6,
// a port range holding 443, a rule CIDR containing the block): a rule that
// covers a VPC block adds nothing, and every CIDR block of the VPC (a
// secondary one too) is covered.
func TestEnsureGroupUsesTheOne443Rule(t *testing.T) {
	tests := []struct {
		name       string
		secondary  []string
		rules      []awsfake.Permission
		authorizes int      // AuthorizeSecurityGroupIngress calls
		want       []string // CIDRs with a 443 rule afterwards
	}{
		{"all traffic from a wider block", nil,
			[]awsfake.Permission{{Protocol: "-1", Cidrs: []string{"10.0.0.0/8"}}}, 0, []string{"10.0.0.0/8"}},
		{"tcp port range", nil,
			[]awsfake.Permission{{Protocol: "tcp", FromPort: 0, ToPort: 65535, Cidrs: []string{"10.4.0.0/16"}}}, 0, []string{"10.4.0.0/16"}},
		{"secondary block not covered", []string{"100.64.0.0/16"},
			[]awsfake.Permission{{Protocol: "tcp", FromPort: 443, ToPort: 443, Cidrs: []string{"10.4.0.0/16"}}}, 1, []string{"10.4.0.0/16", "100.64.0.0/16"}},
		{"udp does not count", nil,
			[]awsfake.Permission{{Protocol: "udp", FromPort: 443, ToPort: 443, Cidrs: []string{"10.4.0.0/16"}}}, 1, []string{"10.4.0.0/16"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w := emptyWorld()
			w.Vpcs[0].SecondaryCidrs = tt.secondary
			w.SecurityGroups = []awsfake.SecurityGroup{ownedGroup(tt.rules...)}
			srv, c := start(t, w)
			if _, err := Ensure(context.Background(), c, spec(subnetA, subnetB)); err != nil {
				t.Fatal(err)
			}
			if n := srv.Calls()["AuthorizeSecurityGroupIngress"]; n != tt.authorizes {
				t.Errorf("%d AuthorizeSecurityGroupIngress calls, want %d", n, tt.authorizes)
			}
			var got []string
			for _, g := range srv.World().SecurityGroups {
				for _, p := range g.Ingress {
					if p.Protocol != "udp" {
						got = append(got, p.Cidrs...)
					}
				}
			}
			slices.Sort(got)
			if !slices.Equal(got, tt.want) {
				t.Errorf("443 rules from %v, want %v", got, tt.want)
			}
		})
	}
}
