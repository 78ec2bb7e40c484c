package enable

import (
	"context"
	"fmt"
	"strings"
	"time"
)

// Outcomes of the DNS stage.
const (
	OutcomeDNSMoved    = "dns-moved"
	OutcomeAwaitingDNS = "awaiting-dns"
	OutcomeDNSFailed   = "dns-failed"
)

// DefaultDNSTimeout bounds the wait for a Route 53 change to be INSYNC and
// for this machine's resolvers to see it.
const DefaultDNSTimeout = 5 * time.Minute

// DNSStep is the DNS stage: the records to change, what they resolve to
// from here, and the change enable made in Route 53 (--hosted-zone-id).
type DNSStep struct {
	LoadBalancer *InternalLB `json:"loadBalancer"`
	// Toward is the side the records move to: "internal" (qpe enable) or
	// "public" (qpe disable, the reverse).
	Toward  string        `json:"toward"`
	Records []DNSRecord   `json:"records"`
	Change  *RecordChange `json:"change,omitempty"`
	// Moved: every host name resolves to the load balancer.
	Moved bool `json:"moved"`
	// Checks is how many times enable resolved the host names.
	Checks int `json:"checks"`
}

// dnsStage is the step between the two updates: print the records to
// change, change them in Route 53 when asked to (--hosted-zone-id), and
// check from this machine that every host name resolves to the internal
// load balancer (with qpe disable: back to the public one, dnsTarget). Users keep the catalog throughout: both load balancers
// serve it. last: no retire update follows (PublicLoadBalancer=keep).
func (r *Result) dnsStage(ctx context.Context, sg *Stage, last bool) bool {
	lb, err := r.dnsTarget(ctx)
	if err != nil {
		return r.stopped(OutcomeDNSFailed, 1, "the DNS step: "+err.Error())
	}
	hosts, err := r.hostNames(ctx)
	if err != nil {
		return r.stopped(OutcomeDNSFailed, 1, "the DNS step: "+err.Error())
	}
	d := &DNSStep{LoadBalancer: lb, Toward: r.toward()}
	sg.DNS = d
	for _, h := range hosts {
		d.Records = append(d.Records, DNSRecord{Host: h, Type: "CNAME", Value: lb.DNSName})
	}
	r.step("the %s load balancer %s is %s (%s)", d.Toward, lb.LogicalID, lb.DNSName, lb.From)
	r.checkDNS(ctx, d)
	r.observer.DNS(sg)
	if !d.Moved && r.input.HostedZoneID != "" {
		if stop := r.changeRecords(ctx, sg, d); stop {
			return true
		}
	}
	for !d.Moved && r.input.HostedZoneID == "" && r.input.Confirm != nil {
		ok, err := r.input.Confirm(ctx, "Change the records above, then check DNS again?")
		if err != nil || !ok {
			break
		}
		r.checkDNS(ctx, d)
		r.observer.DNS(sg)
	}
	if !d.Moved {
		next := r.finishCommand()
		if last {
			next = "qpe verify --stack " + r.stack.Name + r.regionFlag()
		}
		return r.stopped(OutcomeAwaitingDNS, 1, fmt.Sprintf("both load balancers serve the catalog; %d host name(s) do not resolve to the %s load balancer %s yet: %s. Point them at it (CNAME %s), then run `%s`",
			len(d.pending()), d.Toward, lb.DNSName, strings.Join(d.pending(), ", "), lb.DNSName, next))
	}
	sg.Outcome = OutcomeDNSMoved
	// The availability model reads DNSMoved as "the hosts resolve to the
	// internal load balancer": true after enable's DNS step only.
	r.dnsMoved = !r.disable
	r.step("DNS moved: every host name resolves to %s", lb.DNSName)
	return false
}

// changeRecords shows the Route 53 change batch, applies it once
// confirmed, waits for INSYNC, then for this machine to see it.
func (r *Result) changeRecords(ctx context.Context, sg *Stage, d *DNSStep) bool {
	rc, err := r.planRecordChange(ctx, d.LoadBalancer, d.Records)
	if err != nil {
		return r.stopped(OutcomeDNSFailed, 1, "the DNS step: "+err.Error())
	}
	d.Change = rc
	r.observer.RecordChange(sg)
	if len(rc.Changes) == 0 {
		return false
	}
	if !r.input.Yes {
		if r.input.Confirm == nil {
			return r.stopped(OutcomeAwaitingDNS, 1, fmt.Sprintf("no terminal to ask and no --yes: the change batch above was not applied to hosted zone %s. Run qpe %s --stack %s%s --hosted-zone-id %s --yes, or change the records yourself and run `%s`",
				rc.HostedZoneID, r.command(), r.stack.Name, r.regionFlag(), rc.HostedZoneID, r.finishCommand()))
		}
		ok, err := r.input.Confirm(ctx, fmt.Sprintf("Apply these %d change(s) to hosted zone %s (%s)?", len(rc.Changes), rc.HostedZoneID, rc.ZoneName))
		if err != nil || !ok {
			return r.stopped(OutcomeAwaitingDNS, 1, fmt.Sprintf("the change batch was not applied; change the records yourself, then run `%s`", r.finishCommand()))
		}
	}
	if err := r.applyRecordChange(ctx, rc); err != nil {
		if ctx.Err() != nil { // Ctrl-C: the change goes on in Route 53
			return r.stopped(OutcomeFollowingStopped, 1, fmt.Sprintf("stopped waiting for Route 53 change %s; it goes on. Run `%s` to check DNS and retire the public load balancer", rc.ID, r.finishCommand()))
		}
		return r.stopped(OutcomeDNSFailed, 1, "the DNS step: "+err.Error())
	}
	// Resolvers may hold the old answer for the record's TTL.
	wait, cancel := context.WithTimeout(ctx, r.input.DNSTimeout)
	defer cancel()
	for {
		r.checkDNS(wait, d)
		if d.Moved || len(rc.OutsideZone) > 0 {
			break
		}
		if sleep(wait, r.dnsPoll()) != nil {
			break
		}
	}
	r.observer.DNS(sg)
	return false
}

// checkDNS resolves every host name from here.
func (r *Result) checkDNS(ctx context.Context, d *DNSStep) {
	d.Checks++
	d.Moved = len(d.Records) > 0
	for i := range d.Records {
		rec := &d.Records[i]
		res := resolve(ctx, r.input.Resolver, rec.Host, d.LoadBalancer.DNSName)
		rec.Resolves, rec.Moved, rec.Problem = res.Chain, res.Moved, res.Problem
		d.Moved = d.Moved && rec.Moved
	}
}

// pending are the host names not moved yet.
func (d *DNSStep) pending() []string {
	var out []string
	for _, rec := range d.Records {
		if !rec.Moved {
			out = append(out, rec.Host)
		}
	}
	return out
}

// finishCommand is the command that resumes after the DNS change.
func (r *Result) finishCommand() string {
	if r.disable {
		return fmt.Sprintf("qpe disable --stack %s%s", r.stack.Name, r.regionFlag())
	}
	return fmt.Sprintf("qpe enable --stack %s%s --finish", r.stack.Name, r.regionFlag())
}
