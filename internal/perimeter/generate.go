package perimeter

import (
	"bytes"
	"encoding/json"
	"fmt"
)

// Document is a generated policy. It marshals deterministically: fields in
// IAM's usual order, condition operators and keys sorted.
type Document struct {
	Version   string      `json:"Version"`
	Statement []Statement `json:"Statement"`
}

// Statement is one generated statement.
type Statement struct {
	Sid       string                       `json:"Sid"`
	Effect    string                       `json:"Effect"`
	Principal any                          `json:"Principal,omitempty"`
	Action    Values                       `json:"Action,omitempty"`
	NotAction Values                       `json:"NotAction,omitempty"`
	Resource  Values                       `json:"Resource"`
	Condition map[string]map[string]Values `json:"Condition,omitempty"`
}

// Values is a policy value list: one value marshals as a string (as AWS's
// examples write it, and shorter), several as an array.
type Values []string

// MarshalJSON writes one value as a string, several as an array.
func (v Values) MarshalJSON() ([]byte, error) {
	if len(v) == 1 {
		return marshal(v[0])
	}
	return marshal([]string(v))
}

// Statement IDs of the generated policies.
const (
	SidS3     = "QuiltS3NetworkPerimeter"
	SidAll    = "EnforceNetworkPerimeterSourceVPC"
	SidBucket = "QuiltBucketNetworkPerimeter"
	// SidBucketExempt limits the exempt tag to the bucket owner's account
	// (or the organization given): a principal of an account the bucket is
	// shared with cannot exempt itself by tagging its own role.
	SidBucketExempt = "QuiltBucketExemptTagOwnerOnly"
	exemptTrue      = "true"
)

// ExemptedDataPlaneActions are the actions AWS's reference SCP
// (EnforceNetworkPerimeterSourceVPC) leaves out of the network perimeter:
// data-plane calls that do not carry the network keys the perimeter tests.
func ExemptedDataPlaneActions() []string {
	return []string{
		"es:ES*",
		"dax:GetItem", "dax:BatchGetItem", "dax:Query", "dax:Scan", "dax:PutItem",
		"dax:UpdateItem", "dax:DeleteItem", "dax:BatchWriteItem", "dax:ConditionCheckItem",
		"neptune-db:*",
		"kafka-cluster:*",
		"elasticfilesystem:client*",
		"rds-db:connect",
	}
}

// networkConditions are the conditions every generated perimeter shares:
// the request is denied unless it comes from a trusted VPC, a trusted IP
// range, a principal with the exempt tag, or an AWS service on the caller's
// behalf.
func (s *Spec) networkConditions() map[string]map[string]Values {
	c := map[string]map[string]Values{
		"BoolIfExists": {"aws:ViaAWSService": {"false"}},
		"StringNotEqualsIfExists": {
			"aws:PrincipalTag/" + s.ExemptTag: {exemptTrue},
			"aws:SourceVpc":                   s.VPCs,
		},
	}
	if len(s.Prefixes) > 0 {
		c["NotIpAddressIfExists"] = map[string]Values{"aws:SourceIp": s.Prefixes}
	}
	return c
}

// BucketARNs returns the bucket and object ARN patterns for a bucket name
// or name pattern.
func (s *Spec) BucketARNs(bucket string) Values {
	base := fmt.Sprintf("arn:%s:s3:::%s", s.Partition, bucket)
	return Values{base, base + "/*"}
}

// SCP returns the service control policy.
func (s *Spec) SCP() *Document {
	st := Statement{Sid: s.SCPSid(), Effect: "Deny", Condition: s.networkConditions()}
	switch s.Scope {
	case ScopeAll:
		st.NotAction = ExemptedDataPlaneActions()
		st.Resource = Values{"*"}
		// AWS's reference exempts the EC2 infrastructure role that EBS
		// uses to call KMS on the account's behalf.
		st.Condition["ArnNotLikeIfExists"] = map[string]Values{
			"aws:PrincipalArn": {fmt.Sprintf("arn:%s:iam::*:role/aws:ec2-infrastructure", s.Partition)},
		}
	default:
		st.Action = Values{"s3:*"}
		st.Resource = s.BucketARNs(s.BucketPrefix + "*")
	}
	return &Document{Version: "2012-10-17", Statement: []Statement{st}}
}

// BucketPolicy returns the bucket policy for one test bucket: the same
// network conditions with Principal "*", plus the aws:PrincipalIsAWSService
// exemption (service principals such as S3 server access logging or
// CloudTrail write with their own identity; SCPs never apply to them, a
// bucket policy does).
func (s *Spec) BucketPolicy(bucket string) (*Document, error) {
	if !isBucketName(bucket) {
		return nil, fmt.Errorf("--bucket %q is not an S3 bucket name (3-63 lowercase letters, digits, dots and hyphens)", bucket)
	}
	c := s.networkConditions()
	c["BoolIfExists"]["aws:PrincipalIsAWSService"] = Values{"false"}
	// The same perimeter without the tag exemption, for principals outside
	// the owner's account (or organization): the tag exempts only insiders.
	o := s.networkConditions()
	o["BoolIfExists"]["aws:PrincipalIsAWSService"] = Values{"false"}
	delete(o["StringNotEqualsIfExists"], "aws:PrincipalTag/"+s.ExemptTag)
	if s.ExemptOrgID != "" {
		o["StringNotEqualsIfExists"]["aws:PrincipalOrgID"] = Values{s.ExemptOrgID}
	} else {
		o["StringNotEquals"] = map[string]Values{"aws:ResourceAccount": {"${aws:PrincipalAccount}"}}
	}
	return &Document{Version: "2012-10-17", Statement: []Statement{{
		Sid:       SidBucket,
		Effect:    "Deny",
		Principal: "*",
		Action:    Values{"s3:*"},
		Resource:  s.BucketARNs(bucket),
		Condition: c,
	}, {
		Sid:       SidBucketExempt,
		Effect:    "Deny",
		Principal: "*",
		Action:    Values{"s3:*"},
		Resource:  s.BucketARNs(bucket),
		Condition: o,
	}}}, nil
}

func isBucketName(b string) bool {
	if len(b) < 3 || len(b) > 63 || !isBucketPrefix(b) {
		return false
	}
	last := b[len(b)-1]
	return last != '-' && last != '.'
}

// Render returns the policy text: minified (what the size limit counts when
// the text is submitted through the API or CLI) or indented by two spaces.
func Render(d *Document, indent bool) ([]byte, error) {
	b, err := marshal(d)
	if err != nil {
		return nil, err
	}
	if !indent {
		return b, nil
	}
	var out bytes.Buffer
	if err := json.Indent(&out, b, "", "  "); err != nil {
		return nil, err
	}
	return out.Bytes(), nil
}

// CheckSCPSize returns an error when the policy text is over the SCP limit.
// AWS Organizations counts every character of the content as submitted
// through the API or CLI, white space included (only the console strips
// white space first), so the text is measured exactly as it will be sent.
func CheckSCPSize(text []byte) error {
	if n := len(text); n > SCPMaxChars {
		return fmt.Errorf("the SCP is %s characters, %s over the %s-character limit of AWS Organizations; list fewer VPCs or IP ranges (adjacent ranges are already merged: only wider blocks can shrink it further); do not split the list across two SCPs: each Deny would deny the other's VPCs and ranges",
			Thousands(n), Thousands(n-SCPMaxChars), Thousands(SCPMaxChars))
	}
	return nil
}

// BucketPolicyMaxBytes is S3's limit on the size of a bucket policy.
const BucketPolicyMaxBytes = 20 * 1024

// CheckBucketPolicySize returns an error when the bucket policy text is
// over S3's 20 KB limit.
func CheckBucketPolicySize(text []byte) error {
	if n := len(text); n > BucketPolicyMaxBytes {
		return fmt.Errorf("the bucket policy is %s bytes, %s over S3's %s-byte limit; list fewer VPCs or IP ranges",
			Thousands(n), Thousands(n-BucketPolicyMaxBytes), Thousands(BucketPolicyMaxBytes))
	}
	return nil
}

func marshal(v any) ([]byte, error) {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return bytes.TrimSuffix(b.Bytes(), []byte("\n")), nil
}

// Thousands formats 5120 as 5,120.
func Thousands(n int) string {
	s := fmt.Sprint(n)
	if n < 0 {
		return "-" + Thousands(-n)
	}
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return s
}
