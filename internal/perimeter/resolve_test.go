package perimeter

import (
	"context"
	"errors"
	"slices"
	"strings"
	"testing"
)

func TestResolve(t *testing.T) {
	gws := []NATGateway{{ID: "nat-1", VPCID: "vpc-0123456789abcdef0", PublicIPs: []string{"203.0.113.10"}}}
	found := func(context.Context, string, []string) ([]NATGateway, string, error) {
		return gws, "cn-north-1", nil
	}
	broken := func(context.Context, string, []string) ([]NATGateway, string, error) {
		return nil, "", errors.New("AccessDenied:\nnot authorized")
	}
	for _, c := range []struct {
		name, natIPs string
		lookup       NATLookup
		wantErr      string
		known        bool
		reason       string
		ips, prefix  []string
		partition    string
		notes        int
	}{
		{name: "none", natIPs: "none", lookup: broken, known: true, partition: "aws"},
		{name: "given", natIPs: " 198.51.100.7, 198.51.100.8", lookup: broken, known: true, ips: []string{"198.51.100.7", "198.51.100.8"}, prefix: []string{"198.51.100.7/32", "198.51.100.8/32"}, partition: "aws"},
		{name: "auto", natIPs: "auto", lookup: found, known: true, ips: []string{"203.0.113.10"}, prefix: []string{"203.0.113.10/32"}, partition: "aws-cn", notes: 1},
		{name: "unset looks up to warn", natIPs: "", lookup: found, known: true, ips: []string{"203.0.113.10"}, partition: "aws-cn"},
		{name: "unset, lookup fails", natIPs: "", lookup: broken, reason: "AccessDenied: not authorized", partition: "aws"},
		{name: "auto, lookup fails", natIPs: "auto", lookup: broken, wantErr: "--nat-ips auto: AccessDenied"},
		{name: "bad address", natIPs: "300.1.1.1", lookup: broken, wantErr: "300.1.1.1"},
	} {
		t.Run(c.name, func(t *testing.T) {
			r, err := Resolve(context.Background(), Options{VPCs: []string{"vpc-0123456789abcdef0"}}, c.natIPs, c.lookup)
			if c.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), c.wantErr) {
					t.Fatalf("err = %v, want %q", err, c.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if r.NAT.Known != c.known || r.NAT.Reason != c.reason || !slices.Equal(r.NATIPs, c.ips) ||
				!slices.Equal(r.Spec.NATPrefixes, c.prefix) || r.Spec.Partition != c.partition || len(r.Notes) != c.notes {
				t.Errorf("got %+v spec %+v", r, r.Spec)
			}
		})
	}
}
