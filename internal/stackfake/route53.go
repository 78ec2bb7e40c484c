package stackfake

import (
	"encoding/xml"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/quiltdata/quilt-private-endpoints/internal/fakeworld/wire"
)

// Route 53 (REST-XML, API version 2013-04-01): GetHostedZone,
// ListResourceRecordSets, ChangeResourceRecordSets and GetChange, with
// Route 53's checks on a change batch (a name outside the zone, a CNAME
// next to another record of the same name or at the apex, CREATE of an
// existing record, DELETE of a missing one) answered as InvalidChangeBatch.
// A change is PENDING until GetChange has been asked Route53.SyncAfter
// times, then INSYNC; its records are visible (RecordSet) from INSYNC on,
// as every authoritative server has them then.

const route53NS = "https://route53.amazonaws.com/doc/2013-04-01/"

// Route53 is the account's hosted zones, by zone id (Z...).
type Route53 struct {
	Zones map[string]*HostedZone `yaml:"zones"`
	// SyncAfter is how many GetChange calls see a change PENDING before
	// it is INSYNC (default 1).
	SyncAfter int `yaml:"syncAfter"`
}

// HostedZone is one hosted zone.
type HostedZone struct {
	// Name is the zone's domain, e.g. example.com.
	Name    string      `yaml:"name"`
	Private bool        `yaml:"private"`
	Records []RecordSet `yaml:"records"`
}

// RecordSet is one resource record set.
type RecordSet struct {
	Name   string   `yaml:"name"`
	Type   string   `yaml:"type"`
	TTL    int64    `yaml:"ttl"`
	Values []string `yaml:"values"`
	// Alias is an alias target (A or AAAA to a load balancer).
	Alias *AliasTarget `yaml:"alias"`
}

// AliasTarget is a record's alias target.
type AliasTarget struct {
	HostedZoneID string `yaml:"hostedZoneId"`
	DNSName      string `yaml:"dnsName"`
}

// r53Change is one submitted change batch.
type r53Change struct {
	id        string
	zone      string
	submitted time.Time
	asked     int
	sets      []r53Apply
	synced    bool
}

type r53Apply struct {
	action string
	set    RecordSet
}

type xmlRRSet struct {
	Name            string `xml:"Name"`
	Type            string `xml:"Type"`
	TTL             *int64 `xml:"TTL"`
	ResourceRecords []struct {
		Value string `xml:"Value"`
	} `xml:"ResourceRecords>ResourceRecord"`
	AliasTarget *struct {
		HostedZoneID string `xml:"HostedZoneId"`
		DNSName      string `xml:"DNSName"`
	} `xml:"AliasTarget"`
}

type xmlChangeBatch struct {
	Comment string `xml:"ChangeBatch>Comment"`
	Changes []struct {
		Action string   `xml:"Action"`
		Set    xmlRRSet `xml:"ResourceRecordSet"`
	} `xml:"ChangeBatch>Changes>Change"`
}

// route53 serves /2013-04-01/....
func (s *Server) route53(w http.ResponseWriter, r *http.Request) {
	p := strings.TrimPrefix(r.URL.Path, "/2013-04-01/")
	parts := strings.Split(strings.TrimSuffix(p, "/"), "/")
	var op, target string
	switch {
	case len(parts) == 2 && parts[0] == "hostedzone" && r.Method == http.MethodGet:
		op, target = "GetHostedZone", parts[1]
	case len(parts) == 3 && parts[0] == "hostedzone" && parts[2] == "rrset" && r.Method == http.MethodGet:
		op, target = "ListResourceRecordSets", parts[1]
	case len(parts) == 3 && parts[0] == "hostedzone" && parts[2] == "rrset" && r.Method == http.MethodPost:
		op, target = "ChangeResourceRecordSets", parts[1]
	case len(parts) == 2 && parts[0] == "change" && r.Method == http.MethodGet:
		op, target = "GetChange", parts[1]
	default:
		writeR53Error(w, http.StatusNotFound, "UnknownOperationException", "stackfake: no Route 53 route for "+r.Method+" "+r.URL.Path)
		return
	}
	if f := s.begin(r, "route53", op, target); f != nil {
		writeR53Error(w, f.Status, faultCodeQuery(f), faultMessage(f))
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if op == "GetChange" {
		s.getChange(w, target)
		return
	}
	z := s.scn.Route53.Zones[target]
	if z == nil {
		writeR53Error(w, http.StatusNotFound, "NoSuchHostedZone", "No hosted zone found with ID: "+target)
		return
	}
	switch op {
	case "GetHostedZone":
		writeR53(w, "GetHostedZoneResponse", fmt.Sprintf(`<HostedZone><Id>/hostedzone/%s</Id><Name>%s</Name><CallerReference>stackfake</CallerReference><Config><PrivateZone>%t</PrivateZone></Config><ResourceRecordSetCount>%d</ResourceRecordSetCount></HostedZone>`,
			esc(target), esc(fqdn(z.Name)), z.Private, len(z.Records)))
	case "ListResourceRecordSets":
		s.listRecordSets(w, r, z)
	case "ChangeResourceRecordSets":
		s.changeRecordSets(w, r, target, z)
	}
}

func (s *Server) listRecordSets(w http.ResponseWriter, r *http.Request, z *HostedZone) {
	q := r.URL.Query()
	start, startType := canonicalName(q.Get("name")), q.Get("type")
	max := 300
	if v := q.Get("maxitems"); v != "" {
		if n, err := strconv.Atoi(v); err == nil && n > 0 && n < max {
			max = n
		}
	}
	sets := slices.Clone(z.Records)
	slices.SortFunc(sets, func(a, b RecordSet) int {
		if c := strings.Compare(reversed(a.Name), reversed(b.Name)); c != 0 {
			return c
		}
		return strings.Compare(a.Type, b.Type)
	})
	var b strings.Builder
	b.WriteString("<ResourceRecordSets>")
	n, truncated := 0, false
	for _, rs := range sets {
		if start != "" {
			c := strings.Compare(reversed(rs.Name), reversed(start))
			if c < 0 || c == 0 && startType != "" && rs.Type < startType {
				continue
			}
		}
		if n == max {
			truncated = true
			break
		}
		b.WriteString(recordSetXML(rs))
		n++
	}
	b.WriteString("</ResourceRecordSets>")
	fmt.Fprintf(&b, "<IsTruncated>%t</IsTruncated><MaxItems>%d</MaxItems>", truncated, max)
	writeR53(w, "ListResourceRecordSetsResponse", b.String())
}

// reversed orders names as Route 53 does: by their labels from the right.
func reversed(name string) string {
	l := strings.Split(canonicalName(name), ".")
	slices.Reverse(l)
	return strings.Join(l, ".")
}

func recordSetXML(rs RecordSet) string {
	var b strings.Builder
	b.WriteString("<ResourceRecordSet>" + el("Name", fqdn(rs.Name)) + el("Type", rs.Type))
	if rs.Alias != nil {
		b.WriteString("<AliasTarget>" + el("HostedZoneId", rs.Alias.HostedZoneID) + el("DNSName", fqdn(rs.Alias.DNSName)) + "<EvaluateTargetHealth>false</EvaluateTargetHealth></AliasTarget>")
	} else {
		fmt.Fprintf(&b, "<TTL>%d</TTL><ResourceRecords>", rs.TTL)
		for _, v := range rs.Values {
			b.WriteString("<ResourceRecord>" + el("Value", v) + "</ResourceRecord>")
		}
		b.WriteString("</ResourceRecords>")
	}
	b.WriteString("</ResourceRecordSet>")
	return b.String()
}

func (s *Server) changeRecordSets(w http.ResponseWriter, r *http.Request, zoneID string, z *HostedZone) {
	var in xmlChangeBatch
	if err := xml.NewDecoder(r.Body).Decode(&in); err != nil {
		writeR53Error(w, http.StatusBadRequest, "InvalidInput", "stackfake: the change batch is not valid XML: "+err.Error())
		return
	}
	if len(in.Changes) == 0 {
		writeR53Error(w, http.StatusBadRequest, "InvalidInput", "1 validation error detected: Value null at 'changeBatch.changes' failed to satisfy constraint: Member must not be null")
		return
	}
	// Check the whole batch against a copy: Route 53 applies all or none.
	next := slices.Clone(z.Records)
	var applied []r53Apply
	var problems []string
	for _, c := range in.Changes {
		rs := RecordSet{Name: canonicalName(c.Set.Name), Type: c.Set.Type}
		if c.Set.TTL != nil {
			rs.TTL = *c.Set.TTL
		}
		for _, v := range c.Set.ResourceRecords {
			rs.Values = append(rs.Values, v.Value)
		}
		if a := c.Set.AliasTarget; a != nil {
			rs.Alias = &AliasTarget{HostedZoneID: a.HostedZoneID, DNSName: canonicalName(a.DNSName)}
		}
		zone := canonicalName(z.Name)
		if rs.Name != zone && !strings.HasSuffix(rs.Name, "."+zone) {
			problems = append(problems, fmt.Sprintf("RRSet with DNS name %s is not permitted in zone %s", fqdn(rs.Name), fqdn(zone)))
			continue
		}
		if rs.Type == "CNAME" && rs.Name == zone {
			problems = append(problems, fmt.Sprintf("RRSet of type CNAME with DNS name %s is not permitted at apex in zone %s", fqdn(rs.Name), fqdn(zone)))
			continue
		}
		at := slices.IndexFunc(next, func(x RecordSet) bool { return canonicalName(x.Name) == rs.Name && x.Type == rs.Type })
		switch c.Action {
		case "CREATE", "UPSERT":
			if c.Action == "CREATE" && at >= 0 {
				problems = append(problems, fmt.Sprintf("Tried to create resource record set [name='%s', type='%s'] but it already exists", fqdn(rs.Name), rs.Type))
				continue
			}
			if i := slices.IndexFunc(next, func(x RecordSet) bool {
				return canonicalName(x.Name) == rs.Name && x.Type != rs.Type && (x.Type == "CNAME" || rs.Type == "CNAME")
			}); i >= 0 {
				problems = append(problems, fmt.Sprintf("RRSet of type %s with DNS name %s is not permitted because a conflicting RRSet of type %s with the same DNS name already exists in zone %s",
					rs.Type, fqdn(rs.Name), next[i].Type, fqdn(zone)))
				continue
			}
			if rs.Alias == nil && (rs.TTL == 0 || len(rs.Values) == 0) {
				problems = append(problems, fmt.Sprintf("Invalid Resource Record: FATAL problem: RRSet %s %s without TTL or values", fqdn(rs.Name), rs.Type))
				continue
			}
			if at >= 0 {
				next[at] = rs
			} else {
				next = append(next, rs)
			}
		case "DELETE":
			if at < 0 {
				problems = append(problems, fmt.Sprintf("Tried to delete resource record set [name='%s', type='%s'] but it was not found", fqdn(rs.Name), rs.Type))
				continue
			}
			next = slices.Delete(next, at, at+1)
		default:
			writeR53Error(w, http.StatusBadRequest, "InvalidInput", "Invalid change action "+c.Action)
			return
		}
		applied = append(applied, r53Apply{action: c.Action, set: rs})
	}
	if len(problems) > 0 {
		var b strings.Builder
		fmt.Fprintf(&b, `<?xml version="1.0"?><InvalidChangeBatch xmlns="%s"><Messages>`, route53NS)
		for _, p := range problems {
			b.WriteString(el("Message", p))
		}
		b.WriteString("</Messages><RequestId>00000000-0000-4000-8000-000000000000</RequestId></InvalidChangeBatch>")
		w.Header().Set("Content-Type", "text/xml")
		w.WriteHeader(http.StatusBadRequest)
		_, _ = w.Write([]byte(b.String()))
		return
	}
	if s.r53 == nil {
		s.r53 = map[string]*r53Change{}
	}
	ch := &r53Change{id: fmt.Sprintf("C%012dSTACKFAKE", len(s.r53)+1), zone: zoneID, submitted: time.Now().UTC(), sets: applied}
	s.r53[ch.id] = ch
	writeR53(w, "ChangeResourceRecordSetsResponse", changeInfoXML(ch, in.Comment))
}

func (s *Server) getChange(w http.ResponseWriter, id string) {
	ch := s.r53[id]
	if ch == nil {
		writeR53Error(w, http.StatusNotFound, "NoSuchChange", "A change with the specified change ID does not exist: "+id)
		return
	}
	ch.asked++
	after := s.scn.Route53.SyncAfter
	if after <= 0 {
		after = 1
	}
	if !ch.synced && ch.asked > after {
		ch.synced = true
		z := s.scn.Route53.Zones[ch.zone]
		for _, a := range ch.sets {
			at := slices.IndexFunc(z.Records, func(x RecordSet) bool { return canonicalName(x.Name) == a.set.Name && x.Type == a.set.Type })
			switch {
			case a.action == "DELETE":
				z.Records = slices.Delete(z.Records, at, at+1)
			case at >= 0:
				z.Records[at] = a.set
			default:
				z.Records = append(z.Records, a.set)
			}
		}
	}
	writeR53(w, "GetChangeResponse", changeInfoXML(ch, ""))
}

func changeInfoXML(ch *r53Change, comment string) string {
	status := "PENDING"
	if ch.synced {
		status = "INSYNC"
	}
	return "<ChangeInfo>" + el("Id", "/change/"+ch.id) + el("Status", status) + el("SubmittedAt", xmlTime(ch.submitted)) + el("Comment", comment) + "</ChangeInfo>"
}

// Resolve answers what a recursive resolver would for name, from the
// account's view of DNS: a record of a hosted zone (its records from
// INSYNC on; a CNAME gives its target, an alias the addresses of its
// target), or a load balancer's DNS name (an internal one resolves to
// private addresses, an internet-facing one to public ones). ok false is
// NXDOMAIN. It is the record source of a DNS double.
func (s *Server) Resolve(name string) (cname string, addrs []string, ok bool) {
	name = canonicalName(name)
	s.mu.Lock()
	var found *RecordSet
	for _, id := range sortedZoneIDs(s.scn.Route53.Zones) {
		for i, rs := range s.scn.Route53.Zones[id].Records {
			if canonicalName(rs.Name) == name && (rs.Type == "CNAME" || rs.Type == "A") && found == nil {
				found = &s.scn.Route53.Zones[id].Records[i]
			}
		}
	}
	var rs RecordSet
	if found != nil {
		rs = *found
	}
	lbs := make(map[string]LoadBalancer, len(s.scn.LoadBalancers))
	for k, v := range s.scn.LoadBalancers {
		lbs[k] = v
	}
	s.mu.Unlock()
	switch {
	case found != nil && rs.Alias != nil:
		_, a, ok := s.Resolve(rs.Alias.DNSName)
		return "", a, ok
	case found != nil && rs.Type == "CNAME" && len(rs.Values) > 0:
		return canonicalName(rs.Values[0]), nil, true
	case found != nil:
		return "", rs.Values, true
	}
	for arn, lb := range lbs {
		if canonicalName(s.lbDNSName(arn, lb)) != name {
			continue
		}
		if lb.Scheme == "internal" {
			return "", []string{"10.0.1.20", "10.0.2.20"}, true
		}
		return "", []string{"203.0.113.20", "203.0.113.21"}, true
	}
	return "", nil, false
}

func sortedZoneIDs(m map[string]*HostedZone) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}

func canonicalName(n string) string { return strings.TrimSuffix(strings.ToLower(n), ".") }

func fqdn(n string) string {
	if n == "" || strings.HasSuffix(n, ".") {
		return n
	}
	return n + "."
}

func writeR53(w http.ResponseWriter, root, body string) {
	w.Header().Set("Content-Type", "text/xml")
	w.Header().Set("X-Amzn-RequestId", "00000000-0000-4000-8000-000000000000")
	fmt.Fprintf(w, `<?xml version="1.0"?><%s xmlns="%s">%s</%s>`, root, route53NS, body, root)
}

func writeR53Error(w http.ResponseWriter, status int, code, msg string) {
	wire.QueryError(w, route53NS, status, code, msg, requestID)
}
