package enable

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/route53"
	r53types "github.com/aws/aws-sdk-go-v2/service/route53/types"
)

// Route53API is the part of *route53.Client the record change uses.
type Route53API interface {
	GetHostedZone(ctx context.Context, in *route53.GetHostedZoneInput, optFns ...func(*route53.Options)) (*route53.GetHostedZoneOutput, error)
	ListResourceRecordSets(ctx context.Context, in *route53.ListResourceRecordSetsInput, optFns ...func(*route53.Options)) (*route53.ListResourceRecordSetsOutput, error)
	ChangeResourceRecordSets(ctx context.Context, in *route53.ChangeResourceRecordSetsInput, optFns ...func(*route53.Options)) (*route53.ChangeResourceRecordSetsOutput, error)
	GetChange(ctx context.Context, in *route53.GetChangeInput, optFns ...func(*route53.Options)) (*route53.GetChangeOutput, error)
}

// DefaultRecordTTL is the TTL of a record enable creates where none was.
const DefaultRecordTTL = 60

// RecordChange is the change batch enable made in a Route 53 hosted zone.
type RecordChange struct {
	HostedZoneID string        `json:"hostedZoneId"`
	ZoneName     string        `json:"zoneName"`
	Changes      []BatchChange `json:"changes"`
	// ID and Status are Route 53's (PENDING, then INSYNC).
	ID     string `json:"id,omitempty"`
	Status string `json:"status,omitempty"`
	// OutsideZone are host names the zone does not hold: to change by hand.
	OutsideZone []string `json:"outsideZone,omitempty"`
}

// BatchChange is one UPSERT of the batch, with the record it replaces.
type BatchChange struct {
	Action string `json:"action"`
	Name   string `json:"name"`
	Type   string `json:"type"`
	TTL    int64  `json:"ttl,omitempty"`
	Value  string `json:"value"`
	// Alias is the alias target's hosted zone (an A alias record).
	AliasZone string `json:"aliasZone,omitempty"`
	// Was is the record's current value ("" when there is none).
	Was string `json:"was,omitempty"`
}

// String is the change on one line.
func (c BatchChange) String() string {
	s := fmt.Sprintf("%s %s %s", c.Action, c.Name, c.Type)
	if c.AliasZone != "" {
		s += " alias " + c.Value + " (zone " + c.AliasZone + ")"
	} else {
		s += fmt.Sprintf(" %d %s", c.TTL, c.Value)
	}
	if c.Was != "" {
		s += "  (was " + c.Was + ")"
	}
	return s
}

// planRecordChange builds the batch for the hosts the zone holds: each
// host's record UPSERTed to the internal load balancer, a CNAME, or an A
// alias where the host has an A alias record now (a CNAME cannot replace
// it).
func (r *Result) planRecordChange(ctx context.Context, lb *InternalLB, recs []DNSRecord) (*RecordChange, error) {
	c := r.clients.Route53
	id := strings.TrimPrefix(r.input.HostedZoneID, "/hostedzone/")
	hz, err := c.GetHostedZone(ctx, &route53.GetHostedZoneInput{Id: aws.String(id)})
	if err != nil {
		return nil, fmt.Errorf("reading hosted zone %s (route53:GetHostedZone; it must be in the stack's account): %w", id, err)
	}
	rc := &RecordChange{HostedZoneID: id, ZoneName: dnsName(aws.ToString(hz.HostedZone.Name))}
	if hz.HostedZone.Config != nil && hz.HostedZone.Config.PrivateZone {
		r.step("hosted zone %s (%s) is private: only the VPCs associated with it see its records", id, rc.ZoneName)
	}
	for _, rec := range recs {
		if rec.Moved {
			continue
		}
		host := dnsName(rec.Host)
		if host != rc.ZoneName && !strings.HasSuffix(host, "."+rc.ZoneName) {
			rc.OutsideZone = append(rc.OutsideZone, rec.Host)
			continue
		}
		cur, err := currentRecord(ctx, c, id, host)
		if err != nil {
			return nil, err
		}
		ch := BatchChange{Action: "UPSERT", Name: host, Type: "CNAME", TTL: DefaultRecordTTL, Value: lb.DNSName}
		if cur != nil {
			ch.Was = describeRecord(cur)
			if cur.TTL != nil {
				ch.TTL = *cur.TTL
			}
			if cur.Type == r53types.RRTypeA && cur.AliasTarget != nil {
				if lb.CanonicalHostedZoneID == "" {
					return nil, fmt.Errorf("%s is an A alias record, and the internal load balancer's hosted zone is unknown (no output *%s)", host, outInternalZone)
				}
				ch.Type, ch.TTL, ch.AliasZone = "A", 0, lb.CanonicalHostedZoneID
			}
		}
		rc.Changes = append(rc.Changes, ch)
	}
	return rc, nil
}

// currentRecord is the CNAME or A record set of name, if any.
func currentRecord(ctx context.Context, c Route53API, zone, name string) (*r53types.ResourceRecordSet, error) {
	out, err := c.ListResourceRecordSets(ctx, &route53.ListResourceRecordSetsInput{HostedZoneId: aws.String(zone), StartRecordName: aws.String(name), MaxItems: aws.Int32(10)})
	if err != nil {
		return nil, fmt.Errorf("reading the records of %s (route53:ListResourceRecordSets): %w", name, err)
	}
	for i, rs := range out.ResourceRecordSets {
		if dnsName(aws.ToString(rs.Name)) == name && (rs.Type == r53types.RRTypeCname || rs.Type == r53types.RRTypeA) {
			return &out.ResourceRecordSets[i], nil
		}
	}
	return nil, nil
}

func describeRecord(rs *r53types.ResourceRecordSet) string {
	if a := rs.AliasTarget; a != nil {
		return fmt.Sprintf("%s alias %s", rs.Type, dnsName(aws.ToString(a.DNSName)))
	}
	var vals []string
	for _, v := range rs.ResourceRecords {
		vals = append(vals, dnsName(aws.ToString(v.Value)))
	}
	return fmt.Sprintf("%s %s", rs.Type, strings.Join(vals, ","))
}

// applyRecordChange submits the batch and waits for INSYNC.
func (r *Result) applyRecordChange(ctx context.Context, rc *RecordChange) error {
	batch := &r53types.ChangeBatch{Comment: aws.String(fmt.Sprintf("qpe %s: stack %s's host names to its %s load balancer", r.command(), r.stack.Name, r.toward()))}
	for _, ch := range rc.Changes {
		rs := &r53types.ResourceRecordSet{Name: aws.String(ch.Name), Type: r53types.RRType(ch.Type)}
		if ch.AliasZone != "" {
			rs.AliasTarget = &r53types.AliasTarget{HostedZoneId: aws.String(ch.AliasZone), DNSName: aws.String(ch.Value), EvaluateTargetHealth: false}
		} else {
			rs.TTL = aws.Int64(ch.TTL)
			rs.ResourceRecords = []r53types.ResourceRecord{{Value: aws.String(ch.Value)}}
		}
		batch.Changes = append(batch.Changes, r53types.Change{Action: r53types.ChangeActionUpsert, ResourceRecordSet: rs})
	}
	out, err := r.clients.Route53.ChangeResourceRecordSets(ctx, &route53.ChangeResourceRecordSetsInput{HostedZoneId: aws.String(rc.HostedZoneID), ChangeBatch: batch})
	if err != nil {
		var icb *r53types.InvalidChangeBatch
		if errors.As(err, &icb) {
			return fmt.Errorf("route53:ChangeResourceRecordSets refused the change batch: %s", strings.Join(icb.Messages, "; "))
		}
		return fmt.Errorf("changing the records (route53:ChangeResourceRecordSets): %w", err)
	}
	rc.ID, rc.Status = strings.TrimPrefix(aws.ToString(out.ChangeInfo.Id), "/change/"), string(out.ChangeInfo.Status)
	r.step("change %s submitted (%s); waiting for INSYNC (every Route 53 server has it)", rc.ID, rc.Status)
	wait, cancel := context.WithTimeout(ctx, r.input.DNSTimeout)
	defer cancel()
	for rc.Status != string(r53types.ChangeStatusInsync) {
		if err := sleep(wait, r.input.Poll); err != nil {
			return fmt.Errorf("change %s still %s after %s: follow it with `aws route53 get-change --id %s`", rc.ID, rc.Status, r.input.DNSTimeout, rc.ID)
		}
		got, err := r.clients.Route53.GetChange(wait, &route53.GetChangeInput{Id: aws.String(rc.ID)})
		if err != nil {
			return fmt.Errorf("reading change %s (route53:GetChange): %w", rc.ID, err)
		}
		rc.Status = string(got.ChangeInfo.Status)
	}
	r.step("change %s is INSYNC", rc.ID)
	return nil
}

// dnsPoll is the interval between two DNS checks after a record change.
func (r *Result) dnsPoll() time.Duration { return max(r.input.Poll, time.Millisecond) }
