package policy

import "testing"

// BenchmarkEvaluate measures one evaluation of a perimeter SCP of the
// generated shape (3 operators, 4 keys, 20 VPCs and 20 ranges).
func BenchmarkEvaluate(b *testing.B) {
	doc := `{"Version":"2012-10-17","Statement":[{"Sid":"QuiltS3NetworkPerimeter","Effect":"Deny","Action":"s3:*",
	"Resource":["arn:aws:s3:::quilt*","arn:aws:s3:::quilt*/*"],"Condition":{
	"BoolIfExists":{"aws:ViaAWSService":"false"},
	"NotIpAddressIfExists":{"aws:SourceIp":["192.0.2.0/24","198.51.100.0/24","203.0.113.0/24","10.0.0.0/8","10.1.0.0/16","10.2.0.0/16","10.3.0.0/16","10.4.0.0/16","10.5.0.0/16","10.6.0.0/16","10.7.0.0/16","10.8.0.0/16","10.9.0.0/16","10.10.0.0/16","10.11.0.0/16","10.12.0.0/16","10.13.0.0/16","10.14.0.0/16","10.15.0.0/16","2001:db8::/32"]},
	"StringNotEqualsIfExists":{"aws:PrincipalTag/NetworkRestrictedExempt":"true","aws:SourceVpc":["vpc-01","vpc-02","vpc-03","vpc-04","vpc-05","vpc-06","vpc-07","vpc-08","vpc-09","vpc-10","vpc-11","vpc-12","vpc-13","vpc-14","vpc-15","vpc-16","vpc-17","vpc-18","vpc-19","vpc-20"]}}}]}`
	p, err := Parse([]byte(doc))
	if err != nil {
		b.Fatal(err)
	}
	req := Request{Action: "s3:GetObject", Resource: "arn:aws:s3:::quilt-data/some/key", Principal: "arn:aws:sts::111122223333:assumed-role/r/s",
		Context: map[string][]string{"aws:SourceIp": {"172.16.0.1"}, "aws:ViaAWSService": {"false"}}}
	b.ReportAllocs()
	for b.Loop() {
		res, err := Evaluate(p, req)
		if err != nil || res.Decision != Denied {
			b.Fatalf("%v %v", res.Decision, err)
		}
	}
}
