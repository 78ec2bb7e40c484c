package preflight

import (
	"github.com/quiltdata/quilt-private-endpoints/internal/finding"
)

func checkBucketDenied() finding.Check[*inventory] {
	c := finding.Check[*inventory]{Rule: finding.Rule{
		ID:       "QPE-S3-005",
		Severity: finding.Warning,
		Title:    "buckets whose Region cannot be read",
		Meaning:  "S3 refused both GetBucketLocation and HeadBucket for a bucket: it is likely another account's (an organisation's CloudTrail bucket, say), read by AWS services rather than through the S3 gateway endpoint. Its Region is not checked.",
		Remedy:   "Leave the bucket out of the buckets to check when the stack's code does not read it through the gateway endpoint; else allow s3:GetBucketLocation on it and run again.",
	}, Needs: names(itemBuckets)}
	c.Run = func(inv *inventory) []finding.Finding {
		var fs []finding.Finding
		for _, b := range inv.in.Buckets {
			if !inv.buckets[b].denied {
				continue
			}
			fs = append(fs, c.New("s3://"+b,
				"if the stack's code reads s3://"+b+" through the S3 gateway endpoint, allow s3:GetBucketLocation on arn:aws:s3:::"+b+" to "+inv.who()+" and "+inv.rerun()+"; otherwise leave it out of the buckets to check",
				"could not read the Region of bucket %s: S3 denied GetBucketLocation and HeadBucket, so it is likely another account's bucket (such as an organisation's CloudTrail bucket, read by CloudTrail and Athena, not through the gateway endpoint); not checked", b))
		}
		return fs
	}
	return c
}
