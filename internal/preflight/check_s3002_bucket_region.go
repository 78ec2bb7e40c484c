package preflight

import (
	"fmt"

	"github.com/quiltdata/quilt-private-endpoints/internal/awserr"
	"github.com/quiltdata/quilt-private-endpoints/internal/finding"
)

func checkBucketRegion() finding.Check[*inventory] {
	c := finding.Check[*inventory]{Rule: finding.Rule{
		ID:       "QPE-S3-002",
		Severity: finding.Error,
		Title:    "the buckets' Region",
		Meaning:  "A bucket is in another Region than the stack (or does not exist): an S3 gateway endpoint reaches only buckets of its own Region.",
		Remedy:   "Use buckets in the stack's Region, or deploy the stack in the buckets' Region.",
	}, Needs: names(itemBuckets)}
	c.Run = func(inv *inventory) []finding.Finding {
		var fs []finding.Finding
		access := checkAWSAccess()
		for _, b := range inv.in.Buckets {
			info := inv.buckets[b]
			switch {
			case info.denied:
				// QPE-S3-005 warns about it.
			case info.err != nil:
				fs = append(fs, access.New("s3://"+b, inv.bucketRemedy(b, info.err),
					"could not check the Region of bucket %s: %s", b, errText(info.err, inv.in.Timeout)))
			case info.notFound:
				fs = append(fs, c.New("s3://"+b, "check the bucket name, or create the bucket in "+inv.in.Region,
					"bucket %s does not exist (NoSuchBucket)", b))
			case info.region != inv.in.Region:
				fs = append(fs, c.New("s3://"+b,
					fmt.Sprintf("use a bucket in %s (the stack's Region), or deploy the stack in %s", inv.in.Region, info.region),
					"bucket %s is in %s, not in the stack's Region %s: the S3 gateway endpoint cannot reach it", b, info.region, inv.in.Region))
			}
		}
		return fs
	}
	return c
}

// bucketRemedy says what to do when S3 would not say where a bucket is.
func (inv *inventory) bucketRemedy(bucket string, err error) string {
	return awserr.Remedy(err, awserr.Remedies{
		Deadline: "S3 did not answer before the deadline: check network access to the S3 endpoint and " + inv.rerunLonger(),
		Denied:   "allow s3:GetBucketLocation (or s3:ListBucket for HeadBucket) on arn:aws:s3:::" + bucket + " to " + inv.who() + ", then " + inv.rerun(),
		Default:  "check that aws s3api get-bucket-location --bucket " + bucket + " works for " + inv.whoShort() + ", then " + inv.rerun(),
	})
}
