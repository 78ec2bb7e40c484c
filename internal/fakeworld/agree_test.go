package fakeworld_test

import (
	"context"
	"path/filepath"
	"reflect"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	elbv2 "github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2"

	"github.com/quiltdata/quilt-private-endpoints/internal/awsfake"
	"github.com/quiltdata/quilt-private-endpoints/internal/fakeworld"
	"github.com/quiltdata/quilt-private-endpoints/internal/stackfake"
)

// TestDoublesAgreeOnZones serves one scenario file (and one laid over it by
// base) with both doubles: EC2 DescribeSubnets and ELBv2
// DescribeLoadBalancers must give each subnet the same Availability Zone,
// the one the scenario's network says (no double invents its own).
func TestDoublesAgreeOnZones(t *testing.T) {
	for _, file := range []string{"base.yaml", "over.yaml"} {
		t.Run(file, func(t *testing.T) {
			ctx := context.Background()
			path := filepath.Join("testdata", file)
			var doc struct {
				Network awsfake.World `yaml:"network"`
			}
			if err := fakeworld.Load(path, &doc); err != nil {
				t.Fatal(err)
			}
			aws1 := awsfake.Start(t, &doc.Network)
			scn, err := stackfake.Load(path)
			if err != nil {
				t.Fatal(err)
			}
			stk := stackfake.Start(scn)
			t.Cleanup(stk.Close)

			subnets, err := ec2.NewFromConfig(aws1.Config()).DescribeSubnets(ctx, &ec2.DescribeSubnetsInput{})
			if err != nil {
				t.Fatal(err)
			}
			ec2Zone := map[string]string{}
			for _, s := range subnets.Subnets {
				ec2Zone[aws.ToString(s.SubnetId)] = aws.ToString(s.AvailabilityZone)
			}
			cfg := aws1.Config()
			cfg.BaseEndpoint = aws.String(stk.URL())
			lbs, err := elbv2.NewFromConfig(cfg).DescribeLoadBalancers(ctx, &elbv2.DescribeLoadBalancersInput{})
			if err != nil {
				t.Fatal(err)
			}
			n := 0
			for _, lb := range lbs.LoadBalancers {
				for _, az := range lb.AvailabilityZones {
					n++
					id, zone := aws.ToString(az.SubnetId), aws.ToString(az.ZoneName)
					if ec2Zone[id] == "" || zone != ec2Zone[id] {
						t.Errorf("subnet %s: ELBv2 says zone %q, EC2 says %q", id, zone, ec2Zone[id])
					}
					if want, _ := scn.Network.Zone(id); zone != want {
						t.Errorf("subnet %s: zone %q, the scenario says %q", id, zone, want)
					}
				}
			}
			if n != 2 {
				t.Fatalf("%d load balancer zones, want 2", n)
			}
		})
	}
}

// TestDoublesReadOneWorld: the EC2 double's world and the stack double's
// scenario, read from the same file, hold the same network (Region, VPCs,
// subnets, security groups: one set of types, one "network" key), and
// the EC2 double keeps what only it serves (route tables) besides.
func TestDoublesReadOneWorld(t *testing.T) {
	for _, file := range []string{"base.yaml", "over.yaml"} {
		t.Run(file, func(t *testing.T) {
			path := filepath.Join("testdata", file)
			var doc struct {
				Network awsfake.World `yaml:"network"`
			}
			if err := fakeworld.Load(path, &doc); err != nil {
				t.Fatal(err)
			}
			scn, err := stackfake.Load(path)
			if err != nil {
				t.Fatal(err)
			}
			if got := doc.Network.Network(); !reflect.DeepEqual(got, scn.Network) {
				t.Errorf("EC2 double's network %+v\nstack double's %+v", got, scn.Network)
			}
			if len(scn.Network.Vpcs) != 1 || len(scn.Network.SecurityGroups) != 1 || len(scn.Network.Subnets) != 2 || len(doc.Network.RouteTables) != 1 {
				t.Errorf("network %+v, route tables %+v: want 1 VPC, 1 group, 2 subnets, 1 route table", scn.Network, doc.Network.RouteTables)
			}
		})
	}
}
