package perimeter

import (
	"fmt"
	"net/netip"
	"strings"

	"github.com/quiltdata/quilt-private-endpoints/internal/perimeter/policy"
)

// PlanRow is one request to try on the test bucket, with the decision the
// generated bucket policy and SCP give it.
type PlanRow struct {
	Name    string         // e.g. "from vpc-0123456789abcdef0"
	How     string         // where to run the request from
	Request policy.Request // what the evaluator was given
	// Bucket is the bucket policy's verdict.
	Bucket policy.Result
	// SCP is the SCP's verdict; nil when SCPs do not apply to the caller
	// (AWS service principals).
	SCP     *policy.Result
	SCPNote string
}

// TestObjectKey is the object the plan reads.
const TestObjectKey = "perimeter-test.txt"

// Plan returns the requests that prove the perimeter on the test bucket:
// from each trusted VPC, from an untrusted VPC, from each trusted range,
// with the exempt tag (true and false), via an AWS service, as an AWS
// service principal, from elsewhere, and through each NAT address (natIPs;
// an example address when none is known). Each expected decision is
// computed by evaluating the generated policy texts.
func (s *Spec) Plan(bucket string, natIPs []string) ([]PlanRow, error) {
	bp, err := s.BucketPolicy(bucket)
	if err != nil {
		return nil, err
	}
	bucketPolicy, err := parseDocument(bp)
	if err != nil {
		return nil, err
	}
	scp, err := parseDocument(s.SCP())
	if err != nil {
		return nil, err
	}
	session, role := s.stackPrincipal()
	tester := strings.Replace(session, exampleRole, "perimeter-tester", 1)
	testerRole := strings.Replace(role, exampleRole, "perimeter-tester", 1)
	object := fmt.Sprintf("arn:%s:s3:::%s/%s", s.Partition, bucket, TestObjectKey)
	bucketARN := fmt.Sprintf("arn:%s:s3:::%s", s.Partition, bucket)
	get := fmt.Sprintf("aws s3api get-object --bucket %s --key %s /dev/null", bucket, TestObjectKey)
	list := fmt.Sprintf("aws s3api list-objects-v2 --bucket %s --max-keys 1", bucket)

	type row struct {
		name, how, action, resource, principal string
		ctx                                    map[string][]string
		service                                bool
	}
	base := func(extra map[string][]string) map[string][]string {
		m := s.exampleContext()
		m["aws:PrincipalArn"] = []string{testerRole}
		for k, v := range extra {
			m[k] = v
		}
		return m
	}
	var rows []row
	for _, v := range s.VPCs {
		rows = append(rows, row{
			name: "from " + v + " (through its S3 endpoint)", how: "in " + v + ": " + get,
			action: "s3:GetObject", resource: object, principal: tester,
			ctx: base(map[string][]string{"aws:SourceVpc": {v}, "aws:VpcSourceIp": {exampleVPCIP}}),
		})
	}
	rows = append(rows, row{
		name: "from a VPC not in the list (" + exampleOtherVPC + ")", how: "in another VPC with an S3 endpoint: " + get,
		action: "s3:GetObject", resource: object, principal: tester,
		ctx: base(map[string][]string{"aws:SourceVpc": {exampleOtherVPC}, "aws:VpcSourceIp": {exampleVPCIP}}),
	})
	nat := map[string]bool{}
	for _, p := range s.NATPrefixes {
		nat[p] = true
	}
	for _, p := range s.Prefixes {
		if nat[p] {
			continue
		}
		ip := firstHost(p)
		rows = append(rows, row{
			name: "from the trusted range " + p + " (" + ip + ")", how: "from a machine in " + p + ": " + get,
			action: "s3:GetObject", resource: object, principal: tester,
			ctx: base(map[string][]string{"aws:SourceIp": {ip}}),
		})
	}
	tag := "aws:PrincipalTag/" + s.ExemptTag
	rows = append(rows,
		row{
			name: "with the exempt tag " + s.ExemptTag + "=true, from elsewhere", how: "as a role tagged " + s.ExemptTag + "=true, outside the VPCs and ranges: " + get,
			action: "s3:GetObject", resource: object, principal: tester,
			ctx: base(map[string][]string{"aws:SourceIp": {ExampleOutsideIP}, tag: {"true"}}),
		},
		row{
			name:   "with the exempt tag " + s.ExemptTag + "=true, from account " + exampleOtherAccount + " (outside the owner's), from elsewhere",
			how:    "as a role of another account the bucket is shared with, tagged " + s.ExemptTag + "=true, outside the VPCs and ranges: " + get,
			action: "s3:GetObject", resource: object, principal: strings.Replace(tester, ExampleAccount, exampleOtherAccount, 1),
			ctx: func() map[string][]string {
				m := base(map[string][]string{"aws:SourceIp": {ExampleOutsideIP}, tag: {"true"},
					"aws:PrincipalArn":     {strings.Replace(testerRole, ExampleAccount, exampleOtherAccount, 1)},
					"aws:PrincipalAccount": {exampleOtherAccount}})
				delete(m, "aws:PrincipalOrgID")
				return m
			}(),
		},
		row{
			name: "with the exempt tag " + s.ExemptTag + "=false, from elsewhere", how: "as a role tagged " + s.ExemptTag + "=false, outside the VPCs and ranges: " + get,
			action: "s3:GetObject", resource: object, principal: tester,
			ctx: base(map[string][]string{"aws:SourceIp": {ExampleOutsideIP}, tag: {"false"}}),
		},
		row{
			name: "via an AWS service on the caller's behalf (e.g. Athena)", how: "run an Athena query over the bucket from outside the VPCs",
			action: "s3:GetObject", resource: object, principal: tester,
			ctx: base(map[string][]string{"aws:ViaAWSService": {"true"}, "aws:CalledVia": {"athena.amazonaws.com"}}),
		},
		row{
			name: "as an AWS service principal (S3 server access logging)", how: "enable server access logging on another bucket with this one as the target (prefix logs/), then wait for a log object",
			action: "s3:PutObject", resource: fmt.Sprintf("arn:%s:s3:::%s/logs/example", s.Partition, bucket), principal: "logging.s3.amazonaws.com",
			ctx:     map[string][]string{"aws:PrincipalIsAWSService": {"true"}, "aws:ViaAWSService": {"false"}, "aws:PrincipalServiceName": {"logging.s3.amazonaws.com"}},
			service: true,
		},
		row{
			name: "from elsewhere (" + ExampleOutsideIP + ", no tag)", how: "from a laptop outside the VPCs and ranges: " + get,
			action: "s3:GetObject", resource: object, principal: tester,
			ctx: base(map[string][]string{"aws:SourceIp": {ExampleOutsideIP}}),
		},
		row{
			name: "list the bucket from elsewhere (" + ExampleOutsideIP + ")", how: "from a laptop outside the VPCs and ranges: " + list,
			action: "s3:ListBucket", resource: bucketARN, principal: tester,
			ctx: base(map[string][]string{"aws:SourceIp": {ExampleOutsideIP}}),
		},
	)
	nats := natIPs
	example := false
	if len(nats) == 0 {
		nats, example = []string{ExampleNATIP}, true
	}
	for _, ip := range nats {
		name := "through the NAT gateway " + ip
		if example {
			name = "through a NAT gateway (example address " + ip + ")"
		}
		rows = append(rows, row{
			name: name, how: "from a private subnet whose default route is the NAT, with the test bucket in another Region than the VPC (its S3 gateway endpoint then does not apply): " + get,
			action: "s3:GetObject", resource: object, principal: tester,
			ctx: base(map[string][]string{"aws:SourceIp": {ip}}),
		})
	}

	out := make([]PlanRow, 0, len(rows))
	for _, r := range rows {
		req := policy.Request{Action: r.action, Resource: r.resource, Principal: r.principal, Context: r.ctx}
		pr := PlanRow{Name: r.name, How: r.how, Request: req}
		if pr.Bucket, err = policy.Evaluate(bucketPolicy, req); err != nil {
			return nil, fmt.Errorf("plan %q: bucket policy: %w", r.name, err)
		}
		if r.service {
			pr.SCPNote = "SCPs never apply to AWS service principals"
		} else {
			res, err := policy.Evaluate(scp, req)
			if err != nil {
				return nil, fmt.Errorf("plan %q: SCP: %w", r.name, err)
			}
			pr.SCP = &res
		}
		out = append(out, pr)
	}
	return out, nil
}

// parseDocument renders a generated document and parses the text back, so
// that evaluations see exactly what would be submitted.
func parseDocument(d *Document) (*policy.Policy, error) {
	text, err := Render(d, false)
	if err != nil {
		return nil, err
	}
	return policy.Parse(text)
}

// firstHost returns a representative address inside the prefix: the first
// host of a wider block, the address itself for a /32 or /128.
func firstHost(prefix string) string {
	p, err := netip.ParsePrefix(prefix)
	if err != nil {
		return prefix
	}
	a := p.Addr()
	if p.Bits() < a.BitLen() {
		a = a.Next()
	}
	return a.String()
}
