package stackfake

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/retry"
	"github.com/aws/aws-sdk-go-v2/service/route53"
	r53types "github.com/aws/aws-sdk-go-v2/service/route53/types"
)

func startRoute53(t *testing.T) (*Server, *route53.Client) {
	t.Helper()
	scn, err := Parse([]byte(`
stack: {name: quilt}
loadBalancers:
  "` + lbInternal + `": {scheme: internal}
  "` + lbPublic + `": {}
route53:
  syncAfter: 2
  zones:
    Z1:
      name: example.com
      records:
        - {name: quilt.example.com, type: CNAME, ttl: 300, values: [quilt-pub-1234567890.us-east-1.elb.amazonaws.com]}
        - {name: apex-alias.example.com, type: A, alias: {hostedZoneId: Z35SXDOTRQ7X7K, dnsName: quilt-pub-1234567890.us-east-1.elb.amazonaws.com}}
`))
	if err != nil {
		t.Fatal(err)
	}
	srv := Start(scn)
	t.Cleanup(srv.Close)
	cfg := aws.Config{Region: "us-east-1", Credentials: aws.AnonymousCredentials{}, BaseEndpoint: aws.String(srv.URL()),
		Retryer: func() aws.Retryer {
			return retry.NewStandard(func(o *retry.StandardOptions) { o.MaxBackoff = time.Millisecond })
		}}
	return srv, route53.NewFromConfig(cfg)
}

func upsert(name, typ, value string) r53types.Change {
	return r53types.Change{Action: r53types.ChangeActionUpsert, ResourceRecordSet: &r53types.ResourceRecordSet{
		Name: aws.String(name), Type: r53types.RRType(typ), TTL: aws.Int64(60), ResourceRecords: []r53types.ResourceRecord{{Value: aws.String(value)}}}}
}

func TestRoute53ChangeIsPendingThenInsync(t *testing.T) {
	ctx := context.Background()
	srv, c := startRoute53(t)
	hz, err := c.GetHostedZone(ctx, &route53.GetHostedZoneInput{Id: aws.String("/hostedzone/Z1")})
	if err != nil || aws.ToString(hz.HostedZone.Name) != "example.com." || aws.ToString(hz.HostedZone.Id) != "/hostedzone/Z1" {
		t.Fatalf("GetHostedZone %+v %v", hz, err)
	}
	ls, err := c.ListResourceRecordSets(ctx, &route53.ListResourceRecordSetsInput{HostedZoneId: aws.String("Z1"), StartRecordName: aws.String("quilt.example.com"), MaxItems: aws.Int32(1)})
	if err != nil || len(ls.ResourceRecordSets) != 1 || aws.ToString(ls.ResourceRecordSets[0].Name) != "quilt.example.com." || aws.ToInt64(ls.ResourceRecordSets[0].TTL) != 300 {
		t.Fatalf("ListResourceRecordSets %+v %v", ls, err)
	}
	internal := "internal-quilt-int-1234567890.us-east-1.elb.amazonaws.com"
	out, err := c.ChangeResourceRecordSets(ctx, &route53.ChangeResourceRecordSetsInput{HostedZoneId: aws.String("Z1"),
		ChangeBatch: &r53types.ChangeBatch{Changes: []r53types.Change{upsert("quilt.example.com", "CNAME", internal)}}})
	if err != nil || out.ChangeInfo.Status != r53types.ChangeStatusPending {
		t.Fatalf("ChangeResourceRecordSets %+v %v", out, err)
	}
	// Until INSYNC, resolvers still get the old record.
	if cname, _, _ := srv.Resolve("quilt.example.com"); cname != "quilt-pub-1234567890.us-east-1.elb.amazonaws.com" {
		t.Errorf("before INSYNC: %q", cname)
	}
	var statuses []string
	for range 3 {
		g, err := c.GetChange(ctx, &route53.GetChangeInput{Id: out.ChangeInfo.Id})
		if err != nil {
			t.Fatal(err)
		}
		statuses = append(statuses, string(g.ChangeInfo.Status))
	}
	if strings.Join(statuses, " ") != "PENDING PENDING INSYNC" {
		t.Errorf("statuses %v", statuses)
	}
	cname, _, ok := srv.Resolve("quilt.example.com")
	if !ok || cname != internal {
		t.Errorf("after INSYNC: %q %v", cname, ok)
	}
	if _, addrs, ok := srv.Resolve(internal); !ok || !strings.HasPrefix(addrs[0], "10.") {
		t.Errorf("internal load balancer resolves to %v", addrs)
	}
	if _, addrs, _ := srv.Resolve("apex-alias.example.com"); len(addrs) == 0 || strings.HasPrefix(addrs[0], "10.") {
		t.Errorf("alias to the public load balancer resolves to %v", addrs)
	}
	if _, _, ok := srv.Resolve("nope.example.com"); ok {
		t.Error("a missing name resolved")
	}
}

func TestRoute53RefusesABadBatch(t *testing.T) {
	ctx := context.Background()
	_, c := startRoute53(t)
	tests := []struct {
		name   string
		change r53types.Change
		want   string
	}{
		{"CNAME next to an A alias", upsert("apex-alias.example.com", "CNAME", "x.example.org"), "conflicting RRSet of type A"},
		{"outside the zone", upsert("quilt.example.org", "CNAME", "x.example.org"), "not permitted in zone example.com."},
		{"CNAME at the apex", upsert("example.com", "CNAME", "x.example.org"), "at apex"},
		{"create what exists", r53types.Change{Action: r53types.ChangeActionCreate, ResourceRecordSet: upsert("quilt.example.com", "CNAME", "x").ResourceRecordSet}, "already exists"},
		{"delete what is missing", r53types.Change{Action: r53types.ChangeActionDelete, ResourceRecordSet: upsert("gone.example.com", "CNAME", "x").ResourceRecordSet}, "not found"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := c.ChangeResourceRecordSets(ctx, &route53.ChangeResourceRecordSetsInput{HostedZoneId: aws.String("Z1"),
				ChangeBatch: &r53types.ChangeBatch{Changes: []r53types.Change{tt.change}}})
			var icb *r53types.InvalidChangeBatch
			if !errors.As(err, &icb) || !strings.Contains(strings.Join(icb.Messages, " "), tt.want) {
				t.Errorf("err %v, want InvalidChangeBatch %q", err, tt.want)
			}
		})
	}
	_, err := c.GetHostedZone(ctx, &route53.GetHostedZoneInput{Id: aws.String("Z404")})
	var nz *r53types.NoSuchHostedZone
	if !errors.As(err, &nz) {
		t.Errorf("unknown zone: %v", err)
	}
}
